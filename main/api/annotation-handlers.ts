// API handlers for annotation sets: creating them, saving and reading masks, export and import, renaming, deleting.
import type { AnnotationSets } from '../annotate/annotation-sets.js';
import { exportMasks } from '../annotate/export-masks.js';
import { importMasks } from '../annotate/import-masks.js';
import type { Handlers } from './router.js';

type AnnotationMethods = Pick<
  Handlers,
  'annotations.list' | 'annotations.get' | 'annotations.masks' | 'annotations.create' | 'annotations.save' | 'annotations.revert' | 'annotations.agreement' | 'annotations.export' | 'annotations.importMasks' | 'annotations.rename' | 'annotations.delete'
>;

export function annotationHandlers(annotations: AnnotationSets): AnnotationMethods {
  return {
    'annotations.list': ({ datasetId }) => annotations.list(datasetId),
    'annotations.get': ({ id }) => annotations.get(id),
    'annotations.masks': ({ id, indices }) => annotations.masks(id, indices),
    'annotations.create': (request) => annotations.create(request),
    'annotations.save': ({ id, index, mask }) => annotations.save(id, index, mask),
    'annotations.revert': ({ id, index }) => annotations.revert(id, index),
    'annotations.agreement': ({ id, with: other, label }) => annotations.agreement(id, other, label),
    'annotations.export': (request) => exportMasks(annotations, request),
    'annotations.importMasks': ({ id, folder }) => importMasks(annotations, id, folder, annotations.imageSize(id)),
    'annotations.rename': ({ id, name }) => annotations.rename(id, name),
    'annotations.delete': ({ id }) => {
      annotations.delete(id);
      return { deleted: id };
    },
  };
}

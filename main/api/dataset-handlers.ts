// API handlers for datasets: generation jobs, fast reads of images, masks and parameters.
import type { AnnotationSets } from '../annotate/annotation-sets.js';
import type { DatasetsService } from '../data/datasets-service.js';
import { inspectImport } from '../data/import/index.js';
import type { JobService } from '../jobs/job-service.js';
import type { Handlers } from './router.js';

type DatasetMethods = Pick<
  Handlers,
  | 'datasets.list'
  | 'datasets.get'
  | 'datasets.generate'
  | 'datasets.preview'
  | 'datasets.inspect'
  | 'datasets.import'
  | 'datasets.rename'
  | 'datasets.delete'
  | 'datasets.index'
  | 'datasets.images'
  | 'datasets.masks'
  | 'datasets.items'
>;

export function datasetHandlers(datasets: DatasetsService, annotations: AnnotationSets, jobs: JobService): DatasetMethods {
  return {
    'datasets.list': () => datasets.list(),
    'datasets.get': ({ id }) => datasets.get(id),
    'datasets.generate': (request) => jobs.submit('datasets.generate', request),
    'datasets.preview': (request) => datasets.preview(request),
    'datasets.inspect': ({ path, shape }) => inspectImport(path, shape),
    'datasets.import': (options) => jobs.submit('datasets.import', options),
    'datasets.rename': ({ id, name }) => datasets.rename(id, name),
    'datasets.delete': ({ id }) => {
      annotations.forget(id);
      datasets.delete(id);
      return { deleted: id };
    },
    'datasets.index': ({ id }) => datasets.index(id),
    'datasets.images': ({ id, indices }) => datasets.images(id, indices),
    'datasets.masks': ({ id, kind, indices, options }) => datasets.masks(id, kind, indices, options),
    'datasets.items': ({ id, indices }) => datasets.items(id, indices),
  };
}

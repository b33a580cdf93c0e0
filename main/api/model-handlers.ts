// API handlers for models: training jobs, the catalogue, ONNX export, misclassified images.
import type { DatasetsService } from '../data/datasets-service.js';
import { inspectOnnx } from '../onnx/import/inspect.js';
import { readLabelsFile } from '../onnx/import/labels.js';
import { planImport } from '../onnx/import/plan.js';
import { readOnnxSource } from '../onnx/import/source.js';
import type { JobService } from '../jobs/job-service.js';
import { checkArchitecture } from '../train/architectures.js';
import type { ModelsService } from '../train/models-service.js';
import type { Handlers } from './router.js';

type ModelMethods = Pick<
  Handlers,
  'models.train' | 'models.list' | 'models.get' | 'models.rename' | 'models.delete' | 'models.export' | 'models.misclassified' | 'models.inspectOnnx' | 'models.import'
>;

export function modelHandlers(models: ModelsService, datasets: DatasetsService, jobs: JobService): ModelMethods {
  return {
    'models.train': (request) => {
      const dataset = datasets.ref(request.datasetId);
      // An impossible architecture is a bad request now, not a failed job later.
      checkArchitecture(request.architecture, dataset.classNames.length, dataset);
      return jobs.submit('models.train', { ...request, dataset });
    },
    'models.list': () => models.list(),
    'models.get': ({ id }) => models.get(id),
    'models.rename': ({ id, name }) => models.rename(id, name),
    'models.delete': ({ id }) => {
      models.delete(id);
      return { deleted: id };
    },
    'models.export': ({ id, folder }) => models.exportOnnx(id, folder),
    'models.misclassified': ({ id }) => models.misclassified(id),
    'models.inspectOnnx': ({ path, datasetId }) => inspectOnnx(path, datasetId === undefined ? datasets.list() : [datasets.get(datasetId)]),
    'models.import': ({ labelsFile, ...request }) => {
      const dataset = request.testDatasetId === undefined ? null : datasets.ref(request.testDatasetId);
      const classNames = labelsFile === undefined ? request.classNames : readLabelsFile(labelsFile);
      const params = { ...request, classNames, dataset };
      // A file or choice that cannot be imported is a bad request now, not a failed job later;
      // the job checks again on the file it reads.
      planImport(readOnnxSource(request.path).ir, params, dataset);
      return jobs.submit('models.import', params);
    },
  };
}

// API handlers for explanations: the method registry, explanation jobs, and the runs they record.
import type { DatasetsService } from '../data/datasets-service.js';
import type { ExplanationsService } from '../explain/explanations-service.js';
import { explainMethods, methodInfo } from '../explain/methods.js';
import type { Job } from '../../shared/jobs.js';
import type { JobService } from '../jobs/job-service.js';
import type { Handlers } from './router.js';

type ExplanationMethods = Pick<
  Handlers,
  'explain.methods' | 'explain.start' | 'explain.compare' | 'explanations.list' | 'explanations.get' | 'explanations.heatmaps' | 'explanations.gridIndex' | 'explanations.gridRows' | 'explanations.rename' | 'explanations.delete'
>;

export function explanationHandlers(explanations: ExplanationsService, datasets: DatasetsService, jobs: JobService): ExplanationMethods {
  return {
    'explain.methods': () => explainMethods.map(methodInfo),
    'explain.start': (request) => jobs.submit('explain.run', explanations.prepare(request)),
    'explain.compare': (request) => {
      const submitted: Job[] = [];
      try {
        for (const params of explanations.prepareForModels(request)) submitted.push(jobs.submit('explain.run', params));
      } catch (err) {
        // All or none: the jobs queued before a failure are cancelled.
        for (const job of submitted) jobs.cancel(job.id, false);
        throw err;
      }
      return submitted;
    },
    'explanations.list': (filter) => explanations.list(filter),
    'explanations.get': ({ id }) => explanations.get(id),
    'explanations.heatmaps': ({ id, rows }) => explanations.heatmaps(id, rows),
    'explanations.gridIndex': ({ ids }) => {
      const { first, indices, logits } = explanations.gridIndex(ids);
      return { indices, logits, labels: datasets.labels(first.datasetId, Array.from(indices)) };
    },
    'explanations.gridRows': ({ ids, rows }) => {
      const batches = explanations.heatmapsMany(ids, rows);
      const indices = Array.from(batches[0]!.indices);
      const datasetId = explanations.get(ids[0]!).datasetId;
      return { batches, images: datasets.images(datasetId, indices), labels: datasets.labels(datasetId, indices) };
    },
    'explanations.rename': ({ id, name }) => explanations.rename(id, name),
    'explanations.delete': ({ id }) => {
      explanations.delete(id);
      return { deleted: id };
    },
  };
}

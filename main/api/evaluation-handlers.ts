// API handlers for evaluations: the metric registry, evaluation jobs, and the results they record.
import type { EvaluationsService } from '../evaluate/evaluations-service.js';
import { metricInfo } from '../evaluate/metric-catalogue.js';
import { metrics } from '../evaluate/registry.js';
import type { JobService } from '../jobs/job-service.js';
import type { Handlers } from './router.js';

type EvaluationMethods = Pick<
  Handlers,
  'evaluate.metrics' | 'evaluate.start' | 'evaluations.list' | 'evaluations.get' | 'evaluations.scores' | 'evaluations.curves' | 'evaluations.compare' | 'evaluations.rename' | 'evaluations.delete'
>;

export function evaluationHandlers(evaluations: EvaluationsService, jobs: JobService): EvaluationMethods {
  return {
    'evaluate.metrics': () => metrics.map(metricInfo),
    'evaluate.start': (request) => {
      const params = evaluations.prepare(request);
      try {
        return jobs.submit('evaluate.run', params);
      } catch (err) {
        evaluations.forgetJob(params);
        throw err;
      }
    },
    'evaluations.list': (filter) => evaluations.list(filter),
    'evaluations.get': ({ id }) => evaluations.get(id),
    'evaluations.scores': ({ id }) => evaluations.scores(id),
    'evaluations.curves': ({ id, metric }) => evaluations.curves(id, metric),
    'evaluations.compare': ({ ids }) => evaluations.compare(ids),
    'evaluations.rename': ({ id, name }) => evaluations.rename(id, name),
    'evaluations.delete': ({ id }) => {
      evaluations.delete(id);
      return { deleted: id };
    },
  };
}

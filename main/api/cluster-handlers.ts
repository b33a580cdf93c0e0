// API handlers for the cluster: its settings, and explanation and evaluation jobs run on Slurm.
import type { ClusterService } from '../cluster/cluster-service.js';
import type { EvaluationsService } from '../evaluate/evaluations-service.js';
import type { ExplanationsService } from '../explain/explanations-service.js';
import type { JobService } from '../jobs/job-service.js';
import type { Handlers } from './router.js';

type ClusterMethods = Pick<Handlers, 'cluster.settings' | 'cluster.saveSettings' | 'cluster.explain' | 'cluster.evaluate'>;

export function clusterHandlers(cluster: ClusterService, explanations: ExplanationsService, evaluations: EvaluationsService, jobs: JobService): ClusterMethods {
  return {
    'cluster.settings': () => cluster.view(),
    'cluster.saveSettings': (changes) => cluster.save(changes),
    'cluster.explain': ({ shards, ...request }) => {
      cluster.requireAvailable();
      return jobs.submit('cluster.explain', cluster.explainParams(explanations.prepare(request), shards));
    },
    'cluster.evaluate': ({ shards, ...request }) => {
      // Before the masks are written: nothing is left behind when Slurm cannot be used.
      cluster.requireAvailable();
      const work = evaluations.prepare(request);
      try {
        return jobs.submit('cluster.evaluate', cluster.evaluateParams(work, shards));
      } catch (err) {
        evaluations.forgetJob(work);
        throw err;
      }
    },
  };
}

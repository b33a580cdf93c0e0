// Where each catalogue entity and each job has its own page: the Catalogue never ends in a dead end.
import type { CatalogueRef } from '../../../shared/catalogue.js';
import type { Job } from '../../../shared/jobs.js';
import { annotateHref } from '../annotate/route.js';
import { dataHref } from '../data-route.js';
import { evaluateHref } from '../evaluate/evaluate-route.js';
import { explainHref } from '../explain-route.js';
import { modelsHref } from '../models-route.js';

export function entityHref(ref: CatalogueRef): string {
  switch (ref.kind) {
    case 'dataset':
      return dataHref({ page: 'dataset', id: ref.id });
    case 'model':
      return modelsHref({ page: 'model', id: ref.id });
    case 'run':
      return explainHref({ page: 'runs', runIds: [ref.id] });
    case 'annotationSet':
      return annotateHref({ page: 'set', id: ref.id, index: 0 });
    case 'evaluation':
      return evaluateHref({ page: 'evaluation', id: ref.id });
  }
}

/** The page that follows a job of this kind (its progress, then its result), or null when it has none. */
export function jobHref(job: Pick<Job, 'id' | 'kind'>): string | null {
  switch (job.kind) {
    case 'models.train':
      return modelsHref({ page: 'job', jobId: job.id });
    case 'explain.run':
      return explainHref({ page: 'job', jobId: job.id });
    case 'evaluate.run':
      return evaluateHref({ page: 'job', jobId: job.id });
    default:
      return null;
  }
}

/** "dataset:3", for keyed lists and sets. */
export const entityKey = (ref: CatalogueRef): string => `${ref.kind}:${ref.id}`;

// The evaluations of the workspace, newest first, refreshed when an evaluation job finishes.
import type { Api } from '../../../shared/api.js';
import type { EvaluationSummary } from '../../../shared/evaluations.js';
import { CatalogueList } from '../catalogue-list.svelte.js';

export class EvaluationsState extends CatalogueList<EvaluationSummary> {
  constructor(api: Api) {
    super(api, () => api['evaluations.list']({}), ['evaluate.run', 'cluster.evaluate']);
  }
}

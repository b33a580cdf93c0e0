// The explanation runs of the workspace, newest first, for the Explain view.
import type { Api } from '../../../shared/api.js';
import type { ExplanationRunSummary } from '../../../shared/explanations.js';
import { CatalogueList } from '../catalogue-list.svelte.js';

export class RunsState extends CatalogueList<ExplanationRunSummary> {
  constructor(api: Api) {
    super(api, () => api['explanations.list']({}), ['explain.run', 'cluster.explain']);
  }
}

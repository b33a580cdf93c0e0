// The models of the workspace for the Models view.
import type { Api } from '../../shared/api.js';
import type { ModelSummary } from '../../shared/models.js';
import { CatalogueList } from './catalogue-list.svelte.js';

export class ModelsState extends CatalogueList<ModelSummary> {
  constructor(api: Api) {
    super(api, () => api['models.list']({}), ['models.train', 'models.import']);
  }
}

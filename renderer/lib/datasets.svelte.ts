// The datasets of the workspace for the Data and Models views.
import type { Api } from '../../shared/api.js';
import type { DatasetSummary } from '../../shared/datasets.js';
import { CatalogueList } from './catalogue-list.svelte.js';

export class DatasetsState extends CatalogueList<DatasetSummary> {
  constructor(api: Api) {
    super(api, () => api['datasets.list']({}), ['datasets.generate', 'datasets.import']);
  }
}

// The datasets of the workspace for the Data view: loaded when first read, refreshed whenever a
// generation or import job finishes.
import { createSubscriber } from 'svelte/reactivity';
import type { Api } from '../../shared/api.js';
import type { DatasetSummary } from '../../shared/datasets.js';
import { errorText, unwrap } from './api.js';

export class DatasetsState {
  #api: Api;
  /** Newest first; replaced on every refresh. */
  #list = $state.raw<DatasetSummary[]>([]);
  #loaded = $state(false);
  loadError = $state<string | null>(null);
  #subscribe: () => void;

  constructor(api: Api) {
    this.#api = api;
    this.#subscribe = createSubscriber((update) => {
      const off = api.on('job.finished', (job) => {
        if (job.kind === 'datasets.generate' || job.kind === 'datasets.import') void this.refresh().then(update);
      });
      void this.refresh().then(update);
      return off;
    });
  }

  get list(): DatasetSummary[] {
    this.#subscribe();
    return this.#list;
  }

  /** False until the first answer (or error) arrives. */
  get loaded(): boolean {
    this.#subscribe();
    return this.#loaded;
  }

  async refresh(): Promise<void> {
    try {
      this.#list = unwrap(await this.#api['datasets.list']({})).toSorted((a, b) => b.id - a.id);
      this.loadError = null;
    } catch (err) {
      this.loadError = errorText(err);
    }
    this.#loaded = true;
  }
}

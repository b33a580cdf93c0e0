// The models of the workspace for the Models view: loaded when first read, refreshed whenever a
// training job finishes.
import { createSubscriber } from 'svelte/reactivity';
import type { Api } from '../../shared/api.js';
import type { ModelSummary } from '../../shared/models.js';
import { errorText, unwrap } from './api.js';

export class ModelsState {
  #api: Api;
  /** Newest first; replaced on every refresh. */
  #list = $state.raw<ModelSummary[]>([]);
  #loaded = $state(false);
  loadError = $state<string | null>(null);
  #subscribe: () => void;

  constructor(api: Api) {
    this.#api = api;
    this.#subscribe = createSubscriber((update) => {
      const off = api.on('job.finished', (job) => {
        if (job.kind === 'models.train') void this.refresh().then(update);
      });
      void this.refresh().then(update);
      return off;
    });
  }

  get list(): ModelSummary[] {
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
      this.#list = unwrap(await this.#api['models.list']({})).toSorted((a, b) => b.id - a.id);
      this.loadError = null;
    } catch (err) {
      this.loadError = errorText(err);
    }
    this.#loaded = true;
  }
}

// One kind of catalogue entity (datasets, models, …) for a view: loaded when first read, newest
// first, refreshed whenever a job that makes such entities finishes.
import { createSubscriber } from 'svelte/reactivity';
import type { Api } from '../../shared/api.js';
import type { Result } from '../../shared/errors.js';
import type { JobKind } from '../../shared/jobs.js';
import { errorText, unwrap } from './api.js';

export class CatalogueList<T extends { id: number }> {
  readonly #fetch: () => Promise<Result<T[]>>;
  /** Newest first; replaced on every refresh. */
  #list = $state.raw<T[]>([]);
  #loaded = $state(false);
  loadError = $state<string | null>(null);
  #subscribe: () => void;

  constructor(api: Api, fetch: () => Promise<Result<T[]>>, madeBy: readonly JobKind[]) {
    this.#fetch = fetch;
    this.#subscribe = createSubscriber((update) => {
      const off = api.on('job.finished', (job) => {
        if (madeBy.includes(job.kind)) void this.refresh().then(update);
      });
      void this.refresh().then(update);
      return off;
    });
  }

  get list(): T[] {
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
      this.#list = unwrap(await this.#fetch()).toSorted((a, b) => b.id - a.id);
      this.loadError = null;
    } catch (err) {
      this.loadError = errorText(err);
    }
    this.#loaded = true;
  }
}

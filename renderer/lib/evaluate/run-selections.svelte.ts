// The image selections of explanation runs (explanations.get), fetched only for the runs of the
// model being evaluated, so runs can be grouped by the images they explain.
import type { Api } from '../../../shared/api.js';
import type { ImageSelection } from '../../../shared/explanations.js';

export class RunSelections {
  readonly #api: Api;
  #known = $state.raw<Record<number, ImageSelection>>({});
  readonly #asked = new Set<number>();
  error = $state<string | null>(null);

  constructor(api: Api) {
    this.#api = api;
  }

  get known(): Record<number, ImageSelection> {
    return this.#known;
  }

  /** Whether every run's selection has arrived. */
  has(ids: readonly number[]): boolean {
    return ids.every((id) => id in this.#known);
  }

  async load(ids: readonly number[]): Promise<void> {
    const missing = ids.filter((id) => !this.#asked.has(id));
    for (const id of missing) this.#asked.add(id);
    const results = await Promise.all(missing.map((id) => this.#api['explanations.get']({ id })));
    const add: Record<number, ImageSelection> = {};
    results.forEach((r, k) => {
      if (r.ok) add[missing[k]!] = r.value.selection;
      else this.error = r.error.message;
    });
    if (Object.keys(add).length > 0) this.#known = { ...this.#known, ...add };
  }
}

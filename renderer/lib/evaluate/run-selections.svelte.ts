// The image selections of explanation runs (explanations.get), fetched only for the runs of the
// model being evaluated, so runs can be grouped by the images they explain.
import type { Api } from '../../../shared/api.js';
import type { ImageSelection } from '../../../shared/explanations.js';

export class RunSelections {
  readonly #api: Api;
  #known = $state.raw<Record<number, ImageSelection>>({});
  /** Runs that could not be read (deleted since the list was made): left out of every group. */
  #missing = $state.raw<ReadonlySet<number>>(new Set());
  readonly #asked = new Set<number>();
  error = $state<string | null>(null);

  constructor(api: Api) {
    this.#api = api;
  }

  get known(): Record<number, ImageSelection> {
    return this.#known;
  }

  /** Whether every run's selection has arrived or failed. */
  has(ids: readonly number[]): boolean {
    return ids.every((id) => id in this.#known || this.#missing.has(id));
  }

  async load(ids: readonly number[]): Promise<void> {
    const asking = ids.filter((id) => !this.#asked.has(id));
    for (const id of asking) this.#asked.add(id);
    const results = await Promise.all(asking.map((id) => this.#api['explanations.get']({ id })));
    const add: Record<number, ImageSelection> = {};
    const failed: number[] = [];
    results.forEach((r, k) => {
      if (r.ok) add[asking[k]!] = r.value.selection;
      else {
        failed.push(asking[k]!);
        this.error = r.error.message;
      }
    });
    if (Object.keys(add).length > 0) this.#known = { ...this.#known, ...add };
    if (failed.length > 0) this.#missing = new Set([...this.#missing, ...failed]);
  }
}

// The Catalogue view's data: every entity with its provenance (shown at once), then disk use (which
// main measures in the background and caches), both refreshed whenever a job that makes entities
// finishes; and the clean-up and sweep, which refresh both.
import { createSubscriber } from 'svelte/reactivity';
import type { Api } from '../../../shared/api.js';
import type { CatalogueDiskUse, CatalogueEntity, CatalogueRef, CleanUpResult, EntityUsage, SweepResult } from '../../../shared/catalogue.js';
import { errorText, unwrap } from '../api.js';
import { entityKey } from './entity-href.js';

export class CatalogueState {
  readonly #api: Api;
  /** Newest first; replaced on every refresh. */
  #entities = $state.raw<CatalogueEntity[]>([]);
  #disk = $state.raw<CatalogueDiskUse | null>(null);
  #loaded = $state(false);
  loadError = $state<string | null>(null);
  diskError = $state<string | null>(null);
  measuring = $state(false);
  #subscribe: () => void;

  constructor(api: Api) {
    this.#api = api;
    this.#subscribe = createSubscriber((update) => {
      const off = api.on('job.finished', (job) => {
        if (job.kind !== 'engine.check') void this.refresh().then(update);
      });
      void this.refresh().then(update);
      return off;
    });
  }

  get entities(): CatalogueEntity[] {
    this.#subscribe();
    return this.#entities;
  }

  get loaded(): boolean {
    this.#subscribe();
    return this.#loaded;
  }

  get disk(): CatalogueDiskUse | null {
    this.#subscribe();
    return this.#disk;
  }

  /** Entities by "kind:id". */
  readonly byKey = $derived(new Map(this.entities.map((e) => [entityKey(e), e])));
  /** Disk use by "kind:id", once measured. */
  readonly usage = $derived(new Map((this.disk?.entities ?? []).map((u): [string, EntityUsage] => [entityKey(u), u])));

  async refresh(): Promise<void> {
    try {
      this.#entities = unwrap(await this.#api['catalogue.entities']({}));
      this.loadError = null;
    } catch (err) {
      this.loadError = errorText(err);
    }
    this.#loaded = true;
    await this.measure();
  }

  /** Asks main for disk use again; the sizes it already knows come back at once. */
  async measure(): Promise<void> {
    this.measuring = true;
    try {
      this.#disk = unwrap(await this.#api['catalogue.diskUse']({}));
      this.diskError = null;
    } catch (err) {
      this.diskError = errorText(err);
    } finally {
      this.measuring = false;
    }
  }

  /** Deletes entities nothing references; main re-checks each and says why it kept any. */
  async clean(refs: readonly CatalogueRef[]): Promise<CleanUpResult> {
    const result = unwrap(await this.#api['catalogue.clean']({ entities: refs.map(({ kind, id }) => ({ kind, id })) }));
    await this.refresh();
    return result;
  }

  async sweep(): Promise<SweepResult> {
    const result = unwrap(await this.#api['catalogue.sweep']({}));
    await this.measure();
    return result;
  }
}

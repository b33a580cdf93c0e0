// What the Catalogue shows of its entities — kind, search words, only what nothing references, the
// order, how many rows, and the clean-up's selection — kept for the app's life, so following a
// provenance link and coming back finds the list as it was left.
import type { CatalogueEntity, CatalogueKind, EntityUsage } from '../../../shared/catalogue.js';
import { filterEntities } from '../../../shared/catalogue-words.js';
import { PAGE_ROWS, sortEntities, type SortOrder } from './entity-order.js';

export { PAGE_ROWS, sortOrders, type SortOrder } from './entity-order.js';

export class EntityFilter {
  kind = $state<CatalogueKind | 'all'>('all');
  search = $state('');
  unreferenced = $state(false);
  order = $state<SortOrder>('newest');
  rows = $state(PAGE_ROWS);
  /** Keys ("kind:id") the user ticked for the clean-up. */
  selected = $state.raw<ReadonlySet<string>>(new Set());

  /** The entities the filter keeps, in its order. */
  apply(entities: readonly CatalogueEntity[], usage: ReadonlyMap<string, Pick<EntityUsage, 'bytes'>>): CatalogueEntity[] {
    const kept = filterEntities(entities, { kinds: this.kind === 'all' ? undefined : [this.kind], search: this.search, unreferenced: this.unreferenced });
    return sortEntities(kept, this.order, usage);
  }

  toggle(key: string, on: boolean): void {
    const next = new Set(this.selected);
    if (on) next.add(key);
    else next.delete(key);
    this.selected = next;
  }

  select(keys: Iterable<string>, on: boolean): void {
    const next = new Set(this.selected);
    for (const key of keys) {
      if (on) next.add(key);
      else next.delete(key);
    }
    this.selected = next;
  }
}

/** One for the app's life: the Catalogue view is re-created on every visit, its filter is not. */
export const entityFilter = new EntityFilter();

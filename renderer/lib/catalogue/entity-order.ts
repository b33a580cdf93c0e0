// The orders the Catalogue lists its entities in, and how many rows it shows at a time.
import type { CatalogueEntity, EntityUsage } from '../../../shared/catalogue.js';
import { entityKey } from './entity-href.js';

export const sortOrders = {
  newest: 'Newest first',
  oldest: 'Oldest first',
  largest: 'Largest first',
  smallest: 'Smallest first',
  name: 'Name A–Z',
} as const;
export type SortOrder = keyof typeof sortOrders;

/** Names in the reader's order, "run 9" before "run 10"; made once, as a collator is costly to make. */
const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Rows shown at first, and added by "Show more": a large catalogue renders a page at a time. */
export const PAGE_ROWS = 100;

/**
 * Entities in the chosen order. By size, entities not measured yet come last (in date order), so a
 * sort never claims a size it does not know.
 */
export function sortEntities(list: readonly CatalogueEntity[], order: SortOrder, usage: ReadonlyMap<string, Pick<EntityUsage, 'bytes'>>): CatalogueEntity[] {
  // ISO timestamps order as plain strings (localeCompare is far slower on thousands of rows).
  const newest = (a: CatalogueEntity, b: CatalogueEntity) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.id - a.id);
  const size = (e: CatalogueEntity) => usage.get(entityKey(e))?.bytes;
  switch (order) {
    case 'newest':
      return list.toSorted(newest);
    case 'oldest':
      return list.toSorted((a, b) => newest(b, a));
    case 'name':
      return list.toSorted((a, b) => byName.compare(a.name, b.name) || newest(a, b));
    case 'largest':
    case 'smallest': {
      const sign = order === 'largest' ? -1 : 1;
      return list.toSorted((a, b) => {
        const [x, y] = [size(a), size(b)];
        if (x === undefined || y === undefined) return (x === undefined ? 1 : 0) - (y === undefined ? 1 : 0) || newest(a, b);
        return sign * (x - y) || newest(a, b);
      });
    }
  }
}

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

/** Rows shown at first, and added by "Show more": a large catalogue renders a page at a time. */
export const PAGE_ROWS = 100;

/**
 * Entities in the chosen order. By size, entities not measured yet come last (in date order), so a
 * sort never claims a size it does not know.
 */
export function sortEntities(list: readonly CatalogueEntity[], order: SortOrder, usage: ReadonlyMap<string, Pick<EntityUsage, 'bytes'>>): CatalogueEntity[] {
  const newest = (a: CatalogueEntity, b: CatalogueEntity) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id;
  const size = (e: CatalogueEntity) => usage.get(entityKey(e))?.bytes;
  switch (order) {
    case 'newest':
      return list.toSorted(newest);
    case 'oldest':
      return list.toSorted((a, b) => newest(b, a));
    case 'name':
      return list.toSorted((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' }) || newest(a, b));
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

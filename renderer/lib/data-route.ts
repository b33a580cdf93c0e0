// Places inside the Data view, addressed by the hash after #/data so reloads and Back keep them:
// #/data, #/data/new, #/data/import, #/data/<id>.
import { createSubscriber } from 'svelte/reactivity';

export type DataRoute = { page: 'list' } | { page: 'new' } | { page: 'import' } | { page: 'dataset'; id: number };

export function parseDataRoute(hash: string): DataRoute {
  const rest = hash.replace(/^#\/?data\/?/, '').split(/[/?]/)[0] ?? '';
  if (rest === 'new') return { page: 'new' };
  if (rest === 'import') return { page: 'import' };
  const id = Number(rest);
  return rest !== '' && Number.isInteger(id) && id > 0 ? { page: 'dataset', id } : { page: 'list' };
}

export function dataHref(route: DataRoute): string {
  return route.page === 'list' ? '#/data' : route.page === 'dataset' ? `#/data/${route.id}` : `#/data/${route.page}`;
}

export function goTo(route: DataRoute): void {
  window.location.hash = dataHref(route);
}

/** The page's hash, read reactively: listens to hashchange only while something reads it. */
export class HashLocation {
  #subscribe = createSubscriber((update) => {
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  });

  get hash(): string {
    this.#subscribe();
    return window.location.hash;
  }
}

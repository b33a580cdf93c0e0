// Fetches per-image things (thumbnails, masks) for whatever is on screen, in pages, into an LRU
// cache. Only what is wanted now is queued: scrolling on drops the queue, so at most
// `concurrency` pages already on the wire can arrive for rows no longer shown (the API has no
// way to abort a request), and their results are still kept in the cache.
import { errorText } from './api.js';
import { LruCache } from './lru.js';

export interface PagedLoaderOptions<T> {
  capacity: number;
  pageSize: number;
  concurrency?: number;
  /** Called for items leaving the cache (e.g. ImageBitmap.close). */
  dispose?: (item: T) => void;
}

export class PagedLoader<T> {
  /** Bumped whenever new items land in the cache; readers redraw on it. */
  version = $state(0);
  error = $state<string | null>(null);
  readonly #fetch: (indices: number[]) => Promise<T[]>;
  readonly #cache: LruCache<number, T>;
  readonly #pageSize: number;
  readonly #dispose: ((item: T) => void) | undefined;
  readonly #concurrency: number;
  readonly #inflight = new Set<number>();
  #queue: number[] = [];
  #running = 0;
  #generation = 0;

  constructor(fetch: (indices: number[]) => Promise<T[]>, options: PagedLoaderOptions<T>) {
    this.#fetch = fetch;
    this.#cache = new LruCache(options.capacity, options.dispose);
    this.#pageSize = Math.max(1, Math.min(4096, options.pageSize));
    this.#concurrency = options.concurrency ?? 2;
    this.#dispose = options.dispose;
  }

  /** The cached item; read reactively, so a reader sees it once its page arrives. */
  get(index: number): T | undefined {
    void this.version;
    return this.#cache.get(index);
  }

  /** The indices on screen, most important first; replaces whatever was still waiting. */
  want(indices: Iterable<number>): void {
    const queue: number[] = [];
    for (const i of indices) if (!this.#cache.has(i) && !this.#inflight.has(i)) queue.push(i);
    this.#queue = queue;
    this.#pump();
  }

  /** Forgets everything, e.g. when the mask kind changes; pages on the wire are ignored. */
  reset(): void {
    this.#generation++;
    this.#cache.clear();
    this.#inflight.clear();
    this.#queue = [];
    this.#running = 0;
    this.error = null;
    this.version++;
  }

  #pump(): void {
    while (this.#running < this.#concurrency && this.#queue.length > 0) {
      const page = this.#queue.splice(0, this.#pageSize);
      const generation = this.#generation;
      this.#running++;
      for (const i of page) this.#inflight.add(i);
      this.#fetch(page)
        .then((items) => {
          if (generation !== this.#generation) return items.forEach((item) => this.#dispose?.(item));
          page.forEach((index, k) => this.#cache.set(index, items[k]!));
          this.error = null;
          this.version++;
        })
        .catch((err: unknown) => {
          if (generation === this.#generation) this.error = errorText(err);
        })
        .finally(() => {
          if (generation !== this.#generation) return;
          this.#running--;
          for (const i of page) this.#inflight.delete(i);
          this.#pump();
        });
    }
  }
}

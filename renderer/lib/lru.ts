// A least-recently-used cache: a Map keeps insertion order, so the first key is the oldest.
export class LruCache<K, V> {
  readonly #map = new Map<K, V>();
  readonly #capacity: number;
  readonly #evicted: ((value: V) => void) | undefined;

  /** `evicted` hears of every value pushed out or cleared, e.g. to close an ImageBitmap. */
  constructor(capacity: number, evicted?: (value: V) => void) {
    this.#capacity = Math.max(1, capacity);
    this.#evicted = evicted;
  }

  get size(): number {
    return this.#map.size;
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  /** The value, now marked as the most recently used. */
  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value === undefined) return undefined;
    this.#map.delete(key);
    this.#map.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    const old = this.#map.get(key);
    if (old !== undefined && old !== value) this.#evicted?.(old);
    this.#map.delete(key);
    this.#map.set(key, value);
    while (this.#map.size > this.#capacity) {
      const [oldest, v] = this.#map.entries().next().value as [K, V];
      this.#map.delete(oldest);
      this.#evicted?.(v);
    }
  }

  clear(): void {
    if (this.#evicted) for (const v of this.#map.values()) this.#evicted(v);
    this.#map.clear();
  }
}

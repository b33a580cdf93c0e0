// ONNX Runtime sessions cached per (model, graph variant) — creating one means optimising the
// graph, which costs far more than a batch. A small LRU: the least recently used session is
// released when a new one would exceed the capacity, but never while a caller holds a lease on it.
import type { InferenceSession } from 'onnxruntime-node';
import type { LoadedOrt } from './runtime.js';

export interface SessionKey {
  /** The model's catalogue id or the hash of its file. */
  model: string;
  /** Which graph: 'forward', or a compiled variant's id ('gradient', 'guided-backprop', …). */
  variant: string;
}

interface Entry {
  key: string;
  session: Promise<InferenceSession>;
  leases: number;
  evicted: boolean;
}

export interface SessionLease {
  session: InferenceSession;
  /** Ends the lease; an evicted session is released when its last lease ends. */
  done(): Promise<void>;
}

const keyOf = (key: SessionKey) => JSON.stringify([key.model, key.variant]);

export class SessionCache {
  readonly #ort: LoadedOrt;
  readonly #capacity: number;
  /** Insertion order is recency order: the first entry is the least recently used. */
  readonly #entries = new Map<string, Entry>();

  constructor(ort: LoadedOrt, capacity = 4) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`A session cache needs a capacity of at least 1, not ${capacity}.`);
    this.#ort = ort;
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  has(key: SessionKey): boolean {
    return this.#entries.has(keyOf(key));
  }

  /**
   * A lease on the session for `key`, created from `build()`'s model bytes on a miss. Concurrent
   * callers of one key share one creation; a failed creation is not cached.
   */
  async acquire(key: SessionKey, build: () => Uint8Array | Promise<Uint8Array>): Promise<SessionLease> {
    const k = keyOf(key);
    let entry = this.#entries.get(k);
    // The lease is taken before anything awaits, so no eviction can release the session under it.
    if (entry !== undefined) {
      this.#entries.delete(k);
      this.#entries.set(k, entry);
      entry.leases++;
    } else {
      const session = (async () => this.#ort.ort.InferenceSession.create(await build(), this.#ort.sessionOptions))();
      entry = { key: k, session, leases: 1, evicted: false };
      this.#entries.set(k, entry);
      const created = entry;
      session.catch(() => this.#entries.get(k) === created && this.#entries.delete(k));
      await this.#evict();
    }
    let session: InferenceSession;
    try {
      session = await entry.session;
    } catch (err) {
      entry.leases--;
      throw err;
    }
    const held = entry;
    let ended = false;
    return {
      session,
      done: async () => {
        if (ended) return;
        ended = true;
        held.leases--;
        if (held.evicted && held.leases === 0) await session.release();
      },
    };
  }

  /** Runs `use` with the session for `key`, holding a lease meanwhile. */
  async with<T>(key: SessionKey, build: () => Uint8Array | Promise<Uint8Array>, use: (session: InferenceSession) => Promise<T>): Promise<T> {
    const lease = await this.acquire(key, build);
    try {
      return await use(lease.session);
    } finally {
      await lease.done();
    }
  }

  async #evict(): Promise<void> {
    while (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.values().next().value!;
      this.#entries.delete(oldest.key);
      await this.#retire(oldest);
    }
  }

  async #retire(entry: Entry): Promise<void> {
    entry.evicted = true;
    if (entry.leases > 0) return;
    const session = await entry.session.catch(() => null);
    // A lease taken while the session was still being created may have arrived meanwhile.
    if (session !== null && entry.leases === 0) await session.release();
  }

  /** Drops every session of a model (e.g. when it is deleted), or of one variant. */
  async invalidate(model: string, variant?: string): Promise<void> {
    for (const [k, entry] of [...this.#entries]) {
      const [m, v] = JSON.parse(k) as [string, string];
      if (m === model && (variant === undefined || v === variant)) {
        this.#entries.delete(k);
        await this.#retire(entry);
      }
    }
  }

  /** Releases every session not in use; the rest are released when their leases end. */
  async clear(): Promise<void> {
    const all = [...this.#entries.values()];
    this.#entries.clear();
    for (const entry of all) await this.#retire(entry);
  }
}

// Autosave of edited masks: every completed stroke schedules its image's whole mask, and after a
// short quiet time (or at once on flush: another image, the page hidden) the newest mask of each
// image is saved. A failed save keeps the mask to try again, so nothing drawn is dropped.
export type SaveStatus = 'saved' | 'pending' | 'saving' | 'failed';

export interface SaveState {
  status: SaveStatus;
  /** Why the last save failed, as one sentence; null unless failed. */
  error: string | null;
}

export class Autosaver {
  readonly #save: (index: number, mask: Uint8Array) => Promise<void>;
  readonly #onchange: (state: SaveState) => void;
  readonly #delay: number;
  /** The newest unsaved mask of each image. */
  readonly #pending = new Map<number, Uint8Array>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running: Promise<boolean> | null = null;
  #state: SaveState = { status: 'saved', error: null };

  readonly #retryDelay: number;

  /** `retryDelay`: after a failure, the next try comes by itself this much later (or at the next flush). */
  constructor(save: (index: number, mask: Uint8Array) => Promise<void>, onchange: (state: SaveState) => void, delay = 250, retryDelay = 5000) {
    this.#save = save;
    this.#onchange = onchange;
    this.#delay = delay;
    this.#retryDelay = retryDelay;
  }

  get state(): SaveState {
    return this.#state;
  }

  /** True while some mask is not yet saved. */
  get dirty(): boolean {
    return this.#pending.size > 0 || this.#running !== null;
  }

  /** Queues image `index`'s mask (copied) to be saved after the quiet time. */
  schedule(index: number, mask: Uint8Array): void {
    this.#pending.set(index, mask.slice());
    if (this.#state.status !== 'failed') this.#set({ status: 'pending', error: null });
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.flush(), this.#delay);
  }

  /** Saves everything queued now; resolves true when nothing is left unsaved. */
  async flush(): Promise<boolean> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    while (this.#running) await this.#running;
    if (this.#pending.size === 0) return this.#state.status !== 'failed';
    this.#running = this.#drain();
    try {
      return await this.#running;
    } finally {
      this.#running = null;
    }
  }

  async #drain(): Promise<boolean> {
    this.#set({ status: 'saving', error: null });
    for (const [index, mask] of [...this.#pending]) {
      try {
        await this.#save(index, mask);
        // A newer mask of the same image, scheduled while this one travelled, stays queued.
        if (this.#pending.get(index) === mask) this.#pending.delete(index);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        this.#set({ status: 'failed', error: `Image ${index} could not be saved (${reason.replace(/\.$/, '')}); your drawing is kept here and will be saved on the next try.` });
        this.#timer ??= setTimeout(() => void this.flush(), this.#retryDelay);
        return false;
      }
    }
    if (this.#pending.size > 0) return this.#drain();
    this.#set({ status: 'saved', error: null });
    return true;
  }

  #set(state: SaveState): void {
    this.#state = state;
    this.#onchange(state);
  }
}

import type { JobProgress } from '../../../shared/jobs.js';

/** At most one progress message per this many milliseconds (≤ 10 per second). */
export const progressIntervalMs = 100;

/**
 * Turns raw (done, total) counts into throttled JobProgress messages with rate and ETA.
 * The first report and the one that completes the work always go out; later reports at or past
 * the total are throttled like the rest, so a loop that keeps reporting completion cannot flood.
 */
export class ProgressReporter {
  readonly #send: (progress: JobProgress) => void;
  readonly #now: () => number;
  readonly #start: number;
  #lastSent = -Infinity;
  #completionSent = false;
  #last: JobProgress | null = null;
  #pending = false;

  constructor(send: (progress: JobProgress) => void, now: () => number = () => performance.now()) {
    this.#send = send;
    this.#now = now;
    this.#start = now();
  }

  get last(): JobProgress | null {
    return this.#last;
  }

  /** `detail` is kind-specific (e.g. a training run's epoch history); each report carries it whole. */
  report(done: number, total: number, message: string, unit = 'steps', detail?: unknown): void {
    const t = this.#now();
    const elapsed = (t - this.#start) / 1000;
    const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
    const rate = elapsed > 0.05 && done > 0 ? done / elapsed : null;
    const etaSeconds = rate !== null && total > 0 ? Math.max(0, (total - done) / rate) : null;
    this.#last = detail === undefined ? { done, total, fraction, message, etaSeconds, rate, unit } : { done, total, fraction, message, etaSeconds, rate, unit, detail };
    const completes = total > 0 && done >= total && !this.#completionSent;
    if (!completes && t - this.#lastSent < progressIntervalMs) {
      this.#pending = true;
      return;
    }
    if (completes) this.#completionSent = true;
    this.#lastSent = t;
    this.#pending = false;
    this.#send(this.#last);
  }

  /** Sends the latest report if throttling held it back, so the last state is never lost. */
  flush(): void {
    if (!this.#pending || this.#last === null) return;
    this.#pending = false;
    this.#lastSent = this.#now();
    this.#send(this.#last);
  }
}

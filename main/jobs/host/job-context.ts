import { HeatlabError } from '../../../shared/errors.js';
import type { JobProgress } from '../../../shared/jobs.js';
import { ProgressReporter } from './progress.js';

/** What a running job may use: its workspace, progress reporting and cancellation checkpoints. */
export interface JobContext {
  readonly jobId: number;
  readonly workspace: string;
  /** Throttled to ≤ 10 messages per second; the report that reaches `total` always goes out. */
  progress(done: number, total: number, message: string, unit?: string, detail?: unknown): void;
  /**
   * Lets a pending cancel request arrive (yields to the event loop), then throws if there was one.
   * A job that can finish early with what it has (training) passes `stoppable` and, after the
   * checkpoint, looks at `stopRequested` instead of being thrown out.
   */
  checkpoint(stoppable?: boolean): Promise<void>;
  readonly cancelRequested: boolean;
  /** The user asked to stop early and keep the result so far. */
  readonly stopRequested: boolean;
}

export class CancelledError extends HeatlabError {
  constructor() {
    super('cancelled', 'The job was cancelled.');
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class HostJobContext implements JobContext {
  readonly jobId: number;
  readonly workspace: string;
  readonly #reporter: ProgressReporter;
  #cancelRequested = false;
  #stopRequested = false;

  constructor(jobId: number, workspace: string, send: (progress: JobProgress) => void) {
    this.jobId = jobId;
    this.workspace = workspace;
    this.#reporter = new ProgressReporter(send);
  }

  get cancelRequested(): boolean {
    return this.#cancelRequested;
  }

  get stopRequested(): boolean {
    return this.#stopRequested;
  }

  /** `keep`: stop early and keep the result so far, where the job supports it. */
  requestCancel(keep = false): void {
    if (keep) this.#stopRequested = true;
    else this.#cancelRequested = true;
  }

  progress(done: number, total: number, message: string, unit?: string, detail?: unknown): void {
    this.#reporter.report(done, total, message, unit, detail);
  }

  /** Delivers a progress report held back by throttling; called when the job ends. */
  flushProgress(): void {
    this.#reporter.flush();
  }

  async checkpoint(stoppable = false): Promise<void> {
    await yieldToEventLoop();
    if (this.#cancelRequested || (this.#stopRequested && !stoppable)) throw new CancelledError();
  }
}

import { HeatlabError } from '../../../shared/errors.js';
import type { JobProgress } from '../../../shared/jobs.js';
import { ProgressReporter } from './progress.js';

/** What a running job may use: its workspace, progress reporting and cancellation checkpoints. */
export interface JobContext {
  readonly jobId: number;
  readonly workspace: string;
  /** Throttled to ≤ 10 messages per second; the report that reaches `total` always goes out. */
  progress(done: number, total: number, message: string, unit?: string): void;
  /** Lets a pending cancel request arrive (yields to the event loop), then throws if there was one. */
  checkpoint(): Promise<void>;
  readonly cancelRequested: boolean;
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

  constructor(jobId: number, workspace: string, send: (progress: JobProgress) => void) {
    this.jobId = jobId;
    this.workspace = workspace;
    this.#reporter = new ProgressReporter(send);
  }

  get cancelRequested(): boolean {
    return this.#cancelRequested;
  }

  requestCancel(): void {
    this.#cancelRequested = true;
  }

  progress(done: number, total: number, message: string, unit?: string): void {
    this.#reporter.report(done, total, message, unit);
  }

  async checkpoint(): Promise<void> {
    await yieldToEventLoop();
    if (this.#cancelRequested) throw new CancelledError();
  }
}

// Jobs whose work runs outside the compute host — on a Slurm cluster — and that main only follows:
// the job service keeps their rows, events and waiters like any other job's, while a runner of
// the kind submits, watches and cancels the work. Such a job outlives the process that submitted
// it, so at start-up it is followed again rather than marked interrupted.
import type { ApiError } from '../../shared/errors.js';
import type { Job, JobProgress } from '../../shared/jobs.js';

/** What a runner tells the job service about one job it follows. */
export interface ExternalReport {
  progress(progress: JobProgress): void;
  /** The work ended; the service records it. */
  finish(status: 'done' | 'failed' | 'cancelled', outcome: { error?: ApiError; result?: unknown }): void;
  /** Another process has already recorded the job's end (the cluster's merge job): the service only announces it. */
  settled(): void;
}

export interface ExternalRunner {
  /** Starts following a job: `fresh` at its submission (the runner submits the work), else one left running by an earlier Heatlab. */
  follow(job: Job, report: ExternalReport, fresh: boolean): void;
  /** Stops the job's work; the runner finishes the job once it has. */
  cancel(job: Job): void;
  /** Brings every followed job's progress up to date now (e.g. before a list of jobs is shown). */
  refresh(): Promise<void>;
  /** Stops following (Heatlab is closing); the work itself goes on. */
  close(): void;
}

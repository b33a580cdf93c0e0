// A job a form started: its live state from the Jobs panel's store, whether it is still running,
// the sentence to show when starting or cancelling failed, and its result once it is done.
import type { Result } from '../../shared/errors.js';
import type { Job } from '../../shared/jobs.js';
import type { JobsState } from './jobs.svelte.js';

export class StartedJob<R> {
  readonly #jobs: JobsState;
  #started = $state.raw<Job | null>(null);
  error = $state<string | null>(null);

  constructor(jobs: JobsState) {
    this.#jobs = jobs;
  }

  /** The latest state of the job, once started. */
  readonly job = $derived.by(() => {
    const started = this.#started;
    return started ? (this.#jobs.jobs.find((j) => j.id === started.id) ?? started) : null;
  });

  readonly running = $derived(this.job !== null && (this.job.status === 'queued' || this.job.status === 'running'));

  /** The job's result when it finished successfully, else null. */
  readonly result = $derived(this.job?.status === 'done' ? (this.job.result as R | null) : null);

  async start(request: () => Promise<Result<Job>>): Promise<void> {
    this.error = null;
    const result = await request();
    if (result.ok) this.#started = result.value;
    else this.error = result.error.message;
  }

  async cancel(): Promise<void> {
    if (this.job) this.error = await this.#jobs.cancel(this.job.id);
  }
}

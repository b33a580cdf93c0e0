// Live jobs for the Jobs panel: loaded once, then kept current by main's job events.
import { createSubscriber } from 'svelte/reactivity';
import type { Api } from '../../shared/api.js';
import type { Job, JobProgress } from '../../shared/jobs.js';
import { errorText, unwrap } from './api.js';

export class JobsState {
  #api: Api;
  /** Newest first. Replaced on every change, never mutated in place. */
  #jobs = $state.raw<Job[]>([]);
  loadError = $state<string | null>(null);
  #subscribe: () => void;

  constructor(api: Api) {
    this.#api = api;
    this.#subscribe = createSubscriber((update) => {
      const offs = [
        api.on('job.updated', (job) => this.#upsert(job)),
        api.on('job.finished', (job) => this.#upsert(job)),
        api.on('job.progress', ({ jobId, progress }) => this.#progress(jobId, progress)),
      ];
      void this.refresh().then(update);
      return () => offs.forEach((off) => off());
    });
  }

  get jobs(): Job[] {
    this.#subscribe();
    return this.#jobs;
  }

  get active(): Job[] {
    return this.jobs.filter((j) => j.status === 'queued' || j.status === 'running');
  }

  latest(kind: Job['kind']): Job | undefined {
    return this.jobs.find((j) => j.kind === kind);
  }

  async refresh(): Promise<void> {
    try {
      this.#jobs = unwrap(await this.#api['jobs.list']({ limit: 200 }));
      this.loadError = null;
    } catch (err) {
      this.loadError = errorText(err);
    }
  }

  async cancel(id: number): Promise<string | null> {
    const result = await this.#api['jobs.cancel']({ id });
    return result.ok ? null : result.error.message;
  }

  #upsert(job: Job): void {
    const rest = this.#jobs.filter((j) => j.id !== job.id);
    // Keep the newest first: ids grow with creation time.
    this.#jobs = [...rest, job].sort((a, b) => b.id - a.id);
  }

  #progress(jobId: number, progress: JobProgress): void {
    this.#jobs = this.#jobs.map((j) => (j.id === jobId ? { ...j, status: 'running', progress } : j));
  }
}

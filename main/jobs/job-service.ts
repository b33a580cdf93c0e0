// Jobs: rows in the catalogue, a serial queue in main, and one compute host that runs them.
// If the host dies, its job fails with the reason and the next job gets a fresh host; main and the
// UI stay up. Nothing a job's end throws (a full catalogue included) escapes into main's event loop.
import type { EngineInfo } from '../../shared/engine.js';
import { HeatlabError, toApiError, type ApiError } from '../../shared/errors.js';
import type { HostToMain } from '../../shared/host-protocol.js';
import { isFinalStatus, type Job, type JobKind, type JobParams, type JobResult, type JobStaged, type JobStatus } from '../../shared/jobs.js';
import type { EventBus } from './event-bus.js';
import type { JobsRepository } from '../catalogue/jobs-repository.js';
import { explainDiskFull } from '../workspace/disk-full.js';
import type { HostChannel, HostLauncher } from './host-launcher.js';
import type { ExternalReport, ExternalRunner } from './external-runner.js';
import { processAlive } from '../workspace/process-alive.js';

export interface EngineStatus {
  engines: EngineInfo | null;
  error: string | null;
}

interface Host {
  channel: HostChannel;
  ready: Promise<EngineStatus>;
  status: EngineStatus | null;
}

/** Consecutive host deaths before it became ready, after which queued jobs fail instead of retrying. */
const MAX_FAILED_STARTS = 3;
const READY_TIMEOUT_MS = 120_000;

const closedWhileRunning: ApiError = { code: 'interrupted', message: 'Heatlab was closed while this job was running.' };


/**
 * What main does with a job's staged output before the job counts as done — e.g. recording a
 * dataset in the catalogue. A throw fails the job with that error.
 */
export type Finalizers = { [K in JobKind]?: (staged: JobStaged<K>, job: Job) => JobResult<K> };

/**
 * What main does with a running job's progress detail before storing and sending it — e.g.
 * recording each explanation run as soon as its method finishes. Returns the detail to pass on.
 */
export type ProgressHooks = { [K in JobKind]?: (detail: unknown, job: Job) => unknown };

export interface JobServiceOptions {
  repo: JobsRepository;
  launcher: HostLauncher;
  events: EventBus;
  workspace: string;
  finalizers?: Finalizers;
  progressHooks?: ProgressHooks;
  /** Called after a job ends without success, to remove what it may have left half-made. */
  onUnsuccessful?: (job: Job) => void;
  /** Kinds whose work runs outside the compute host (a Slurm cluster), with the runner that follows each. */
  external?: { [K in JobKind]?: ExternalRunner };
}

export class JobService {
  readonly #repo: JobsRepository;
  readonly #finalizers: Finalizers;
  readonly #progressHooks: ProgressHooks;
  readonly #onUnsuccessful: (job: Job) => void;
  readonly #external: { [K in JobKind]?: ExternalRunner };
  readonly #launch: HostLauncher;
  readonly #events: EventBus;
  readonly #workspace: string;
  readonly #queue: number[] = [];
  readonly #waiters = new Map<number, ((job: Job) => void)[]>();
  #host: Host | null = null;
  #running: number | null = null;
  #failedStarts = 0;
  #closed = false;

  constructor(options: JobServiceOptions) {
    this.#repo = options.repo;
    this.#finalizers = options.finalizers ?? {};
    this.#progressHooks = options.progressHooks ?? {};
    this.#onUnsuccessful = options.onUnsuccessful ?? (() => undefined);
    this.#launch = options.launcher;
    this.#events = options.events;
    this.#workspace = options.workspace;
    this.#external = options.external ?? {};
    // Work on a cluster goes on without the process that submitted it: it is followed again, not interrupted.
    for (const job of this.#repo.orphans(processAlive).filter((j) => this.#external[j.kind] === undefined)) {
      try {
        this.#repo.finish(job.id, 'interrupted', {
          error: { code: 'interrupted', message: `Heatlab stopped while this job was ${job.status}; run it again.` },
        }, true);
      } catch (err) {
        // A full catalogue: the row stays as it is and is marked at a later start; Heatlab still opens.
        console.error(`Job ${job.id} could not be marked interrupted: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    for (const job of this.#repo.active()) this.#external[job.kind]?.follow(job, this.#externalReport(job), false);
  }

  /** The compute host's process id, while one is running. */
  get hostPid(): number | undefined {
    return this.#host?.channel.pid;
  }

  /** Starts the compute host now rather than on the first job (the app does this at start-up). */
  warmUp(): void {
    this.#ensureHost();
  }

  /** The engines the compute host resolved; starts the host if needed. */
  async engines(): Promise<EngineStatus> {
    if (this.#closed) return { engines: null, error: 'Heatlab is shutting down.' };
    try {
      return await this.#ensureHost().ready;
    } catch (err) {
      return { engines: null, error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Engines if the host is already ready, without waiting or starting one. */
  enginesIfReady(): EngineStatus | null {
    return this.#host?.status ?? null;
  }

  submit<K extends JobKind>(kind: K, params: JobParams<K>): Job {
    if (this.#closed) throw new HeatlabError('conflict', 'Heatlab is shutting down and accepts no new jobs.');
    let job: Job;
    try {
      job = this.#repo.create(kind, params);
    } catch (err) {
      throw explainDiskFull(err, this.#workspace, 'the job cannot be recorded in the catalogue');
    }
    const external = this.#external[kind];
    if (external !== undefined) {
      // Not queued here: the runner submits the work elsewhere at once.
      this.#repo.markRunning(job.id);
      const running = this.get(job.id);
      this.#events.emit('job.updated', running);
      external.follow(running, this.#externalReport(running), true);
      return this.get(job.id);
    }
    this.#queue.push(job.id);
    this.#events.emit('job.updated', job);
    this.#pump();
    return job;
  }

  /** Brings the progress of jobs running elsewhere (a cluster) up to date. */
  async refreshExternal(): Promise<void> {
    await Promise.all(Object.values(this.#external).map((runner) => runner.refresh()));
  }

  #externalReport(job: Job): ExternalReport {
    const { id, kind } = job;
    let ended = false;
    return {
      progress: (progress) => {
        if (ended) return;
        this.#repo.saveProgress(id, progress);
        this.#events.emit('job.progress', { jobId: id, kind, progress });
      },
      finish: (status, outcome) => {
        if (ended) return;
        ended = true;
        const now = this.get(id);
        if (isFinalStatus(now.status)) this.#announce(now);
        else this.#finish(id, status, outcome);
      },
      settled: () => {
        if (ended) return;
        ended = true;
        this.#announce(this.get(id));
      },
    };
  }

  /** Tells listeners and waiters of a job whose end is already in its row. */
  #announce(job: Job): void {
    this.#events.emit('job.finished', job);
    for (const resolve of this.#waiters.get(job.id) ?? []) resolve(job);
    this.#waiters.delete(job.id);
  }

  list(limit: number, statuses?: readonly JobStatus[]): Job[] {
    return this.#repo.list(limit, statuses);
  }

  /** A job's status, or null when there is no such job. */
  statusOf(id: number): JobStatus | null {
    return this.#repo.get(id)?.status ?? null;
  }

  get(id: number): Job {
    const job = this.#repo.get(id);
    if (job === null) throw new HeatlabError('not_found', `There is no job ${id}.`);
    return job;
  }

  /** `keep`: a running job that can (training) stops early and keeps its result so far. */
  cancel(id: number, keep = false): Job {
    const job = this.get(id);
    if (isFinalStatus(job.status)) throw new HeatlabError('conflict', `Job ${id} has already finished (${job.status}).`);
    const external = this.#external[job.kind];
    if (external !== undefined) {
      external.cancel(job);
      return this.get(id);
    }
    const queued = this.#queue.indexOf(id);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      return this.#finish(id, 'cancelled', { error: { code: 'cancelled', message: 'Cancelled before it started.' } });
    }
    if (this.#running === id) this.#host?.channel.send({ type: 'cancel', id, keep });
    return job;
  }

  /** Resolves with the job once it reaches a final status. */
  waitFor(id: number): Promise<Job> {
    const job = this.get(id);
    if (isFinalStatus(job.status)) return Promise.resolve(job);
    return new Promise((resolve) => {
      const list = this.#waiters.get(id) ?? [];
      list.push(resolve);
      this.#waiters.set(id, list);
    });
  }

  /** Cancels what is queued, stops the host, and marks a running job interrupted. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const runner of Object.values(this.#external)) runner.close();
    for (const id of this.#queue.splice(0)) {
      this.#finish(id, 'cancelled', { error: { code: 'cancelled', message: 'Heatlab was closed before this job started.' } });
    }
    const host = this.#host;
    if (host === null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => host.channel.kill(), 2000);
      host.channel.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      if (this.#running !== null) host.channel.send({ type: 'cancel', id: this.#running });
      host.channel.send({ type: 'shutdown' });
    });
  }

  #ensureHost(): Host {
    if (this.#host) return this.#host;
    const channel = this.#launch();
    let markReady!: (status: EngineStatus) => void;
    let failReady!: (err: Error) => void;
    const ready = new Promise<EngineStatus>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    ready.catch(() => undefined); // observed by engines(); exits are handled in onExit
    const host: Host = { channel, ready, status: null };
    const timer = setTimeout(() => {
      failReady(new Error(`The compute host did not become ready within ${READY_TIMEOUT_MS / 1000} s.`));
      channel.kill();
    }, READY_TIMEOUT_MS);
    channel.onMessage((message) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        this.#failedStarts = 0;
        host.status = { engines: message.engines, error: message.enginesError };
        markReady(host.status);
        return;
      }
      this.#onHostMessage(message);
    });
    channel.onExit((how, lastOutput) => {
      clearTimeout(timer);
      if (this.#host === host) this.#host = null;
      const reason = lastOutput ? `${how}; it last said: ${lastOutput.split('\n').at(-1)}` : how;
      const wasReady = host.status !== null;
      if (!wasReady) {
        this.#failedStarts++;
        failReady(new Error(`The compute host stopped before it was ready (${reason}).`));
      }
      this.#onHostExit(reason, wasReady);
    });
    this.#host = host;
    return host;
  }

  #onHostMessage(message: Exclude<HostToMain, { type: 'ready' }>): void {
    if (message.id !== this.#running) return; // a late message about a job main has already settled
    try {
      this.#handleHostMessage(message);
    } catch (err) {
      // Main could not record the job's start or progress (a full catalogue): the job could not
      // record its result either, so it stops now rather than after hours of work.
      if (this.#running !== message.id) return;
      this.#host?.channel.send({ type: 'cancel', id: message.id });
      this.#settle(message.id, 'failed', { error: this.#failure(err, 'the catalogue cannot record the job as it runs') });
    }
  }

  #handleHostMessage(message: Exclude<HostToMain, { type: 'ready' }>): void {
    switch (message.type) {
      case 'started': {
        this.#repo.markRunning(message.id);
        this.#events.emit('job.updated', this.get(message.id));
        break;
      }
      case 'progress': {
        const job = this.get(message.id);
        const hook = this.#progressHooks[job.kind];
        let progress = message.progress;
        if (hook && progress.detail !== undefined) {
          try {
            progress = { ...progress, detail: hook(progress.detail, job) };
          } catch (err) {
            // The job's own end reports what went wrong; a hook's failure must not stop the job.
            progress = { ...progress, message: `${progress.message} (${err instanceof Error ? err.message : String(err)})` };
          }
        }
        this.#repo.saveProgress(message.id, progress);
        this.#events.emit('job.progress', { jobId: message.id, kind: job.kind, progress });
        break;
      }
      case 'done':
        this.#complete(message.id, message.result);
        break;
      case 'failed':
        this.#settle(message.id, 'failed', { error: message.error });
        break;
      case 'cancelled':
        // close() cancels the running job too; that is Heatlab stopping, not the user cancelling.
        if (this.#closed) this.#settle(message.id, 'interrupted', { error: closedWhileRunning });
        else this.#settle(message.id, 'cancelled', { error: { code: 'cancelled', message: 'Cancelled by the user.' } });
        break;
    }
  }

  #onHostExit(reason: string, wasReady: boolean): void {
    if (this.#closed) {
      if (this.#running !== null) this.#settle(this.#running, 'interrupted', { error: closedWhileRunning });
      return;
    }
    if (this.#running !== null && !wasReady) {
      this.#settle(this.#running, 'failed', {
        error: { code: 'engine_unavailable', message: `The compute host could not start (${reason}).` },
      });
      return;
    }
    if (this.#running !== null) {
      // The host is started again only when there is work: say which case this is.
      const next = this.#queue.length > 0 ? 'a new one is starting for the next queued job' : 'a new one will start with the next job';
      this.#settle(this.#running, 'failed', {
        error: { code: 'interrupted', message: `The compute host stopped unexpectedly (${reason}) while running this job; ${next}.` },
      });
      return; // #settle pumps, which starts a new host for the next job
    }
    if (this.#failedStarts >= MAX_FAILED_STARTS) {
      for (const id of this.#queue.splice(0)) {
        this.#finish(id, 'failed', {
          error: { code: 'engine_unavailable', message: `The compute host could not start (${reason}).` },
        });
      }
      return;
    }
    this.#pump();
  }

  /** Runs the kind's finalizer on the staged output; the job is done only if it succeeds. */
  #complete(id: number, staged: unknown): void {
    const job = this.get(id);
    const finalize = this.#finalizers[job.kind] as ((staged: unknown, job: Job) => unknown) | undefined;
    let result: unknown;
    try {
      result = finalize ? finalize(staged, job) : staged;
    } catch (err) {
      this.#settle(id, 'failed', { error: this.#failure(err, 'the result cannot be recorded, so the job failed and its files were removed') });
      return;
    }
    this.#settle(id, 'done', { result });
  }

  /** An error as the job's failure: a full disk as the sentence naming the workspace's disk. */
  #failure(err: unknown, what: string): ApiError {
    return toApiError(explainDiskFull(err, this.#workspace, what));
  }

  #settle(id: number, status: 'done' | 'failed' | 'cancelled' | 'interrupted', outcome: { error?: ApiError; result?: unknown }): void {
    this.#running = null;
    this.#finish(id, status, outcome);
    this.#pump();
  }

  #finish(id: number, status: 'done' | 'failed' | 'cancelled' | 'interrupted', outcome: { error?: ApiError; result?: unknown }): Job {
    const before = this.get(id);
    // Partial files go before the row is written: on a full disk they hold the space the catalogue needs.
    if (status !== 'done') {
      try {
        this.#onUnsuccessful(before);
      } catch (err) {
        console.error(`Cleaning up after job ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const job = this.#record(id, status, outcome) ?? { ...before, status, finishedAt: new Date().toISOString(), error: outcome.error ?? null, result: outcome.result ?? null };
    this.#announce(job);
    return job;
  }

  /**
   * Writes the job's end to its row; if the catalogue is full, again without its progress report,
   * which frees room. Null when even that fails: the row then stays "running" until the next start
   * marks it interrupted, while this process reports the real outcome.
   */
  #record(id: number, status: 'done' | 'failed' | 'cancelled' | 'interrupted', outcome: { error?: ApiError; result?: unknown }): Job | null {
    try {
      return this.#repo.finish(id, status, outcome);
    } catch {
      try {
        return this.#repo.finish(id, status, outcome, true);
      } catch (err) {
        console.error(`Job ${id} ended ${status}, but the catalogue could not record it: ${err instanceof Error ? err.message : String(err)}`);
        return null;
      }
    }
  }

  #pump(): void {
    if (this.#closed || this.#running !== null || this.#queue.length === 0) return;
    const id = this.#queue.shift()!;
    const job = this.get(id);
    this.#running = id;
    this.#ensureHost().channel.send({ type: 'run', id, kind: job.kind, params: job.params, workspace: this.#workspace });
  }
}

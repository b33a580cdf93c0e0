// Follows cluster jobs for the job service (jobs/external-runner.ts): submits a job's shard array
// and merge to Slurm, reads its state from squeue, scontrol (and sacct where the site keeps
// accounting) and the shards' progress files, resubmits failed shards up to the retry limit, and
// fails the job with a sentence naming the shard and Slurm's reason once they are used up.
// One Heatlab process at a time leads a job (a lease file in its plan folder); others only watch
// its catalogue row, so two processes never resubmit the same shard.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ClusterProgressDetail, ClusterSettings, ShardStatus } from '../../shared/cluster.js';
import { HeatlabError, toApiError } from '../../shared/errors.js';
import { isFinalStatus, type Job } from '../../shared/jobs.js';
import type { ExternalReport, ExternalRunner } from '../jobs/external-runner.js';
import { writeFileAtomic } from '../workspace/atomic-write.js';
import { mergedFile } from './merge.js';
import type { ClusterWork } from './plan-work.js';
import { writeJobPlan } from './plan-work.js';
import { arraySpec, mergeDependency, mergeScript, shardScript } from './sbatch-script.js';
import { isShardDone, readProgress } from './shard-files.js';
import { clusterFolder, planFile, planFolder, readPlan, type ShardPlan } from './shard-plan.js';
import { clusterProgress, shardStatuses } from './shard-status.js';
import type { Slurm } from './slurm.js';
import { describeEnd, failedStates, type JobRecord } from './slurm-output.js';
import { readState, slurmIds, writeState, type SubmissionState } from './submission-state.js';
import { processAlive } from '../workspace/process-alive.js';

const POLL_MS = 1000;
/** A lease not renewed for this long belongs to a process that is gone. */
const LEASE_STALE_MS = 30_000;

export interface ClusterRunnerOptions {
  workspace: string;
  slurm: Slurm;
  version: string;
  /** The shell command that runs this machine's Heatlab, used when the settings name none. */
  defaultHeatlab: string;
  /** A job's row in the catalogue (read fresh: the merge job and other Heatlabs write it from other processes). */
  job(jobId: number): Job | null;
}

interface Followed {
  job: Job;
  report: ExternalReport;
  planDir: string | null;
  leader: boolean;
  busy: Promise<void> | null;
  lastProgress: string | null;
  ended: boolean;
}

export class ClusterRunner implements ExternalRunner {
  readonly #o: ClusterRunnerOptions;
  readonly #followed = new Map<number, Followed>();
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(options: ClusterRunnerOptions) {
    this.#o = options;
  }

  follow(job: Job, report: ExternalReport, fresh: boolean): void {
    if (this.#closed) return;
    const f: Followed = { job, report, planDir: fresh ? null : this.#findPlan(job.id), leader: false, busy: null, lastProgress: null, ended: false };
    this.#followed.set(job.id, f);
    if (fresh) f.busy = this.#submit(f).finally(() => (f.busy = null));
    else this.#tick(f);
    this.#schedule();
  }

  cancel(job: Job): void {
    const f = this.#followed.get(job.id);
    const planDir = f?.planDir ?? this.#findPlan(job.id);
    const state = planDir === null ? null : readState(planDir);
    const end = () => {
      if (f !== undefined) this.#end(f, () => f.report.finish('cancelled', { error: { code: 'cancelled', message: 'Cancelled by the user.' } }));
    };
    if (state === null) return end();
    state.cancelled = true;
    writeState(planDir!, state);
    void this.#o.slurm.scancel(slurmIds(state)).then(end, (err) => {
      if (f !== undefined) this.#end(f, () => f.report.finish('failed', { error: toApiError(err) }));
    });
  }

  async refresh(): Promise<void> {
    await Promise.all([...this.#followed.values()].map((f) => this.#tick(f)));
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    for (const f of this.#followed.values()) this.#release(f);
    this.#followed.clear();
  }

  #schedule(): void {
    if (this.#closed || this.#timer !== null || this.#followed.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.refresh().finally(() => this.#schedule());
    }, POLL_MS);
  }

  #tick(f: Followed): Promise<void> {
    if (f.busy !== null) return f.busy;
    f.busy = this.#poll(f)
      .catch((err) => {
        // Slurm not answering for a moment is not the job's end: the next poll tries again.
        console.error(`Following cluster job ${f.job.id}: ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => (f.busy = null));
    return f.busy;
  }

  #end(f: Followed, how: () => void): void {
    if (f.ended) return;
    f.ended = true;
    this.#release(f);
    this.#followed.delete(f.job.id);
    how();
  }

  /** The folder of the plan a job runs (scanned: the plan's id depends on its image list). */
  #findPlan(jobId: number): string | null {
    const root = clusterFolder(this.#o.workspace);
    if (!existsSync(root)) return null;
    for (const entry of readdirSync(root)) {
      const path = join(root, entry, 'plan.json');
      if (!existsSync(path)) continue;
      try {
        if (readPlan(path).jobId === jobId) return join(root, entry);
      } catch {
        // a damaged plan is not this job's
      }
    }
    return null;
  }

  async #submit(f: Followed): Promise<void> {
    const { job } = f;
    let plan: ShardPlan;
    try {
      const work = { kind: job.kind === 'cluster.explain' ? 'explain' : 'evaluate', params: job.params } as ClusterWork;
      plan = writeJobPlan(work, job.id, this.#o.workspace, this.#o.version, (id) => id !== job.id && !isFinalStatus(this.#o.job(id)?.status ?? 'done'));
      f.planDir = planFolder(this.#o.workspace, plan.id);
      if (!this.#lead(f)) throw new HeatlabError('conflict', 'Another Heatlab is already following this plan.');
      const settings = (job.params as { settings: ClusterSettings }).settings;
      const options = { settings, heatlab: settings.heatlab || this.#o.defaultHeatlab, plan: planFile(this.#o.workspace, plan.id), logs: join(f.planDir, 'logs'), jobId: job.id };
      writeFileAtomic(join(f.planDir, 'shards.sbatch'), shardScript(options));
      writeFileAtomic(join(f.planDir, 'merge.sbatch'), mergeScript(options));
      const missing = plan.shards.map((s) => s.index).filter((k) => !isShardDone(f.planDir!, k));
      const state: SubmissionState = { jobId: job.id, arrays: [], merge: null, attempts: plan.shards.map((s) => (missing.includes(s.index) ? 1 : 0)), reasons: plan.shards.map(() => null), submittedAt: new Date().toISOString(), cancelled: false };
      if (missing.length > 0) state.arrays.push({ id: await this.#o.slurm.sbatch('shards.sbatch', [`--array=${arraySpec(missing)}`], f.planDir), shards: missing });
      try {
        state.merge = await this.#submitMerge(f.planDir, state);
      } catch (err) {
        await this.#o.slurm.scancel(slurmIds(state)).catch(() => undefined);
        throw err;
      }
      writeState(f.planDir, state);
      // Cancelled while sbatch was answering: what it submitted goes too.
      if (f.ended) await this.#o.slurm.scancel(slurmIds(state));
    } catch (err) {
      this.#end(f, () => f.report.finish('failed', { error: toApiError(err) }));
    }
  }

  #submitMerge(planDir: string, state: SubmissionState): Promise<string> {
    const dependency = mergeDependency(state.arrays);
    return this.#o.slurm.sbatch('merge.sbatch', dependency === null ? [] : [`--dependency=${dependency}`], planDir);
  }

  /** Takes the plan's lease, or renews it; false while another live process holds it. */
  #lead(f: Followed): boolean {
    const path = join(f.planDir!, 'follower.lock');
    const mine = `${hostname()} ${process.pid}`;
    const take = () => {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, mine);
        closeSync(fd);
        return true;
      } catch {
        return false;
      }
    };
    if (take()) return (f.leader = true);
    try {
      const holder = readFileSync(path, 'utf8');
      if (holder === mine) {
        const now = new Date();
        utimesSync(path, now, now);
        return (f.leader = true);
      }
      const [host, pid] = holder.split(' ');
      const dead = host === hostname() && !processAlive(Number(pid));
      if (dead || Date.now() - statSync(path).mtimeMs > LEASE_STALE_MS) {
        rmSync(path, { force: true });
        return (f.leader = take());
      }
    } catch {
      return (f.leader = take());
    }
    return (f.leader = false);
  }

  #release(f: Followed): void {
    if (!f.leader || f.planDir === null) return;
    const path = join(f.planDir, 'follower.lock');
    try {
      if (readFileSync(path, 'utf8') === `${hostname()} ${process.pid}`) rmSync(path, { force: true });
    } catch {
      // already gone
    }
    f.leader = false;
  }

  async #poll(f: Followed): Promise<void> {
    if (f.ended) return;
    const row = () => this.#o.job(f.job.id)?.status ?? 'done';
    if (isFinalStatus(row())) return this.#end(f, () => f.report.settled());
    const planDir = (f.planDir ??= this.#findPlan(f.job.id));
    const state = planDir === null ? null : readState(planDir);
    if (planDir === null || state === null) return;
    if (!this.#lead(f)) {
      // Another Heatlab leads the job: pass on what it records.
      const progress = this.#o.job(f.job.id)?.progress ?? null;
      const key = JSON.stringify(progress);
      if (progress !== null && key !== f.lastProgress) {
        f.lastProgress = key;
        f.report.progress(progress);
      }
      return;
    }
    if (state.cancelled) return this.#end(f, () => f.report.finish('cancelled', { error: { code: 'cancelled', message: 'Cancelled by the user.' } }));
    const plan = readPlan(join(planDir, 'plan.json'));
    // Slurm first, then the files: a task that leaves the queue has written its result before it left.
    const queued = new Map((await this.#o.slurm.squeue(slurmIds(state))).map((q) => [q.id, q]));
    if (isFinalStatus(row())) return this.#end(f, () => f.report.settled());
    const now = Date.now();
    const progress = plan.shards.map((s) => readProgress(planDir, s.index));
    const done = plan.shards.map((s) => isShardDone(planDir, s.index));
    let shards = shardStatuses(plan, state, { queued, done, progress, now });
    const failed = shards.filter((s) => s.state === 'failed');
    if (failed.length > 0) {
      const retried = await this.#retry(f, plan, planDir, state, failed, progress);
      if (!retried) return;
      shards = shardStatuses(plan, state, { queued, done, progress, now });
    }
    const merge = state.merge === null ? undefined : queued.get(state.merge);
    let mergeState: ClusterProgressDetail['mergeState'] = merge === undefined ? 'waiting' : merge.state === 'RUNNING' || merge.state === 'COMPLETING' ? 'running' : merge.reason === 'Dependency' ? 'waiting' : 'pending';
    if (merge === undefined && shards.every((s) => s.state === 'done')) {
      // The merge has ended: it recorded the job (or failed and said so in the row), or died without a word.
      if (isFinalStatus(row())) return this.#end(f, () => f.report.settled());
      const merged = existsSync(mergedFile(planDir)) ? (JSON.parse(readFileSync(mergedFile(planDir), 'utf8')) as { jobId: number; result: unknown }) : null;
      if (merged !== null && merged.jobId === f.job.id) return this.#end(f, () => f.report.finish('done', { result: merged.result }));
      if (state.merge !== null) {
        const record = (await this.#records([state.merge])).get(state.merge) ?? null;
        mergeState = 'failed';
        const message = `The merge job ${state.merge} ended without recording the result: ${describeEnd(record)}; its log is in ${join(planDir, 'logs')}. Submitting the same work again merges the finished shards.`;
        return this.#end(f, () => f.report.finish('failed', { error: { code: 'internal', message } }));
      }
    }
    const starts = progress.filter((p) => p !== null).map((p) => Date.parse(p!.startedAt));
    const report = clusterProgress(shards, { cluster: 'slurm', plan: planDir, arrayJobs: state.arrays.map((a) => a.id), mergeJob: state.merge, mergeState }, plan.kind === 'explain' ? 'heatmaps' : 'scores', starts.length === 0 ? null : Math.min(...starts), now);
    const key = JSON.stringify([report.done, report.message, shards.map((s) => [s.state, s.done, s.attempt])]);
    if (key !== f.lastProgress) {
      f.lastProgress = key;
      f.report.progress(report);
    }
  }

  /** Slurm's records of jobs or tasks: scontrol while it remembers them, sacct where accounting is kept. */
  async #records(ids: readonly string[]): Promise<Map<string, JobRecord>> {
    const records = new Map<string, JobRecord>();
    const jobs = [...new Set(ids.map((id) => id.split('_')[0]!))];
    for (const job of jobs) for (const r of await this.#o.slurm.show(job)) records.set(r.id, r);
    const unknown = ids.filter((id) => !records.has(id));
    if (unknown.length > 0) for (const r of await this.#o.slurm.sacct(unknown)) records.set(r.id, r);
    return records;
  }

  /** Resubmits the failed shards that have retries left; fails the job otherwise. False once the job has ended. */
  async #retry(f: Followed, plan: ShardPlan, planDir: string, state: SubmissionState, failed: ShardStatus[], progress: ReturnType<typeof readProgress>[]): Promise<boolean> {
    const records = await this.#records(failed.map((s) => s.slurmJob!));
    for (const s of failed) {
      const record = records.get(s.slurmJob!) ?? null;
      // A task Slurm still lists as ending (COMPLETING) or that finished just now: wait for the next look.
      if (record !== null && !failedStates.has(record.state) && record.state !== 'COMPLETED') return true;
      const own = progress[s.index] ?? null;
      const worker = own !== null && own.slurmJob === s.slurmJob && own.status === 'failed' && own.error !== null ? `; Heatlab said: ${own.error}` : '';
      state.reasons[s.index] = `${describeEnd(record)}${worker}`;
    }
    const settings = (f.job.params as { settings: ClusterSettings }).settings;
    const exhausted = failed.find((s) => state.attempts[s.index]! > settings.retries);
    if (exhausted !== undefined) {
      writeState(planDir, state);
      // What has not started is cancelled (the merge among it); shards already running finish, so submitting the work again need not redo them.
      await this.#o.slurm.scancel(slurmIds(state), true).catch(() => undefined);
      const attempts = state.attempts[exhausted.index]!;
      const message = `Shard ${exhausted.index} (images ${exhausted.from}–${exhausted.to - 1}) failed ${attempts === 1 ? 'once' : `${attempts} times`}: ${state.reasons[exhausted.index]}. Submitting the same work again reruns only the shards without a result.`;
      this.#end(f, () => f.report.finish('failed', { error: { code: 'internal', message, details: { shard: exhausted.index, slurmJob: exhausted.slurmJob } } }));
      return false;
    }
    const indices = failed.map((s) => s.index);
    const id = await this.#o.slurm.sbatch('shards.sbatch', [`--array=${arraySpec(indices)}`], planDir);
    state.arrays.push({ id, shards: indices });
    for (const k of indices) state.attempts[k]!++;
    // The old merge waits on a task that failed and would never start: a new one waits on every shard's latest attempt.
    const old = state.merge;
    state.merge = await this.#submitMerge(planDir, state);
    writeState(planDir, state);
    if (old !== null) await this.#o.slurm.scancel([old]);
    return true;
  }
}



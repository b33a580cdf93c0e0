// A cluster job's state as one reading of Slurm and of the shards' files: each shard pending,
// running, done or failed, and the job's progress with a rate and an ETA. Pure, so it is tested on
// captured Slurm output.
import type { ClusterProgressDetail, ShardState, ShardStatus } from '../../shared/cluster.js';
import type { JobProgress } from '../../shared/jobs.js';
import type { ShardProgress } from './shard-files.js';
import type { ShardPlan } from './shard-plan.js';
import type { QueuedJob } from './slurm-output.js';
import { latestTask, type SubmissionState } from './submission-state.js';

export interface Observation {
  /** squeue's pending and running jobs and tasks, by id ("1234", "1234_5"). */
  queued: ReadonlyMap<string, QueuedJob>;
  /** Per shard: its result is in place. */
  done: readonly boolean[];
  progress: readonly (ShardProgress | null)[];
  /** Milliseconds since the epoch. */
  now: number;
}

const runningStates = new Set(['RUNNING', 'COMPLETING', 'CONFIGURING', 'STAGE_OUT', 'RESIZING']);

/** Each shard's state. A shard neither queued nor done has failed: its task ended without its result. */
export function shardStatuses(plan: ShardPlan, state: SubmissionState, o: Observation): ShardStatus[] {
  return plan.shards.map((shard, k) => {
    const task = latestTask(state, k);
    const queued = task === null ? undefined : o.queued.get(task);
    const progress = o.progress[k] ?? null;
    // A progress file counts only for the attempt that wrote it (a retry starts from nothing).
    const current = progress !== null && (o.done[k] === true || progress.slurmJob === task || task === null) ? progress : null;
    const total = plan.units[k]!;
    const since = (p: ShardProgress | null, until: number) => (p === null ? null : Math.max(0, (until - Date.parse(p.startedAt)) / 1000));
    let stateNow: ShardState;
    if (o.done[k]) stateNow = 'done';
    else if (queued !== undefined) stateNow = runningStates.has(queued.state) ? 'running' : 'pending';
    else stateNow = task === null ? 'pending' : 'failed';
    return {
      index: k,
      from: shard.from,
      to: shard.to,
      state: stateNow,
      done: stateNow === 'done' ? total : stateNow === 'running' ? Math.min(total, current?.done ?? 0) : 0,
      total,
      elapsed: stateNow === 'running' ? (queued?.elapsed ?? since(current, o.now)) : stateNow === 'done' ? since(current, current === null ? o.now : Date.parse(current.updatedAt)) : null,
      slurmJob: task,
      attempt: state.attempts[k] ?? 0,
      reason: stateNow === 'done' ? null : (state.reasons[k] ?? null),
    };
  });
}

export function countStates(shards: readonly ShardStatus[]): Record<ShardState, number> {
  const counts: Record<ShardState, number> = { pending: 0, running: 0, done: 0, failed: 0 };
  for (const s of shards) counts[s.state]++;
  return counts;
}

/** The job's progress: units over every shard, the rate since the first shard started, and the time left at that rate. */
export function clusterProgress(shards: readonly ShardStatus[], detail: Omit<ClusterProgressDetail, 'shards' | 'counts'>, unit: string, firstStart: number | null, now: number): JobProgress {
  const done = shards.reduce((s, x) => s + x.done, 0);
  const total = shards.reduce((s, x) => s + x.total, 0);
  const counts = countStates(shards);
  const seconds = firstStart === null ? 0 : (now - firstStart) / 1000;
  const rate = seconds > 1 && done > 0 ? done / seconds : null;
  const merging = detail.mergeState === 'running' ? '; merging' : '';
  const message = `Slurm: ${counts.done} of ${shards.length} shard${shards.length === 1 ? '' : 's'} done, ${counts.running} running, ${counts.pending} pending${counts.failed > 0 ? `, ${counts.failed} failed` : ''}${merging}`;
  return {
    done,
    total,
    fraction: total === 0 ? 0 : done / total,
    message,
    etaSeconds: rate === null ? null : (total - done) / rate,
    rate,
    unit,
    detail: { ...detail, shards: [...shards], counts } satisfies ClusterProgressDetail,
  };
}

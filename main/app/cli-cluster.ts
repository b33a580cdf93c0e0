// `heatlab cluster settings [--partition …]` and `heatlab cluster status`: the workspace's Slurm
// settings, and the cluster jobs with each shard's state as Slurm and the shards' files tell it.
import { DEFAULT_SHARDS, type ClusterProgressDetail, type ClusterSettings, type ShardStatus } from '../../shared/cluster.js';
import { formatDuration } from '../../shared/format.js';
import type { Job } from '../../shared/jobs.js';
import { formatJobLine } from './cli-format.js';
import { COUNT, parseWholeNumber, wholeOption } from './cli-numbers.js';
import { out, unwrap, UsageError, withHeatlab, type Options } from './cli-support.js';

export const clusterUsage = `  cluster settings       The workspace's Slurm settings; change them with --partition P --account A
                         --time 2:00:00 --cpus N --memory 4G --sbatch '#SBATCH --qos=short' (repeatable;
                         --sbatch '' clears) --heatlab 'COMMAND ON THE NODES' --retries N
  cluster status         Cluster jobs and their shards: pending, running, done, failed, elapsed, ETA
                         (run explain or evaluate with --cluster slurm [--shards N] to submit one)`;

/** `--cluster slurm [--shards N]`: the shards to run on Slurm, or null to run locally. */
export function clusterShards(options: Options): number | null {
  if (options.cluster === undefined) {
    if (options.shards !== undefined) throw new UsageError('--shards splits work for a cluster; add --cluster slurm.');
    return null;
  }
  if (options.cluster !== 'slurm') throw new UsageError(`--cluster takes slurm, the one cluster Heatlab submits to, not "${options.cluster}".`);
  return wholeOption(options.shards, 'shards', { min: 1, max: 10_000 }) ?? DEFAULT_SHARDS;
}

function settingsChanges(options: Options): Partial<ClusterSettings> {
  const changes: Partial<ClusterSettings> = {};
  if (options.partition !== undefined) changes.partition = options.partition;
  if (options.account !== undefined) changes.account = options.account;
  if (options.time !== undefined) changes.timeLimit = options.time;
  if (options.memory !== undefined) changes.memory = options.memory;
  if (options.heatlab !== undefined) changes.heatlab = options.heatlab;
  if (options.sbatch !== undefined) changes.extraSbatch = options.sbatch.map((l) => l.trim()).filter((l) => l !== '');
  const cpus = wholeOption(options.cpus, 'cpus', { min: 1 });
  if (cpus !== undefined) changes.cpusPerTask = cpus;
  if (options.retries !== undefined) {
    const retries = parseWholeNumber(options.retries);
    if (retries === null || retries < 0) throw new UsageError(`--retries takes a whole number from 0, not "${options.retries}".`);
    changes.retries = retries;
  }
  return changes;
}

function printSettings(s: ClusterSettings): void {
  out(`Partition   ${s.partition || '(the cluster’s default)'}`);
  out(`Account     ${s.account || '(none)'}`);
  out(`Time limit  ${s.timeLimit || '(the partition’s)'} per shard and for the merge`);
  out(`CPUs        ${s.cpusPerTask} per shard`);
  out(`Memory      ${s.memory || '(the partition’s default)'} per shard`);
  for (const line of s.extraSbatch) out(`Extra       ${line}`);
  out(`Heatlab     ${s.heatlab || '(this machine’s own, at the same paths on the nodes)'}`);
  out(`Retries     ${s.retries} per failed shard`);
}

function shardLine(s: ShardStatus): string {
  const elapsed = s.elapsed === null ? '' : `, ${formatDuration(s.elapsed)}`;
  const attempt = s.attempt > 1 ? `, attempt ${s.attempt}` : '';
  const reason = s.reason !== null && s.state !== 'done' ? ` — ${s.reason}` : '';
  return `  shard ${String(s.index).padStart(3)}  images ${s.from}–${s.to - 1}  ${s.state.padEnd(7)} ${s.done}/${s.total}${elapsed}${attempt}${s.slurmJob ? ` (Slurm ${s.slurmJob})` : ''}${reason}`;
}

export async function clusterCommand(options: Options, args: string[]): Promise<void> {
  const [verb, ...rest] = args;
  if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}".`);
  if (verb === 'settings') {
    const changes = settingsChanges(options);
    const view = await withHeatlab(options, async (api) => unwrap(Object.keys(changes).length > 0 ? await api['cluster.saveSettings'](changes) : await api['cluster.settings']({})));
    if (options.json) out(JSON.stringify(view, null, 2));
    else {
      printSettings(view.settings);
      out(view.availability.available ? 'Slurm: sbatch, squeue, scontrol and scancel are found on this machine.' : `Slurm: ${view.availability.reason}`);
    }
    return;
  }
  if (verb === 'status') {
    const jobs = await withHeatlab(options, async (api) => {
      const all = unwrap(await api['jobs.list']({ limit: wholeOption(options.limit, 'limit', COUNT) ?? 100 }));
      return all.filter((j) => j.kind === 'cluster.explain' || j.kind === 'cluster.evaluate');
    });
    if (options.json) out(JSON.stringify(jobs, null, 2));
    else if (jobs.length === 0) out('No cluster jobs yet.');
    else for (const job of jobs) printJob(job);
    return;
  }
  throw new UsageError(verb === undefined ? 'cluster takes settings or status.' : `Unknown cluster command "${verb}"; use cluster settings or cluster status.`);
}

function printJob(job: Job): void {
  out(formatJobLine(job));
  const detail = job.progress?.detail as ClusterProgressDetail | undefined;
  if (detail === undefined || detail.cluster !== 'slurm') return;
  if (job.status !== 'running') return out(`  Slurm array ${detail.arrayJobs.join(', ') || '—'}, merge ${detail.mergeJob ?? '—'}; plan ${detail.plan}`);
  out(`  Slurm array ${detail.arrayJobs.join(', ') || '—'}, merge ${detail.mergeJob ?? '—'} (${detail.mergeState}); plan ${detail.plan}`);
  for (const s of detail.shards) out(shardLine(s));
}

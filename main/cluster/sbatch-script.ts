// The two batch scripts of a cluster job: the shard array's (each task runs `heatlab shard run
// PLAN --index $SLURM_ARRAY_TASK_ID`) and the merge's (`heatlab shard merge PLAN`). The array's
// task range and the merge's dependency are given to sbatch on its command line, so a retry of
// some shards reuses the same script.
import type { ClusterSettings } from '../../shared/cluster.js';

/** A word for bash: single-quoted, with embedded single quotes closed and escaped. */
export const shellQuote = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);

export interface ScriptOptions {
  settings: ClusterSettings;
  /** The command that runs Heatlab on the nodes, already a shell command line. */
  heatlab: string;
  /** Absolute path of the plan file, as the nodes see it. */
  plan: string;
  /** Folder of the job's Slurm logs. */
  logs: string;
  jobId: number;
}

/** The #SBATCH lines both scripts share: partition, account, time, CPUs, memory and the user's extra lines. */
function resourceLines(s: ClusterSettings): string[] {
  return [
    ...(s.partition !== '' ? [`#SBATCH --partition=${s.partition}`] : []),
    ...(s.account !== '' ? [`#SBATCH --account=${s.account}`] : []),
    ...(s.timeLimit !== '' ? [`#SBATCH --time=${s.timeLimit}`] : []),
    `#SBATCH --cpus-per-task=${s.cpusPerTask}`,
    ...(s.memory !== '' ? [`#SBATCH --mem=${s.memory}`] : []),
    ...s.extraSbatch,
  ];
}

/** The shard array's script: task N computes shard N of the plan. */
export function shardScript(o: ScriptOptions): string {
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=heatlab-${o.jobId}-shards`,
    `#SBATCH --output=${o.logs}/shard-%a-%A.log`,
    ...resourceLines(o.settings),
    '# Written by Heatlab: one task per shard of the plan; the merge job records the result.',
    'set -euo pipefail',
    // ONNX Runtime uses the CPUs Slurm gave the task, not every core of the node.
    'export HEATLAB_ORT_THREADS="${SLURM_CPUS_PER_TASK:-1}"',
    `exec ${o.heatlab} shard run ${shellQuote(o.plan)} --index "$SLURM_ARRAY_TASK_ID"`,
    '',
  ].join('\n');
}

/** The merge's script: records the shards' results in the catalogue in one transaction. */
export function mergeScript(o: ScriptOptions): string {
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=heatlab-${o.jobId}-merge`,
    `#SBATCH --output=${o.logs}/merge-%j.log`,
    ...resourceLines(o.settings),
    '# Written by Heatlab: runs once every shard has succeeded (--dependency=afterok on the array).',
    'set -euo pipefail',
    'export HEATLAB_ORT_THREADS="${SLURM_CPUS_PER_TASK:-1}"',
    `exec ${o.heatlab} shard merge ${shellQuote(o.plan)}`,
    '',
  ].join('\n');
}

/** `--array=` for these shard indices: "0-31", or "3,7,9-11" for a retry. */
export function arraySpec(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let k = 0; k < sorted.length; ) {
    let end = k;
    while (end + 1 < sorted.length && sorted[end + 1] === sorted[end]! + 1) end++;
    parts.push(end === k ? `${sorted[k]}` : `${sorted[k]}-${sorted[end]}`);
    k = end + 1;
  }
  return parts.join(',');
}

/**
 * The merge's `--dependency`: afterok on every shard's latest attempt — a whole array where all of
 * its tasks are the latest attempts, else its tasks one by one (a failed task of an array would
 * otherwise never let the merge start).
 */
export function mergeDependency(arrays: readonly { id: string; shards: readonly number[] }[]): string | null {
  const latest = new Map<number, string>();
  for (const array of arrays) for (const shard of array.shards) latest.set(shard, array.id);
  const parts: string[] = [];
  for (const array of arrays) {
    const own = array.shards.filter((s) => latest.get(s) === array.id);
    if (own.length === 0) continue;
    if (own.length === array.shards.length) parts.push(array.id);
    else parts.push(...own.map((s) => `${array.id}_${s}`));
  }
  // Every shard done by an earlier submission: the merge waits for nothing.
  return parts.length === 0 ? null : `afterok:${parts.join(':')}`;
}

// What Heatlab submitted to Slurm for a plan: the shard arrays (the first one and each retry), the
// merge job, and every shard's attempts and last failure. Kept beside the plan, replaced atomically,
// so any Heatlab that opens the workspace can follow the job on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../workspace/atomic-write.js';

export interface SubmissionState {
  jobId: number;
  /** Every sbatch of the shard script: its job id and the shards it ran. */
  arrays: { id: string; shards: number[] }[];
  merge: string | null;
  /** Per shard: submissions so far (0 for a shard an earlier job already finished). */
  attempts: number[];
  /** Per shard: why its last attempt failed. */
  reasons: (string | null)[];
  submittedAt: string;
  /** Set once Heatlab has cancelled the job's Slurm jobs. */
  cancelled: boolean;
}

export const stateFile = (planDir: string) => join(planDir, 'state.json');

export function readState(planDir: string): SubmissionState | null {
  try {
    return JSON.parse(readFileSync(stateFile(planDir), 'utf8')) as SubmissionState;
  } catch {
    return null;
  }
}

export function writeState(planDir: string, state: SubmissionState): void {
  writeFileAtomic(stateFile(planDir), `${JSON.stringify(state, null, 2)}\n`);
}

/** Every Slurm job id of the submission: arrays and merge. */
export const slurmIds = (state: SubmissionState) => [...state.arrays.map((a) => a.id), ...(state.merge === null ? [] : [state.merge])];

/** The Slurm task of a shard's latest attempt ("1234_5"), or null for a shard never submitted. */
export function latestTask(state: SubmissionState, shard: number): string | null {
  for (let k = state.arrays.length - 1; k >= 0; k--) if (state.arrays[k]!.shards.includes(shard)) return `${state.arrays[k]!.id}_${shard}`;
  return null;
}

// Running explanation and evaluation jobs on a Slurm cluster: the settings a workspace keeps, the
// requests that submit work there, and what a cluster job reports about its shards.
import { z } from 'zod';
import { evaluateRequestSchema, type EvaluateJobParams } from './evaluations.js';
import { explainRequestSchema, type ExplainJobParams } from './explanations.js';

/** One line of text: settings end up in a batch script, where a line break would start a new command. */
const oneLine = (what: string) => z.string().trim().refine((v) => !/[\r\n]/.test(v), `${what} must be one line`);

/** Slurm's time formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
const slurmTime = /^(\d+|\d+:\d{2}|\d+:\d{2}:\d{2}|\d+-\d+|\d+-\d+:\d{2}|\d+-\d+:\d{2}:\d{2})$/;
/** Slurm's memory: a number with an optional K, M, G or T suffix (megabytes without one). */
const slurmMemory = /^\d+[KMGT]?$/;

export const clusterSettingsSchema = z
  .object({
    /** Partition (queue) to submit to; the cluster's default when empty. */
    partition: oneLine('The partition').default(''),
    /** Account charged for the work, where the site wants one. */
    account: oneLine('The account').default(''),
    /** Time limit of each shard and of the merge, in Slurm's format (e.g. 2:00:00, 1-00:00:00). */
    timeLimit: oneLine('The time limit')
      .refine((v) => v === '' || slurmTime.test(v), 'The time limit takes Slurm’s format: minutes, HH:MM:SS or D-HH:MM:SS (e.g. 2:00:00)')
      .default('1:00:00'),
    cpusPerTask: z.int().min(1).max(1024).default(1),
    /** Memory per shard in Slurm's format (e.g. 4G, 500M). */
    memory: oneLine('The memory')
      .refine((v) => v === '' || slurmMemory.test(v), 'The memory takes Slurm’s format: a number with K, M, G or T, e.g. 4G')
      .default('4G'),
    /** Further `#SBATCH` lines, one per line, e.g. `#SBATCH --qos=short`. */
    extraSbatch: z
      .array(oneLine('An extra #SBATCH line').refine((v) => /^#SBATCH\s+\S/.test(v), 'Each extra line must be an #SBATCH line, e.g. #SBATCH --qos=short'))
      .max(32)
      .default([]),
    /**
     * The command that runs Heatlab on the cluster's nodes, on the shared filesystem, e.g.
     * `/shared/heatlab/bin/heatlab`; empty: this machine's own Heatlab, for a workspace and
     * installation the nodes see at the same paths.
     */
    heatlab: oneLine('The Heatlab command').default(''),
    /** Times a failed shard (node lost, time limit, out of memory) is submitted again before the job fails. */
    retries: z.int().min(0).max(10).default(2),
  })
  .strict();
export type ClusterSettings = z.output<typeof clusterSettingsSchema>;

/** The shards a job asks for when the request does not say. */
export const DEFAULT_SHARDS = 8;
const shards = z.int().min(1).max(10_000).default(DEFAULT_SHARDS);

export const clusterRequestSchemas = {
  /** The workspace's cluster settings and whether Slurm's commands are found on this machine. */
  'cluster.settings': z.object({}).strict(),
  /** Changes some of the workspace's cluster settings; the others keep their values. */
  'cluster.saveSettings': clusterSettingsSchema.partial().strict(),
  /** An explanation job split into shards by image range, run as one Slurm job array and a merge. */
  'cluster.explain': explainRequestSchema.extend({ shards }).strict(),
  /** An evaluation job split into shards by image range, run as one Slurm job array and a merge. */
  'cluster.evaluate': evaluateRequestSchema.extend({ shards }).strict(),
} as const;

/** Whether this machine can submit to Slurm: the commands found, or the sentence saying what is missing. */
export interface ClusterAvailability {
  available: boolean;
  /** Why the cluster cannot be used, in one sentence; null when it can. */
  reason: string | null;
  /** The Slurm version sbatch reports, when found. */
  version: string | null;
}

export interface ClusterSettingsView {
  settings: ClusterSettings;
  availability: ClusterAvailability;
}

/** What a cluster job runs: the local job's parameters, the shards asked for, and the settings as submitted. */
export interface ClusterJobParams<P> {
  work: P;
  shards: number;
  settings: ClusterSettings;
}
export type ClusterExplainParams = ClusterJobParams<ExplainJobParams>;
export type ClusterEvaluateParams = ClusterJobParams<EvaluateJobParams>;

export const shardStates = ['pending', 'running', 'done', 'failed'] as const;
export type ShardState = (typeof shardStates)[number];

/** One shard as the Jobs panel and `heatlab cluster status` show it. */
export interface ShardStatus {
  index: number;
  /** Images from … to − 1 of the job's image list. */
  from: number;
  to: number;
  state: ShardState;
  /** Units of the shard's work done (heatmaps or scores) and in all. */
  done: number;
  total: number;
  /** Seconds since the shard started, while running or once done. */
  elapsed: number | null;
  /** The shard's Slurm job (e.g. 1234_5) of its latest attempt. */
  slurmJob: string | null;
  /** Attempts so far (1 = the first submission). */
  attempt: number;
  /** Slurm's state and reason, or the worker's own error, for a failed attempt. */
  reason: string | null;
}

/** The progress detail of a cluster job. */
export interface ClusterProgressDetail {
  cluster: 'slurm';
  plan: string;
  arrayJobs: string[];
  mergeJob: string | null;
  mergeState: 'waiting' | 'pending' | 'running' | 'done' | 'failed';
  shards: ShardStatus[];
  counts: Record<ShardState, number>;
}

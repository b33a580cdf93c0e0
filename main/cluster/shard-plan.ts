// A shard plan: everything a cluster job's workers and merge need, written into the workspace (on
// the cluster's shared filesystem) before anything is submitted — the local job's parameters, the
// image list, and each shard's image range. Workers read only the plan and the workspace's files,
// never the catalogue.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { EvaluateJobParams } from '../../shared/evaluations.js';
import type { ExplainJobParams } from '../../shared/explanations.js';
import { HeatlabError } from '../../shared/errors.js';
import { writeFileAtomic } from '../workspace/atomic-write.js';

export const PLAN_FORMAT = 1;

export interface ShardRange {
  index: number;
  /** Images from … to − 1 of the job's image list. */
  from: number;
  to: number;
}

interface PlanBase {
  format: typeof PLAN_FORMAT;
  /** The plan's folder name under cluster/: a digest of the work, so the same work finds its finished shards again. */
  id: string;
  /** The catalogue job this plan belongs to (the latest submission of the work). */
  jobId: number;
  images: number;
  shards: ShardRange[];
  /** Units of work per shard (heatmaps or scores), for progress. */
  units: number[];
  heatlabVersion: string;
}

export interface ExplainPlan extends PlanBase {
  kind: 'explain';
  work: ExplainJobParams;
  /** Plan-folder file with the dataset indices of the images, in order (int32 .npy). */
  indices: string;
}

export interface EvaluatePlan extends PlanBase {
  kind: 'evaluate';
  /** Its masks path points into the plan folder, which outlives any Heatlab start-up sweep. */
  work: EvaluateJobParams;
}

export type ShardPlan = ExplainPlan | EvaluatePlan;

/** Folder of every cluster job's plan in a workspace. */
export const clusterFolder = (workspace: string) => join(workspace, 'cluster');
export const planFolder = (workspace: string, id: string) => join(clusterFolder(workspace), id);
export const planFile = (workspace: string, id: string) => join(planFolder(workspace, id), 'plan.json');

/** The workspace a plan file belongs to: plans live at <workspace>/cluster/<id>/plan.json. */
export const workspaceOfPlan = (planPath: string) => dirname(dirname(dirname(resolve(planPath))));

/**
 * Splits `images` images into at most `shards` ranges of equal size, a multiple of `align` images
 * each (the last may be shorter): aligned ranges meet the same batches, chunks and seeds as a
 * whole local run, so their results are the same bytes.
 */
export function planRanges(images: number, shards: number, align: number): ShardRange[] {
  if (images < 1) throw new HeatlabError('invalid_request', 'There are no images to split into shards.');
  const size = Math.ceil(Math.ceil(images / Math.max(1, shards)) / align) * align;
  const ranges: ShardRange[] = [];
  for (let from = 0, index = 0; from < images; from += size, index++) ranges.push({ index, from, to: Math.min(images, from + size) });
  return ranges;
}

/** The digest that names the plan's folder: the work (without paths that differ per submission) and its ranges. */
export function planId(kind: ShardPlan['kind'], work: object, ranges: readonly ShardRange[]): string {
  const stable = JSON.stringify({ kind, work, ranges }, (key, value) => (key === 'masks' && typeof value === 'string' ? 'masks' : value));
  return `${kind}-${createHash('sha256').update(stable).digest('hex').slice(0, 16)}`;
}

export function writePlan(workspace: string, plan: ShardPlan): string {
  const folder = planFolder(workspace, plan.id);
  mkdirSync(join(folder, 'logs'), { recursive: true });
  const path = planFile(workspace, plan.id);
  writeFileAtomic(path, `${JSON.stringify(plan, null, 2)}\n`);
  return path;
}

/** Reads a plan file; a missing or foreign file is one sentence. */
export function readPlan(path: string): ShardPlan {
  if (!existsSync(path)) throw new HeatlabError('not_found', `There is no shard plan at ${path}.`);
  let plan: ShardPlan;
  try {
    plan = JSON.parse(readFileSync(path, 'utf8')) as ShardPlan;
  } catch (err) {
    throw new HeatlabError('invalid_request', `The shard plan ${path} cannot be read (${err instanceof Error ? err.message : String(err)}).`);
  }
  if (plan.format !== PLAN_FORMAT || (plan.kind !== 'explain' && plan.kind !== 'evaluate')) throw new HeatlabError('invalid_request', `${path} is not a shard plan this Heatlab can run (format ${String(plan.format)}).`);
  return plan;
}

/** The shard of a plan, or the sentence naming the plan's shards. */
export function shardOf(plan: ShardPlan, index: number): ShardRange {
  const shard = plan.shards[index];
  if (shard === undefined) throw new HeatlabError('invalid_request', `The plan has ${plan.shards.length} shards (0–${plan.shards.length - 1}), so it has no shard ${index}.`);
  return shard;
}

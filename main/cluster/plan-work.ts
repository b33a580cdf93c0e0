// Turning a cluster job's parameters into its shard plan: the image list (an explanation's
// selection, resolved here as the local job would), ranges aligned so every shard meets the local
// job's batches and seeds, and the files the shards read placed in the plan's folder.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ClusterEvaluateParams, ClusterExplainParams } from '../../shared/cluster.js';
import { HeatlabError } from '../../shared/errors.js';
import { selectsByPrediction } from '../../shared/explanation-words.js';
import { imagesPerChunk } from '../evaluate/run/evaluation-setup.js';
import { GRAPH_BATCH } from '../explain/run/explain-range.js';
import { selectImages } from '../explain/run/selection.js';
import { DatasetFeed } from '../workspace/dataset-feed.js';
import { writeNpy } from '../workspace/npy.js';
import { evaluateUnits } from './evaluate-shard.js';
import { explainUnits } from './explain-shard.js';
import { isShardDone } from './shard-files.js';
import { mergedFile } from './merge.js';
import { PLAN_FORMAT, planFolder, planId, planRanges, readPlan, planFile, writePlan, type ShardPlan } from './shard-plan.js';
import { stateFile } from './submission-state.js';

export type ClusterWork = { kind: 'explain'; params: ClusterExplainParams } | { kind: 'evaluate'; params: ClusterEvaluateParams };

/** Refuses, in one sentence, work a cluster cannot run as asked. */
export function checkClusterWork(work: ClusterWork): void {
  if (work.kind === 'explain' && selectsByPrediction(work.params.work.images))
    throw new HeatlabError('invalid_request', 'Choosing images by what the model predicts (outcome or confidence) needs the model run over every candidate first, which the cluster does not do; run it locally, or choose images by split, class or index for the cluster.');
}

/**
 * Writes the plan of a job into cluster/<id>/ and returns it. The same work submitted again finds
 * its folder by the same id: shards already finished there are kept and only the others are run.
 * `owner(jobId)`: whether that job is still queued or running (then the plan is not taken over).
 */
export function writeJobPlan(work: ClusterWork, jobId: number, workspace: string, version: string, active: (jobId: number) => boolean): ShardPlan {
  checkClusterWork(work);
  const base = { format: PLAN_FORMAT, jobId, heatlabVersion: version } as const;
  let plan: ShardPlan;
  if (work.kind === 'explain') {
    const params = work.params.work;
    const feed = new DatasetFeed(workspace, params.dataset);
    let indices: Int32Array;
    try {
      indices = selectImages({ name: params.dataset.name, splits: feed.splits, labels: feed.labels, classNames: params.dataset.classNames }, params.images);
    } finally {
      feed.close();
    }
    const ranges = planRanges(indices.length, work.params.shards, GRAPH_BATCH);
    plan = { ...base, kind: 'explain', id: planId('explain', params, ranges), work: params, images: indices.length, shards: ranges, units: [], indices: 'indices.npy' };
    plan.units = ranges.map((r) => explainUnits(plan as never, r.to - r.from));
    claim(workspace, plan, active);
    writeNpy(join(planFolder(workspace, plan.id), 'indices.npy'), indices, [indices.length]);
  } else {
    const params = work.params.work;
    const ranges = planRanges(params.count, work.params.shards, imagesPerChunk(params.perImage));
    plan = { ...base, kind: 'evaluate', id: planId('evaluate', params, ranges), work: params, images: params.count, shards: ranges, units: [] };
    plan.units = ranges.map((r) => evaluateUnits(plan as never, r.to - r.from));
    claim(workspace, plan, active);
    // The masks main wrote for the job move into the plan: start-up sweeps remove main's own input folders.
    if (params.masks !== null) {
      const folder = join(planFolder(workspace, plan.id), 'masks');
      rmSync(folder, { recursive: true, force: true });
      mkdirSync(folder, { recursive: true });
      const target = join(folder, 'masks.npy');
      renameSync(join(workspace, params.masks), target);
      rmSync(join(workspace, params.masks, '..'), { recursive: true, force: true });
      plan.work = { ...params, masks: relative(workspace, target) };
    }
  }
  writePlan(workspace, plan);
  return plan;
}

/** Makes the plan's folder this job's: refuses while another job runs the same work, and clears what an earlier attempt left besides finished shards. */
function claim(workspace: string, plan: ShardPlan, active: (jobId: number) => boolean): void {
  const folder = planFolder(workspace, plan.id);
  if (existsSync(planFile(workspace, plan.id))) {
    const earlier = readPlan(planFile(workspace, plan.id));
    if (earlier.jobId !== plan.jobId && active(earlier.jobId)) throw new HeatlabError('conflict', `The same ${plan.kind === 'explain' ? 'explanation' : 'evaluation'} is already running on the cluster as job ${earlier.jobId}; cancel it or wait.`);
  }
  mkdirSync(join(folder, 'logs'), { recursive: true });
  rmSync(stateFile(folder), { force: true });
  rmSync(mergedFile(folder), { force: true });
  for (const entry of readdirSync(folder)) {
    const progress = /^progress-(\d+)\.json$/.exec(entry);
    if (progress !== null && !isShardDone(folder, Number(progress[1]))) rmSync(join(folder, entry), { force: true });
    if (entry.startsWith('.shard-')) rmSync(join(folder, entry), { recursive: true, force: true });
  }
}

// The merge job: once every shard has succeeded, assembles their arrays into the files a local
// job would have staged — byte for byte — and has the catalogue record the run(s) or evaluation
// in one transaction, then marks the cluster job done. Runs as a Slurm job depending on the array.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiError } from '../../shared/errors.js';
import { HeatlabError, toApiError } from '../../shared/errors.js';
import type { StagedEvaluation } from '../../shared/evaluations.js';
import type { StagedExplanation, StagedExplanations } from '../../shared/explanations.js';
import type { JobStatus } from '../../shared/jobs.js';
import { checkRemoval, finishEvaluation, openEvaluation, withModel, type RangeScores } from '../evaluate/run/evaluation-setup.js';
import { HeatmapStatsAccumulator } from '../explain/run/heatmap-stats.js';
import type { OrtEngine } from '../onnx/ort-engine.js';
import { writeFileAtomic } from '../workspace/atomic-write.js';
import { NpyReader } from '../workspace/npy-stream.js';
import { readNpy } from '../workspace/npy.js';
import { StagingArea } from '../workspace/staging.js';
import type { EvaluateShardResult } from './evaluate-shard.js';
import type { ExplainShardResult } from './explain-shard.js';
import { isShardDone, readResult, shardFolder } from './shard-files.js';
import type { EvaluatePlan, ExplainPlan, ShardPlan } from './shard-plan.js';

/** What the merge asks of the catalogue; the app's composition root provides it. */
export interface MergeRecorder {
  /** Records the runs in one transaction; returns their ids in method order. */
  explanations(staged: StagedExplanations, jobId: number): number[];
  /** Records the evaluation in one transaction; returns its id. */
  evaluation(staged: StagedEvaluation, jobId: number): number;
  jobStatus(jobId: number): JobStatus | null;
  finishJob(jobId: number, status: 'done' | 'failed', outcome: { result?: unknown; error?: ApiError }): void;
}

export const mergedFile = (planDir: string) => join(planDir, 'merged.json');

/** Heatmap rows copied per read, so a shard's file never sits in memory whole. */
const ROWS_PER_COPY = 256;

export async function mergePlan(plan: ShardPlan, planDir: string, workspace: string, engines: () => OrtEngine, recorder: MergeRecorder): Promise<unknown> {
  const status = recorder.jobStatus(plan.jobId);
  if (status !== 'running') throw new HeatlabError('conflict', status === null ? `Job ${plan.jobId} is not in the catalogue, so the merge records nothing.` : `Job ${plan.jobId} is ${status}, so the merge records nothing.`);
  try {
    const missing = plan.shards.filter((s) => !isShardDone(planDir, s.index));
    if (missing.length > 0) {
      const s = missing[0]!;
      throw new HeatlabError('internal', `Shard ${s.index} (images ${s.from}–${s.to - 1}) has no result${missing.length > 1 ? `, nor ${missing.length - 1} other shard${missing.length > 2 ? 's' : ''}` : ''}, so there is nothing complete to merge.`);
    }
    const result = plan.kind === 'explain' ? { runIds: recorder.explanations(mergeExplanations(plan, planDir, workspace), plan.jobId) } : { evaluationId: recorder.evaluation(await mergeEvaluation(plan, planDir, workspace, engines()), plan.jobId) };
    writeFileAtomic(mergedFile(planDir), `${JSON.stringify({ jobId: plan.jobId, result })}\n`);
    recorder.finishJob(plan.jobId, 'done', { result });
    removeShardOutputs(planDir);
    return result;
  } catch (err) {
    recorder.finishJob(plan.jobId, 'failed', { error: toApiError(err) });
    throw err;
  }
}

/** The staged runs a local job would have returned: each method's heatmaps of every shard, in order. */
function mergeExplanations(plan: ExplainPlan, planDir: string, workspace: string): StagedExplanations {
  const shards = plan.shards.map((s) => readResult<ExplainShardResult>(planDir, s.index));
  const first = shards[0]!;
  const { height, width } = plan.work.dataset;
  const n = plan.images;
  const { classes, perImage } = first;
  const indices = readNpy(join(planDir, plan.indices)).data as Int32Array;
  const concat = <T extends Float32Array | Int32Array>(file: string, make: new (length: number) => T): T => {
    const parts = plan.shards.map((s) => readNpy(join(shardFolder(planDir, s.index), file)).data as T);
    const out = new make(parts.reduce((sum, p) => sum + p.length, 0));
    parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
    return out;
  };
  const logits = concat('logits.npy', Float32Array);
  const targets = concat('targets.npy', Int32Array);
  const staging = StagingArea.create(workspace, 'explanations', plan.jobId);
  try {
    const runs: StagedExplanation[] = first.methods.map((method, k) => {
      const area = staging.child(`run-${k}`);
      area.writeArray('logits', 'logits.npy', logits, [n, classes]);
      area.writeArray('indices', 'indices.npy', indices, [n]);
      area.writeArray('targets', 'targets.npy', targets, perImage === 1 ? [n] : [n, perImage]);
      const writer = area.openArray('heatmaps', 'heatmaps.npy', 'float32', perImage === 1 ? [n, height, width] : [n, perImage, height, width]);
      const stats = new HeatmapStatsAccumulator(height * width);
      for (const shard of plan.shards) {
        const reader = new NpyReader(join(shardFolder(planDir, shard.index), `heatmaps-${k}.npy`));
        try {
          for (let row = 0; row < reader.rows; row += ROWS_PER_COPY) {
            const maps = reader.readRange(row, Math.min(ROWS_PER_COPY, reader.rows - row)) as Float32Array;
            writer.append(maps);
            stats.add(maps);
          }
        } finally {
          reader.close();
        }
      }
      return {
        method: method.id,
        methodLabel: method.label,
        kind: method.kind,
        params: method.params,
        count: n,
        perImage,
        height,
        width,
        stats: stats.result(),
        engine: { ...first.engine, batchSize: method.batchSize },
        // The method's compute time over all shards: what one machine would have taken.
        seconds: shards.reduce((sum, s) => sum + s.methods[k]!.seconds, 0),
        stagingDir: area.relativeDir,
        files: area.finish(),
      };
    });
    return { request: plan.work, runs };
  } catch (err) {
    staging.discard();
    throw err;
  }
}

/** The staged evaluation a local job would have returned: every shard's scores and curves in place, then the removal check and the summary. */
async function mergeEvaluation(plan: EvaluatePlan, planDir: string, workspace: string, engines: OrtEngine): Promise<StagedEvaluation> {
  const started = performance.now();
  const setup = openEvaluation(plan.work, workspace, engines);
  const staging = StagingArea.create(workspace, 'evaluations', plan.jobId);
  try {
    const { C, M, rows } = setup;
    const { perImage } = plan.work;
    const all: RangeScores = { scores: new Float64Array(C * M * rows).fill(NaN), curves: setup.chosen.map(() => null) };
    let shardSeconds = 0;
    for (const shard of plan.shards) {
      const folder = shardFolder(planDir, shard.index);
      const result = readResult<EvaluateShardResult>(planDir, shard.index);
      shardSeconds += result.seconds;
      const start = shard.from * perImage;
      const rangeRows = (shard.to - shard.from) * perImage;
      const scores = readNpy(join(folder, 'scores.npy')).data as Float64Array;
      for (let cm = 0; cm < C * M; cm++) all.scores.set(scores.subarray(cm * rangeRows, (cm + 1) * rangeRows), cm * rows + start);
      result.curves.forEach((info, m) => {
        if (info === null) return;
        const y = readNpy(join(folder, `curve-${m}.npy`)).data as Float32Array;
        const curve = (all.curves[m] ??= { x: readNpy(join(folder, `curve-x-${m}.npy`)).data as Float64Array, y: new Float32Array(C * rows * info.points).fill(NaN), axes: info.axes });
        for (let c = 0; c < C; c++) curve.y.set(y.subarray(c * rangeRows * info.points, (c + 1) * rangeRows * info.points), (c * rows + start) * info.points);
      });
    }
    const validity = setup.explained === null ? [] : await withModel(setup, (forward) => checkRemoval(setup, forward!, { report: () => undefined, checkpoint: async () => undefined }));
    const seconds = shardSeconds + (performance.now() - started) / 1000;
    return finishEvaluation(setup, all, validity, staging, { ort: engines.ort.info.version, threads: engines.ort.info.threads }, seconds);
  } catch (err) {
    staging.discard();
    throw err;
  } finally {
    setup.close();
  }
}

/** Once recorded, the shards' arrays are copies of the catalogue's: only the plan, logs and the merge's word stay. */
function removeShardOutputs(planDir: string): void {
  for (const entry of readdirSync(planDir)) {
    if (/^(shard-\d+|\.shard-\d+\..*|progress-\d+\.json|masks)$/.test(entry)) rmSync(join(planDir, entry), { recursive: true, force: true });
  }
}

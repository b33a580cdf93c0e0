// The evaluation job (compute host): every chosen metric on every explanation run of one model and
// image set, and on a random-map baseline, chunk by chunk of heatmaps so 10,000 of them never sit
// in memory at once. Scores are stored per heatmap; the table of means with bootstrap CIs and the
// paired tests between columns are computed at the end from them. Its parts (evaluation-setup.ts)
// are the ones a cluster shard and the cluster merge run.
import type { EvaluateJobParams, PerturbationValidity, StagedEvaluation } from '../../../shared/evaluations.js';
import { StagingArea } from '../../workspace/staging.js';
import type { OrtEngine } from '../../onnx/ort-engine.js';
import type { JobContext } from '../../jobs/host/job-context.js';
import { checkRemoval, finishEvaluation, openEvaluation, scoreImageRange, withModel, type RangeScores } from './evaluation-setup.js';

export async function runEvaluate(params: EvaluateJobParams, ctx: JobContext, engines: OrtEngine): Promise<StagedEvaluation> {
  const started = performance.now();
  const setup = openEvaluation(params, ctx.workspace, engines);
  const staging = StagingArea.create(ctx.workspace, 'evaluations', ctx.jobId);
  try {
    const total = setup.C * setup.M * setup.rows;
    const checkpoint = () => ctx.checkpoint();
    let validity: PerturbationValidity[] = [];
    const scored: RangeScores = await withModel(setup, async (forward) => {
      if (forward !== undefined) validity = await checkRemoval(setup, forward, { report: (message) => ctx.progress(0, total, message, 'scores'), checkpoint });
      return scoreImageRange(setup, 0, params.count, forward, { report: (done, message) => ctx.progress(done, total, message, 'scores'), checkpoint });
    });
    return finishEvaluation(setup, scored, validity, staging, { ort: engines.ort.info.version, threads: engines.ort.info.threads }, (performance.now() - started) / 1000);
  } catch (err) {
    staging.discard();
    throw err;
  } finally {
    setup.close();
  }
}

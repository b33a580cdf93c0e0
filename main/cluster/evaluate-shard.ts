// A cluster worker's evaluation shard: every metric on every column for its image range, scored
// as the local job scores them (evaluate/run/evaluation-setup.ts) and written into the plan's
// folder. The removal check and the summary need every image's scores: the merge does them.
import type { OrtEngine } from '../onnx/ort-engine.js';
import { openEvaluation, scoreImageRange, withModel } from '../evaluate/run/evaluation-setup.js';
import { writeNpy } from '../workspace/npy.js';
import type { EvaluatePlan, ShardRange } from './shard-plan.js';
import { ProgressWriter, ShardOutput } from './shard-files.js';

/** What an evaluation shard's result.json says; scores.npy [C, M, rows] and curve-M.npy [C, rows, points] lie beside it. */
export interface EvaluateShardResult {
  index: number;
  from: number;
  to: number;
  /** Per metric, the curve's axes and points when the metric has curves. */
  curves: ({ axes: { x: string; y: string }; points: number } | null)[];
  seconds: number;
}

/** Units of an evaluation shard's work: one per score (column × metric × heatmap), as the local job counts. */
export const evaluateUnits = (plan: Pick<EvaluatePlan, 'work'>, images: number) => {
  const columns = plan.work.runs.length + (plan.work.runs.some((r) => r.baseline) ? 0 : 1);
  return columns * plan.work.metrics.length * images * plan.work.perImage;
};

export async function runEvaluateShard(plan: EvaluatePlan, planDir: string, workspace: string, shard: ShardRange, engines: OrtEngine): Promise<void> {
  const started = performance.now();
  const { from, to } = shard;
  const progress = new ProgressWriter(planDir, shard.index, evaluateUnits(plan, to - from));
  let done = 0;
  progress.report(0, true);
  const output = new ShardOutput(planDir, shard.index);
  const setup = openEvaluation(plan.work, workspace, engines);
  try {
    const scored = await withModel(setup, (forward) =>
      scoreImageRange(setup, from, to, forward, {
        report: (d) => {
          done = d;
          progress.report(d);
        },
        checkpoint: async () => undefined,
      }),
    );
    const rows = (to - from) * plan.work.perImage;
    writeNpy(output.file('scores.npy'), scored.scores, [setup.C, setup.M, rows]);
    scored.curves.forEach((curve, m) => {
      if (curve === null) return;
      writeNpy(output.file(`curve-${m}.npy`), curve.y, [setup.C, rows, curve.x.length]);
      writeNpy(output.file(`curve-x-${m}.npy`), curve.x, [curve.x.length]);
    });
    output.commit({
      index: shard.index,
      from,
      to,
      curves: scored.curves.map((c) => (c === null ? null : { axes: c.axes, points: c.x.length })),
      seconds: (performance.now() - started) / 1000,
    } satisfies EvaluateShardResult);
    progress.done();
  } catch (err) {
    output.discard();
    progress.failed(err instanceof Error ? err.message : String(err), done);
    throw err;
  } finally {
    setup.close();
  }
}

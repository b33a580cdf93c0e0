// A cluster worker's explanation shard: the model's scores, the explained classes and every
// method's heatmaps for its image range, computed as the local job computes them
// (explain/run/explain-range.ts) and written into the plan's folder — never into the catalogue.
import type { ExplanationEngine } from '../../shared/explanations.js';
import type { OrtEngine } from '../onnx/ort-engine.js';
import { explainRange, openExplainSetup, scoreImages } from '../explain/run/explain-range.js';
import { targetsFor } from '../explain/run/targets.js';
import { NpyWriter } from '../workspace/npy-stream.js';
import { readNpy, writeNpy } from '../workspace/npy.js';
import { join } from 'node:path';
import type { ExplainPlan, ShardRange } from './shard-plan.js';
import { ProgressWriter, ShardOutput } from './shard-files.js';

/** What an explanation shard's result.json says; its arrays lie beside it. */
export interface ExplainShardResult {
  index: number;
  from: number;
  to: number;
  classes: number;
  perImage: number;
  /** Each method as the runs store it, with its parameters complete, and its time on this shard. */
  methods: { id: string; label: string; kind: 'graph' | 'perturbation'; params: Record<string, unknown>; batchSize: number; seconds: number }[];
  engine: Omit<ExplanationEngine, 'batchSize'>;
  seconds: number;
}

/** Units of an explanation shard's work: one per image's scores and one per heatmap, as the local job counts. */
export const explainUnits = (plan: Pick<ExplainPlan, 'work'>, images: number) => {
  const perImage = plan.work.target === 'all' ? plan.work.model.classNames.length : 1;
  return images * (1 + plan.work.methods.length * perImage);
};

export async function runExplainShard(plan: ExplainPlan, planDir: string, workspace: string, shard: ShardRange, engines: OrtEngine): Promise<void> {
  const started = performance.now();
  const { work } = plan;
  const { from, to } = shard;
  const count = to - from;
  const progress = new ProgressWriter(planDir, shard.index, explainUnits(plan, count));
  let done = 0;
  progress.report(0, true);
  const output = new ShardOutput(planDir, shard.index);
  const setup = openExplainSetup(work, workspace, engines);
  try {
    const indices = readNpy(join(planDir, plan.indices)).data as Int32Array;
    const own = indices.subarray(from, to);
    const logits = await scoreImages(setup, own, from, async (n) => {
      done += n;
      progress.report(done);
    });
    const { classes, height, width, explained } = setup;
    const targets = targetsFor(work.target, logits, Int32Array.from(own, (i) => setup.feed.labels[i]!), classes);
    const perImage = targets.length / count;
    writeNpy(output.file('logits.npy'), logits, [count, classes]);
    writeNpy(output.file('targets.npy'), targets, perImage === 1 ? [count] : [count, perImage]);
    const methods: ExplainShardResult['methods'] = [];
    for (const [k, resolved] of setup.methods.entries()) {
      const methodStarted = performance.now();
      const writer = new NpyWriter(output.file(`heatmaps-${k}.npy`), 'float32', perImage === 1 ? [count, height, width] : [count, perImage, height, width]);
      try {
        const batchSize = await explainRange(setup, resolved, {
          from,
          to,
          indices,
          targets,
          perImage,
          seed: work.seed,
          step: async (maps, heatmaps) => {
            writer.append(maps);
            done += heatmaps;
            progress.report(done);
          },
        });
        writer.finish();
        const { method, params } = resolved;
        methods.push({ id: method.id, label: method.label, kind: method.kind, params, batchSize, seconds: (performance.now() - methodStarted) / 1000 });
      } catch (err) {
        writer.abort();
        throw err;
      }
    }
    output.commit({
      index: shard.index,
      from,
      to,
      classes,
      perImage,
      methods,
      engine: { ort: engines.ort.info.version, threads: engines.ort.info.threads, explains: explained.explains },
      seconds: (performance.now() - started) / 1000,
    } satisfies ExplainShardResult);
    progress.done();
  } catch (err) {
    output.discard();
    progress.failed(err instanceof Error ? err.message : String(err), done);
    throw err;
  } finally {
    setup.close();
  }
}

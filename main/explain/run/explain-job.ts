// The explanation job (compute host): one model, a selection of dataset images, several methods.
// The model's logits are computed once; then each method streams its heatmaps chunk by chunk
// into a staging folder of its own (heatmaps, logits, dataset indices, explained classes), so
// 10,000 images never sit in memory at once. Main records one run per finished method.
// The per-range computation (explain-range.ts) is the one a cluster shard runs on its own range.
import { HeatlabError } from '../../../shared/errors.js';
import { selectsByPrediction } from '../../../shared/explanation-words.js';
import type { ExplainHostDetail, ExplainJobParams, ExplanationEngine, StagedExplanation, StagedExplanations } from '../../../shared/explanations.js';
import { StagingArea } from '../../workspace/staging.js';
import type { OrtEngine } from '../../onnx/ort-engine.js';
import type { JobContext } from '../../jobs/host/job-context.js';
import { HeatmapStatsAccumulator } from './heatmap-stats.js';
import { explainRange, openExplainSetup, scoreImages } from './explain-range.js';
import { candidateImages, keptByPrediction, pickImages, selectImages } from './selection.js';
import { targetsFor } from './targets.js';

export { GRAPH_BATCH, imageSeed, inputBounds } from './explain-range.js';

class StoppedEarly extends Error {}

export async function runExplain(params: ExplainJobParams, ctx: JobContext, engines: OrtEngine): Promise<StagedExplanations> {
  const { model, dataset } = params;
  const setup = openExplainSetup(params, ctx.workspace, engines);
  const { feed, methods, explained, classes, height, width } = setup;
  const staging = StagingArea.create(ctx.workspace, 'explanations', ctx.jobId);
  try {
    const plane = height * width;
    const perImageOf = params.target === 'all' ? classes : 1;
    let done = 0;
    let total = 0;
    const report = (message: string, detail?: unknown) => ctx.progress(done, total, message, 'heatmaps', detail);
    /** The model's scores for these images, [images, classes], a chunk at a time. */
    const scoresOf = (images: Int32Array, message: string) =>
      scoreImages(setup, images, 0, async (count) => {
        done += count;
        report(message);
        await ctx.checkpoint();
      });

    // The images, and the model's logits for each, once: they decide the predicted-class targets
    // and are stored with every run. A selection by prediction first scores every candidate, then
    // keeps those scores for the images it picks.
    const source = { name: dataset.name, splits: feed.splits, labels: feed.labels, classNames: dataset.classNames };
    let indices: Int32Array;
    let logits: Float32Array;
    if (selectsByPrediction(params.images)) {
      const pool = candidateImages(source, params.images);
      total = pool.length + Math.min(params.images.n ?? pool.length, pool.length) * methods.length * perImageOf;
      const scores = await scoresOf(pool, `Predicting the ${pool.length} candidate images to choose from`);
      const probabilities = explained.explains === 'probabilities' || (explained.explains === 'output' && model.scores === 'probabilities');
      const picked = pickImages(keptByPrediction(source, params.images, pool, scores, classes, probabilities), params.images);
      indices = Int32Array.from(picked, (r) => pool[r]!);
      logits = new Float32Array(picked.length * classes);
      picked.forEach((r, k) => logits.set(scores.subarray(r * classes, (r + 1) * classes), k * classes));
      total = pool.length + picked.length * methods.length * perImageOf;
    } else {
      indices = selectImages(source, params.images);
      total = indices.length + indices.length * methods.length * perImageOf;
      logits = await scoresOf(indices, `Computing the model's logits on ${indices.length} images`);
    }
    const n = indices.length;
    const targets = targetsFor(params.target, logits, Int32Array.from(indices, (i) => feed.labels[i]!), classes);
    const perImage = targets.length / n;
    const engine = (batchSize: number): ExplanationEngine => ({ ort: engines.ort.info.version, threads: engines.ort.info.threads, explains: explained.explains, batchSize });

    const runs: StagedExplanation[] = [];
    for (const [k, resolved] of methods.entries()) {
      const { method, params: methodParams } = resolved;
      const started = performance.now();
      const area = staging.child(`run-${k}`);
      area.writeArray('logits', 'logits.npy', logits, [n, classes]);
      area.writeArray('indices', 'indices.npy', indices, [n]);
      area.writeArray('targets', 'targets.npy', targets, perImage === 1 ? [n] : [n, perImage]);
      const writer = area.openArray('heatmaps', 'heatmaps.npy', 'float32', perImage === 1 ? [n, height, width] : [n, perImage, height, width]);
      const stats = new HeatmapStatsAccumulator(plane);
      const message = `${method.label}: ${n} images${perImage > 1 ? ` × ${perImage} classes` : ''}`;
      const step = async (maps: Float32Array, heatmaps: number) => {
        writer.append(maps);
        stats.add(maps);
        done += heatmaps;
        report(message, { method: method.id, run: k, runs: methods.length, finished: runs } satisfies ExplainHostDetail);
        await ctx.checkpoint(true);
        if (ctx.stopRequested) throw new StoppedEarly();
      };
      try {
        const batchSize = await explainRange(setup, resolved, { from: 0, to: n, indices, targets, perImage, seed: params.seed, step });
        runs.push({
          method: method.id,
          methodLabel: method.label,
          kind: method.kind,
          params: methodParams,
          count: n,
          perImage,
          height,
          width,
          stats: stats.result(),
          engine: engine(batchSize),
          seconds: (performance.now() - started) / 1000,
          stagingDir: area.relativeDir,
          files: area.finish(),
        });
        // Main records the run now, so its heatmaps can be looked at while the next method runs.
        report(`${method.label}: done`, { method: method.id, run: k, runs: methods.length, finished: runs } satisfies ExplainHostDetail);
      } catch (err) {
        if (!(err instanceof StoppedEarly)) throw err;
        area.discard();
        break;
      }
    }
    if (runs.length === 0) throw new HeatlabError('cancelled', 'The job was stopped before any method finished.');
    return { request: params, runs };
  } catch (err) {
    staging.discard();
    throw err;
  } finally {
    setup.close();
  }
}

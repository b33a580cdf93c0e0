// The explanation job (compute host): one model, a selection of dataset images, several methods.
// The model's logits are computed once; then each method streams its heatmaps chunk by chunk
// into a staging folder of its own (heatmaps, logits, dataset indices, explained classes), so
// 10,000 images never sit in memory at once. Main records one run per finished method.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PixelDtype } from '../../../shared/datasets.js';
import { HeatlabError } from '../../../shared/errors.js';
import type { Preprocessing } from '../../../shared/models.js';
import { selectsByPrediction } from '../../../shared/explanation-words.js';
import type { ExplainHostDetail, ExplainJobParams, ExplanationEngine, StagedExplanation, StagedExplanations } from '../../../shared/explanations.js';
import { StagingArea } from '../../workspace/staging.js';
import type { OrtEngine } from '../../onnx/ort-engine.js';
import type { JobContext } from '../../jobs/host/job-context.js';
import { Random } from '../../numeric/random.js';
import { nhwcToNchw } from '../../onnx/export/layout.js';
import { DatasetFeed } from '../../workspace/dataset-feed.js';
import { ortForward, type Forward } from '../forward.js';
import type { InputBounds } from '../graph/method.js';
import { resolveMethod, type ExplainMethod } from '../methods.js';
import { datasetMeanPixel } from './dataset-mean.js';
import { HeatmapStatsAccumulator } from './heatmap-stats.js';
import { ExplainedModel } from './explained-model.js';
import { candidateImages, keptByPrediction, pickImages, selectImages } from './selection.js';
import { targetsFor } from './targets.js';

/** Images read and explained per step: the unit of progress, cancellation and streaming. */
const CHUNK = 256;
/** Images per ONNX Runtime call of the compiled graphs. */
export const GRAPH_BATCH = 64;

/** A per-image seed, so a perturbation heatmap does not depend on which images came before it. */
export const imageSeed = (seed: number, index: number, target: number) => (seed ^ Math.imul(index + 1, 0x9e3779b1) ^ Math.imul(target + 1, 0x85ebca6b)) >>> 0;

class StoppedEarly extends Error {}

/** The model's input range per channel: pixels 0 … the dtype's maximum, through x = (p / scale − mean) / std. */
export function inputBounds(p: Preprocessing, dtype: PixelDtype): InputBounds {
  const top = dtype === 'uint16' ? 65535 : 255;
  return { low: p.mean.map((m, c) => (0 - m) / p.std[c]!), high: p.mean.map((m, c) => (top / p.scale - m) / p.std[c]!) };
}

export async function runExplain(params: ExplainJobParams, ctx: JobContext, engines: OrtEngine): Promise<StagedExplanations> {
  const { model, dataset } = params;
  let meanPixel: number[] | undefined;
  const pixels = { meanPixel: () => (meanPixel ??= datasetMeanPixel(ctx.workspace, dataset)) };
  // Parameters that depend on the dataset (IG's dataset-mean pixel) are filled in before the runs
  // store them, so a stored run says what it used and re-runs without the dataset.
  const methods = params.methods.map((m) => {
    const resolved = resolveMethod(m.id, m.params);
    const complete = resolved.method.kind === 'graph' ? resolved.method.completeParams : undefined;
    return complete === undefined ? resolved : { ...resolved, params: complete(resolved.params, pixels) as Record<string, unknown> };
  });
  const feed = new DatasetFeed(ctx.workspace, dataset, model.preprocessing);
  const staging = StagingArea.create(ctx.workspace, 'explanations', ctx.jobId);
  try {
    const explained = new ExplainedModel(engines, readFileSync(join(ctx.workspace, model.onnx)), `${model.id}:${model.sha256}`, model.scores);
    const [channels, height, width] = explained.shape;
    if (channels !== dataset.channels || height !== dataset.height || width !== dataset.width)
      throw new HeatlabError('invalid_request', `Model "${model.name}" reads ${channels}×${height}×${width} images and dataset "${dataset.name}" has ${dataset.channels}×${dataset.height}×${dataset.width}.`);
    const classes = explained.classes;
    const size = channels * height * width;
    const plane = height * width;
    const readAt = (images: Int32Array) => nhwcToNchw(feed.batch(images).x, [images.length, height, width, channels]);
    const perImageOf = params.target === 'all' ? classes : 1;
    let done = 0;
    let total = 0;
    const report = (message: string, detail?: unknown) => ctx.progress(done, total, message, 'heatmaps', detail);
    /** The model's scores for these images, [images, classes], a chunk at a time. */
    const scoresOf = async (images: Int32Array, message: string) => {
      const out = new Float32Array(images.length * classes);
      await explained.withForward(async (forward) => {
        for (let start = 0; start < images.length; start += CHUNK) {
          const count = Math.min(CHUNK, images.length - start);
          out.set((await forward(readAt(images.subarray(start, start + count)), count)).subarray(0, count * classes), start * classes);
          done += count;
          report(message);
          await ctx.checkpoint();
        }
      });
      return out;
    };

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
    const read = (start: number, count: number) => readAt(indices.subarray(start, start + count));
    const targets = targetsFor(params.target, logits, Int32Array.from(indices, (i) => feed.labels[i]!), classes);
    const perImage = targets.length / n;
    const engine = (batchSize: number): ExplanationEngine => ({ ort: engines.ort.info.version, threads: engines.ort.info.threads, explains: explained.explains, batchSize });

    const runs: StagedExplanation[] = [];
    for (const [k, { method, params: methodParams }] of methods.entries()) {
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
        const batchSize = await runMethod(method, methodParams, { explained, n, size, plane, perImage, targets, read, seed: params.seed, indices, inputBounds: inputBounds(model.preprocessing, dataset.dtype), step });
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
    feed.close();
  }
}

interface MethodRun {
  explained: ExplainedModel;
  n: number;
  size: number;
  plane: number;
  perImage: number;
  /** [n, perImage] explained classes. */
  targets: Int32Array;
  /** NCHW inputs of images start … start + count − 1 of the selection. */
  read(start: number, count: number): Float32Array;
  seed: number;
  indices: Int32Array;
  inputBounds: InputBounds;
  /** Streams [count, perImage, H, W] heatmaps out, reports progress, honours cancel. */
  step(maps: Float32Array, heatmaps: number): Promise<void>;
}

/** Runs one method over every image; returns the images per ONNX Runtime call it used. */
async function runMethod(method: ExplainMethod, params: Record<string, unknown>, r: MethodRun): Promise<number> {
  const { n, plane, perImage, targets } = r;
  if (method.kind === 'graph') {
    const runner = r.explained.graphRunner(GRAPH_BATCH, r.inputBounds);
    const rng = new Random(r.seed);
    for (let start = 0; start < n; start += CHUNK) {
      const count = Math.min(CHUNK, n - start);
      const images = r.read(start, count);
      const maps = new Float32Array(count * perImage * plane);
      for (let p = 0; p < perImage; p++) {
        const column = Int32Array.from({ length: count }, (_, i) => targets[(start + i) * perImage + p]!);
        const out = await method.run(runner, { images, n: count, shape: runner.shape, targets: column }, params as never, rng);
        for (let i = 0; i < count; i++) maps.set(out.subarray(i * plane, (i + 1) * plane), (i * perImage + p) * plane);
      }
      await r.step(maps, count * perImage);
    }
    return runner.batchSize;
  }
  const [channels, height, width] = r.explained.shape;
  const batchSize = typeof params.batchSize === 'number' ? params.batchSize : GRAPH_BATCH;
  await r.explained.withForward(async (forward: Forward) => {
    for (let start = 0; start < n; start += CHUNK) {
      const count = Math.min(CHUNK, n - start);
      const images = r.read(start, count);
      for (let i = 0; i < count; i++) {
        const maps = new Float32Array(perImage * plane);
        for (let p = 0; p < perImage; p++) {
          const target = targets[(start + i) * perImage + p]!;
          const input = { image: images.subarray(i * r.size, (i + 1) * r.size), shape: { channels, height, width }, target, classes: r.explained.classes, scores: r.explained.scores };
          maps.set(await method.run(forward, input, params as never, new Random(imageSeed(r.seed, r.indices[start + i]!, target))), p * plane);
        }
        await r.step(maps, perImage);
      }
    }
  });
  return batchSize;
}

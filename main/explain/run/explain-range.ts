// Explaining a range of an explanation job's images: what a whole local run does image range by
// image range, and what one cluster shard does for its own range. Chunks lie on one grid over the
// whole selection and every image draws from its own seeded stream, so a range explained on its
// own is read, batched and seeded exactly as inside a whole run — its heatmaps are the same bytes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PixelDtype } from '../../../shared/datasets.js';
import { HeatlabError } from '../../../shared/errors.js';
import type { ExplainJobParams } from '../../../shared/explanations.js';
import type { Preprocessing } from '../../../shared/models.js';
import type { OrtEngine } from '../../onnx/ort-engine.js';
import { Random } from '../../numeric/random.js';
import { nhwcToNchw } from '../../onnx/export/layout.js';
import { DatasetFeed } from '../../workspace/dataset-feed.js';
import type { Forward } from '../forward.js';
import { perImageRandom, type InputBounds } from '../graph/method.js';
import { resolveMethod, type ExplainMethod } from '../methods.js';
import { datasetMeanPixel } from './dataset-mean.js';
import { ExplainedModel } from './explained-model.js';

/** Images read and explained per step: the unit of progress, cancellation and streaming. */
export const CHUNK = 256;
/** Images per ONNX Runtime call of the compiled graphs. */
export const GRAPH_BATCH = 64;

/** A per-image seed, so a heatmap does not depend on which images came before it. */
export const imageSeed = (seed: number, index: number, target: number) => (seed ^ Math.imul(index + 1, 0x9e3779b1) ^ Math.imul(target + 1, 0x85ebca6b)) >>> 0;

/** The end of the chunk that starts at `start` of the selection: the next multiple of CHUNK, or `end`. */
export const chunkEnd = (start: number, end: number) => Math.min(end, (Math.floor(start / CHUNK) + 1) * CHUNK);

/** The model's input range per channel: pixels 0 … the dtype's maximum, through x = (p / scale − mean) / std. */
export function inputBounds(p: Preprocessing, dtype: PixelDtype): InputBounds {
  const top = dtype === 'uint16' ? 65535 : 255;
  return { low: p.mean.map((m, c) => (0 - m) / p.std[c]!), high: p.mean.map((m, c) => (top / p.scale - m) / p.std[c]!) };
}

export interface ResolvedExplainMethod {
  method: ExplainMethod;
  params: Record<string, unknown>;
}

/** An explanation job's model, images and methods, opened once for every range it explains. */
export interface ExplainSetup {
  explained: ExplainedModel;
  feed: DatasetFeed;
  /** The job's methods with every parameter filled in, as the runs store them. */
  methods: ResolvedExplainMethod[];
  classes: number;
  height: number;
  width: number;
  /** NCHW model inputs of these dataset images. */
  read(images: Int32Array): Float32Array;
  bounds: InputBounds;
  close(): void;
}

export function openExplainSetup(params: ExplainJobParams, workspace: string, engines: OrtEngine): ExplainSetup {
  const { model, dataset } = params;
  let meanPixel: number[] | undefined;
  const pixels = { meanPixel: () => (meanPixel ??= datasetMeanPixel(workspace, dataset)) };
  // Parameters that depend on the dataset (IG's dataset-mean pixel) are filled in before the runs
  // store them, so a stored run says what it used and re-runs without the dataset.
  const methods = params.methods.map((m) => {
    const resolved = resolveMethod(m.id, m.params);
    const complete = resolved.method.kind === 'graph' ? resolved.method.completeParams : undefined;
    return complete === undefined ? resolved : { ...resolved, params: complete(resolved.params, pixels) as Record<string, unknown> };
  });
  const feed = new DatasetFeed(workspace, dataset, model.preprocessing);
  try {
    const explained = new ExplainedModel(engines, readFileSync(join(workspace, model.onnx)), `${model.id}:${model.sha256}`, model.scores);
    const [channels, height, width] = explained.shape;
    if (channels !== dataset.channels || height !== dataset.height || width !== dataset.width)
      throw new HeatlabError('invalid_request', `Model "${model.name}" reads ${channels}×${height}×${width} images and dataset "${dataset.name}" has ${dataset.channels}×${dataset.height}×${dataset.width}.`);
    return {
      explained,
      feed,
      methods,
      classes: explained.classes,
      height,
      width,
      read: (images) => nhwcToNchw(feed.batch(images).x, [images.length, height, width, channels]),
      bounds: inputBounds(model.preprocessing, dataset.dtype),
      close: () => feed.close(),
    };
  } catch (err) {
    feed.close();
    throw err;
  }
}

/**
 * The model's scores [images, classes] for `images`, which start at position `offset` (a multiple
 * of GRAPH_BATCH) of the selection; `onChunk(count)` after each chunk (progress, cancellation).
 */
export async function scoreImages(setup: ExplainSetup, images: Int32Array, offset: number, onChunk: (count: number) => Promise<void>): Promise<Float32Array> {
  const { classes } = setup;
  const out = new Float32Array(images.length * classes);
  await setup.explained.withForward(async (forward) => {
    for (let start = 0; start < images.length; ) {
      const end = chunkEnd(offset + start, offset + images.length) - offset;
      const inputs = setup.read(images.subarray(start, end));
      const size = inputs.length / (end - start);
      // ONNX Runtime gets the same GRAPH_BATCH-image batches however the selection is split into shards.
      for (let at = 0; at < end - start; at += GRAPH_BATCH) {
        const count = Math.min(GRAPH_BATCH, end - start - at);
        out.set((await forward(inputs.subarray(at * size, (at + count) * size), count)).subarray(0, count * classes), (start + at) * classes);
      }
      await onChunk(end - start);
      start = end;
    }
  });
  return out;
}

export interface ExplainRange {
  /** Selection positions from … to − 1 are explained. */
  from: number;
  to: number;
  /** Dataset index of every image of the selection. */
  indices: Int32Array;
  /** [(to − from), perImage] explained classes of the range. */
  targets: Int32Array;
  perImage: number;
  seed: number;
  /** Streams [count, perImage, H, W] heatmaps out in selection order, reports progress, honours cancel. */
  step(maps: Float32Array, heatmaps: number): Promise<void>;
}

/** Runs one method over a range of the selection; returns the images per ONNX Runtime call it used. */
export async function explainRange(setup: ExplainSetup, { method, params }: ResolvedExplainMethod, r: ExplainRange): Promise<number> {
  const { perImage, targets, from, to } = r;
  const plane = setup.height * setup.width;
  const targetAt = (position: number, p: number) => targets[(position - from) * perImage + p]!;
  if (method.kind === 'graph') {
    const runner = setup.explained.graphRunner(GRAPH_BATCH, setup.bounds);
    for (let start = from; start < to; ) {
      const end = chunkEnd(start, to);
      const count = end - start;
      const images = setup.read(r.indices.subarray(start, end));
      const maps = new Float32Array(count * perImage * plane);
      for (let p = 0; p < perImage; p++) {
        const column = Int32Array.from({ length: count }, (_, i) => targetAt(start + i, p));
        // Each image's own stream, seeded as a perturbation method's: the same noise in any batch or shard.
        const randomness = perImageRandom((i) => imageSeed(r.seed, r.indices[start + i]!, column[i]!));
        const out = await method.run(runner, { images, n: count, shape: runner.shape, targets: column }, params as never, randomness);
        for (let i = 0; i < count; i++) maps.set(out.subarray(i * plane, (i + 1) * plane), (i * perImage + p) * plane);
      }
      await r.step(maps, count * perImage);
      start = end;
    }
    return runner.batchSize;
  }
  const [channels, height, width] = setup.explained.shape;
  const size = channels * plane;
  const batchSize = typeof params.batchSize === 'number' ? params.batchSize : GRAPH_BATCH;
  await setup.explained.withForward(async (forward: Forward) => {
    for (let start = from; start < to; ) {
      const end = chunkEnd(start, to);
      const images = setup.read(r.indices.subarray(start, end));
      for (let i = 0; i < end - start; i++) {
        const maps = new Float32Array(perImage * plane);
        for (let p = 0; p < perImage; p++) {
          const target = targetAt(start + i, p);
          const input = { image: images.subarray(i * size, (i + 1) * size), shape: { channels, height, width }, target, classes: setup.classes, scores: setup.explained.scores };
          maps.set(await method.run(forward, input, params as never, new Random(imageSeed(r.seed, r.indices[start + i]!, target))), p * plane);
        }
        await r.step(maps, perImage);
      }
      start = end;
    }
  });
  return batchSize;
}

// Heatmap-scoring speed (issue 7's table): perturbation metrics on a tiny-cnn 32×32×1 exported to
// ONNX and run on ONNX Runtime, localisation and complexity metrics on 10,000 random heatmaps with
// rectangular masks. Quantus's figures on this machine (PyTorch 1.13, one thread) are the reference:
// region perturbation (4×4, 64 steps) 103, pixel flipping (16 px per step) 102, relevance mass
// accuracy 6,117, rank accuracy 4,048, pointing game 7,255, AUC 2,062 heatmaps/s.
import type * as tfType from '@tensorflow/tfjs';
import type { Metric, MetricBatch } from '../evaluate/metric.js';
import { complexityMetrics, localisationMetrics, metricById } from '../evaluate/registry.js';
import { ortForward, type Forward } from '../explain/forward.js';
import { Random } from '../numeric/random.js';
import { exportLayersModel } from '../onnx/export/index.js';
import { loadOrt } from '../onnx/runtime.js';
import { buildModel, layersFor } from '../train/architectures.js';
import { runChild } from './child.js';
import { atLeast, record, type Row } from './table.js';

// 256 heatmaps each (≈ 16,600 model rows): long enough to read through a loaded machine's noise.
// The ROAD runs solve a sparse system per step (road-imputation.ts) on top of the same model calls.
const perturbationRuns: { key: string; id: string; label: string; params: object; images: number; target: Row['target'] }[] = [
  // Quantus's set-up with the paper's uniform noise: the row comparable across sessions and with Quantus.
  { key: 'region-perturbation', id: 'region-perturbation', label: 'region perturbation, 4×4 regions, 64 steps, uniform noise', params: { regionSize: 4, steps: 64, perturbation: 'uniform' }, images: 256, target: atLeast(300) },
  // What a user gets: the paper's geometry scaled to 32 px (1×1 regions, 165 steps) with ROAD imputation.
  { key: 'region-perturbation-default', id: 'region-perturbation', label: 'region perturbation, defaults (1×1 regions, 165 steps, ROAD imputation)', params: {}, images: 256, target: atLeast(100) },
  { key: 'region-perturbation-road', id: 'region-perturbation', label: 'region perturbation, 4×4 regions, 64 steps, ROAD imputation', params: { regionSize: 4, steps: 64, perturbation: 'road' }, images: 256, target: undefined },
  { key: 'pixel-flipping', id: 'pixel-flipping', label: 'pixel flipping, 16 pixels per step', params: { pixelsPerStep: 16 }, images: 256, target: atLeast(300) },
  { key: 'pixel-flipping-uniform', id: 'pixel-flipping', label: 'pixel flipping, 16 pixels per step, uniform noise', params: { pixelsPerStep: 16, perturbation: 'uniform' }, images: 256, target: undefined },
  { key: 'pixel-flipping-road', id: 'pixel-flipping', label: 'pixel flipping, 16 pixels per step, ROAD imputation', params: { pixelsPerStep: 16, perturbation: 'road' }, images: 256, target: undefined },
  { key: 'pixel-flipping-1-uniform', id: 'pixel-flipping', label: 'pixel flipping, 1 pixel per step, uniform noise', params: { pixelsPerStep: 1, perturbation: 'uniform' }, images: 32, target: undefined },
  { key: 'pixel-flipping-1-road', id: 'pixel-flipping', label: 'pixel flipping, 1 pixel per step, ROAD imputation', params: { pixelsPerStep: 1, perturbation: 'road' }, images: 32, target: undefined },
  { key: 'deletion', id: 'deletion', label: 'deletion, one row per step', params: {}, images: 256, target: undefined },
];

type Speeds = Record<string, number>;

export async function benchEvaluate(): Promise<void> {
  const speeds = await runChild<Speeds>(['evaluate']);
  for (const r of perturbationRuns) record({ area: 'evaluate', measure: `${r.label}, tiny-cnn 32×32`, value: speeds[r.key]!, unit: 'heatmaps/s', target: r.target });
  for (const m of [...localisationMetrics, ...complexityMetrics]) record({ area: 'evaluate', measure: `${m.label}, 32×32`, value: speeds[m.id]!, unit: 'heatmaps/s', target: m.family === 'localisation' ? atLeast(20_000) : undefined });
}

/** The batch's first m heatmaps, with their masks and images. */
function head(batch: MetricBatch, m: number): MetricBatch {
  const plane = batch.height * batch.width;
  return { ...batch, n: m, heatmaps: batch.heatmaps.subarray(0, m * plane), masks: batch.masks?.subarray(0, m * plane), images: batch.images?.subarray(0, m * plane), targets: batch.targets.subarray(0, m) };
}

async function speedOf(metric: Metric, batch: MetricBatch, params: object): Promise<number> {
  const parsed = metric.params.parse(params);
  // Warm up on 16 heatmaps: several full model calls, so ONNX Runtime has grown its memory for the
  // call size and the JIT has compiled the loops — a session's first calls on a shape are slow.
  await metric.score(head(batch, 16), parsed, new Random(1));
  const start = performance.now();
  await metric.score(batch, parsed, new Random(1));
  return batch.n / ((performance.now() - start) / 1000);
}

/** A tiny-cnn 32×32×1 (two classes) exported to ONNX, on an ONNX Runtime session with Heatlab's options. */
export async function benchModel(): Promise<{ forward: Forward; release: () => Promise<void> }> {
  const tf = require('@tensorflow/tfjs') as typeof tfType;
  await tf.setBackend('cpu');
  const input = { height: 32, width: 32, channels: 1 };
  const model = buildModel(tf, layersFor({ kind: 'preset', preset: 'tiny-cnn', batchNorm: false, dropout: 0 }, 2), input, 1);
  const bytes = exportLayersModel(model, { name: 'bench', classNames: ['a', 'b'], preprocessing: { layout: 'NCHW', scale: 255, mean: [0], std: [1], ...input } });
  model.dispose();
  const ort = loadOrt();
  const session = await ort.ort.InferenceSession.create(bytes, ort.sessionOptions);
  return { forward: ortForward(ort.ort, session, input), release: () => session.release() };
}

/** n random heatmaps in [−1, 1] with 12×12 square masks and random images in [0, 1], 32×32. */
export function randomBatch(rng: Random, n: number, forward: Forward): MetricBatch {
  const plane = 1024;
  const heatmaps = rng.fill(new Float32Array(n * plane), -1, 1) as Float32Array;
  const masks = new Uint8Array(n * plane);
  for (let i = 0; i < n; i++) {
    const [x0, y0] = [rng.int(16), rng.int(16)];
    for (let y = y0; y < y0 + 12; y++) masks.fill(1, i * plane + y * 32 + x0, i * plane + y * 32 + x0 + 12);
  }
  const images = rng.fill(new Float32Array(n * plane)) as Float32Array;
  return { n, height: 32, width: 32, heatmaps, targets: new Int32Array(n), masks, images, channels: 1, forward, classes: 2, inputBounds: { low: [0], high: [1] } };
}

export async function childEvaluate(): Promise<void> {
  const model = await benchModel();
  const batch = randomBatch(new Random(4), 10_000, model.forward);
  const speeds: Speeds = {};
  for (const r of perturbationRuns) {
    speeds[r.key] = await speedOf(metricById(r.id)!, head(batch, r.images), r.params);
  }
  for (const metric of [...localisationMetrics, ...complexityMetrics]) speeds[metric.id] = await speedOf(metric, batch, {});
  await model.release();
  process.send!(speeds);
}

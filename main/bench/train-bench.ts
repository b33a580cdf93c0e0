// Training speed on the wasm backend (one core: tfjs-wasm runs single-threaded in Node), with
// Heatlab's kernel pack and with only the missing Conv2DBackpropFilter added, and memory of a real
// training job on 100,000 images. Each runs in a child process, so tfjs and memory start fresh.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfType from '@tensorflow/tfjs';
import { trainRequestSchema, type ArchitecturePreset } from '../../shared/models.js';
import { loadEngines } from '../engines/engines.js';
import { Random } from '../numeric/random.js';
import { buildModel, layersFor } from '../train/architectures.js';
import { conv2dBackpropFilterKernel } from '../train/kernels/conv2d-backprop-filter.js';
import { registerKernelPack } from '../train/kernels/index.js';
import { runTraining } from '../train/train-job.js';
import { generatedDataset, quietContext, runChild } from './child.js';
import { atLeast, atMost, record } from './table.js';

type Tf = typeof tfType;

interface SpeedResult {
  train: number;
  predict: number;
}

export async function benchTraining(): Promise<void> {
  for (const arch of ['tiny-cnn', 'lenet5'] as const) {
    const pack = await runChild<SpeedResult>(['train-speed', arch, 'pack']);
    const minimal = await runChild<SpeedResult>(['train-speed', arch, 'minimal']);
    record({ area: 'train', measure: `${arch} 32×32×1 batch 64, wasm + kernel pack, one core`, value: pack.train, unit: 'images/s', target: arch === 'tiny-cnn' ? atLeast(1500) : undefined });
    record({ area: 'train', measure: `${arch}, stock wasm + only Conv2DBackpropFilter`, value: minimal.train, unit: 'images/s' });
    record({ area: 'train', measure: `${arch}, kernel pack speed-up over that`, value: pack.train / minimal.train, unit: '×' });
    record({ area: 'train', measure: `${arch} prediction on wasm`, value: pack.predict, unit: 'images/s', target: arch === 'tiny-cnn' ? atLeast(3000) : undefined });
  }
  const big = await runChild<{ seconds: number; peakRssMb: number; imagesPerSecond: number }>(['train-100k']);
  record({ area: 'train', measure: 'tiny-cnn on 100,000 images (1 epoch + test), job end to end', value: big.seconds, unit: 's' });
  record({ area: 'train', measure: 'training speed in that job', value: big.imagesPerSecond, unit: 'images/s' });
  record({ area: 'train', measure: 'peak RSS of that job’s process', value: big.peakRssMb, unit: 'MB', target: atMost(1024) });
}

/** Images per second of trainOnBatch and of predict, after warm-up, on random data. */
async function measureSpeed(tf: Tf, preset: ArchitecturePreset): Promise<SpeedResult> {
  const batch = 64;
  const model = buildModel(tf, layersFor({ kind: 'preset', preset, batchNorm: false, dropout: 0 }, 2), { height: 32, width: 32, channels: 1 }, 1);
  model.compile({ optimizer: tf.train.adam(0.001), loss: (a: tfType.Tensor, b: tfType.Tensor) => tf.losses.softmaxCrossEntropy(a, b), metrics: ['accuracy'] });
  const rng = new Random(1);
  const x = tf.tensor4d(rng.fill(new Float32Array(batch * 1024)) as Float32Array, [batch, 32, 32, 1]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: batch }, (_, k) => k % 2), 'int32'), 2);
  for (let k = 0; k < 5; k++) await model.trainOnBatch(x, y);
  const steps = 30;
  let start = performance.now();
  for (let k = 0; k < steps; k++) await model.trainOnBatch(x, y);
  const train = (steps * batch) / ((performance.now() - start) / 1000);
  const big = tf.tile(x, [4, 1, 1, 1]);
  tf.tidy(() => (model.predict(big) as tfType.Tensor).dataSync());
  start = performance.now();
  for (let k = 0; k < 10; k++) tf.tidy(() => (model.predict(big) as tfType.Tensor).dataSync());
  const predict = (10 * 4 * batch) / ((performance.now() - start) / 1000);
  return { train, predict };
}

export async function childTrainSpeed(preset: string, variant: string): Promise<void> {
  const tf = require('@tensorflow/tfjs') as Tf;
  require('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  await tf.ready();
  if (variant === 'pack') registerKernelPack(tf);
  else tf.registerKernel(conv2dBackpropFilterKernel(tf));
  process.send!(await measureSpeed(tf, preset as ArchitecturePreset));
}

/** The real jobs: 100,000 images generated, then one epoch of tiny-cnn with validation and test. */
export async function childTrain100k(): Promise<void> {
  const workspace = mkdtempSync(join(tmpdir(), 'heatlab-bench-train-'));
  try {
    const dataset = await generatedDataset(workspace, 100_000);
    const engines = await loadEngines();
    const request = trainRequestSchema.parse({ datasetId: 1, training: { epochs: 1, batchSize: 64 } });
    const start = performance.now();
    const model = await runTraining({ ...request, dataset }, quietContext(workspace, 2), engines);
    const seconds = (performance.now() - start) / 1000;
    process.send!({ seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, imagesPerSecond: model.epochs[0]!.imagesPerSecond });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetRef } from '../../shared/datasets.js';
import { trainingSchema } from '../../shared/models.js';
import type { JobContext } from '../../main/jobs/host/job-context.js';
import { Random } from '../../main/numeric/random.js';
import { buildModel, layersFor } from '../../main/train/architectures.js';
import { DatasetFeed } from '../../main/workspace/dataset-feed.js';
import { trainLoop } from '../../main/train/train-loop.js';
import { writeNpy } from '../../main/workspace/npy.js';

let workspace: string;
let dataset: DatasetRef;

/** 120 8×8 images: class 1 is bright, class 0 dark; 80 train, 20 validation, 20 test. */
beforeAll(async () => {
  await tf.setBackend('cpu');
  workspace = mkdtempSync(join(tmpdir(), 'heatlab-loop-'));
  const dir = join(workspace, 'data', 'datasets', '1');
  mkdirSync(dir, { recursive: true });
  const n = 120;
  const rng = new Random(5);
  const labels = Int32Array.from({ length: n }, (_, k) => k % 2);
  const images = new Uint8Array(n * 64).map((_, p) => (labels[Math.floor(p / 64)] ? 150 : 40) + rng.int(60));
  const splits = Uint8Array.from({ length: n }, (_, k) => (k < 80 ? 0 : k < 100 ? 1 : 2));
  writeNpy(join(dir, 'images.npy'), images, [n, 8, 8, 1]);
  writeNpy(join(dir, 'labels.npy'), labels, [n]);
  writeNpy(join(dir, 'splits.npy'), splits, [n]);
  const rel = (f: string) => join('data', 'datasets', '1', f);
  dataset = { id: 1, name: 'bright vs dark', count: n, height: 8, width: 8, channels: 1, dtype: 'uint8', classNames: ['dark', 'bright'], files: { images: rel('images.npy'), labels: rel('labels.npy'), splits: rel('splits.npy') } };
});

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

function context(overrides: Partial<JobContext> = {}): JobContext & { reports: unknown[] } {
  const reports: unknown[] = [];
  return { jobId: 1, workspace, progress: (...args) => void reports.push(args), checkpoint: async () => undefined, cancelRequested: false, stopRequested: false, reports, ...overrides };
}

function setUp(seed = 1) {
  const feed = new DatasetFeed(workspace, dataset);
  const model = buildModel(tf, layersFor({ kind: 'preset', preset: 'mlp', batchNorm: false, dropout: 0 }, 2), dataset, seed);
  model.compile({ optimizer: tf.train.adam(0.05), loss: (a: tf.Tensor, b: tf.Tensor) => tf.losses.softmaxCrossEntropy(a, b), metrics: ['accuracy'] });
  const split = { train: feed.indicesOf('train'), validation: feed.indicesOf('validation') };
  return { feed, model, split };
}

const weightsOf = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

describe('the training loop', () => {
  it('learns an easy task, recording one epoch each with validation numbers', async () => {
    const { feed, model, split } = setUp();
    const outcome = await trainLoop(tf, model, feed, split, trainingSchema.parse({ epochs: 5, batchSize: 16 }), context());
    expect(outcome.stopReason).toBe('completed');
    expect(outcome.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(outcome.epochs.at(-1)!.valAccuracy).toBe(1);
    expect(outcome.epochs.at(-1)!.loss).toBeLessThan(outcome.epochs[0]!.loss);
    feed.close();
    model.dispose();
  });

  it('keeps the last finite weights and says so when the loss becomes NaN', async () => {
    const { feed, model, split } = setUp();
    const real = model.trainOnBatch.bind(model);
    let calls = 0;
    let afterEpochOne: number[][] = [];
    // Five batches make an epoch (80 / 16); the ninth step "diverges".
    model.trainOnBatch = async (x, y) => {
      calls++;
      if (calls === 6) afterEpochOne = weightsOf(model);
      if (calls === 9) return [Number.NaN, 0];
      return real(x, y);
    };
    const outcome = await trainLoop(tf, model, feed, split, trainingSchema.parse({ epochs: 3, batchSize: 16 }), context());
    expect(outcome.stopReason).toBe('diverged');
    expect(outcome.stopNote).toBe('Training stopped in epoch 2, batch 4: the loss became NaN; the model keeps the weights of epoch 1. Try a smaller learning rate.');
    expect(outcome.epochs.length).toBe(1);
    expect(weightsOf(model)).toEqual(afterEpochOne);
    feed.close();
    model.dispose();
  });

  it('stops when validation loss stops improving and restores the best epoch', async () => {
    const { feed, model, split } = setUp();
    const outcome = await trainLoop(tf, model, feed, split, trainingSchema.parse({ epochs: 40, batchSize: 80, learningRate: 0.5, earlyStopping: { patience: 2, restoreBest: true } }), context());
    if (outcome.stopReason === 'early-stopped') {
      const losses = outcome.epochs.map((e) => e.valLoss!);
      const bestEpoch = losses.indexOf(Math.min(...losses)) + 1;
      expect(outcome.epochs.length).toBe(bestEpoch + 2);
      expect(outcome.stopNote).toBe(`Validation loss did not improve for 2 epochs after epoch ${bestEpoch}; the model keeps the weights of epoch ${bestEpoch}.`);
    } else {
      expect(outcome.epochs.length).toBe(40);
    }
    feed.close();
    model.dispose();
  });

  it('does not leak tensors across repeated runs', async () => {
    const run = async () => {
      const { feed, model, split } = setUp();
      await trainLoop(tf, model, feed, split, trainingSchema.parse({ epochs: 1, batchSize: 16 }), context());
      model.optimizer.dispose();
      model.dispose();
      feed.close();
    };
    await run();
    const before = tf.memory().numTensors;
    await run();
    await run();
    expect(tf.memory().numTensors).toBe(before);
  });
});

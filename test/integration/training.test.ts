import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfType from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api.js';
import type { Job } from '../../shared/jobs.js';
import type { TrainingDetail } from '../../shared/models.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { ok } from '../fixtures/results.js';

let workspace: string;
let heatlab: Heatlab;
let api: Api;
let datasetId: number;

async function run(started: Job): Promise<Job> {
  return heatlab.jobs.waitFor(started.id);
}

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'heatlab-training-'));
  heatlab = openHeatlab({ workspaceDir: workspace, mode: 'cli' });
  api = createInProcessApi(heatlab.router, heatlab.events);
  const job = await run(ok(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 1200, seed: 3, minContrast: 0.3 } })));
  datasetId = (job.result as { datasetId: number }).datasetId;
});

afterAll(async () => {
  await heatlab.close();
  rmSync(workspace, { recursive: true, force: true });
});

describe('training', () => {
  it('trains tiny-cnn, reports epochs in progress, scores the test split and saves a verified ONNX file', async () => {
    const details: TrainingDetail[] = [];
    const off = api.on('job.progress', (e) => e.progress.detail && details.push(e.progress.detail as TrainingDetail));
    const job = await run(ok(await api['models.train']({ datasetId, training: { epochs: 3, batchSize: 32, learningRate: 0.003, seed: 2 } })));
    off();
    expect(job.status, job.error?.message).toBe('done');
    const model = ok(await api['models.get']({ id: (job.result as { modelId: number }).modelId }));
    expect(model.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(model.stopReason).toBe('completed');
    expect(model.test!.count).toBe(360);
    expect(model.test!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(360);
    expect(model.test!.accuracy).toBeGreaterThan(0.6);
    expect(model.onnx.maxAbsDifference).toBeLessThanOrEqual(1e-4);
    const onnx = readFileSync(join(workspace, model.onnx.path));
    expect(createHash('sha256').update(onnx).digest('hex')).toBe(model.onnx.sha256);
    expect(existsSync(join(workspace, model.tfjs!.modelJson))).toBe(true);
    expect(details.at(-1)?.epochs.length).toBe(3);
    const wrong = ok(await api['models.misclassified']({ id: model.id }));
    expect(wrong.indices.length).toBe(model.test!.misclassified);
    wrong.indices.forEach((_, k) => expect(wrong.predicted[k]).not.toBe(wrong.trueLabels[k]));
  });

  it('gives the same weights from the same seed on the same backend', async () => {
    const train = async () => {
      const job = await run(ok(await api['models.train']({ datasetId, architecture: { kind: 'preset', preset: 'mlp' }, training: { epochs: 1, batchSize: 64, seed: 9 } })));
      const model = ok(await api['models.get']({ id: (job.result as { modelId: number }).modelId }));
      return readFileSync(join(workspace, model.tfjs!.weights));
    };
    expect(Buffer.compare(await train(), await train())).toBe(0);
  });

  it('stops early on request and keeps the last completed epoch as a usable model', async () => {
    const started = ok(await api['models.train']({ datasetId, training: { epochs: 50, batchSize: 16, seed: 4 } }));
    await new Promise<void>((resolve) => {
      const off = api.on('job.progress', (e) => {
        const detail = e.progress.detail as TrainingDetail | undefined;
        if (e.jobId === started.id && (detail?.epochs.length ?? 0) >= 1) {
          off();
          resolve();
        }
      });
    });
    ok(await api['jobs.cancel']({ id: started.id, keep: true }));
    const job = await run(started);
    expect(job.status).toBe('done');
    const model = ok(await api['models.get']({ id: (job.result as { modelId: number }).modelId }));
    expect(model.stopReason).toBe('stopped');
    expect(model.stopNote).toMatch(/^Stopped by the user in epoch \d+; the model keeps the weights of epoch \d+\.$/);
    expect(model.epochs.length).toBeGreaterThanOrEqual(1);
  });

  it('stops a run whose loss becomes NaN under a huge learning rate, keeping a usable model and saying why', async () => {
    const job = await run(ok(await api['models.train']({ datasetId, training: { epochs: 2, optimizer: 'sgd', learningRate: 1e6, seed: 1 } })));
    expect(job.status, job.error?.message).toBe('done');
    const model = ok(await api['models.get']({ id: (job.result as { modelId: number }).modelId }));
    expect(model.stopReason).toBe('diverged');
    expect(model.stopNote).toMatch(/^Training stopped in epoch 1, batch \d+: the loss became NaN; the model keeps its initial weights\. Try a smaller learning rate\.$/);
    expect(model.test!.count).toBe(360);
    expect(Number.isFinite(model.test!.loss)).toBe(true);
  });

  it('reloads the saved tfjs model, which predicts the test split exactly as recorded and as its ONNX file does', async () => {
    const job = await run(ok(await api['models.train']({ datasetId, training: { epochs: 2, batchSize: 32, seed: 6 } })));
    const model = ok(await api['models.get']({ id: (job.result as { modelId: number }).modelId }));
    const tf = await import('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    const manifest = JSON.parse(readFileSync(join(workspace, model.tfjs!.modelJson), 'utf8')) as { modelTopology: object; weightsManifest: { weights: tfType.io.WeightsManifestEntry[] }[] };
    const weights = readFileSync(join(workspace, model.tfjs!.weights));
    const reloaded = await tf.loadLayersModel(tf.io.fromMemory(manifest.modelTopology, manifest.weightsManifest[0]!.weights, new Uint8Array(weights).buffer));
    const index = ok(await api['datasets.index']({ id: datasetId }));
    const test = Array.from(index.splits.keys()).filter((i) => index.splits[i] === 2);
    const images = ok(await api['datasets.images']({ id: datasetId, indices: test }));
    const x = Float32Array.from(images.data, (v) => v / 255);
    const logits = tf.tidy(() => (reloaded.predict(tf.tensor4d(x, [test.length, 32, 32, 1])) as tfType.Tensor).dataSync() as Float32Array);
    const predicted = test.map((_, k) => (logits[2 * k + 1]! > logits[2 * k]! ? 1 : 0));
    const correct = predicted.filter((p, k) => p === index.labels[test[k]!]).length;
    expect(correct / test.length).toBeCloseTo(model.test!.accuracy, 10);
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(join(workspace, model.onnx.path));
    const out = await session.run({ input: new ort.Tensor('float32', x, [test.length, 1, 32, 32]) });
    const onnxLogits = out.logits!.data as Float32Array;
    const diff = Math.max(...Array.from(onnxLogits, (v, k) => Math.abs(v - logits[k]!)));
    expect(diff).toBeLessThanOrEqual(1e-4);
    await session.release();
    reloaded.dispose();
  });

  it('trains LeNet-5 on 64×64 images into a model with one score per class, and refuses it on 16×16 images with a sentence before any job starts', async () => {
    const generated = await run(ok(await api['datasets.generate']({ generator: 'triangles-squares-scaled', params: { count: 200, seed: 4 } })));
    const scaled = (generated.result as { datasetId: number }).datasetId;
    const job = await run(ok(await api['models.train']({ datasetId: scaled, architecture: { kind: 'preset', preset: 'lenet5' }, training: { epochs: 1, batchSize: 32 } })));
    expect(job.status, job.error?.message).toBe('done');
    const model = ok(await api['models.get']({ id: (job.result as { modelId: number }).modelId }));
    expect(model.preprocessing).toMatchObject({ height: 64, width: 64, channels: 1 });
    expect(model.layers.at(-1)).toMatchObject({ type: 'Dense', outputShape: [2] });
    expect(model.test!.confusion).toEqual([expect.any(Array), expect.any(Array)]);
    expect(model.onnx.maxAbsDifference).toBeLessThanOrEqual(1e-4);

    const small = await run(ok(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 20, size: 16, seed: 5 } })));
    const refused = await api['models.train']({ datasetId: (small.result as { datasetId: number }).datasetId, architecture: { kind: 'preset', preset: 'lenet5' } });
    expect(refused).toEqual({
      ok: false,
      error: { code: 'invalid_request', message: 'These 16×16 images are too small for LeNet-5 (Triangles & Squares study), which needs at least 32×32 pixels; choose another architecture or a custom layer list.' },
    });
  });

  it('refuses a custom architecture that shrinks the image to nothing before any job starts, naming the layer', async () => {
    const conv = { type: 'conv2d' as const, filters: 4, kernel: 11, padding: 'valid' as const };
    const result = await api['models.train']({ datasetId, architecture: { kind: 'custom', layers: [conv, conv, conv, conv] } });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_request');
      expect(result.error.message).toMatch(/^Layer 4 \(conv2d\) would shrink the 2×2 input to nothing/);
    }
  });
});

// Explanation runs end to end through the API on a temporary workspace: a job with several
// methods records one run per method; the stored logits equal an independent ONNX Runtime pass on
// the preprocessed pixels, the stored gradient maps equal tfjs's own gradient of the trained
// model, targets follow the request, seeds make runs reproducible, and bad requests, cancels and
// deletions leave nothing behind.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfType from '@tensorflow/tfjs';
import type { InferenceSession } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api.js';
import type { ExplainRequest, ExplanationRun } from '../../shared/explanations.js';
import type { Job } from '../../shared/jobs.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { loadOrt, type LoadedOrt } from '../../main/onnx/runtime.js';
import { readNpy } from '../../main/workspace/npy.js';
import { failure, ok } from '../fixtures/results.js';

let workspace: string;
let heatlab: Heatlab;
let api: Api;
let ort: LoadedOrt;
let datasetId: number;
let modelId: number;
let session: InferenceSession;

async function explain(request: Partial<ExplainRequest> & Pick<ExplainRequest, 'methods'>): Promise<ExplanationRun[]> {
  const job = await heatlab.jobs.waitFor(ok(await api['explain.start']({ modelId, datasetId, ...request })).id);
  expect(job.status, job.error?.message).toBe('done');
  return Promise.all((job.result as { runIds: number[] }).runIds.map(async (id) => ok(await api['explanations.get']({ id }))));
}

const array = (run: ExplanationRun, role: string) => readNpy(join(workspace, run.files.find((f) => f.role === role)!.path));

/** The model's logits computed here, independently of the job: pixels / 255 into the stored ONNX file. */
async function logitsOf(indices: ArrayLike<number>): Promise<Float32Array> {
  const batch = ok(await api['datasets.images']({ id: datasetId, indices: Array.from(indices) }));
  const x = Float32Array.from(batch.data, (v) => v / 255);
  const out = await session.run({ [session.inputNames[0]!]: new ort.ort.Tensor('float32', x, [indices.length, 1, 32, 32]) });
  return out[session.outputNames[0]!]!.data as Float32Array;
}

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'heatlab-explain-'));
  heatlab = openHeatlab({ workspaceDir: workspace, mode: 'cli' });
  api = createInProcessApi(heatlab.router, heatlab.events);
  ort = loadOrt();
  const data = await heatlab.jobs.waitFor(ok(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 400, seed: 5, minContrast: 0.3 } })).id);
  datasetId = (data.result as { datasetId: number }).datasetId;
  const trained = await heatlab.jobs.waitFor(ok(await api['models.train']({ datasetId, training: { epochs: 2, batchSize: 32, learningRate: 0.003 } })).id);
  expect(trained.status, trained.error?.message).toBe('done');
  modelId = (trained.result as { modelId: number }).modelId;
  const model = ok(await api['models.get']({ id: modelId }));
  session = await ort.ort.InferenceSession.create(join(workspace, model.onnx.path));
});

afterAll(async () => {
  await session?.release();
  await heatlab.close();
  rmSync(workspace, { recursive: true, force: true });
});

describe('explanation runs', () => {
  it('records one run per method with heatmaps, the logits of an independent pass, indices and predicted-class targets', async () => {
    const runs = await explain({ images: { split: 'test', pick: 'first', n: 12, seed: 1 }, methods: [{ id: 'gradient', params: {} }, { id: 'occlusion', params: { window: 4, stride: 4 } }, { id: 'random', params: {} }] });
    expect(runs.map((r) => r.method)).toEqual(['gradient', 'occlusion', 'random']);
    const index = ok(await api['datasets.index']({ id: datasetId }));
    const testImages = Array.from(index.splits.keys()).filter((k) => index.splits[k] === 2).slice(0, 12);
    const expected = await logitsOf(testImages);
    for (const run of runs) {
      expect(run.count).toBe(12);
      expect(Array.from(array(run, 'indices').data)).toEqual(testImages);
      const heatmaps = array(run, 'heatmaps');
      expect(heatmaps.shape).toEqual([12, 32, 32]);
      const file = run.files.find((f) => f.role === 'heatmaps')!;
      expect(createHash('sha256').update(readFileSync(join(workspace, file.path))).digest('hex')).toBe(file.sha256);
      const logits = array(run, 'logits').data as Float32Array;
      logits.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 5));
      const targets = array(run, 'targets').data as Int32Array;
      targets.forEach((t, i) => expect(t).toBe(logits[2 * i]! >= logits[2 * i + 1]! ? 0 : 1));
      expect(run.stats.nonFinite).toBe(0);
      expect(run.engine.explains).toBe('logits');
    }
  });

  it("stores gradient maps equal to tfjs's own gradient of the trained model", async () => {
    const [run] = await explain({ images: { split: 'test', pick: 'indices', indices: [7, 42, 99], seed: 1 }, methods: [{ id: 'gradient', params: {} }] });
    const heatmaps = array(run!, 'heatmaps').data as Float32Array;
    const targets = array(run!, 'targets').data as Int32Array;
    const model = ok(await api['models.get']({ id: modelId }));
    const tf = await import('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    const manifest = JSON.parse(readFileSync(join(workspace, model.tfjs!.modelJson), 'utf8')) as { modelTopology: object; weightsManifest: { weights: tfType.io.WeightsManifestEntry[] }[] };
    const weights = readFileSync(join(workspace, model.tfjs!.weights));
    const reloaded = await tf.loadLayersModel(tf.io.fromMemory(manifest.modelTopology, manifest.weightsManifest[0]!.weights, new Uint8Array(weights).buffer));
    const batch = ok(await api['datasets.images']({ id: datasetId, indices: [7, 42, 99] }));
    const seed = tf.oneHot(tf.tensor1d(targets, 'int32'), 2);
    const f = (x: tfType.Tensor) => tf.sum(tf.mul(reloaded.apply(x, { training: false }) as tfType.Tensor, seed));
    // One channel: NHWC and NCHW hold the same numbers.
    const expected = tf.grad(f)(tf.tensor4d(Float32Array.from(batch.data, (v) => v / 255), [3, 32, 32, 1])).dataSync() as Float32Array;
    const scale = Math.max(...Array.from(expected, Math.abs));
    expect(scale).toBeGreaterThan(0);
    expect(Math.max(...Array.from(heatmaps, (v, k) => Math.abs(v - expected[k]!))) / scale).toBeLessThanOrEqual(1e-4);
  });

  it('explains every class with target all, each equal to a run of that one class', async () => {
    const images = { split: 'test' as const, pick: 'first' as const, n: 5, seed: 1 };
    const [all] = await explain({ images, methods: [{ id: 'gradient-x-input', params: {} }], target: 'all' });
    const [one] = await explain({ images, methods: [{ id: 'gradient-x-input', params: {} }], target: { class: 1 } });
    expect(all!.perImage).toBe(2);
    const maps = array(all!, 'heatmaps');
    expect(maps.shape).toEqual([5, 2, 32, 32]);
    expect(Array.from(array(all!, 'targets').data)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    const single = array(one!, 'heatmaps').data as Float32Array;
    for (let i = 0; i < 5; i++) expect(Array.from(maps.data.subarray((i * 2 + 1) * 1024, (i * 2 + 2) * 1024))).toEqual(Array.from(single.subarray(i * 1024, (i + 1) * 1024)));
  });

  it('runs LRP composites through the job, zᴮ bounded by the model’s preprocessing range', async () => {
    const runs = await explain({ images: { split: 'test', pick: 'first', n: 6, seed: 1 }, methods: [{ id: 'lrp-epsilon-plus-flat', params: {} }, { id: 'lrp-epsilon-gamma-box', params: {} }] });
    for (const run of runs) {
      expect(run.stats.nonFinite).toBe(0);
      expect(run.stats.allZero).toBe(0);
      expect(array(run, 'heatmaps').shape).toEqual([6, 32, 32]);
    }
    // The trained model reads pixels / 255: the default bounds [0, 1] and the explicit ones agree.
    const [explicit] = await explain({ images: { split: 'test', pick: 'first', n: 6, seed: 1 }, methods: [{ id: 'lrp-epsilon-gamma-box', params: { low: [0], high: [1] } }] });
    expect(Array.from(array(explicit!, 'heatmaps').data)).toEqual(Array.from(array(runs[1]!, 'heatmaps').data));
  });

  it('makes a seeded perturbation map depend on its seed and image, not on the other images in the run', async () => {
    const method = [{ id: 'rise', params: { masks: 50 } }];
    const [pair] = await explain({ images: { split: 'all', pick: 'indices', indices: [3, 9], seed: 1 }, methods: method, seed: 11 });
    const [alone] = await explain({ images: { split: 'all', pick: 'indices', indices: [9], seed: 1 }, methods: method, seed: 11 });
    const [reseeded] = await explain({ images: { split: 'all', pick: 'indices', indices: [9], seed: 1 }, methods: method, seed: 12 });
    const nine = Array.from((array(pair!, 'heatmaps').data as Float32Array).subarray(1024));
    expect(Array.from(array(alone!, 'heatmaps').data)).toEqual(nine);
    expect(Array.from(array(reseeded!, 'heatmaps').data)).not.toEqual(nine);
    expect(alone!.seed).toBe(11);
  });

  it('reads heatmaps back by row with their logits, dataset indices and targets', async () => {
    const [run] = await explain({ images: { split: 'train', pick: 'random', n: 6, seed: 4 }, methods: [{ id: 'guided-backprop', params: {} }] });
    const batch = ok(await api['explanations.heatmaps']({ id: run!.id, rows: [4, 1] }));
    const all = array(run!, 'heatmaps').data as Float32Array;
    const indices = array(run!, 'indices').data as Int32Array;
    expect(Array.from(batch.heatmaps.subarray(0, 1024))).toEqual(Array.from(all.subarray(4 * 1024, 5 * 1024)));
    expect(Array.from(batch.heatmaps.subarray(1024))).toEqual(Array.from(all.subarray(1024, 2048)));
    expect(Array.from(batch.indices)).toEqual([indices[4], indices[1]]);
    expect(batch.logits.length).toBe(4);
    expect(failure(await api['explanations.heatmaps']({ id: run!.id, rows: [6] }))).toBe(`Run ${run!.id} has 6 images (rows 0–5), so it has no row 6.`);
  });

  it('reads the same rows of several runs in one call, with their images and labels, leaving out rows a run does not have', async () => {
    const [gradient, deconvnet] = await explain({ images: { split: 'all', pick: 'first', n: 5, seed: 1 }, methods: [{ id: 'gradient', params: {} }, { id: 'deconvnet', params: {} }] });
    const [short] = await explain({ images: { split: 'all', pick: 'first', n: 3, seed: 1 }, methods: [{ id: 'gradient', params: {} }] });
    const { batches, images, labels } = ok(await api['explanations.gridRows']({ ids: [deconvnet!.id, gradient!.id, short!.id], rows: [2, 4] }));
    expect(batches.map((b) => b.runId)).toEqual([deconvnet!.id, gradient!.id, short!.id]);
    for (const [batch, run] of [[batches[0]!, deconvnet!], [batches[1]!, gradient!]] as const) {
      const all = array(run, 'heatmaps').data as Float32Array;
      expect(batch.rows).toEqual([2, 4]);
      expect(Array.from(batch.heatmaps)).toEqual([...all.subarray(2 * 1024, 3 * 1024), ...all.subarray(4 * 1024, 5 * 1024)]);
    }
    expect(batches[2]!.rows).toEqual([2]);
    expect(Array.from(batches[2]!.indices)).toEqual([Array.from(array(short!, 'indices').data)[2]]);
    // The images and true classes are the first run's rows', as the dataset holds them.
    const shown = Array.from(batches[0]!.indices);
    expect(images).toEqual(ok(await api['datasets.images']({ id: datasetId, indices: shown })));
    const index = ok(await api['datasets.index']({ id: datasetId }));
    expect(Array.from(labels)).toEqual(shown.map((i) => index.labels[i]));
    expect(failure(await api['explanations.gridRows']({ ids: [gradient!.id, 99999], rows: [0] }))).toBe('There is no explanation run 99999.');
  });

  it('lists every row of a grid, with true classes and the logits, and refuses runs of other images as columns', async () => {
    const [gradient, deconvnet] = await explain({ images: { split: 'all', pick: 'random', n: 7, seed: 3 }, methods: [{ id: 'gradient', params: {} }, { id: 'deconvnet', params: {} }] });
    const index = ok(await api['explanations.gridIndex']({ ids: [gradient!.id, deconvnet!.id] }));
    expect(Array.from(index.indices)).toEqual(Array.from(array(gradient!, 'indices').data));
    expect(Array.from(index.logits)).toEqual(Array.from(array(gradient!, 'logits').data));
    const labels = ok(await api['datasets.index']({ id: datasetId })).labels;
    expect(Array.from(index.labels)).toEqual(Array.from(index.indices, (i) => labels[i]));
    // Other images (another seed) cannot join, in one sentence naming the run.
    const [other] = await explain({ images: { split: 'all', pick: 'random', n: 7, seed: 4 }, methods: [{ id: 'gradient', params: {} }] });
    expect(failure(await api['explanations.gridIndex']({ ids: [gradient!.id, other!.id] }))).toBe(
      `Run ${other!.id} (Gradient (signed)) explains other images than run ${gradient!.id}, so it cannot be a column of this grid.`,
    );
  });

  it('chooses images by the model’s own predictions: one class, right or wrong, within a confidence range, reproducibly', async () => {
    // The oracle: every test image's stored logits from an unfiltered run, softmax by hand.
    const labels = ok(await api['datasets.index']({ id: datasetId })).labels;
    const [all] = await explain({ images: { split: 'test', pick: 'first', seed: 1 }, methods: [{ id: 'gradient', params: {} }] });
    const pool = Array.from(array(all!, 'indices').data as Int32Array);
    const logits = array(all!, 'logits').data as Float32Array;
    const predicted = pool.map((index, r) => {
      const [a, b] = [logits[2 * r]!, logits[2 * r + 1]!];
      const p1 = 1 / (1 + Math.exp(a - b));
      return { index, right: (p1 > 0.5 ? 1 : 0) === labels[index], p: Math.max(p1, 1 - p1) };
    });
    const choices = [
      { label: 1, outcome: 'correct', confidence: { min: 0.5, max: 0.95 } },
      { outcome: 'incorrect' },
      { confidence: { min: 0.6, max: 0.8 } },
    ] as const;
    for (const choice of choices) {
      const expected = predicted
        .filter((x) => !('label' in choice) || labels[x.index] === choice.label)
        .filter((x) => !('outcome' in choice) || x.right === (choice.outcome === 'correct'))
        .filter((x) => !('confidence' in choice) || (x.p >= choice.confidence.min && x.p <= choice.confidence.max))
        .map((x) => x.index);
      const job = await heatlab.jobs.waitFor(ok(await api['explain.start']({ modelId, datasetId, images: { split: 'test', pick: 'first', ...choice }, methods: [{ id: 'gradient', params: {} }] })).id);
      if (expected.length === 0) {
        // None qualifies: the job says so in one sentence.
        expect(job.error?.message).toMatch(/^No image of the test split of dataset "[^"]+"( in class \w+)? is (classified correctly|classified wrongly|predicted)/);
        continue;
      }
      expect(job.status, job.error?.message).toBe('done');
      const run = ok(await api['explanations.get']({ id: (job.result as { runIds: number[] }).runIds[0]! }));
      expect(Array.from(array(run, 'indices').data)).toEqual(expected);
      expect(run.selection).toMatchObject(choice);
    }
    // A seeded random n of those that qualify, the same each time.
    const images = { split: 'test', pick: 'random', n: 3, seed: 3, label: 1, outcome: 'correct' } as const;
    const [a] = await explain({ images, methods: [{ id: 'gradient', params: {} }] });
    const [b] = await explain({ images, methods: [{ id: 'gradient', params: {} }] });
    const chosen = Array.from(array(a!, 'indices').data as Int32Array);
    expect(Array.from(array(b!, 'indices').data)).toEqual(chosen);
    expect(chosen.every((i) => labels[i] === 1 && predicted.find((x) => x.index === i)!.right)).toBe(true);
    // No two-class prediction has less than half the probability: nothing qualifies, in one sentence.
    const none = await heatlab.jobs.waitFor(ok(await api['explain.start']({ modelId, datasetId, images: { split: 'test', outcome: 'correct', confidence: { min: 0, max: 0.45 } }, methods: [{ id: 'gradient', params: {} }] })).id);
    expect(none.status).toBe('failed');
    expect(none.error?.message).toMatch(/^No image of the test split of dataset "[^"]+" is classified correctly with a confidence from 0 to 0\.45 \(\d+ looked at\)\.$/);
  });

  it('refuses a bad request in one sentence before any job starts', async () => {
    const before = ok(await api['jobs.list']({})).length;
    const start = (request: Partial<ExplainRequest>) => api['explain.start']({ modelId, datasetId, methods: [{ id: 'gradient', params: {} }], ...request });
    expect(failure(await start({ methods: [{ id: 'saliency-magic', params: {} }] }))).toMatch(/^There is no explanation method "saliency-magic"; the methods are sensitivity, gradient, /);
    expect(failure(await start({ methods: [{ id: 'rise', params: { mask: 5 } }] }))).toBe('RISE has no parameter "mask" (it takes masks, resolution, pKeep, batchSize, output).');
    expect(failure(await start({ target: { class: 2 } }))).toMatch(/has 2 classes \(0–1\), so it cannot explain class 2\.$/);
    expect(failure(await start({ images: { split: 'all', pick: 'indices', indices: [400], seed: 1 } }))).toMatch(/^Image 400 is outside dataset .*, which has 400 images \(0–399\)\.$/);
    const scaled = await heatlab.jobs.waitFor(ok(await api['datasets.generate']({ generator: 'triangles-squares-scaled', params: { count: 20, seed: 1 } })).id);
    const other = (scaled.result as { datasetId: number }).datasetId;
    expect(failure(await start({ datasetId: other }))).toMatch(/reads 1×32×32 images and dataset .* has 1×64×64\.$/);
    ok(await api['datasets.delete']({ id: other }));
    expect(ok(await api['jobs.list']({})).length).toBe(before + 1);
  });

  it('leaves no run and no staged file when the job is cancelled, and keeps finished methods when stopped', async () => {
    const slow = { id: 'lime', params: { samples: 2000 } };
    const cancelled = ok(await api['explain.start']({ modelId, datasetId, images: { split: 'all', pick: 'first', n: 200, seed: 1 }, methods: [slow] }));
    const off = api.on('job.progress', ({ jobId }) => jobId === cancelled.id && void api['jobs.cancel']({ id: cancelled.id, keep: false }));
    expect((await heatlab.jobs.waitFor(cancelled.id)).status).toBe('cancelled');
    off();
    const runsBefore = ok(await api['explanations.list']({})).length;
    const stopped = ok(await api['explain.start']({ modelId, datasetId, images: { split: 'all', pick: 'first', n: 200, seed: 1 }, methods: [{ id: 'gradient', params: {} }, slow] }));
    const offStop = api.on('job.progress', ({ jobId, progress }) => {
      if (jobId === stopped.id && (progress.detail as { run?: number } | undefined)?.run === 1) void api['jobs.cancel']({ id: stopped.id, keep: true });
    });
    const job = await heatlab.jobs.waitFor(stopped.id);
    offStop();
    expect(job.status, job.error?.message).toBe('done');
    expect((job.result as { runIds: number[] }).runIds).toHaveLength(1);
    expect(ok(await api['explanations.list']({})).length).toBe(runsBefore + 1);
    const folder = join(workspace, 'data', 'explanations');
    expect(readdirSync(folder).filter((e) => e.startsWith('.staging'))).toEqual([]);
  });

  it('records each method’s run as soon as it finishes, so it can be read while the job goes on, and keeps it if the job is then cancelled', async () => {
    const started = ok(await api['explain.start']({ modelId, datasetId, images: { split: 'all', pick: 'first', n: 200, seed: 1 }, methods: [{ id: 'gradient', params: {} }, { id: 'lime', params: { samples: 2000 } }] }));
    const early = new Promise<number>((resolve) => {
      const off = api.on('job.progress', ({ jobId, progress }) => {
        const recorded = (progress.detail as { runIds?: number[] } | undefined)?.runIds ?? [];
        if (jobId === started.id && recorded.length === 1) {
          off();
          resolve(recorded[0]!);
        }
      });
    });
    const runId = await early;
    const run = ok(await api['explanations.get']({ id: runId }));
    expect(run).toMatchObject({ method: 'gradient', count: 200, jobId: started.id });
    expect(ok(await api['jobs.get']({ id: started.id })).status).toBe('running');
    ok(await api['jobs.cancel']({ id: started.id }));
    expect((await heatlab.jobs.waitFor(started.id)).status).toBe('cancelled');
    expect(ok(await api['explanations.get']({ id: runId })).count).toBe(200);
    expect(readdirSync(join(workspace, 'data', 'explanations')).filter((e) => e.startsWith('.staging'))).toEqual([]);
  });

  it('deletes a run with its files, and the runs of a deleted model with theirs', async () => {
    const [run] = await explain({ images: { split: 'test', pick: 'first', n: 3, seed: 1 }, methods: [{ id: 'deconvnet', params: {} }] });
    const folder = join(workspace, 'data', 'explanations', String(run!.id));
    expect(existsSync(folder)).toBe(true);
    ok(await api['explanations.delete']({ id: run!.id }));
    expect(existsSync(folder)).toBe(false);
    expect(failure(await api['explanations.get']({ id: run!.id }))).toBe(`There is no explanation run ${run!.id}.`);
    const [kept] = await explain({ images: { split: 'test', pick: 'first', n: 3, seed: 1 }, methods: [{ id: 'grad-cam', params: {} }] });
    ok(await api['models.delete']({ id: modelId }));
    expect(ok(await api['explanations.list']({ modelId }))).toEqual([]);
    expect(existsSync(join(workspace, 'data', 'explanations', String(kept!.id)))).toBe(false);
  });
});

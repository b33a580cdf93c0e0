// Importing foreign ONNX models through the in-process API on a temporary workspace: fixtures as
// PyTorch, tf2onnx and a BGR-trained model write them; the stored (normalised) model is checked
// against the ORIGINAL file run by ONNX Runtime on inputs preprocessed by hand in the source's
// own layout and channel order.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api.js';
import type { Job } from '../../shared/jobs.js';
import type { Model } from '../../shared/models.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { Random } from '../../main/numeric/random.js';
import { loadOrt, type LoadedOrt } from '../../main/onnx/runtime.js';
import { bgrCnn, dynamicSizeCnn, kerasMadeCnn, pytorchMadeCnn, unknownOpModel, type ForeignModel } from '../fixtures/foreign-onnx.js';
import { ok } from '../fixtures/results.js';

let workspace: string;
let files: string;
let heatlab: Heatlab;
let api: Api;
let ort: LoadedOrt;
let greyDatasetId: number;

function write(name: string, bytes: Uint8Array | string): string {
  const path = join(files, name);
  writeFileSync(path, bytes);
  return path;
}

async function importModel(request: Parameters<Api['models.import']>[0]): Promise<Model> {
  const job: Job = await heatlab.jobs.waitFor(ok(await api['models.import'](request)).id);
  expect(job.status, job.error?.message).toBe('done');
  return ok(await api['models.get']({ id: (job.result as { modelId: number }).modelId }));
}

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'heatlab-model-import-'));
  files = mkdtempSync(join(tmpdir(), 'heatlab-onnx-files-'));
  heatlab = openHeatlab({ workspaceDir: workspace, mode: 'cli' });
  api = createInProcessApi(heatlab.router, heatlab.events);
  ort = loadOrt();
  const job = await heatlab.jobs.waitFor(ok(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 200, seed: 4 } })).id);
  greyDatasetId = (job.result as { datasetId: number }).datasetId;
});

afterAll(async () => {
  await heatlab.close();
  rmSync(workspace, { recursive: true, force: true });
  rmSync(files, { recursive: true, force: true });
});

/** n random 8-bit images, NHWC as datasets store them. */
const pixelsFor = (m: ForeignModel, n: number) => Uint8Array.from(new Random(7).fill(new Float32Array(n * m.size * m.size * m.channels), 0, 256), Math.floor);

/** The ORIGINAL file run on pixels preprocessed by hand: x = (pixel / scale − mean) / std in the model's channel order and layout. */
async function runSource(m: ForeignModel, pixels: Uint8Array, n: number, p: { scale: number; mean: number[]; std: number[]; bgr: boolean }): Promise<Float32Array> {
  const { size: s, channels: c } = m;
  const x = new Float32Array(pixels.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < s; y++)
      for (let xx = 0; xx < s; xx++)
        for (let ch = 0; ch < c; ch++) {
          const pixel = pixels[((b * s + y) * s + xx) * c + (p.bgr ? c - 1 - ch : ch)]!;
          const value = (pixel / p.scale - p.mean[ch]!) / p.std[ch]!;
          x[m.layout === 'NHWC' ? ((b * s + y) * s + xx) * c + ch : ((b * c + ch) * s + y) * s + xx] = value;
        }
  const session = await ort.ort.InferenceSession.create(m.bytes);
  const rows: Float32Array[] = [];
  const batch = m.input === 'data' ? 1 : n; // the BGR fixture has a fixed batch of 1
  for (let b = 0; b < n; b += batch) {
    const dims = m.layout === 'NHWC' ? [batch, s, s, c] : [batch, c, s, s];
    const out = await session.run({ [m.input]: new ort.ort.Tensor('float32', x.slice(b * s * s * c, (b + batch) * s * s * c), dims) });
    rows.push(out[m.output]!.data as Float32Array);
  }
  await session.release();
  return Float32Array.from(rows.flatMap((r) => Array.from(r)));
}

/** The STORED model run as Heatlab runs every model: its recorded preprocessing on RGB pixels, NCHW. */
async function runStored(model: Model, pixels: Uint8Array, n: number): Promise<{ logits: Float32Array | null; probabilities: Float32Array }> {
  const { channels: c, height: h, width: w, scale, mean, std } = model.preprocessing;
  const x = new Float32Array(pixels.length);
  for (let b = 0; b < n; b++) for (let p = 0; p < h * w; p++) for (let ch = 0; ch < c; ch++) x[(b * c + ch) * h * w + p] = (pixels[(b * h * w + p) * c + ch]! / scale - mean[ch]!) / std[ch]!;
  const session = await ort.ort.InferenceSession.create(readFileSync(join(workspace, model.onnx.path)));
  expect(session.inputNames).toEqual(['input']);
  const fixed = model.onnx.imported!.input === 'data' ? 1 : n;
  const logits: number[] = [];
  const probabilities: number[] = [];
  for (let b = 0; b < n; b += fixed) {
    const out = await session.run({ input: new ort.ort.Tensor('float32', x.slice(b * c * h * w, (b + fixed) * c * h * w), [fixed, c, h, w]) });
    if (out.logits) logits.push(...(out.logits.data as Float32Array));
    probabilities.push(...(out.probabilities!.data as Float32Array));
  }
  await session.release();
  return { logits: logits.length > 0 ? Float32Array.from(logits) : null, probabilities: Float32Array.from(probabilities) };
}

function expectClose(a: Float32Array, b: Float32Array, relative = 1e-5): void {
  expect(a.length).toBe(b.length);
  const scale = Math.max(1, ...Array.from(b, Math.abs));
  a.forEach((v, k) => expect(Math.abs(v - b[k]!)).toBeLessThanOrEqual(relative * scale));
}

describe('importing a PyTorch-made model', () => {
  it('inspects it: producer, opset, the NCHW image input with its symbolic batch, logits, two classes, every op supported', async () => {
    const inspection = ok(await api['models.inspectOnnx']({ path: write('pytorch.onnx', pytorchMadeCnn().bytes) }));
    expect(inspection).toMatchObject({ fileName: 'pytorch.onnx', producer: { name: 'pytorch', version: '2.1.0' }, opset: 13, imageInput: 'input.1', layout: 'NCHW', outputKind: 'logits', classes: 2, unsupportedOps: [], problems: [] });
    expect(inspection.inputs).toEqual([{ name: 'input.1', elemType: 'float32', shape: ['batch_size', 1, 32, 32] }]);
    expect(inspection.image).toEqual({ channels: 1, height: 32, width: 32 });
    expect(inspection.datasets).toEqual([{ datasetId: greyDatasetId, datasetName: expect.any(String), fits: true, reason: null }]);
  });

  it('stores it as an imported model with its class names, preprocessing, layers and a test run on the dataset', async () => {
    const model = await importModel({ path: join(files, 'pytorch.onnx'), name: 'Torch CNN', classNames: ['square', 'triangle'], testDatasetId: greyDatasetId, testImages: 20 });
    expect(model).toMatchObject({ name: 'Torch CNN', source: 'imported', classNames: ['square', 'triangle'], datasetId: greyDatasetId, training: null, tfjs: null, architecture: 'ONNX from pytorch 2.1.0' });
    expect(model.preprocessing).toEqual({ layout: 'NCHW', scale: 255, mean: [0], std: [1], channels: 1, height: 32, width: 32 });
    expect(model.parameters).toBe(4 * 9 + 4 + 8 * 36 + 8 + 16 * 512 + 16 + 2 * 16 + 2);
    expect(model.layers.map((l) => l.type)).toEqual(['Conv', 'Relu', 'MaxPool', 'Conv', 'Relu', 'Reshape', 'Gemm', 'Relu', 'Gemm', 'Softmax']);
    expect(model.layers[2]!.outputShape).toEqual([4, 16, 16]);
    const imported = model.onnx.imported!;
    expect(imported).toMatchObject({ sourceFile: 'pytorch.onnx', input: 'input.1', output: 'output', layout: 'NCHW', channelOrder: 'rgb', outputKind: 'logits', scores: 'logits', unsupportedOps: [] });
    expect(imported.testRun).toMatchObject({ datasetId: greyDatasetId, allFinite: true, classNamesMatch: true });
    expect(imported.testRun!.indices).toHaveLength(20);
    expect(imported.testRun!.accuracy).toBe(model.test!.accuracy);
    expect(model.test!.count).toBe(20);
    expect(model.onnx.maxAbsDifference).toBeLessThanOrEqual(1e-5);
    const stored = readFileSync(join(workspace, model.onnx.path));
    expect(createHash('sha256').update(stored).digest('hex')).toBe(model.onnx.sha256);
    expect(ok(await api['models.list']({})).find((m) => m.id === model.id)?.source).toBe('imported');
  });
});

describe('normalising foreign conventions', () => {
  it('turns an NHWC tf2onnx model with a Softmax head into NCHW logits and probabilities that match the source on the same pixels', async () => {
    const keras = kerasMadeCnn();
    const path = write('keras.onnx', keras.bytes);
    const inspection = ok(await api['models.inspectOnnx']({ path }));
    expect(inspection).toMatchObject({ producer: { name: 'tf2onnx' }, imageInput: 'input_1', layout: 'NHWC', outputKind: 'probabilities', classes: 3 });
    expect(inspection.datasets[0]).toMatchObject({ fits: false });
    const imagenet = { scale: 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
    const model = await importModel({ path, classNames: ['a', 'b', 'c'], preprocessing: imagenet });
    expect(model.onnx.imported).toMatchObject({ layout: 'NHWC', outputKind: 'probabilities', scores: 'logits', testRun: null });
    expect(model.preprocessing).toMatchObject({ ...imagenet, channels: 3 });
    const pixels = pixelsFor(keras, 5);
    const source = await runSource(keras, pixels, 5, { ...imagenet, bgr: false });
    const stored = await runStored(model, pixels, 5);
    expectClose(stored.probabilities, source);
    // The stored logits are the pre-softmax scores: their softmax is the source's output.
    const softmaxed = new Float32Array(stored.logits!.length);
    for (let r = 0; r < 5; r++) {
      const row = stored.logits!.subarray(r * 3, r * 3 + 3);
      const total = row.reduce((s, v) => s + Math.exp(v), 0);
      row.forEach((v, k) => (softmaxed[r * 3 + k] = Math.exp(v) / total));
    }
    expectClose(softmaxed, source);
  });

  it('reverses the channels of a BGR model, taking its mean and std in BGR order, with a fixed batch of 1', async () => {
    const bgr = bgrCnn();
    const p = { scale: 255, mean: [0.4, 0.45, 0.5], std: [0.2, 0.25, 0.3] };
    const model = await importModel({ path: write('bgr.onnx', bgr.bytes), preprocessing: { ...p, channelOrder: 'bgr' } });
    expect(model.classNames).toEqual(['class 0', 'class 1', 'class 2', 'class 3']);
    expect(model.preprocessing.mean).toEqual([0.5, 0.45, 0.4]);
    expect(model.preprocessing.std).toEqual([0.3, 0.25, 0.2]);
    expect(model.onnx.imported).toMatchObject({ channelOrder: 'bgr', layout: 'NCHW', unsupportedOps: [] });
    const pixels = pixelsFor(bgr, 3);
    expectClose((await runStored(model, pixels, 3)).logits!, await runSource(bgr, pixels, 3, { ...p, bgr: true }));
  });

  it('fixes symbolic height and width to the test dataset\'s image size', async () => {
    const path = write('dynamic.onnx', dynamicSizeCnn().bytes);
    const inspection = ok(await api['models.inspectOnnx']({ path }));
    expect(inspection).toMatchObject({ layout: 'NCHW', image: { channels: 1, height: 'H', width: 'W' }, problems: [] });
    expect(inspection.datasets[0]).toMatchObject({ fits: true });
    const model = await importModel({ path, testDatasetId: greyDatasetId, testImages: 4 });
    expect(model.preprocessing).toMatchObject({ channels: 1, height: 32, width: 32 });
    expect(model.onnx.imported!.testRun).toMatchObject({ allFinite: true, classNamesMatch: false, accuracy: null });
    expect(model.test).toBeNull();
  });

  it('reads class names from a labels file, one per line or as a JSON array', async () => {
    const lines = write('labels.txt', 'zero\n one \n\ntwo\r\nthree\n');
    const json = write('labels.json', '["w", "x", "y", "z"]');
    const path = join(files, 'bgr.onnx');
    expect((await importModel({ path, labelsFile: lines, preprocessing: { channelOrder: 'bgr' } })).classNames).toEqual(['zero', 'one', 'two', 'three']);
    expect((await importModel({ path, labelsFile: json })).classNames).toEqual(['w', 'x', 'y', 'z']);
  });
});

describe('refusing what cannot be imported', () => {
  const modelFolders = () => readdirSync(join(workspace, 'data', 'models')).filter((f) => !f.startsWith('.'));

  async function refusal(request: Parameters<Api['models.import']>[0]): Promise<string> {
    const before = { models: ok(await api['models.list']({})).length, folders: modelFolders().length };
    const result = await api['models.import'](request);
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.error.message;
    expect(message).toMatch(/^[A-Z][^\n]*\.$/);
    expect(message).not.toMatch(/[.!?]\s+[A-Z]/);
    expect(ok(await api['models.list']({}))).toHaveLength(before.models);
    expect(modelFolders()).toHaveLength(before.folders);
    expect(readdirSync(join(workspace, 'data', 'models')).some((f) => f.startsWith('.staging'))).toBe(false);
    return message;
  }

  it('refuses a PNG and a text file as not ONNX, and a truncated file as unreadable protobuf', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
    expect(await refusal({ path: write('picture.onnx', png) })).toMatch(/not an ONNX model/);
    expect(await refusal({ path: write('notes.onnx', 'These are my notes about the model.\n') })).toMatch(/not an ONNX model/);
    const whole = pytorchMadeCnn().bytes;
    expect(await refusal({ path: write('truncated.onnx', whole.subarray(0, Math.floor(whole.length / 2))) })).toMatch(/truncated or damaged/);
    expect(await refusal({ path: join(files, 'missing.onnx') })).toMatch(/There is no file/);
  });

  it('refuses a model whose height and width only a test dataset could fix, when none is chosen', async () => {
    expect(await refusal({ path: join(files, 'dynamic.onnx') })).toMatch(/has no fixed height and width, so a test dataset must be chosen/);
  });

  it('fails the job and leaves nothing behind when ONNX Runtime cannot load the model', async () => {
    const before = ok(await api['models.list']({})).length;
    const job = await heatlab.jobs.waitFor(ok(await api['models.import']({ path: write('custom-op.onnx', unknownOpModel()) })).id);
    expect(job.status).toBe('failed');
    expect(job.error?.message).toMatch(/^ONNX Runtime cannot load the model: [^\n]*FancyPool[^\n]*\.$/);
    expect(ok(await api['models.list']({}))).toHaveLength(before);
    expect(readdirSync(join(workspace, 'data', 'models')).some((f) => f.startsWith('.staging'))).toBe(false);
  });

  it('refuses a model without an image input', async () => {
    const { GraphBuilder } = await import('../../main/onnx/graph-builder.js');
    const g = new GraphBuilder('tabular');
    const x = g.input('features', 'float32', ['batch', 8]);
    g.node('Gemm', [x, g.initializer('w', new Float32Array(16), [8, 2])], { outputs: ['scores'] });
    g.output('scores', 'float32', ['batch', 2]);
    expect(await refusal({ path: write('tabular.onnx', g.toBytes({ opset: 13 })) })).toMatch(/no image input/);
  });

  it('refuses a test dataset whose images do not fit the input, and class names that do not match the outputs', async () => {
    expect(await refusal({ path: join(files, 'keras.onnx'), testDatasetId: greyDatasetId })).toMatch(/has 1-channel 32×32 images, and the model takes 3-channel 32×32 images/);
    expect(await refusal({ path: join(files, 'pytorch.onnx'), classNames: ['a', 'b', 'c'] })).toMatch(/The model's output output has 2 classes, and 3 class names were given/);
  });

  it('refuses class names typed twice, naming the name and its classes, and tells a labels file’s repeated names apart', async () => {
    expect(await refusal({ path: join(files, 'pytorch.onnx'), classNames: ['a', 'a'] })).toBe('Class names must be distinct; "a" is given twice (classes 0 and 1).');
    expect((await importModel({ path: join(files, 'pytorch.onnx'), labelsFile: write('twice.txt', 'crane\ncrane\n') })).classNames).toEqual(['crane (class 0)', 'crane (class 1)']);
  });

  it('refuses a labels file it cannot read', async () => {
    expect(await refusal({ path: join(files, 'pytorch.onnx'), labelsFile: join(files, 'no-labels.txt') })).toMatch(/labels file no-labels.txt cannot be used: it does not exist/);
    expect(await refusal({ path: join(files, 'pytorch.onnx'), labelsFile: write('empty.txt', '\n\n') })).toMatch(/holds no names/);
    expect(await refusal({ path: join(files, 'pytorch.onnx'), labelsFile: write('broken.json', '["a", "b"') })).toMatch(/not valid JSON/);
    expect(existsSync(join(files, 'no-labels.txt'))).toBe(false);
  });
});

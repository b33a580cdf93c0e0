// The wasm kernel pack against tfjs's own cpu backend as the oracle: every kernel over a grid of
// strides, paddings, kernel sizes, odd input sizes, batches and channel counts; a small CNN trained
// on both backends; and no tensors or wasm buffers left behind.
// Error measure: max|wasm − cpu| / max(1, max|cpu|), i.e. relative to the reference's largest
// magnitude, floored at 1 so that near-zero gradients are compared absolutely.
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerKernelPack } from '../../main/train/kernels/index.js';
import { Random } from '../../main/numeric/random.js';

const require = createRequire(import.meta.url);
type Tfjs = typeof import('@tensorflow/tfjs');
type Tensor = import('@tensorflow/tfjs').Tensor;
const tf = require('@tensorflow/tfjs') as Tfjs;
require('@tensorflow/tfjs-backend-wasm');

const TOLERANCE = 1e-4;
const STRIDES = [1, 2, 3];
const PADDINGS = ['same', 'valid'] as const;
const KERNEL_SIZES = [1, 2, 3, 4, 5, 6, 7];
const HEIGHTS = [7, 9, 13];
const BATCHES = [1, 3];

type Arrays = Record<string, { shape: number[]; values: Float32Array }>;
type Case = { label: string; inputs: Arrays; attrs: object };

function relativeError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / scale;
}

function values(n: number, seed: number, quantum = 0): Float32Array {
  const v = new Random(seed).fill(new Float32Array(n), -1, 1) as Float32Array;
  // Quantised values repeat, so pooling windows hold ties (and zeros, and all-negative windows).
  return quantum > 0 ? v.map((x) => Math.round(x / quantum) * quantum) : v;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Runs one kernel on `backend` with fresh input tensors and returns its output's values. */
async function runKernel(backend: 'cpu' | 'wasm', kernel: string, inputs: Arrays, attrs: object): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const tensors = Object.fromEntries(Object.entries(inputs).map(([k, { shape, values: v }]) => [k, tf.tensor(v, shape)]));
    const out = tf.engine().runKernel(kernel, tensors, attrs as never) as Tensor;
    return out.dataSync() as Float32Array;
  });
}

/** Runs every case on both backends; returns the worst error and the cases above tolerance. */
async function compareWithCpu(kernel: string, cases: Case[]) {
  let worst = 0;
  const failures: string[] = [];
  for (const c of cases) {
    const expected = await runKernel('cpu', kernel, c.inputs, c.attrs);
    const actual = await runKernel('wasm', kernel, c.inputs, c.attrs);
    const error = relativeError(actual, expected);
    worst = Math.max(worst, error);
    if (!(error <= TOLERANCE)) failures.push(`${c.label}: error ${error}`);
  }
  return { worst, failures, cases: cases.length };
}

interface Geometry {
  label: string;
  batch: number;
  height: number;
  width: number;
  kernel: number;
  stride: number;
  pad: 'same' | 'valid';
  inChannels: number;
  outChannels: number;
  seed: number;
}

/**
 * The grid every kernel is checked over. `channels` picks the channel counts for a geometry; by
 * default they cycle so that each count shows up with every stride.
 */
function geometries(channels?: (kernel: number, stride: number, batch: number, height: number) => [number, number]): Geometry[] {
  const out: Geometry[] = [];
  let seed = 1;
  for (const stride of STRIDES)
    for (const pad of PADDINGS)
      for (const kernel of KERNEL_SIZES)
        for (const height of HEIGHTS)
          for (const batch of BATCHES) {
            const width = height + 2;
            if (pad === 'valid' && kernel > height) continue;
            const [inChannels, outChannels] = channels?.(kernel, stride, batch, height) ?? [1 + ((kernel + height + batch) % 4), 1 + ((kernel * stride + batch) % 5)];
            const label = `stride ${stride}, ${pad}, ${kernel}×${kernel}, ${batch}×${height}×${width}×${inChannels} → ${outChannels}`;
            out.push({ label, batch, height, width, kernel, stride, pad, inChannels, outChannels, seed: seed++ });
          }
  return out;
}

function convCases(direction: 'filter' | 'input', grid = geometries()): Case[] {
  return grid.map((g): Case => {
    const xShape = [g.batch, g.height, g.width, g.inChannels] as [number, number, number, number];
    const filterShape = [g.kernel, g.kernel, g.inChannels, g.outChannels] as [number, number, number, number];
    const { outShape } = tf.backend_util.computeConv2DInfo(xShape, filterShape, g.stride, 1, g.pad);
    const dy = { shape: outShape, values: values(size(outShape), g.seed * 7) };
    const common = { strides: g.stride, pad: g.pad, dataFormat: 'NHWC' };
    return direction === 'filter'
      ? { label: g.label, inputs: { x: { shape: xShape, values: values(size(xShape), g.seed) }, dy }, attrs: { ...common, filterShape } }
      : { label: g.label, inputs: { dy, filter: { shape: filterShape, values: values(size(filterShape), g.seed * 3) } }, attrs: { ...common, inputShape: xShape } };
  });
}

function poolCases(kernel: 'MaxPoolGrad' | 'AvgPoolGrad', grid = geometries()): Case[] {
  return grid.map((g): Case => {
    const xShape = [g.batch, g.height, g.width, g.inChannels] as [number, number, number, number];
    const { outShape } = tf.backend_util.computePool2DInfo(xShape, g.kernel, g.stride, 1, g.pad);
    const x = { shape: xShape, values: values(size(xShape), g.seed, 0.25) };
    const dy = { shape: outShape, values: values(size(outShape), g.seed * 5) };
    const inputs: Arrays = kernel === 'MaxPoolGrad' ? { dy, input: x, output: { shape: outShape, values: new Float32Array(size(outShape)) } } : { dy, input: x };
    return { label: g.label, inputs, attrs: { filterSize: g.kernel, strides: g.stride, pad: g.pad } };
  });
}

let registered: string[] = [];

beforeAll(async () => {
  if (!(await tf.setBackend('wasm'))) throw new Error('The wasm backend did not initialise; @tensorflow/tfjs-backend-wasm must be installed.');
  registered = registerKernelPack(tf);
  await tf.setBackend('cpu');
});

describe('registration', () => {
  it('registers the gradient kernels a CNN needs on wasm and says which', () => {
    expect(registered).toEqual(['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad', 'AvgPoolGrad', 'BatchMatMul', 'Sum', 'Add']);
    for (const name of registered) expect(tf.getKernel(name, 'wasm')).toBeDefined();
  });

  it('changes nothing when registered again', () => {
    const before = registered.map((name) => tf.getKernel(name, 'wasm'));
    expect(registerKernelPack(tf)).toEqual(registered);
    expect(registered.map((name) => tf.getKernel(name, 'wasm'))).toEqual(before);
  });
});

describe('kernels against the cpu backend', () => {
  it('computes Conv2DBackpropFilter like cpu over strides 1–3, same/valid, kernels 1–7, odd sizes, batches 1 and 3', async () => {
    const result = await compareWithCpu('Conv2DBackpropFilter', convCases('filter'));
    expect(result.failures).toEqual([]);
    expect(result.cases).toBeGreaterThan(200);
  });

  it('computes Conv2DBackpropFilter like cpu in each of its formulations (grey first layers, wide layers)', async () => {
    // Output channels in fours take the SIMD loop (tested below). Otherwise: one input channel and
    // many outputs: the patch product. Eight or more inputs and more outputs at stride 1: X as the
    // filter. Everything else: dY as the filter.
    const grey = geometries((kernel) => [1, 2 * kernel * kernel]).filter((g) => g.height === 9);
    const wide = geometries((kernel, stride, batch) => [8 + batch, stride === 1 ? 13 : 5]).filter((g) => g.height !== 13);
    const result = await compareWithCpu('Conv2DBackpropFilter', convCases('filter', [...grey, ...wide]));
    expect(result.failures).toEqual([]);
  });

  it('computes Conv2DBackpropFilter like cpu on its direct SIMD path (outputs in fours), strides 1–3, same/valid, kernels 1–7', async () => {
    // NHWC with Co a multiple of 4 takes the pack's own SIMD loop; few and many input channels.
    // Co runs over 4–28: blocks of 16 outputs, groups of 4, and both in one layer. The channel
    // counts stay small because the cpu oracle's cost grows with taps × Ci × Co × pixels.
    const direct = geometries((kernel, stride, batch) => {
      const many = kernel % 3 === 0;
      return [many ? 8 + batch : 1 + ((batch + stride + kernel) % 3), 4 * (1 + ((kernel + stride + batch) % (many ? 5 : 7)))];
    });
    const result = await compareWithCpu('Conv2DBackpropFilter', convCases('filter', direct));
    expect(result.failures).toEqual([]);
    expect(result.cases).toBeGreaterThan(200);
  });

  it('computes Conv2DBackpropInput like cpu over strides 1–3, same/valid, kernels 1–7, odd sizes, batches 1 and 3', async () => {
    const result = await compareWithCpu('Conv2DBackpropInput', convCases('input'));
    expect(result.failures).toEqual([]);
    expect(result.cases).toBeGreaterThan(200);
  });

  it('computes Conv2DBackpropInput like cpu on its col2im SIMD path (stride above 1, inputs in fours), same/valid, kernels 1–7', async () => {
    const col2im = geometries((kernel, stride, batch) => [4 * (1 + ((kernel + batch) % 3)), 1 + ((kernel * stride) % 5)]).filter((g) => g.stride > 1);
    const result = await compareWithCpu('Conv2DBackpropInput', convCases('input', col2im));
    expect(result.failures).toEqual([]);
    expect(result.cases).toBeGreaterThan(100);
  });

  it('routes MaxPoolGrad like cpu, ties to the first maximum, over strides 1–3, same/valid, windows 1–7, odd sizes', async () => {
    const result = await compareWithCpu('MaxPoolGrad', poolCases('MaxPoolGrad'));
    expect(result.failures).toEqual([]);
    expect(result.cases).toBeGreaterThan(200);
  });

  it('spreads AvgPoolGrad like cpu over strides 1–3, same/valid, windows 1–7, odd sizes', async () => {
    const result = await compareWithCpu('AvgPoolGrad', poolCases('AvgPoolGrad'));
    expect(result.failures).toEqual([]);
    expect(result.cases).toBeGreaterThan(200);
  });

  it('spreads AvgPoolGrad like cpu on tensors large enough for the XNNPACK paths (tiling windows and the rest)', async () => {
    // Small dY goes to the stock kernel; 4 images of 31×31 or 32×32 with 16 channels do not.
    const large = geometries(() => [16, 16])
      .filter((g) => g.height === 13 && g.batch === 3)
      .flatMap((g) => [31, 32].map((height) => ({ ...g, batch: 4, height, width: height, label: `${g.label} at 4×${height}×${height}×16` })));
    const result = await compareWithCpu('AvgPoolGrad', poolCases('AvgPoolGrad', large));
    expect(result.failures).toEqual([]);
    expect(result.cases).toBe(84);
  });

  it('routes tiling 2×2 stride-2 MaxPoolGrad windows (SIMD for channels in fours, JavaScript otherwise) like cpu, with ties, ±0, −∞, NaN and leftover rows and columns', async () => {
    const cases: Case[] = [];
    let seed = 100;
    for (const [batch, height, width, channels] of [[1, 2, 2, 1], [1, 8, 8, 16], [3, 9, 7, 5], [2, 16, 16, 3], [1, 5, 11, 32], [64, 4, 4, 2], [2, 7, 9, 4], [1, 6, 10, 8], [3, 4, 4, 12]] as const) {
      const xShape = [batch, height, width, channels];
      const outShape = [batch, Math.floor(height / 2), Math.floor(width / 2), channels];
      const x = values(size(xShape), seed++, 0.5);
      // Sprinkle the special values: each window kind shows up somewhere.
      for (let i = 0; i < x.length; i += 7) x[i] = [-Infinity, -0, 0, NaN, Infinity][(i / 7) % 5]!;
      for (let i = 0; i < x.length; i += 13) x[i] = -Infinity;
      const inputs: Arrays = { dy: { shape: outShape, values: values(size(outShape), seed++) }, input: { shape: xShape, values: x }, output: { shape: outShape, values: new Float32Array(size(outShape)) } };
      cases.push({ label: `${xShape}`, inputs, attrs: { filterSize: 2, strides: 2, pad: 'valid' } });
      const negative = x.map((v) => -Math.abs(v) - 1);
      cases.push({ label: `${xShape} all negative`, inputs: { ...inputs, input: { shape: xShape, values: negative } }, attrs: { filterSize: 2, strides: 2, pad: 'valid' } });
      const allMinusInf = new Float32Array(x.length).fill(-Infinity);
      cases.push({ label: `${xShape} all −∞`, inputs: { ...inputs, input: { shape: xShape, values: allMinusInf } }, attrs: { filterSize: 2, strides: 2, pad: 'valid' } });
    }
    const result = await compareWithCpu('MaxPoolGrad', cases);
    expect(result.failures).toEqual([]);
  });

  it('gives an all-negative max-pool window its gradient, which the stock wasm kernel drops', async () => {
    const inputs: Arrays = {
      dy: { shape: [1, 1, 2, 1], values: new Float32Array([1, 1]) },
      input: { shape: [1, 2, 4, 1], values: new Float32Array([-1, -2, -3, -4, -5, -6, -7, -8]) },
      output: { shape: [1, 1, 2, 1], values: new Float32Array([-1, -3]) },
    };
    const dx = await runKernel('wasm', 'MaxPoolGrad', inputs, { filterSize: 2, strides: 2, pad: 'valid' });
    expect(Array.from(dx)).toEqual([1, 0, 1, 0, 0, 0, 0, 0]);
  });

  it('handles NCHW convolution gradients and explicit padding, even wider than the kernel, like cpu', async () => {
    const xNchw = [2, 3, 9, 11];
    const filterShape = [3, 3, 3, 4] as [number, number, number, number];
    const explicit = [[0, 0], [0, 0], [2, 1], [0, 2]];
    const dyShape = tf.backend_util.computeConv2DInfo(xNchw as never, filterShape, 2, 1, explicit as never, undefined, false, 'channelsFirst').outShape;
    const common = { strides: 2, pad: explicit, dataFormat: 'NCHW' };
    const dy = { shape: dyShape, values: values(size(dyShape), 11) };
    const filter = await compareWithCpu('Conv2DBackpropFilter', [
      { label: 'NCHW filter', inputs: { x: { shape: xNchw, values: values(size(xNchw), 12) }, dy }, attrs: { ...common, filterShape } },
    ]);
    const input = await compareWithCpu('Conv2DBackpropInput', [
      { label: 'NCHW input', inputs: { dy, filter: { shape: filterShape, values: values(size(filterShape), 13) } }, attrs: { ...common, inputShape: xNchw } },
    ]);
    // Explicit padding wider than the kernel: windows that see only padding.
    const wide: Case[] = [];
    for (const [kernel, stride, rows, cols] of [[1, 1, [2, 1], [3, 0]], [1, 2, [2, 2], [1, 3]], [2, 3, [4, 0], [0, 5]], [3, 2, [3, 3], [2, 4]]] as const) {
      const xShape = [2, 9, 8, 3] as [number, number, number, number];
      const fShape = [kernel, kernel, 3, 4] as [number, number, number, number];
      const padding = [[0, 0], rows, cols, [0, 0]];
      const outShape = tf.backend_util.computeConv2DInfo(xShape, fShape, stride, 1, padding as never).outShape;
      const g = { shape: outShape, values: values(size(outShape), kernel * 10 + stride) };
      const common = { strides: stride, pad: padding, dataFormat: 'NHWC' };
      wide.push({ label: `filter ${kernel}/${stride} ${JSON.stringify(padding)}`, inputs: { x: { shape: xShape, values: values(size(xShape), 21) }, dy: g }, attrs: { ...common, filterShape: fShape } });
      wide.push({ label: `input ${kernel}/${stride} ${JSON.stringify(padding)}`, inputs: { dy: g, filter: { shape: fShape, values: values(size(fShape), 22) } }, attrs: { ...common, inputShape: xShape } });
    }
    const filterWide = await compareWithCpu('Conv2DBackpropFilter', wide.filter((c) => c.label.startsWith('filter')));
    const inputWide = await compareWithCpu('Conv2DBackpropInput', wide.filter((c) => c.label.startsWith('input')));
    expect([...filter.failures, ...input.failures, ...filterWide.failures, ...inputWide.failures]).toEqual([]);
  });

  it('adds a bias over the last axis like cpu (SIMD for channels in fours), and every other Add as stock', async () => {
    const cases: Case[] = [];
    let seed = 300;
    const shapes = [[8, 32, 32, 16], [3, 7, 9, 32], [2, 5, 4], [1, 1, 4096], [4099, 4], [5000, 12], [2, 3, 3, 5], [64, 64], [7, 11, 3]];
    for (const shape of shapes) {
      const c = shape[shape.length - 1]!;
      const x = { shape, values: values(size(shape), seed++) };
      const bias = { shape: [c], values: values(c, seed++) };
      cases.push({ label: `[${shape}] + [${c}]`, inputs: { a: x, b: bias }, attrs: {} });
      cases.push({ label: `[${c}] + [${shape}]`, inputs: { a: bias, b: x }, attrs: {} });
      cases.push({ label: `[${shape}] + itself`, inputs: { a: x, b: x }, attrs: {} });
    }
    cases.push({ label: 'column broadcast', inputs: { a: { shape: [4096, 4], values: values(4096 * 4, 1) }, b: { shape: [4096, 1], values: values(4096, 2) } }, attrs: {} });
    cases.push({ label: 'scalar', inputs: { a: { shape: [64, 128], values: values(64 * 128, 3) }, b: { shape: [], values: new Float32Array([0.5]) } }, attrs: {} });
    const result = await compareWithCpu('Add', cases);
    expect(result.failures).toEqual([]);
  });

  it('multiplies transposed matrices like cpu', async () => {
    const cases: Case[] = [];
    for (const [m, k, n] of [[1, 1, 1], [5, 7, 3], [64, 300, 17]] as const)
      for (const transposeA of [false, true])
        for (const transposeB of [false, true]) {
          const a = { shape: transposeA ? [1, k, m] : [1, m, k], values: values(m * k, m + k) };
          const b = { shape: transposeB ? [1, n, k] : [1, k, n], values: values(k * n, k + n) };
          cases.push({ label: `${m}×${k}×${n} ${transposeA} ${transposeB}`, inputs: { a, b }, attrs: { transposeA, transposeB } });
        }
    expect((await compareWithCpu('BatchMatMul', cases)).failures).toEqual([]);
  });

  it('sums like cpu, over the leading axes of bias gradients and over any other axes', async () => {
    const cases: Case[] = (
      [
        [[16, 32, 32, 8], [0, 1, 2], false],
        [[3, 9, 11, 5], [0, 1, 2], true],
        [[300, 7], 0, false],
        [[3, 500, 7], [1], false],
        [[4, 300, 2], -1, false],
        [[600, 3, 1], [0, 1], false],
      ] as [number[], number | number[], boolean][]
    ).map(([shape, axis, keepDims], i) => ({
      label: `[${shape}] over ${axis}${keepDims ? ', keeping dims' : ''}`,
      inputs: { x: { shape, values: values(size(shape), 90 + i) } },
      attrs: { axis, keepDims },
    }));
    expect((await compareWithCpu('Sum', cases)).failures).toEqual([]);
  });
});

/** conv 3×3×8 same → relu → maxpool 2 → conv 3×3×8 stride 2 → relu → avgpool 2 → flatten → dense 2 (softmax) */
function tinyCnn(): import('@tensorflow/tfjs').Sequential {
  // Seeded, with slightly positive biases so that no ReLU layer starts dead and every weight moves.
  // The softmax matters: categoricalCrossentropy clips its input to (ε, 1 − ε), which on raw logits
  // zeroes gradients and lets the two backends' rounding decide which side of the clip they land.
  const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.constant({ value: 0.05 }) });
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [32, 32, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', ...init(1) }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, activation: 'relu', ...init(2) }));
  model.add(tf.layers.averagePooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 2, activation: 'softmax', ...init(3) }));
  return model;
}

/** Trains the tiny CNN from `initial` weights for a few SGD steps on `backend`; returns its weights. */
async function trainTinyCnn(backend: 'cpu' | 'wasm', initial: Float32Array[] | null, steps: number) {
  await tf.setBackend(backend);
  const model = tinyCnn();
  if (initial !== null) model.setWeights(initial.map((v, i) => tf.tensor(v, model.getWeights()[i]!.shape)));
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const batch = 4;
  const x = tf.tensor(values(batch * 32 * 32, 77), [batch, 32, 32, 1]);
  const y = tf.oneHot(tf.tensor1d([0, 1, 1, 0], 'int32'), 2);
  const start = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
  const trained = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  tf.dispose([x, y]);
  model.dispose();
  return { start, trained };
}

describe('training', () => {
  it('trains a tiny CNN to the same weights on wasm with the pack as on cpu', async () => {
    const onCpu = await trainTinyCnn('cpu', null, 5);
    const onWasm = await trainTinyCnn('wasm', onCpu.start, 5);
    onCpu.trained.forEach((w, i) => {
      expect(relativeError(onWasm.trained[i]!, w)).toBeLessThanOrEqual(TOLERANCE);
      // The steps moved the weights, so agreeing is not agreeing on the starting point.
      expect(relativeError(w, onCpu.start[i]!)).toBeGreaterThan(TOLERANCE);
    });
  });

  it('leaves no tensors or wasm buffers behind across repeated gradient computations', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(values(2 * 13 * 11 * 3, 5), [2, 13, 11, 3]) as import('@tensorflow/tfjs').Tensor4D;
    const w = tf.tensor(values(3 * 3 * 3 * 4, 6), [3, 3, 3, 4]) as import('@tensorflow/tfjs').Tensor4D;
    const d = tf.tensor(values(36 * 5, 7), [36, 5]) as import('@tensorflow/tfjs').Tensor2D;
    const loss = (xi: Tensor, wi: Tensor, di: Tensor) => {
      const h = tf.relu(tf.conv2d(xi as never, wi as never, 2, 'same')); // [2, 7, 6, 4]
      const p = tf.avgPool(tf.maxPool(h as never, 2, 1, 'same'), 2, 2, 'valid'); // [2, 3, 3, 4]
      return tf.matMul(tf.reshape(p, [2, -1]), di as never).square().sum();
    };
    const gradients = tf.grads(loss as never);
    const step = () => tf.dispose(gradients([x, w, d]));
    step();
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const tensors = tf.memory().numTensors;
    const buffers = backend.numDataIds();
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.numDataIds()).toBe(buffers);
    tf.dispose([x, w, d]);
  });
});

// The compiled explanation graph: its gradient against central finite differences of a float64
// reference forward and against tfjs's own gradient of the model it was exported from; the
// canonical form keeps the logits (BatchNorm folding included); rules are parameters of the
// backward pass; unsupported ops are one typed sentence; sessions are cached per variant.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { HeatlabError } from '../../shared/errors.js';
import type { LayerSpec } from '../../shared/models.js';
import { Random } from '../../main/numeric/random.js';
import { canonicalize, type CanonicalModel } from '../../main/onnx/canonicalize.js';
import { exportLayersModel } from '../../main/onnx/export/index.js';
import { nhwcToNchw } from '../../main/onnx/export/layout.js';
import { gradientLinearRule, plainGradient, rectifierRules } from '../../main/onnx/backward/rules.js';
import type { BackwardRules } from '../../main/onnx/backward/types.js';
import { compileGradientGraph, type GradientGraphOptions } from '../../main/onnx/gradient-graph.js';
import { attr, GraphBuilder } from '../../main/onnx/graph-builder.js';
import type { IrModel } from '../../main/onnx/ir.js';
import { readModel } from '../../main/onnx/model-reader.js';
import { writeModel } from '../../main/onnx/model-writer.js';
import { loadOrt, type LoadedOrt } from '../../main/onnx/runtime.js';
import { SessionCache } from '../../main/onnx/session-cache.js';
import { buildModel, layersFor, type InputShape } from '../../main/train/architectures.js';
import { gradientFixtures, modelWithOp, opset7Cnn, poolsAndBatchNormCnn, pytorchStyleCnn, pytorchViewCnn, residualGroupedCnn, type OnnxFixture } from '../fixtures/onnx-fixtures.js';
import { referenceForward } from '../fixtures/onnx-reference.js';

let ort: LoadedOrt;

beforeAll(async () => {
  await tf.setBackend('cpu');
  ort = loadOrt();
});

function normal(rng: Random, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.normal();
  return out;
}

async function runModel(bytes: Uint8Array, feeds: Record<string, { data: Float32Array; dims: number[] }>): Promise<Record<string, Float32Array>> {
  const session = await ort.ort.InferenceSession.create(bytes, ort.sessionOptions);
  try {
    const out = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.ort.Tensor('float32', v.data, v.dims)])));
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
  } finally {
    await session.release();
  }
}

/** max |a − b| / max(max |b|, floor): the relative error float32 results are judged by. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 0): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = floor;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

interface Batch {
  n: number;
  dims: number[];
  images: Float32Array;
  seed: Float32Array;
}

function batchFor(canonical: CanonicalModel, rng: Random, n = 2): Batch {
  const shape = canonical.shapes.get(canonical.input)!;
  const count = typeof shape[0] === 'number' ? shape[0] : n;
  const dims = [count, ...(shape.slice(1) as number[])];
  const classes = canonical.shapes.get(canonical.logits)![1] as number;
  return { n: count, dims, images: normal(rng, dims.reduce((a, b) => a * b, 1)), seed: normal(rng, count * classes) };
}

async function compiledGradient(canonical: CanonicalModel, batch: Batch, options: GradientGraphOptions = {}) {
  const graph = compileGradientGraph(canonical, options);
  const classes = graph.classes;
  return runModel(graph.bytes, { input: { data: batch.images, dims: batch.dims }, seed: { data: batch.seed, dims: [batch.n, classes] } });
}

/** Central differences of seed · logits in float64, h = 1e-5, through the reference interpreter. */
function finiteDifferences(ir: IrModel, logits: string, batch: Batch): Float64Array {
  const h = 1e-5;
  const x = Float64Array.from(batch.images);
  const f = (data: Float64Array) => referenceForward(ir, { dims: batch.dims, data }).get(logits)!.data.reduce((s, z, i) => s + z * batch.seed[i]!, 0);
  return x.map((v, i) => {
    x[i] = v + h;
    const up = f(x);
    x[i] = v - h;
    const down = f(x);
    x[i] = v;
    return (up - down) / (2 * h);
  });
}

describe('the canonical form', () => {
  for (const make of gradientFixtures) {
    it(`keeps the pre-softmax logits of the ${make().name} model`, async () => {
      const fixture = make();
      const ir = readModel(fixture.bytes);
      const canonical = canonicalize(ir);
      const batch = batchFor(canonical, new Random(1));
      const original = await runModel(fixture.bytes, { [ir.inputs[0]!.name]: { data: batch.images, dims: batch.dims } });
      const reference = referenceForward(ir, { dims: batch.dims, data: Float64Array.from(batch.images) });
      // The float64 reference agrees with ONNX Runtime on the original model, head included.
      expect(relativeError(original[fixture.output]!, reference.get(fixture.output)!.data, 1)).toBeLessThanOrEqual(1e-5);
      const logits = (await runModel(writeModel(canonical.ir), { [canonical.input]: { data: batch.images, dims: batch.dims } }))[canonical.logits]!;
      expect(relativeError(logits, reference.get(canonical.logits)!.data, 1)).toBeLessThanOrEqual(1e-5);
      expect(canonical.strippedSoftmax === null).toBe(!fixture.softmax);
      if (!fixture.softmax) expect(relativeError(logits, original[fixture.output]!, 1)).toBeLessThanOrEqual(1e-5);
    });
  }

  it('names the stripped Softmax and explains the Gemm before it', () => {
    const canonical = canonicalize(readModel(pytorchStyleCnn().bytes));
    expect(canonical.strippedSoftmax).toBe('Softmax');
    expect(canonical.logits).toBe('/fc/Gemm_output_0');
    expect(canonical.ir.outputs).toEqual([{ name: '/fc/Gemm_output_0', elemType: 'float32', shape: ['batch_size', 5] }]);
    expect(canonicalize(readModel(pytorchViewCnn().bytes)).strippedSoftmax).toBe('LogSoftmax');
  });

  it('drops Dropout and Identity, and folds BatchNorm into the layer next to it', () => {
    const canonical = canonicalize(readModel(pytorchStyleCnn().bytes));
    expect(canonical.ir.nodes.map((n) => n.opType)).toEqual(['Conv', 'Relu', 'MaxPool', 'Flatten', 'Gemm']);
    expect(canonical.batchNorms).toEqual([{ batchNorm: '/bn1/BatchNormalization_output_0_node', into: '/conv1/Conv_output_0_node', side: 'preceding' }]);
  });

  it('folds BatchNorm forwards into a padless Conv and backwards into a Gemm, and keeps one between two poolings', async () => {
    const fixture = poolsAndBatchNormCnn();
    const canonical = canonicalize(readModel(fixture.bytes));
    expect(canonical.batchNorms.map((b) => [b.batchNorm.split('/')[1], b.side])).toEqual([
      ['bn_in', 'following'],
      ['bn_mid', 'kept'],
      ['bn_fc', 'preceding'],
    ]);
    expect(canonical.ir.nodes.filter((n) => n.opType === 'BatchNormalization')).toHaveLength(1);
    const batch = batchFor(canonical, new Random(2), 5);
    const original = await runModel(fixture.bytes, { input: { data: batch.images, dims: batch.dims } });
    const folded = await runModel(writeModel(canonical.ir), { input: { data: batch.images, dims: batch.dims } });
    expect(relativeError(folded.logits!, original.logits!, 1)).toBeLessThanOrEqual(1e-5);
  });

  it('writes opset-7 Clip bounds and BatchNorm in opset-17 form', () => {
    const canonical = canonicalize(readModel(opset7Cnn().bytes));
    expect(canonical.ir.opset).toBe(17);
    const clip = canonical.ir.nodes.find((n) => n.opType === 'Clip')!;
    expect(clip.inputs).toHaveLength(3);
    expect(clip.attributes).toEqual({});
    expect(canonical.ir.nodes.some((n) => n.opType === 'BatchNormalization')).toBe(false);
  });

  it('folds the x.view(x.size(0), -1) computation into a constant Reshape target and makes auto_pad explicit', () => {
    const canonical = canonicalize(readModel(pytorchViewCnn().bytes));
    expect(canonical.ir.nodes.map((n) => n.opType)).toEqual(['Conv', 'Relu', 'Conv', 'Clip', 'MaxPool', 'Reshape', 'Gemm']);
    const reshape = canonical.ir.nodes.find((n) => n.opType === 'Reshape')!;
    expect(canonical.ir.initializers.get(reshape.inputs[1]!)).toEqual({ type: 'int64', dims: [2], data: BigInt64Array.of(0n, 48n) });
    const conv = canonical.ir.nodes[0]!;
    expect(conv.attributes.auto_pad).toBeUndefined();
    expect(conv.attributes.pads).toEqual({ kind: 'ints', value: [1, 1, 2, 2] });
  });

  it('refuses an output that is not [batch, classes]', () => {
    const g = new GraphBuilder('image_out');
    g.input('input', 'float32', ['batch', 1, 4, 4]);
    g.node('Relu', ['input'], { outputs: ['y'] });
    g.output('y', 'float32', ['batch', 1, 4, 4]);
    expect(() => canonicalize(readModel(g.toBytes({ opset: 13 })))).toThrow(/has shape \[batch, 1, 4, 4\], and Heatlab explains outputs of shape \[batch, classes\]/);
  });
});

describe('the gradient against finite differences', () => {
  for (const make of gradientFixtures) {
    it(`matches central differences of a float64 reference for the ${make().name} model`, async () => {
      const fixture: OnnxFixture = make();
      const ir = readModel(fixture.bytes);
      const canonical = canonicalize(ir);
      const batch = batchFor(canonical, new Random(3));
      const { gradient, logits } = await compiledGradient(canonical, batch);
      const reference = referenceForward(ir, { dims: batch.dims, data: Float64Array.from(batch.images) });
      expect(relativeError(logits!, reference.get(canonical.logits)!.data, 1)).toBeLessThanOrEqual(1e-5);
      // Measured ≈ 1e-7: float32 rounding; the bound leaves room for other CPUs' kernels.
      expect(relativeError(gradient!, finiteDifferences(ir, canonical.logits, batch))).toBeLessThanOrEqual(1e-4);
    });
  }

  it('gives each image of a batch its own gradient', async () => {
    const canonical = canonicalize(readModel(residualGroupedCnn().bytes));
    const batch = batchFor(canonical, new Random(4), 3);
    const together = (await compiledGradient(canonical, batch)).gradient!;
    const per = together.length / 3;
    const classes = batch.seed.length / 3;
    const second = { n: 1, dims: [1, ...batch.dims.slice(1)], images: batch.images.slice(per, 2 * per), seed: batch.seed.slice(classes, 2 * classes) };
    const alone = (await compiledGradient(canonical, second)).gradient!;
    expect(relativeError(together.subarray(per, 2 * per), alone)).toBeLessThanOrEqual(1e-6);
  });
});

describe('max pooling over ties', () => {
  /** input [1, 1, 4, 5] → MaxPool → Flatten: every position of a constant image ties. */
  function poolModel(kernel: number, stride: number, pad: number) {
    const g = new GraphBuilder('ties');
    g.input('input', 'float32', ['batch', 1, 4, 5]);
    const pooled = g.op('MaxPool', ['input'], { kernel_shape: attr.ints([kernel, kernel]), strides: attr.ints([stride, stride]), pads: attr.ints([pad, pad, pad, pad]) });
    g.node('Flatten', [pooled], { outputs: ['logits'], attributes: { axis: attr.int(1) } });
    g.output('logits', 'float32', ['batch', 'k']);
    return canonicalize(readModel(g.toBytes({ opset: 17 })), { inputShape: [1, 1, 4, 5] });
  }

  const cases = [
    { label: 'tiled windows', kernel: 2, stride: 2, pad: 0 },
    { label: 'tiled windows with padding', kernel: 2, stride: 2, pad: 1 },
    { label: 'windows with gaps between them', kernel: 2, stride: 3, pad: 0 },
    { label: 'overlapping windows', kernel: 3, stride: 1, pad: 1 },
  ];
  for (const { label, kernel, stride, pad } of cases) {
    it(`sends each window's gradient to its first position in row-major order for ${label}`, async () => {
      const canonical = poolModel(kernel, stride, pad);
      const classes = canonical.shapes.get(canonical.logits)![1] as number;
      const { gradient } = await compiledGradient(canonical, { n: 1, dims: [1, 1, 4, 5], images: new Float32Array(20).fill(1), seed: new Float32Array(classes).fill(1) });
      const expected = new Float32Array(20);
      const out = (size: number) => Math.floor((size + 2 * pad - kernel) / stride) + 1;
      for (let oy = 0; oy < out(4); oy++) for (let ox = 0; ox < out(5); ox++) expected[Math.max(oy * stride - pad, 0) * 5 + Math.max(ox * stride - pad, 0)]! += 1;
      expect(Array.from(gradient!)).toEqual(Array.from(expected));
    });
  }
});

/** Non-trivial biases and BatchNorm statistics (glorot-initialised models have zero biases). */
function randomizeWeights(model: tf.LayersModel, rng: Random): void {
  for (const layer of model.layers) {
    const weights = layer.getWeights();
    if (weights.length === 0) continue;
    const isBatchNorm = layer.getClassName() === 'BatchNormalization';
    const fresh = layer.weights.map((variable, k) => {
      const role = (variable.originalName ?? variable.name).split('/').pop()!;
      const draw = (low: number, high: number) => tf.tensor(rng.fill(new Float32Array(weights[k]!.size), low, high) as Float32Array, weights[k]!.shape);
      if (isBatchNorm) return role.startsWith('moving_variance') || role.startsWith('gamma') ? draw(0.5, 1.5) : draw(-0.5, 0.5);
      return role.startsWith('bias') ? draw(-0.2, 0.2) : weights[k]!.clone();
    });
    layer.setWeights(fresh);
    tf.dispose(fresh);
  }
}

describe('the gradient against tfjs', () => {
  const custom = (layers: LayerSpec[], classes: number) => layersFor({ kind: 'custom', layers }, classes);
  const cases: { label: string; layers: LayerSpec[]; input: InputShape }[] = [
    { label: 'tiny-cnn', layers: layersFor({ kind: 'preset', preset: 'tiny-cnn', batchNorm: false, dropout: 0 }, 2), input: { height: 16, width: 16, channels: 1 } },
    { label: 'tiny-cnn with BatchNorm and dropout', layers: layersFor({ kind: 'preset', preset: 'tiny-cnn', batchNorm: true, dropout: 0.3 }, 3), input: { height: 12, width: 12, channels: 3 } },
    { label: 'lenet5', layers: layersFor({ kind: 'preset', preset: 'lenet5', batchNorm: false, dropout: 0 }, 4), input: { height: 32, width: 32, channels: 1 } },
    {
      label: 'average pooling, BatchNorm, a strided conv and global average pooling',
      layers: custom(
        [
          { type: 'conv2d', filters: 6, kernel: 3, stride: 1, padding: 'same', activation: 'relu' },
          { type: 'avgpool', size: 3, stride: 2 },
          { type: 'batchnorm' },
          { type: 'conv2d', filters: 5, kernel: 3, stride: 2, padding: 'same', activation: 'relu' },
          { type: 'global-avgpool' },
          { type: 'dropout', rate: 0.5 },
        ],
        4,
      ),
      input: { height: 13, width: 11, channels: 3 },
    },
    {
      label: 'leaky ReLU layers and activations around valid convolutions',
      layers: custom(
        [
          { type: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 'same', activation: 'leaky-relu' },
          { type: 'maxpool', size: 2 },
          { type: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 'valid', activation: 'none' },
          { type: 'leaky-relu', alpha: 0.1 },
          { type: 'flatten' },
          { type: 'dense', units: 8, activation: 'leaky-relu' },
          { type: 'relu' },
        ],
        2,
      ),
      input: { height: 11, width: 11, channels: 1 },
    },
    {
      label: 'strided same-padded convolutions on odd sizes and a dense BatchNorm',
      layers: custom(
        [
          { type: 'conv2d', filters: 5, kernel: 4, stride: 3, padding: 'same', activation: 'relu' },
          { type: 'conv2d', filters: 4, kernel: 3, stride: 2, padding: 'same', activation: 'relu' },
          { type: 'flatten' },
          { type: 'dense', units: 6, activation: 'none' },
          { type: 'batchnorm' },
          { type: 'relu' },
        ],
        3,
      ),
      input: { height: 17, width: 13, channels: 2 },
    },
  ];

  const flat = (rng: Random, n: number, input: InputShape): Float32Array => {
    // Zero images with one random patch: max pooling ties all over the flat background.
    const images = new Float32Array(n * input.height * input.width * input.channels);
    for (let b = 0; b < n; b++)
      for (let y = 2; y < 6; y++) for (let x = 3; x < 8; x++) for (let c = 0; c < input.channels; c++) images[((b * input.height + y) * input.width + x) * input.channels + c] = rng.normal();
    return images;
  };
  const withTies = { label: 'tiny-cnn on images whose flat background ties in max pooling', layers: cases[0]!.layers, input: cases[0]!.input, images: flat };

  for (const c of [...cases, withTies] as (typeof cases[number] & { images?: typeof flat })[]) {
    it(`equals tf.grad of the tfjs model for ${c.label}`, async () => {
      const rng = new Random(11);
      const model = buildModel(tf, c.layers, c.input, 5);
      randomizeWeights(model, rng);
      const classes = model.outputs[0]!.shape[1] as number;
      const { height, width, channels } = c.input;
      const bytes = exportLayersModel(model, {
        name: 'oracle',
        classNames: Array.from({ length: classes }, (_, k) => `class ${k}`),
        preprocessing: { layout: 'NCHW', scale: 1, mean: Array(channels).fill(0), std: Array(channels).fill(1), channels, height, width },
      });
      const n = 4;
      const nhwc = c.images ? c.images(rng, n, c.input) : normal(rng, n * height * width * channels);
      const seed = normal(rng, n * classes);
      const expected = tf.tidy(() => {
        const s = tf.tensor2d(seed, [n, classes]);
        const f = (x: tf.Tensor) => tf.sum(tf.mul(model.apply(x, { training: false }) as tf.Tensor, s));
        return nhwcToNchw(tf.grad(f)(tf.tensor4d(nhwc, [n, height, width, channels])).dataSync() as Float32Array, [n, height, width, channels]);
      });
      const canonical = canonicalize(readModel(bytes));
      const batch = { n, dims: [n, channels, height, width], images: nhwcToNchw(nhwc, [n, height, width, channels]), seed };
      const { gradient } = await compiledGradient(canonical, batch);
      expect(relativeError(gradient!, expected)).toBeLessThanOrEqual(1e-4);
      model.dispose();
    });
  }
});

/** input [batch, 1, 1, 4] → Flatten → Gemm(W1, b1) → Relu → Gemm(W2) → logits [batch, 2]. */
function twoLayerNet() {
  const w1 = Float32Array.of(1, -2, 0.5, 1, -1, 1, 2, -0.5, 0.5, 0.5, -1, 2);
  const b1 = Float32Array.of(0.1, -0.2, 0.3);
  const w2 = Float32Array.of(1, -1, 2, -2, 0.5, 1);
  const g = new GraphBuilder('two_layers');
  g.input('input', 'float32', ['batch', 1, 1, 4]);
  const flat = g.op('Flatten', ['input'], { axis: attr.int(1) });
  const h = g.op('Relu', [g.op('Gemm', [flat, g.initializer('w1', w1, [3, 4]), g.initializer('b1', b1, [3])], { transB: attr.int(1) })]);
  g.node('Gemm', [h, g.initializer('w2', w2, [2, 3])], { outputs: ['logits'], attributes: { transB: attr.int(1) } });
  g.output('logits', 'float32', ['batch', 2]);
  return { bytes: g.toBytes({ opset: 17 }), w1, b1, w2 };
}

describe('rules as parameters of the backward pass', () => {
  const x = Float32Array.of(1, 0.5, -1, 2);
  const seed = Float32Array.of(1, -1);

  /** By hand: z1 = W1·x + b1, the signal at the ReLU is W2ᵀ·seed, the gradient W1ᵀ·(ReLU rule). */
  function byHand(rule: (signal: number, active: boolean) => number): number[] {
    const { w1, b1, w2 } = twoLayerNet();
    const z1 = [0, 1, 2].map((j) => b1[j]! + [0, 1, 2, 3].reduce((s, i) => s + w1[j * 4 + i]! * x[i]!, 0));
    const signal = [0, 1, 2].map((j) => seed[0]! * w2[j]! + seed[1]! * w2[3 + j]!);
    const crossed = signal.map((s, j) => rule(s, z1[j]! > 0));
    return [0, 1, 2, 3].map((i) => [0, 1, 2].reduce((s, j) => s + w1[j * 4 + i]! * crossed[j]!, 0));
  }

  async function gradientWith(rules: BackwardRules): Promise<Float32Array> {
    const canonical = canonicalize(readModel(twoLayerNet().bytes));
    return (await compiledGradient(canonical, { n: 1, dims: [1, 1, 1, 4], images: x, seed }, { rules })).gradient!;
  }

  it('computes the plain gradient, guided backprop and deconvnet by swapping only the rectifier rule', async () => {
    const cases: [BackwardRules['rectifier'], (s: number, active: boolean) => number][] = [
      [rectifierRules.gradient, (s, active) => (active ? s : 0)],
      [rectifierRules.guided, (s, active) => (active ? Math.max(s, 0) : 0)],
      [rectifierRules.deconvnet, (s) => Math.max(s, 0)],
      [rectifierRules.pass, (s) => s],
    ];
    for (const [rectifier, rule] of cases) {
      const got = await gradientWith({ ...plainGradient, id: 'probe', rectifier });
      Array.from(got).forEach((v, i) => expect(v).toBeCloseTo(byHand(rule)[i]!, 5));
    }
  });

  it('hands each linear layer to the linear rule with its place, its weights and a forward with other parameters', async () => {
    const seen: string[] = [];
    const rules: BackwardRules = {
      id: 'doubled-first-layer',
      rectifier: rectifierRules.gradient,
      linear: (info) => {
        seen.push(`${info.kind} ${info.index}/${info.count}`);
        if (info.index === 0) return (layer, g) => layer.backward(g, layer.constant(layer.weight.data.map((w) => 2 * w), layer.weight.dims, 'doubled'));
        // z′/z = 1 when forward() reproduces the layer: the gradient is unchanged.
        return (layer, g) => {
          const ratio = layer.graph.op('Div', [layer.forward(layer.input, layer.weight.name, layer.bias?.name ?? null), layer.output]);
          return gradientLinearRule(layer, layer.graph.op('Mul', [g, ratio]));
        };
      },
    };
    const doubled = await gradientWith(rules);
    const plain = await gradientWith(plainGradient);
    expect(seen).toEqual(['dense 1/2', 'dense 0/2']);
    Array.from(doubled).forEach((v, i) => expect(v).toBeCloseTo(2 * plain[i]!, 5));
  });

  it('compiles identical bytes for identical rules, so the variant id can key a session cache', () => {
    const canonical = canonicalize(readModel(residualGroupedCnn().bytes));
    expect(compileGradientGraph(canonical).bytes).toEqual(compileGradientGraph(canonical).bytes);
    expect(compileGradientGraph(canonical).variant).toBe('gradient');
  });

  it('outputs a tapped value with its gradient, the logits tap giving the seed back', async () => {
    const fixture = residualGroupedCnn();
    const ir = readModel(fixture.bytes);
    const canonical = canonicalize(ir);
    const batch = batchFor(canonical, new Random(6));
    const tapped = '/stem/Conv_output_0';
    const out = await compiledGradient(canonical, batch, { taps: [tapped, canonical.logits] });
    const reference = referenceForward(ir, { dims: batch.dims, data: Float64Array.from(batch.images) });
    expect(relativeError(out[`tap/${tapped}/activation`]!, reference.get(tapped)!.data, 1)).toBeLessThanOrEqual(1e-5);
    expect(out[`tap/${tapped}/gradient`]).toHaveLength(reference.get(tapped)!.data.length);
    expect(out[`tap/${canonical.logits}/gradient`]).toEqual(batch.seed);
  });
});

describe('models with ops the compiler does not support', () => {
  for (const op of ['LSTM', 'Resize'] as const) {
    it(`refuses a model with ${op === 'LSTM' ? 'an' : 'a'} ${op} in one sentence naming it, while it still runs forward`, async () => {
      const bytes = modelWithOp(op);
      let error: unknown;
      try {
        compileGradientGraph(canonicalize(readModel(bytes)));
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(HeatlabError);
      expect((error as HeatlabError).code).toBe('invalid_request');
      expect((error as HeatlabError).message).toBe(`The explanation compiler does not support the ${op} op, so graph methods cannot explain this model; forward-only methods still work.`);
      if (op === 'Resize') {
        const out = await runModel(bytes, { input: { data: new Float32Array(2 * 16), dims: [2, 1, 4, 4] } });
        expect(out.logits).toHaveLength(4);
      }
    });
  }
});

describe('the session cache', () => {
  const bytes = () => compileGradientGraph(canonicalize(readModel(residualGroupedCnn().bytes))).bytes;

  it('builds one session per model and variant, even for concurrent callers, and reuses it', async () => {
    const cache = new SessionCache(ort, 2);
    const build = vi.fn(bytes);
    const [a, b] = await Promise.all([cache.acquire({ model: 'm1', variant: 'gradient' }, build), cache.acquire({ model: 'm1', variant: 'gradient' }, build)]);
    expect(a.session).toBe(b.session);
    await Promise.all([a.done(), b.done()]);
    await cache.with({ model: 'm1', variant: 'gradient' }, build, async (s) => expect(s).toBe(a.session));
    expect(build).toHaveBeenCalledTimes(1);
    await cache.clear();
  });

  it('releases the least recently used session when full, but only after its lease ends', async () => {
    const cache = new SessionCache(ort, 1);
    const first = await cache.acquire({ model: 'm1', variant: 'gradient' }, bytes);
    const release = vi.spyOn(first.session, 'release');
    await cache.with({ model: 'm2', variant: 'gradient' }, bytes, async () => {});
    expect(cache.has({ model: 'm1', variant: 'gradient' })).toBe(false);
    expect(release).not.toHaveBeenCalled();
    await first.done();
    expect(release).toHaveBeenCalledTimes(1);
    await cache.clear();
  });

  it('does not keep a failed creation and drops every variant of an invalidated model', async () => {
    const cache = new SessionCache(ort, 4);
    await expect(cache.acquire({ model: 'm1', variant: 'gradient' }, () => Uint8Array.of(1, 2, 3))).rejects.toThrow();
    expect(cache.size).toBe(0);
    await cache.with({ model: 'm1', variant: 'gradient' }, bytes, async () => {});
    await cache.with({ model: 'm1', variant: 'guided-backprop' }, bytes, async () => {});
    await cache.with({ model: 'm2', variant: 'gradient' }, bytes, async () => {});
    await cache.invalidate('m1');
    expect(cache.size).toBe(1);
    await cache.clear();
  });
});

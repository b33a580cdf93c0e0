// The tfjs-Layers → ONNX exporter: ONNX Runtime must reproduce tfjs's logits (≤ 1e-4) for every
// preset and for the custom layers Heatlab offers, with random BatchNorm statistics, biases and
// inputs; the file must decode as the ONNX the rest of Heatlab expects; unsupported layers are a
// one-sentence error naming them.
import * as tf from '@tensorflow/tfjs';
import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { HeatlabError } from '../../shared/errors.js';
import type { Architecture, LayerSpec, Preprocessing } from '../../shared/models.js';
import { Random } from '../../main/numeric/random.js';
import { loadOrt, type LoadedOrt } from '../../main/onnx/runtime.js';
import { buildModel, layersFor, type InputShape } from '../../main/train/architectures.js';
import { EXPORT_TOLERANCE, exportLayersModel, verifyExport } from '../../main/onnx/export/index.js';
import { nhwcToNchw } from '../../main/onnx/export/layout.js';
import { tfAxisPadding } from '../../main/onnx/export/padding.js';

const { onnx } = onnxProto;
let ort: LoadedOrt;

beforeAll(async () => {
  await tf.setBackend('cpu');
  ort = loadOrt();
});

function preprocessingFor(input: InputShape): Preprocessing {
  return { layout: 'NCHW', scale: 255, mean: Array(input.channels).fill(0.5), std: Array(input.channels).fill(0.25), channels: input.channels, height: input.height, width: input.width };
}

const classNamesFor = (classes: number) => Array.from({ length: classes }, (_, k) => `class ${k}`);

/**
 * Non-trivial weights everywhere a layout mistake could hide: biases (zero after glorot
 * initialisation) and BatchNorm's gamma, beta and moving statistics.
 */
function randomizeWeights(model: tf.LayersModel, rng: Random): void {
  for (const layer of model.layers) {
    const weights = layer.getWeights();
    if (weights.length === 0) continue;
    const className = layer.getClassName();
    const fresh = layer.weights.map((variable, k) => {
      const role = (variable.originalName ?? variable.name).split('/').pop()!;
      const shape = weights[k]!.shape;
      const size = weights[k]!.size;
      const draw = (low: number, high: number) => tf.tensor(rng.fill(new Float32Array(size), low, high) as Float32Array, shape);
      if (className === 'BatchNormalization') {
        if (role.startsWith('gamma')) return draw(0.5, 1.5);
        if (role.startsWith('beta')) return draw(-0.5, 0.5);
        if (role.startsWith('moving_mean')) return draw(-0.5, 0.5);
        return draw(0.5, 2);
      }
      if (role.startsWith('bias')) return draw(-0.2, 0.2);
      return weights[k]!.clone();
    });
    layer.setWeights(fresh);
    tf.dispose(fresh);
  }
}

function randomImages(rng: Random, n: number, input: InputShape): Float32Array {
  const out = new Float32Array(n * input.height * input.width * input.channels);
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}

interface Case {
  model: tf.LayersModel;
  input: InputShape;
  classes: number;
}

function exportCase({ model, input, classes }: Case, extra: { opset?: number; metadata?: Record<string, string> } = {}): Uint8Array {
  return exportLayersModel(model, { name: model.name, classNames: classNamesFor(classes), preprocessing: preprocessingFor(input), ...extra });
}

/** Exports, checks parity on random images and returns the measured difference. */
async function parity(c: Case, seed: number, images = 6, opset?: number): Promise<number> {
  const rng = new Random(seed);
  randomizeWeights(c.model, rng);
  const bytes = exportCase(c, opset === undefined ? {} : { opset });
  const data = randomImages(rng, images, c.input);
  const { maxAbsDifference } = await verifyExport(tf, c.model, bytes, data, [images, c.input.height, c.input.width, c.input.channels], ort);
  expect(maxAbsDifference).toBeLessThanOrEqual(EXPORT_TOLERANCE);
  return maxAbsDifference;
}

function heatlabModel(layers: LayerSpec[], input: InputShape, seed: number): Case {
  const model = buildModel(tf, layers, input, seed);
  const classes = (model.outputs[0]!.shape[1] as number);
  return { model, input, classes };
}

function sequential(input: InputShape, layers: tf.layers.Layer[]): Case {
  const model = tf.sequential({ name: 'probe' });
  for (const l of layers) model.add(l);
  return { model, input, classes: model.outputs[0]!.shape[1] as number };
}

const presetInputs: Record<string, { input: InputShape; classes: number }> = {
  'tiny-cnn': { input: { height: 32, width: 32, channels: 1 }, classes: 2 },
  lenet5: { input: { height: 32, width: 32, channels: 1 }, classes: 5 },
  mlp: { input: { height: 16, width: 16, channels: 3 }, classes: 5 },
  'vgg-small': { input: { height: 16, width: 16, channels: 3 }, classes: 2 },
};

describe('parity with tfjs for every preset', () => {
  const variants = [
    { batchNorm: false, dropout: 0 },
    { batchNorm: true, dropout: 0 },
    { batchNorm: false, dropout: 0.5 },
    { batchNorm: true, dropout: 0.3 },
  ];
  for (const preset of ['tiny-cnn', 'lenet5', 'mlp', 'vgg-small'] as const) {
    for (const { batchNorm, dropout } of variants) {
      it(`gives the same logits as tfjs for ${preset} with batchNorm ${batchNorm} and dropout ${dropout}`, async () => {
        const architecture: Architecture = { kind: 'preset', preset, batchNorm, dropout };
        const { input, classes } = presetInputs[preset]!;
        await parity(heatlabModel(layersFor(architecture, classes), input, 7), 11);
      });
    }
  }
});

describe('parity with tfjs for custom layer lists', () => {
  const custom = (layers: LayerSpec[], classes: number) => layersFor({ kind: 'custom', layers }, classes);

  it('gives the same logits for average pooling followed by global average pooling on 3 channels', async () => {
    const layers = custom(
      [
        { type: 'conv2d', filters: 8, kernel: 3, stride: 1, padding: 'same', activation: 'relu' },
        { type: 'avgpool', size: 3, stride: 2 },
        { type: 'batchnorm' },
        { type: 'conv2d', filters: 6, kernel: 3, stride: 2, padding: 'same', activation: 'relu' },
        { type: 'global-avgpool' },
        { type: 'dropout', rate: 0.5 },
      ],
      5,
    );
    await parity(heatlabModel(layers, { height: 15, width: 15, channels: 3 }, 3), 4);
  });

  it('gives the same logits for leaky ReLU as a layer and as the activation of conv and dense layers', async () => {
    const layers = custom(
      [
        { type: 'conv2d', filters: 6, kernel: 3, stride: 1, padding: 'same', activation: 'leaky-relu' },
        { type: 'maxpool', size: 2 },
        { type: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 'valid', activation: 'none' },
        { type: 'leaky-relu', alpha: 0.1 },
        { type: 'flatten' },
        { type: 'dense', units: 12, activation: 'leaky-relu' },
        { type: 'relu' },
      ],
      2,
    );
    await parity(heatlabModel(layers, { height: 13, width: 13, channels: 1 }, 5), 6);
  });

  it('gives the same logits for strided same-padded convolutions on odd sizes with a flatten that needs its transpose', async () => {
    const layers = custom(
      [
        { type: 'conv2d', filters: 5, kernel: 4, stride: 3, padding: 'same', activation: 'relu' },
        { type: 'conv2d', filters: 7, kernel: 3, stride: 2, padding: 'same', activation: 'relu' },
        { type: 'batchnorm' },
      ],
      5,
    );
    await parity(heatlabModel(layers, { height: 17, width: 23, channels: 3 }, 8), 9);
  });

  it('gives the same logits for BatchNorm on a flat vector after a dense layer', async () => {
    const layers = custom([{ type: 'flatten' }, { type: 'dense', units: 10, activation: 'none' }, { type: 'batchnorm' }, { type: 'relu' }], 2);
    await parity(heatlabModel(layers, { height: 6, width: 5, channels: 3 }, 10), 12);
  });
});

describe("'same' padding", () => {
  it('pads as TensorFlow does: the odd pixel goes after, and nothing when the stride covers the input', () => {
    expect(tfAxisPadding(7, 3, 2, 'same')).toEqual({ before: 1, after: 1, output: 4 });
    expect(tfAxisPadding(8, 3, 2, 'same')).toEqual({ before: 0, after: 1, output: 4 });
    expect(tfAxisPadding(8, 4, 1, 'same')).toEqual({ before: 1, after: 2, output: 8 });
    expect(tfAxisPadding(5, 1, 3, 'same')).toEqual({ before: 0, after: 0, output: 2 });
    expect(tfAxisPadding(9, 3, 3, 'valid')).toEqual({ before: 0, after: 0, output: 3 });
  });

  const sizes = [5, 6, 7, 9, 10];
  for (const stride of [1, 2, 3]) {
    it(`matches tfjs convolutions and poolings with stride ${stride} for kernels 1 to 5 on odd and even sizes`, async () => {
      let seed = 100 * stride;
      for (const size of sizes)
        for (const kernel of [1, 2, 3, 4, 5]) {
          const input = { height: size, width: size + 1, channels: 2 };
          const c = sequential(input, [
            tf.layers.conv2d({ name: 'conv', inputShape: [input.height, input.width, input.channels], filters: 3, kernelSize: kernel, strides: stride, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }) }),
            tf.layers.maxPooling2d({ name: 'maxpool', poolSize: Math.min(kernel, 3), strides: stride, padding: 'same' }),
            tf.layers.averagePooling2d({ name: 'avgpool', poolSize: Math.min(kernel + 1, 3), strides: stride, padding: 'same' }),
            tf.layers.flatten({ name: 'flatten' }),
            tf.layers.dense({ name: 'dense', units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }) }),
          ]);
          await parity(c, seed++, 3);
        }
    });
  }

  it('matches tfjs for a dilated same-padded convolution', async () => {
    const c = sequential({ height: 11, width: 9, channels: 1 }, [
      tf.layers.conv2d({ name: 'dilated', inputShape: [11, 9, 1], filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'dense', units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ]);
    await parity(c, 3);
  });
});

describe('layer options', () => {
  it('exports BatchNorm without center or without scale, Activation layers and a convolution without bias', async () => {
    const c = sequential({ height: 8, width: 8, channels: 3 }, [
      tf.layers.conv2d({ name: 'conv', inputShape: [8, 8, 3], filters: 4, kernelSize: 3, useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.batchNormalization({ name: 'bn_no_center', center: false, epsilon: 0.01 }),
      tf.layers.activation({ name: 'act_relu', activation: 'relu' }),
      tf.layers.batchNormalization({ name: 'bn_no_scale', scale: false }),
      tf.layers.activation({ name: 'act_linear', activation: 'linear' }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'dense', units: 2, useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ]);
    await parity(c, 4);
  });

  it('exports a functional model whose layers form one chain, input layer included', async () => {
    const x = tf.input({ shape: [9, 9, 1], name: 'image' });
    const h = tf.layers.conv2d({ name: 'conv', filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(x) as tf.SymbolicTensor;
    const y = tf.layers.dense({ name: 'dense', units: 2 }).apply(tf.layers.flatten({ name: 'flatten' }).apply(h)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: y, name: 'functional' });
    expect(model.layers[0]!.getClassName()).toBe('InputLayer');
    await parity({ model, input: { height: 9, width: 9, channels: 1 }, classes: 2 }, 5);
  });
});

describe('verification', () => {
  it('runs in ONNX Runtime at opset 13, the oldest Heatlab writes', async () => {
    const architecture: Architecture = { kind: 'preset', preset: 'tiny-cnn', batchNorm: true, dropout: 0.5 };
    await parity(heatlabModel(layersFor(architecture, 2), { height: 16, width: 16, channels: 1 }, 2), 3, 6, 13);
  });

  it('verifies more images than one batch of 256', async () => {
    const input = { height: 6, width: 6, channels: 1 };
    await parity(heatlabModel(layersFor({ kind: 'preset', preset: 'mlp', batchNorm: false, dropout: 0 }, 2), input, 1), 2, 300);
  });

  it('reports a wrong export as a difference above the tolerance', async () => {
    const input = { height: 8, width: 8, channels: 1 };
    const a = heatlabModel(layersFor({ kind: 'preset', preset: 'tiny-cnn', batchNorm: false, dropout: 0 }, 2), input, 1);
    const b = heatlabModel(layersFor({ kind: 'preset', preset: 'tiny-cnn', batchNorm: false, dropout: 0 }, 2), input, 2);
    const images = randomImages(new Random(3), 4, input);
    const { maxAbsDifference } = await verifyExport(tf, a.model, exportCase(b), images, [4, 8, 8, 1], ort);
    expect(maxAbsDifference).toBeGreaterThan(EXPORT_TOLERANCE);
  });

  it('does not leave tfjs tensors behind across repeated exports and verifications', async () => {
    const input = { height: 8, width: 8, channels: 1 };
    const c = heatlabModel(layersFor({ kind: 'preset', preset: 'tiny-cnn', batchNorm: true, dropout: 0.2 }, 2), input, 1);
    const images = randomImages(new Random(3), 4, input);
    const run = async () => verifyExport(tf, c.model, exportCase(c), images, [4, 8, 8, 1], ort);
    await run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await run();
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** The decoded file as plain data (onnx-proto's decoded fields are all optional). */
function decodeModel(bytes: Uint8Array) {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph ?? {};
  const dims = (v: { type?: { tensorType?: { shape?: { dim?: { dimValue?: unknown; dimParam?: string | null }[] | null } | null } | null } | null }) =>
    (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue)));
  return {
    opset: Number(model.opsetImport.find((o) => !o.domain)?.version),
    producer: model.producerName,
    inputs: (graph.input ?? []).map((i) => ({ name: i.name, dims: dims(i), elemType: i.type?.tensorType?.elemType })),
    outputs: (graph.output ?? []).map((o) => ({ name: o.name, dims: dims(o) })),
    initializers: new Map((graph.initializer ?? []).map((t) => [t.name ?? '', (t.dims ?? []).map(Number)])),
    nodes: (graph.node ?? []).map((n) => ({
      opType: n.opType ?? '',
      name: n.name ?? '',
      inputs: n.input ?? [],
      outputs: n.output ?? [],
      ints: Object.fromEntries((n.attribute ?? []).map((a) => [a.name ?? '', Number(a.i)])),
    })),
    metadata: Object.fromEntries(model.metadataProps.map((p) => [p.key ?? '', p.value ?? ''])),
  };
}

describe('the ONNX file', () => {
  const input = { height: 12, width: 10, channels: 3 };
  const build = () => heatlabModel(layersFor({ kind: 'preset', preset: 'tiny-cnn', batchNorm: true, dropout: 0.5 }, 5), input, 1);

  it('decodes with an opset of 13 or newer, an NCHW input named input and the outputs logits and probabilities', () => {
    const c = build();
    const model = decodeModel(exportCase(c));
    expect(model.opset).toBe(17);
    expect(model.producer).toBe('heatlab');
    expect(model.inputs).toEqual([{ name: 'input', dims: ['batch', 3, 12, 10], elemType: onnx.TensorProto.DataType.FLOAT }]);
    expect(model.outputs).toEqual([
      { name: 'logits', dims: ['batch', 5] },
      { name: 'probabilities', dims: ['batch', 5] },
    ]);
    expect(decodeModel(exportCase(c, { opset: 13 })).opset).toBe(13);
  });

  it('writes the preprocessing, class names, name and extra metadata as metadata props', () => {
    const c = build();
    const { metadata } = decodeModel(exportCase(c, { metadata: { 'heatlab.modelId': '42', 'heatlab.name': 'ignored' } }));
    expect(JSON.parse(metadata['heatlab.preprocessing']!)).toEqual(preprocessingFor(input));
    expect(JSON.parse(metadata['heatlab.classNames']!)).toEqual(classNamesFor(5));
    expect(metadata['heatlab.name']).toBe(c.model.name);
    expect(metadata['heatlab.modelId']).toBe('42');
  });

  it('names nodes and initializers after the tfjs layers and stores weights in ONNX layouts', () => {
    const { initializers, nodes } = decodeModel(exportCase(build()));
    expect(initializers.get('l01_conv2d/kernel')).toEqual([16, 3, 3, 3]);
    expect(initializers.get('l02_batchnorm/moving_variance')).toEqual([16]);
    const dense = [...initializers.entries()].filter(([name]) => name.endsWith('_dense/kernel'));
    expect(dense.map(([, dims]) => dims)).toEqual([
      [64, 32 * 2 * 1],
      [5, 64],
    ]);
    const gemm = nodes.filter((n) => n.opType === 'Gemm');
    expect(gemm.map((n) => n.ints.transB)).toEqual([1, 1]);
    expect(nodes.map((n) => n.name)).toContain('l01_conv2d/Conv');
    expect(nodes.map((n) => n.opType)).not.toContain('Dropout');
  });

  it('transposes back to NHWC before a flatten of a spatial tensor and not before a 1×1 one', () => {
    const opBeforeFlatten = (c: Case) => {
      const { nodes } = decodeModel(exportCase(c));
      const flatten = nodes.find((n) => n.opType === 'Flatten')!;
      return nodes.find((n) => n.outputs.includes(flatten.inputs[0]!))?.opType;
    };
    expect(opBeforeFlatten(build())).toBe('Transpose');
    // LeNet-5's last pooling leaves a 1×1 map on 32×32 images.
    const lenet = heatlabModel(layersFor({ kind: 'preset', preset: 'lenet5', batchNorm: false, dropout: 0 }, 2), { height: 32, width: 32, channels: 1 }, 1);
    expect(opBeforeFlatten(lenet)).toBe('MaxPool');
  });

  it('gives probabilities that sum to 1 and equal the softmax of the logits', async () => {
    const c = build();
    randomizeWeights(c.model, new Random(1));
    const session = await ort.ort.InferenceSession.create(exportCase(c), ort.sessionOptions);
    try {
      const n = 7;
      const images = randomImages(new Random(2), n, input);
      const feeds = { input: new ort.ort.Tensor('float32', nhwcToNchw(images, [n, 12, 10, 3]), [n, 3, 12, 10]) };
      const out = await session.run(feeds);
      const logits = out.logits!.data as Float32Array;
      const probabilities = out.probabilities!.data as Float32Array;
      expect(out.probabilities!.dims).toEqual([n, 5]);
      for (let i = 0; i < n; i++) {
        const row = Array.from(logits.subarray(i * 5, i * 5 + 5));
        const top = Math.max(...row);
        const exps = row.map((z) => Math.exp(z - top));
        const total = exps.reduce((a, b) => a + b, 0);
        const p = Array.from(probabilities.subarray(i * 5, i * 5 + 5));
        expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        p.forEach((v, k) => expect(v).toBeCloseTo(exps[k]! / total, 6));
      }
    } finally {
      await session.release();
    }
  });
});

describe('errors', () => {
  const expectExportError = (c: Case, pattern: RegExp) => {
    let error: unknown;
    try {
      exportCase(c);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(HeatlabError);
    expect((error as HeatlabError).code).toBe('invalid_request');
    expect((error as HeatlabError).message).toMatch(pattern);
    expect((error as HeatlabError).message.match(/\.(\s|$)/g)).toHaveLength(1);
  };

  it('names an unsupported Conv1D layer in one sentence', () => {
    const c = sequential({ height: 10, width: 2, channels: 1 }, [
      tf.layers.conv1d({ name: 'conv1d_probe', inputShape: [10, 2], filters: 3, kernelSize: 3 }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'dense', units: 2 }),
    ]);
    expectExportError(c, /^Layer conv1d_probe is a Conv1D, which the ONNX exporter does not support/);
  });

  it('names an unsupported SimpleRNN layer in one sentence', () => {
    const c = sequential({ height: 5, width: 3, channels: 1 }, [tf.layers.simpleRNN({ name: 'rnn', inputShape: [5, 3], units: 4 }), tf.layers.dense({ name: 'dense', units: 2 })]);
    expectExportError(c, /^Layer rnn is a SimpleRNN, which/);
  });

  it('names an unsupported layer inside an image model in one sentence', () => {
    const c = sequential({ height: 8, width: 8, channels: 1 }, [
      tf.layers.depthwiseConv2d({ name: 'depthwise', inputShape: [8, 8, 1], kernelSize: 3 }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'dense', units: 2 }),
    ]);
    expectExportError(c, /DepthwiseConv2D/);
  });

  it('names an unsupported activation and its layer in one sentence', () => {
    const c = sequential({ height: 4, width: 4, channels: 1 }, [tf.layers.flatten({ name: 'flatten', inputShape: [4, 4, 1] }), tf.layers.dense({ name: 'scores', units: 2, activation: 'softmax' })]);
    expectExportError(c, /scores \(Dense\) uses the softmax activation/);
  });

  it('refuses a model whose layers do not form one chain', () => {
    const x = tf.input({ shape: [4, 4, 1] });
    const f = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
    const y = tf.layers.add({ name: 'sum' }).apply([tf.layers.dense({ units: 2 }).apply(f), tf.layers.dense({ units: 2 }).apply(f)] as tf.SymbolicTensor[]) as tf.SymbolicTensor;
    expectExportError({ model: tf.model({ inputs: x, outputs: y }), input: { height: 4, width: 4, channels: 1 }, classes: 2 }, /sum \(Add\) takes 2 inputs/);
  });

  it('refuses an opset older than 13 and class names that do not match the logits', () => {
    const c = heatlabModel(layersFor({ kind: 'preset', preset: 'mlp', batchNorm: false, dropout: 0 }, 2), { height: 4, width: 4, channels: 1 }, 1);
    expect(() => exportCase(c, { opset: 12 })).toThrow(/opset 12 cannot be written: Heatlab exports opset 13 or newer/);
    expect(() => exportLayersModel(c.model, { name: 'm', classNames: ['a'], preprocessing: preprocessingFor(c.input) })).toThrow(/2 class scores but 1 class names/);
  });
});

// One converter per supported tfjs layer class: it reads the layer's config and weights, writes
// the layer as a chain of ONNX nodes and returns the value it produces. Activations between
// layers are NCHW in ONNX; weights change layout in layout.ts only.
import { attr, type Attribute } from '../graph-builder.js';
import { activationLayerSteps, fusedActivation } from './activations.js';
import type { ExportContext, Step, Value } from './context.js';
import {
  booleanField,
  configOf,
  describeLayer,
  exportError,
  numberField,
  pairField,
  paddingField,
  requireChannelsLast,
  requireWeight,
  weightsOf,
  type Layer,
} from './layer-config.js';
import { hwioToOihw, inOutToOutIn, NCHW_TO_NHWC } from './layout.js';
import { onnxPads2d } from './padding.js';

export type LayerConverter = (ctx: ExportContext, layer: Layer, input: Value) => Value;

type ImageValue = Extract<Value, { kind: 'image' }>;
type FlatValue = Extract<Value, { kind: 'flat' }>;

function requireImage(layer: Layer, input: Value): ImageValue {
  if (input.kind !== 'image') throw exportError(`Layer ${describeLayer(layer)} needs an image-shaped input, but the layers before it already flattened it.`);
  return input;
}

function requireFlat(layer: Layer, input: Value): FlatValue {
  if (input.kind !== 'flat') throw exportError(`Layer ${describeLayer(layer)} needs a flat input; put a Flatten or GlobalAveragePooling2D layer before it.`);
  return input;
}

const conv2d: LayerConverter = (ctx, layer, input) => {
  const x = requireImage(layer, input);
  const config = configOf(layer);
  requireChannelsLast(layer, config);
  const kernelSize = pairField(layer, config, 'kernelSize');
  const strides = pairField(layer, config, 'strides', [1, 1]);
  const dilations = pairField(layer, config, 'dilationRate', [1, 1]);
  const filters = numberField(layer, config, 'filters');
  const weights = weightsOf(layer);
  const kernel = requireWeight(layer, weights, 'kernel');
  const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
  if (kh !== kernelSize[0] || kw !== kernelSize[1] || cin !== x.channels || cout !== filters) {
    throw exportError(`Layer ${describeLayer(layer)} has a ${kernel.shape.join('×')} kernel that does not fit its config and ${x.channels}-channel input.`);
  }
  const w = ctx.weight(layer.name, 'kernel', hwioToOihw(kernel.values, [kh, kw, cin, cout]), [cout, cin, kh, kw]);
  const inputs = [w];
  if (booleanField(layer, config, 'useBias', true)) inputs.push(ctx.weight(layer.name, 'bias', requireWeight(layer, weights, 'bias').values, [cout]));
  const { pads, height, width } = onnxPads2d(x, kernelSize, strides, paddingField(layer, config), dilations);
  const attributes: Record<string, Attribute> = {
    kernel_shape: attr.ints(kernelSize),
    strides: attr.ints(strides),
    pads: attr.ints(pads),
    dilations: attr.ints(dilations),
    group: attr.int(1),
  };
  const name = ctx.chain(layer.name, x.name, [{ op: 'Conv', inputs, attributes }, ...fusedActivation(layer)]);
  return { kind: 'image', name, height, width, channels: cout };
};

const dense: LayerConverter = (ctx, layer, input) => {
  const x = requireFlat(layer, input);
  const config = configOf(layer);
  const weights = weightsOf(layer);
  const kernel = requireWeight(layer, weights, 'kernel');
  const [rows, units] = kernel.shape as [number, number];
  if (kernel.shape.length !== 2 || rows !== x.size) throw exportError(`Layer ${describeLayer(layer)} has a ${kernel.shape.join('×')} kernel that does not fit its ${x.size}-value input.`);
  // Gemm with transB = 1 and an [out, in] weight: the layout PyTorch exports, so trained and
  // imported models reach the explanation compiler in the same form.
  const inputs = [ctx.weight(layer.name, 'kernel', inOutToOutIn(kernel.values, [rows, units]), [units, rows])];
  if (booleanField(layer, config, 'useBias', true)) inputs.push(ctx.weight(layer.name, 'bias', requireWeight(layer, weights, 'bias').values, [units]));
  const gemm: Step = { op: 'Gemm', inputs, attributes: { alpha: attr.float(1), beta: attr.float(1), transA: attr.int(0), transB: attr.int(1) } };
  const name = ctx.chain(layer.name, x.name, [gemm, ...fusedActivation(layer)]);
  return { kind: 'flat', name, size: units };
};

function pooling(op: 'MaxPool' | 'AveragePool'): LayerConverter {
  return (ctx, layer, input) => {
    const x = requireImage(layer, input);
    const config = configOf(layer);
    requireChannelsLast(layer, config);
    const poolSize = pairField(layer, config, 'poolSize', [2, 2]);
    const strides = pairField(layer, config, 'strides', poolSize);
    const { pads, height, width } = onnxPads2d(x, poolSize, strides, paddingField(layer, config));
    const attributes: Record<string, Attribute> = { kernel_shape: attr.ints(poolSize), strides: attr.ints(strides), pads: attr.ints(pads) };
    // TensorFlow averages over the pixels inside the image only; MaxPool pads with −∞ anyway.
    if (op === 'AveragePool') attributes.count_include_pad = attr.int(0);
    const name = ctx.chain(layer.name, x.name, [{ op, attributes }]);
    return { kind: 'image', name, height, width, channels: x.channels };
  };
}

const globalAveragePooling2d: LayerConverter = (ctx, layer, input) => {
  const x = requireImage(layer, input);
  requireChannelsLast(layer, configOf(layer));
  const name = ctx.chain(layer.name, x.name, [{ op: 'GlobalAveragePool' }, { op: 'Flatten', attributes: { axis: attr.int(1) } }]);
  return { kind: 'flat', name, size: x.channels };
};

/**
 * tfjs flattens NHWC in (h, w, c) order; ONNX Flatten of NCHW would give (c, h, w). So the value
 * goes back to NHWC first (Transpose [0, 2, 3, 1]) and every Dense kernel stays exactly as tfjs
 * has it, whatever follows the Flatten. A 1×1 image flattens the same either way: no Transpose.
 */
const flatten: LayerConverter = (ctx, layer, input) => {
  requireChannelsLast(layer, configOf(layer));
  if (input.kind === 'flat') return input;
  const steps: Step[] = input.height * input.width === 1 ? [] : [{ op: 'Transpose', attributes: { perm: attr.ints(NCHW_TO_NHWC) } }];
  steps.push({ op: 'Flatten', attributes: { axis: attr.int(1) } });
  const name = ctx.chain(layer.name, input.name, steps);
  return { kind: 'flat', name, size: input.height * input.width * input.channels };
};

/** Inference-mode BatchNormalization over the channel axis (the last in tfjs, axis 1 in ONNX). */
const batchNormalization: LayerConverter = (ctx, layer, input) => {
  const config = configOf(layer);
  const rank = input.kind === 'image' ? 4 : 2;
  const axis = config.axis;
  if (axis !== -1 && axis !== rank - 1) throw exportError(`Layer ${describeLayer(layer)} normalises axis ${JSON.stringify(axis)}; the ONNX exporter supports only the channel axis (−1).`);
  const channels = input.kind === 'image' ? input.channels : input.size;
  const weights = weightsOf(layer);
  const vector = (role: string, fallback: number | null): Float32Array => {
    const w = fallback === null || weights.has(role) ? requireWeight(layer, weights, role).values : new Float32Array(channels).fill(fallback);
    if (w.length !== channels) throw exportError(`Layer ${describeLayer(layer)} has ${w.length} values of ${role} for ${channels} channels.`);
    return w;
  };
  // center: false has no beta (0); scale: false has no gamma (1). ONNX needs both inputs.
  const gamma = booleanField(layer, config, 'scale', true) ? vector('gamma', null) : vector('gamma', 1);
  const beta = booleanField(layer, config, 'center', true) ? vector('beta', null) : vector('beta', 0);
  const inputs = [
    ctx.weight(layer.name, 'gamma', gamma, [channels]),
    ctx.weight(layer.name, 'beta', beta, [channels]),
    ctx.weight(layer.name, 'moving_mean', vector('moving_mean', null), [channels]),
    ctx.weight(layer.name, 'moving_variance', vector('moving_variance', null), [channels]),
  ];
  const name = ctx.chain(layer.name, input.name, [{ op: 'BatchNormalization', inputs, attributes: { epsilon: attr.float(numberField(layer, config, 'epsilon')) } }]);
  return { ...input, name };
};

/** Dropout is the identity at inference. */
const dropout: LayerConverter = (_ctx, _layer, input) => input;

const activation: LayerConverter = (ctx, layer, input) => {
  const steps = activationLayerSteps(layer) ?? [];
  return { ...input, name: ctx.chain(layer.name, input.name, steps) };
};

/** Converters by tfjs class name. */
export const converters: Readonly<Record<string, LayerConverter>> = {
  Conv2D: conv2d,
  Dense: dense,
  MaxPooling2D: pooling('MaxPool'),
  AveragePooling2D: pooling('AveragePool'),
  GlobalAveragePooling2D: globalAveragePooling2d,
  Flatten: flatten,
  BatchNormalization: batchNormalization,
  Dropout: dropout,
  ReLU: activation,
  LeakyReLU: activation,
  Activation: activation,
};

export const supportedLayerClasses = Object.keys(converters);

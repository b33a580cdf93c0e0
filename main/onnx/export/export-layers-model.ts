// Heatlab's tfjs-Layers → ONNX exporter (issue 4, "Saving and ONNX export"). The tfjs model is
// NHWC; the ONNX model takes `input` float32 [batch, C, H, W] and gives `logits` [batch, K] (the
// model's own output, pre-softmax in Heatlab's models) and `probabilities` (Softmax over axis 1).
// Weight layouts change once, in layout.ts; 'same' padding becomes explicit pads (padding.ts).
import type * as tfType from '@tensorflow/tfjs';
import type { Preprocessing } from '../../../shared/models.js';
import { ExportContext, type Value } from './context.js';
import { converters, supportedLayerClasses } from './converters.js';
import { describeLayer, exportError, type Layer } from './layer-config.js';

export const DEFAULT_OPSET = 17;
export const MIN_OPSET = 13;

export interface ExportOptions {
  /** The model's name: the graph name and `heatlab.name`. */
  name: string;
  /** One per logit, in order; written as `heatlab.classNames`. */
  classNames: string[];
  /** How pixels become the input; written as `heatlab.preprocessing`. */
  preprocessing: Preprocessing;
  /** Default-domain opset, 13 or newer; 17 unless given. */
  opset?: number;
  /** More metadata_props; the `heatlab.*` keys the exporter writes cannot be overridden. */
  metadata?: Record<string, string>;
  producerVersion?: string;
}

/** The model's layers from input to output, each with the symbolic tensor it produces. */
function layerChain(model: tfType.LayersModel): { layer: Layer; output: tfType.SymbolicTensor }[] {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw exportError(`The ONNX exporter needs a model with one input and one output, and ${model.name} has ${model.inputs.length} and ${model.outputs.length}.`);
  }
  const input = model.inputs[0]!;
  const chain: { layer: Layer; output: tfType.SymbolicTensor }[] = [];
  let tensor = model.outputs[0]!;
  while (tensor !== input) {
    const layer = tensor.sourceLayer as Layer;
    if (layer.getClassName() === 'InputLayer') throw exportError(`The ONNX exporter needs the model's output to come from its input through one chain of layers, and ${model.name}'s does not.`);
    const feeding = layer.getInputAt(tensor.nodeIndex);
    const inputs = Array.isArray(feeding) ? feeding : [feeding];
    if (inputs.length !== 1) throw exportError(`Layer ${describeLayer(layer)} takes ${inputs.length} inputs; the ONNX exporter supports only models whose layers form one chain.`);
    chain.unshift({ layer, output: tensor });
    tensor = inputs[0]!;
  }
  return chain;
}

/** The value's shape as tfjs has it (NHWC), to check each layer against the model's own shapes. */
function tfjsShape(value: Value): number[] {
  return value.kind === 'image' ? [value.height, value.width, value.channels] : [value.size];
}

function checkOptions(options: ExportOptions, input: { height: number; width: number; channels: number }, classes: number): number {
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET) throw exportError(`ONNX opset ${opset} cannot be written: Heatlab exports opset ${MIN_OPSET} or newer.`);
  if (options.classNames.length !== classes) throw exportError(`The model gives ${classes} class scores but ${options.classNames.length} class names were given.`);
  const p = options.preprocessing;
  if (p.channels !== input.channels || p.height !== input.height || p.width !== input.width) {
    throw exportError(`The preprocessing describes ${p.height}×${p.width}×${p.channels} images but the model takes ${input.height}×${input.width}×${input.channels}.`);
  }
  return opset;
}

/**
 * The model as ONNX bytes. Throws HeatlabError('invalid_request') naming the first layer the
 * exporter cannot write.
 */
export function exportLayersModel(model: tfType.LayersModel, options: ExportOptions): Uint8Array {
  // Unsupported layers first: naming the layer is the most useful thing to say about such a model.
  const chain = layerChain(model);
  const unsupported = chain.find(({ layer }) => converters[layer.getClassName()] === undefined)?.layer;
  if (unsupported !== undefined) {
    throw exportError(`Layer ${unsupported.name} is a ${unsupported.getClassName()}, which the ONNX exporter does not support (it supports ${supportedLayerClasses.join(', ')}).`);
  }
  const inputShape = model.inputs[0]!.shape;
  const outputShape = model.outputs[0]!.shape;
  if (inputShape.length !== 4 || inputShape.slice(1).some((d) => d === null)) {
    throw exportError(`The ONNX exporter needs a model that takes images of a fixed height, width and channel count, and ${model.name} takes [${inputShape.join(', ')}].`);
  }
  const [height, width, channels] = inputShape.slice(1) as [number, number, number];
  if (outputShape.length !== 2 || outputShape[1] === null) throw exportError(`The ONNX exporter needs a model that ends in a flat vector of class scores, and ${model.name} gives [${outputShape.join(', ')}].`);
  const opset = checkOptions(options, { height, width, channels }, outputShape[1]!);
  if (model.inputs[0]!.dtype !== 'float32') throw exportError(`The ONNX exporter needs a float32 input, and ${model.name} takes ${model.inputs[0]!.dtype}.`);

  const ctx = new ExportContext(options.name);
  let value = ctx.input(height, width, channels);
  for (const { layer, output } of chain) {
    value = converters[layer.getClassName()]!(ctx, layer, value);
    const expected = output.shape.slice(1);
    const got = tfjsShape(value);
    if (expected.length !== got.length || expected.some((d, k) => d !== got[k])) {
      throw new Error(`Exporting layer ${describeLayer(layer)} gave shape [${got.join(', ')}] where tfjs has [${expected.join(', ')}].`);
    }
  }
  ctx.finish(value);

  const metadata: Record<string, string> = {
    ...options.metadata,
    'heatlab.name': options.name,
    'heatlab.classNames': JSON.stringify(options.classNames),
    'heatlab.preprocessing': JSON.stringify(options.preprocessing),
  };
  return ctx.graph.toBytes({
    opset,
    producerName: 'heatlab',
    producerVersion: options.producerVersion ?? '',
    docString: `${options.name}: exported by Heatlab from a TensorFlow.js model; input NCHW float32, outputs logits and probabilities.`,
    metadata,
  });
}

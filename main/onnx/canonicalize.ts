// The canonical form the explanation compiler works on: one float image input, one output that
// is the pre-softmax logits [batch, K], no Dropout/Identity, BatchNorm folded into its Conv/Gemm
// where exact, Reshape targets constant, every window op's padding explicit, and every node in
// opset-17 form whatever opset the file used. Canonicalisation never changes the logits.
import { formatShape } from './dims.js';
import { foldBatchNorms, type BatchNormFold } from './fold-batchnorm.js';
import { cloneModel, describeNode, intAttr, intsAttr, invalidModel, producersOf, type Dim, type IrModel, type IrNode } from './ir.js';
import { inferShapes } from './shape-inference.js';
import { padsOf, windowOf } from './window.js';

/** The opset canonical graphs (and graphs compiled from them) are written in. */
export const CANONICAL_OPSET = 17;

export interface CanonicalOptions {
  /** The image input, when the model has several. */
  input?: string;
  /** The output to explain; default `logits` if the model has one, else its first output. */
  output?: string;
  /** [N, C, H, W]; default the declared shape (its batch dimension usually symbolic). */
  inputShape?: readonly Dim[];
}

export interface CanonicalModel {
  /** One input, one output, opset 17. */
  ir: IrModel;
  input: string;
  /** The value the explanation starts from: pre-softmax scores [batch, K]. */
  logits: string;
  shapes: Map<string, Dim[]>;
  /** The op removed from the end of the graph so the output is the logits, if any. */
  strippedSoftmax: 'Softmax' | 'LogSoftmax' | null;
  batchNorms: BatchNormFold[];
}

function pickInput(ir: IrModel, wanted: string | undefined) {
  const candidates = wanted === undefined ? ir.inputs.filter((i) => i.elemType === 'float32') : ir.inputs.filter((i) => i.name === wanted);
  if (candidates.length !== 1) {
    throw invalidModel(wanted === undefined ? `The ONNX model has ${candidates.length} float inputs, so the image input must be named.` : `The ONNX model has no input named ${wanted}.`);
  }
  const input = candidates[0]!;
  if (input.elemType !== 'float32') throw invalidModel(`The ONNX model's input ${input.name} holds ${input.elemType} values, and Heatlab explains float32 inputs.`);
  return input;
}

function pickOutput(ir: IrModel, wanted: string | undefined): string {
  if (wanted !== undefined) {
    if (!ir.outputs.some((o) => o.name === wanted)) throw invalidModel(`The ONNX model has no output named ${wanted}.`);
    return wanted;
  }
  return (ir.outputs.find((o) => o.name === 'logits') ?? ir.outputs[0]!).name;
}

/** Replaces every read of a value by another (and the explained output, if it was that value). */
function substitute(ir: IrModel, from: string, to: string, output: { name: string }): void {
  for (const n of ir.nodes) n.inputs = n.inputs.map((i) => (i === from ? to : i));
  if (output.name === from) output.name = to;
}

/** Dropout is the identity at inference (ONNX Dropout, is_test/training_mode off); Identity is. */
function removePassThroughs(ir: IrModel, output: { name: string }): void {
  for (const node of [...ir.nodes]) {
    if (node.opType !== 'Dropout' && node.opType !== 'Identity') continue;
    const readMask = node.outputs[1] && ir.nodes.some((n) => n.inputs.includes(node.outputs[1]!));
    if (readMask) throw invalidModel(`The ${describeNode(node)} has its mask read by other nodes, which only training graphs do.`);
    ir.nodes = ir.nodes.filter((n) => n !== node);
    substitute(ir, node.outputs[0]!, node.inputs[0]!, output);
  }
}

/** Keeps only the nodes the output depends on, and the initializers they read. */
function pruneTo(ir: IrModel, output: string): void {
  const needed = new Set([output]);
  const kept: IrNode[] = [];
  for (const node of [...ir.nodes].reverse()) {
    if (!node.outputs.some((o) => needed.has(o))) continue;
    kept.unshift(node);
    for (const i of node.inputs) if (i !== '') needed.add(i);
  }
  ir.nodes = kept;
  for (const name of [...ir.initializers.keys()]) if (!needed.has(name)) ir.initializers.delete(name);
}

const floatConstant = (ir: IrModel, name: string, value: number): string => {
  ir.initializers.set(name, { type: 'float32', dims: [], data: Float32Array.of(value) });
  return name;
};

/**
 * Rewrites one node into its opset-17 form with every attribute the compiler reads made
 * explicit. `shapes` are the inferred shapes of the graph before the rewrite.
 */
function normalizeNode(ir: IrModel, node: IrNode, shapes: Map<string, Dim[]>): void {
  const a = node.attributes;
  const x = shapes.get(node.inputs[0]!) ?? [];
  switch (node.opType) {
    case 'Clip':
      // Before opset 11 min and max were attributes; since, optional inputs (ONNX Clip).
      if (ir.opset < 11) {
        const min = a.min?.kind === 'float' ? a.min.value : -3.4028234663852886e38;
        const max = a.max?.kind === 'float' ? a.max.value : 3.4028234663852886e38;
        delete a.min;
        delete a.max;
        node.inputs = [node.inputs[0]!, floatConstant(ir, `${node.name}/min`, min), floatConstant(ir, `${node.name}/max`, max)];
      }
      break;
    case 'BatchNormalization':
      // Opset 7's `spatial` (0 = one statistic per element) and opset 6's is_test were dropped in opset 9.
      if (a.spatial?.kind === 'int' && a.spatial.value === 0) throw invalidModel(`The ${describeNode(node)} normalises per element (spatial = 0), which Heatlab does not support.`);
      delete a.spatial;
      delete a.is_test;
      delete a.consumed_inputs;
      node.outputs = [node.outputs[0]!];
      break;
    case 'Softmax':
    case 'LogSoftmax': {
      // Before opset 13 the input was coerced to 2-D around `axis` (default 1); since, one axis (default −1).
      const axis = intAttr(node, 'axis', ir.opset < 13 ? 1 : -1);
      const normalized = axis < 0 ? axis + x.length : axis;
      if (ir.opset < 13 && normalized !== x.length - 1) throw invalidModel(`The ${describeNode(node)} normalises over several axes (opset ${ir.opset}), which Heatlab does not support.`);
      a.axis = { kind: 'int', value: normalized };
      break;
    }
    case 'Conv':
    case 'MaxPool':
    case 'AveragePool': {
      const weight = node.opType === 'Conv' ? (shapes.get(node.inputs[1]!) as number[]) : undefined;
      const axes = windowOf(node, x.slice(2) as number[], weight);
      delete a.auto_pad;
      a.pads = { kind: 'ints', value: padsOf(axes) };
      a.kernel_shape = { kind: 'ints', value: axes.map((w) => w.kernel) };
      a.strides = { kind: 'ints', value: axes.map((w) => w.stride) };
      if (node.opType !== 'AveragePool') a.dilations = { kind: 'ints', value: axes.map((w) => w.dilation) };
      // AveragePool gained dilations in opset 19, after the canonical opset.
      else if (axes.some((w) => w.dilation !== 1)) throw invalidModel(`The ${describeNode(node)} is dilated, which Heatlab does not support for average pooling.`);
      else delete a.dilations;
      if (node.opType === 'MaxPool') {
        delete a.storage_order;
        node.outputs = [node.outputs[0]!];
      }
      break;
    }
    case 'Transpose':
      // ONNX Transpose: no perm reverses the axes.
      a.perm = { kind: 'ints', value: intsAttr(node, 'perm', x.map((_, k) => x.length - 1 - k)) };
      break;
    case 'Reshape': {
      // The target as constants: 0 keeps the input's (symbolic) dim at that index, −1 takes the rest.
      const y = shapes.get(node.outputs[0]!)!;
      const target = y.map((d, k) => (typeof d === 'number' ? d : d === x[k] ? 0 : -1));
      if (target.filter((d) => d === -1).length > 1 || (intAttr(node, 'allowzero', 0) === 1 && y.includes(0))) {
        throw invalidModel(`The ${describeNode(node)} reshapes to ${formatShape(y)}, which Heatlab cannot express with a constant shape.`);
      }
      delete a.allowzero;
      const name = `${node.name}/shape`;
      ir.initializers.set(name, { type: 'int64', dims: [target.length], data: BigInt64Array.from(target, (d) => BigInt(d)) });
      node.inputs = [node.inputs[0]!, name];
      break;
    }
  }
}

/** The canonical form of a model for explanation. */
export function canonicalize(source: IrModel, options: CanonicalOptions = {}): CanonicalModel {
  const ir = cloneModel(source);
  const input = pickInput(ir, options.input);
  const output = { name: pickOutput(ir, options.output) };
  const declared = input.shape ?? [];
  const inputShape = options.inputShape ?? declared;
  if (inputShape.length < 3 || inputShape.slice(1).some((d) => typeof d !== 'number')) {
    throw invalidModel(`The ONNX model's input ${input.name} has shape ${formatShape(inputShape)}; Heatlab needs fixed channel and spatial sizes.`);
  }
  ir.inputs = [{ ...input, shape: [...inputShape] }];

  removePassThroughs(ir, output);
  let strippedSoftmax: CanonicalModel['strippedSoftmax'] = null;
  const last = producersOf(ir.nodes).get(output.name);
  if (last && (last.opType === 'Softmax' || last.opType === 'LogSoftmax')) {
    strippedSoftmax = last.opType;
    output.name = last.inputs[0]!;
  }
  pruneTo(ir, output.name);
  if (!ir.nodes.some((n) => n.inputs.includes(input.name)) && output.name !== input.name) {
    throw invalidModel(`The ONNX model's output ${output.name} does not depend on its input ${input.name}.`);
  }

  const before = inferShapes(ir, inputShape);
  for (const node of ir.nodes) normalizeNode(ir, node, before.shapes);
  ir.opset = CANONICAL_OPSET;
  pruneTo(ir, output.name);
  const batchNorms = foldBatchNorms(ir, new Set([output.name, input.name]));
  pruneTo(ir, output.name);

  const { shapes } = inferShapes(ir, inputShape);
  const logitsShape = shapes.get(output.name)!;
  if (logitsShape.length !== 2 || logitsShape[0] !== inputShape[0]) {
    throw invalidModel(`The ONNX model's output ${output.name} has shape ${formatShape(logitsShape)}, and Heatlab explains outputs of shape [batch, classes].`);
  }
  ir.outputs = [{ name: output.name, elemType: 'float32', shape: logitsShape }];
  return { ir, input: input.name, logits: output.name, shapes, strippedSoftmax, batchNorms };
}

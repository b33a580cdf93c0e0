// The compiled explanation graph (DESIGN.md, "Engines"): a new ONNX model that runs the canonical
// forward pass and, after it, the backward pass written as ONNX ops. Inputs: `input` [N, C, H, W]
// and `seed` [N, K], the gradient arriving at the logits (one-hot of the target class for a
// plain gradient). Outputs: `logits` [N, K] and `gradient` [N, C, H, W] = ∂(seed · logits)/∂input
// under the given rules — for LRP rules (seedTimesLogits) the relevance of seed ⊙ logits. Each
// op's backward step comes from the registry (backward/registry.ts).
import type { CanonicalModel } from './canonicalize.js';
import { CANONICAL_OPSET } from './canonicalize.js';
import { GraphBuilder } from './graph-builder.js';
import { describeNode, invalidModel, type Dim, type IrNode } from './ir.js';
import { emitInitializer, emitNode } from './model-writer.js';
import { backwardRegistry, LINEAR_OPS } from './backward/registry.js';
import { plainGradient } from './backward/rules.js';
import type { BackwardContext, BackwardRules, ForwardContext, StepContext } from './backward/types.js';

export const GRADIENT_GRAPH_NAMES = { input: 'input', seed: 'seed', logits: 'logits', gradient: 'gradient' } as const;

export interface GradientGraphOptions {
  /** The backward pass's rules; the plain gradient by default. */
  rules?: BackwardRules;
  /** Forward values whose activation and gradient are extra outputs (e.g. Grad-CAM's layer). */
  taps?: readonly string[];
  /**
   * false: the backward pass stops at the taps and the graph has no `gradient` output (Grad-CAM
   * needs only its layer's gradient, so the layers below it are not differentiated at all).
   */
  inputGradient?: boolean;
}

export interface GradientGraph {
  bytes: Uint8Array;
  /** The rules' id: with the model's identity, the session cache key. */
  variant: string;
  inputShape: Dim[];
  classes: number;
  /** Extra outputs per tapped value: `tap/<value>/activation` and `tap/<value>/gradient`. */
  taps: { value: string; activation: string; gradient: string }[];
}

/** Values computed from the sources (and the sources): the only ones a gradient must reach. */
function dependents(model: CanonicalModel, sources: readonly string[]): Set<string> {
  const reached = new Set(sources);
  for (const node of model.ir.nodes) if (node.inputs.some((i) => reached.has(i))) node.outputs.forEach((o) => reached.add(o));
  return reached;
}

/** Ops whose output is ≥ 0 whatever their input, and ops that keep the sign of their first input. */
const NON_NEGATIVE_OPS = new Set(['Relu', 'Sigmoid', 'Softmax']);
const SIGN_KEEPING_OPS = new Set(['MaxPool', 'AveragePool', 'GlobalAveragePool', 'Flatten', 'Reshape', 'Transpose']);

/** Values ≥ 0 by construction: what LRP rules use to leave out copies on a⁻ = 0. */
function nonNegatives(model: CanonicalModel): Set<string> {
  const { ir } = model;
  const found = new Set<string>();
  const constantNonNegative = (name: string | undefined) => {
    const t = name ? ir.initializers.get(name) : undefined;
    return t?.type === 'float32' && t.data.every((v) => v >= 0);
  };
  const isNonNegative = (name: string) => found.has(name) || constantNonNegative(name);
  for (const node of ir.nodes) {
    const [x, second] = node.inputs;
    const yes =
      NON_NEGATIVE_OPS.has(node.opType) ||
      (node.opType === 'Clip' && constantNonNegative(second)) ||
      (SIGN_KEEPING_OPS.has(node.opType) && isNonNegative(x!)) ||
      (node.opType === 'Add' && isNonNegative(x!) && isNonNegative(second!));
    if (yes) found.add(node.outputs[0]!);
  }
  return found;
}

/** Compiles the canonical model into its explanation graph. */
export function compileGradientGraph(model: CanonicalModel, options: GradientGraphOptions = {}): GradientGraph {
  const rules = options.rules ?? plainGradient;
  const { ir } = model;
  const graph = new GraphBuilder(`${ir.graphName || 'model'}/${rules.id}`);
  const names = GRADIENT_GRAPH_NAMES;
  const inputShape = model.shapes.get(model.input)!;
  const logitsShape = model.shapes.get(model.logits)!;
  const classes = logitsShape[1];
  if (typeof classes !== 'number') throw invalidModel(`The ONNX model's output ${model.logits} has no fixed number of classes.`);

  const rename = (irName: string): string => {
    if (irName === model.input) return names.input;
    if (irName === model.logits) return names.logits;
    return ir.initializers.has(irName) ? `const/${irName}` : `fwd/${irName}`;
  };
  graph.input(names.input, 'float32', inputShape);
  graph.input(names.seed, 'float32', [inputShape[0]!, classes]);
  const read = new Set(ir.nodes.flatMap((n) => n.inputs));
  for (const [name, t] of ir.initializers) if (read.has(name)) emitInitializer(graph, rename(name), t);

  const scalars = new Map<number, string>();
  const scalar = (value: number): string => {
    let name = scalars.get(value);
    if (name === undefined) scalars.set(value, (name = graph.initializer(graph.fresh('const/scalar'), Float32Array.of(value), [])));
    return name;
  };
  const nonNegative = nonNegatives(model);
  /** Zeros shaped like a value, for a value no gradient reaches. */
  const zerosLike = (graphName: string) => graph.op('Mul', [graphName, scalar(0)]);
  const stepContext = (node: IrNode): StepContext => ({
    graph,
    node,
    value: rename,
    shape: (irName) => {
      const s = model.shapes.get(irName);
      if (s === undefined) throw new Error(`No shape for ${irName} (${describeNode(node)}).`);
      return s;
    },
    initializer: (irName) => ir.initializers.get(irName),
    constant: (data, dims, hint) => graph.initializer(graph.fresh(`const/${hint}`), data, dims),
    int64s: (values, hint) => graph.initializer(graph.fresh(`const/${hint}`), BigInt64Array.from(values, (v) => BigInt(v)), [values.length]),
    scalar,
    readers: (irName) => ir.nodes.filter((n) => n.inputs.includes(irName)),
    nonNegative: (irName) => nonNegative.has(irName),
  });

  // Forward: the canonical nodes, with the extra values their backward steps keep.
  const kept = new Map<IrNode, Map<string, string>>();
  for (const node of ir.nodes) {
    const entry = backwardRegistry[node.opType];
    if (entry === undefined) throw invalidModel(`The explanation compiler has no backward step for the ${describeNode(node)}.`);
    const extras = new Map<string, string>();
    kept.set(node, extras);
    // Forward nodes are named fwd/<name>, apart from the fresh names of the backward nodes.
    const emit: ForwardContext['emit'] = (extra = {}) => void emitNode(graph, node, rename, { ...extra, name: `fwd/${node.name}` });
    const ctx: ForwardContext = { ...stepContext(node), emit, keep: (key, name) => void extras.set(key, name) };
    if (entry.forward) entry.forward(ctx);
    else ctx.emit();
  }

  // Backward: nodes in reverse order; a value read by several nodes sums their gradients.
  const withInput = options.inputGradient ?? true;
  if (!withInput && (options.taps ?? []).length === 0) throw new Error('A graph without the input gradient needs at least one tapped value.');
  const needs = dependents(model, withInput ? [model.input] : (options.taps ?? []));
  const start = rules.seedTimesLogits ? graph.op('Mul', [names.seed, names.logits]) : names.seed;
  const contributions = new Map<string, string[]>([[model.logits, [start]]]);
  const summed = new Map<string, string>();
  const gradientOf = (irName: string): string | null => {
    const cached = summed.get(irName);
    if (cached !== undefined) return cached;
    const parts = contributions.get(irName) ?? [];
    if (parts.length === 0) return null;
    const total = parts.length === 1 ? parts[0]! : graph.op('Sum', parts);
    summed.set(irName, total);
    return total;
  };
  const linear = ir.nodes.filter((n) => LINEAR_OPS.includes(n.opType));
  for (const node of [...ir.nodes].reverse()) {
    const outputGradients = node.outputs.map((o) => (needs.has(o) ? gradientOf(o) : null));
    if (outputGradients.every((g) => g === null)) continue;
    const extras = kept.get(node)!;
    const ctx: BackwardContext = {
      ...stepContext(node),
      rules,
      needsGradient: (irName) => needs.has(irName),
      kept: (key) => {
        const name = extras.get(key);
        if (name === undefined) throw new Error(`The forward ${describeNode(node)} kept no ${key}.`);
        return name;
      },
      linearIndex: { index: linear.indexOf(node), count: linear.length },
    };
    const inputGradients = backwardRegistry[node.opType]!.backward(ctx, outputGradients);
    node.inputs.forEach((input, k) => {
      const g = inputGradients[k];
      if (g && input !== '' && needs.has(input)) contributions.set(input, [...(contributions.get(input) ?? []), g]);
    });
  }

  graph.output(names.logits, 'float32', logitsShape);
  if (withInput) {
    const gradient = gradientOf(model.input);
    // A model whose logits ignore the input still answers: a zero gradient.
    graph.node('Identity', [gradient ?? zerosLike(names.input)], { outputs: [names.gradient] });
    graph.output(names.gradient, 'float32', inputShape);
  }

  const taps = (options.taps ?? []).map((value) => {
    const shape = model.shapes.get(value);
    if (shape === undefined || !dependents(model, [model.input]).has(value)) throw invalidModel(`The value ${value} is not computed from the input of the canonical graph, so it cannot be tapped.`);
    const tap = { value, activation: `tap/${value}/activation`, gradient: `tap/${value}/gradient` };
    graph.node('Identity', [rename(value)], { outputs: [tap.activation] });
    graph.node('Identity', [gradientOf(value) ?? zerosLike(rename(value))], { outputs: [tap.gradient] });
    graph.output(tap.activation, 'float32', shape);
    graph.output(tap.gradient, 'float32', shape);
    return tap;
  });

  const bytes = graph.toBytes({ opset: CANONICAL_OPSET, producerName: 'heatlab', docString: `Explanation graph (${rules.id}): logits and ∂(seed · logits)/∂input.` });
  return { bytes, variant: rules.id, inputShape, classes, taps };
}

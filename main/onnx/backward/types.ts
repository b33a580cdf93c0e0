// The contract between the gradient-graph compiler and one op's backward step. Each supported op
// is a registry entry (op type → forward writer + backward builder); what differs between
// explanation methods is not in the entries but in the rules they are handed (rules.ts): the
// rectifier rule where guided backprop and deconvnet differ, and the linear-layer rule where LRP
// plugs in modified parameters (Zennit's rule parts, CONVENTIONS.md).
import type { GraphBuilder } from '../graph-builder.js';
import type { Dim, IrNode, IrTensor } from '../ir.js';
import type { EmitOptions } from '../model-writer.js';

/** What every step sees: the graph being written and the forward graph it belongs to. */
export interface StepContext {
  readonly graph: GraphBuilder;
  readonly node: IrNode;
  /** The graph name of a forward value (the node's inputs, outputs or initializers). */
  value(irName: string): string;
  /** The inferred shape of a forward value; the batch dimension may be symbolic. */
  shape(irName: string): Dim[];
  /** The constant behind an input, if it is an initializer. */
  initializer(irName: string): IrTensor | undefined;
  /** A float32 constant added to the graph. */
  constant(data: Float32Array, dims: readonly number[], hint: string): string;
  /** An int64 constant (shapes, axes) added to the graph. */
  int64s(values: readonly number[], hint: string): string;
  /** A float32 scalar, shared by every step that asks for the same value. */
  scalar(value: number): string;
  /** The nodes that read a forward value. */
  readers(irName: string): readonly IrNode[];
  /** Whether a forward value is ≥ 0 by construction (after a ReLU, through pooling and reshapes). */
  nonNegative(irName: string): boolean;
}

export interface ForwardContext extends StepContext {
  /** Writes the node (renamed), with extra outputs or attributes if given; the default forward is emit(). */
  emit(extra?: Pick<EmitOptions, 'outputs' | 'attributes'>): void;
  /** Keeps an extra forward value for this node's backward step (e.g. MaxPool's indices). */
  keep(key: string, graphName: string): void;
}

export interface BackwardContext extends StepContext {
  readonly rules: BackwardRules;
  /** Whether the gradient must reach this input (it depends on the explained input). */
  needsGradient(irName: string): boolean;
  /** A value the forward writer kept for this node. */
  kept(key: string): string;
  /** This node's place among the graph's linear layers (Conv, Gemm, MatMul), from the input. */
  readonly linearIndex: { index: number; count: number };
}

export interface BackwardEntry {
  /** Writes the forward node; default: the node as it is. */
  forward?(ctx: ForwardContext): void;
  /**
   * The gradients reaching the node's inputs (null where none is needed), given the gradients
   * reaching its outputs (null for an output nothing differentiates, e.g. MaxPool's indices).
   */
  backward(ctx: BackwardContext, outputGradients: readonly (string | null)[]): (string | null)[];
}

/** A rectifier (Relu, LeakyRelu, Clip) as the rectifier rule sees it. */
export interface RectifierStep {
  readonly graph: GraphBuilder;
  /** The gradient arriving at the rectifier's output. */
  readonly gradient: string;
  /** The forward input and output. */
  readonly input: string;
  readonly output: string;
  /** g ↦ g·f′(x): the rectifier's own derivative applied to a signal. */
  derivative(signal: string): string;
}

/** How the backward pass crosses a rectifier: the piece guided backprop and deconvnet change. */
export type RectifierRule = (step: RectifierStep) => string;

/** A Conv, Gemm or MatMul with constant weights, as the linear-layer rule sees it. */
export interface LinearLayer {
  readonly kind: 'conv' | 'dense';
  readonly node: IrNode;
  /** Position among the graph's linear layers from the input (0 = first) and their count. */
  readonly index: number;
  readonly count: number;
  readonly graph: GraphBuilder;
  /** The forward input a and output z of the layer (z includes the bias, also one a MatMul's Add supplies). */
  readonly input: string;
  readonly output: string;
  /** The input's shape with the batch axis 1: a constant of this shape broadcasts over the batch. */
  sampleShape(): number[];
  /** Whether a ≥ 0 by construction, so a rule's copies on the negative part a⁻ = 0 can be left out. */
  readonly inputNonNegative: boolean;
  /** The layer's weight and bias: graph names and data (weight layout as in the ONNX node). */
  readonly weight: { name: string; data: Float32Array; dims: readonly number[] };
  readonly bias: { name: string; data: Float32Array; dims: readonly number[] } | null;
  /** Adds a constant shaped like the weight or bias (modified parameters). */
  constant(data: Float32Array, dims: readonly number[], hint: string): string;
  /** A float32 scalar shared across the graph. */
  scalar(value: number): string;
  /** The layer on another input with other parameters: z′ = a′·w′ + b′ (LRP's modified forward). */
  forward(input: string, weight: string, bias: string | null): string;
  /**
   * The vector–Jacobian product with a weight: ∂(Σ signal·(x·w))/∂x, shaped like the input. With
   * `copies` > 1 the weight is that many weights stacked along `stacking.weightAxis` and the
   * signal theirs along `stacking.outputAxis`: the result is the sum of the copies' products.
   */
  backward(signal: string, weight: string, copies?: number): string;
  /**
   * Where weights of several copies stack so one transpose sums their products (signals side by
   * side along `outputAxis`), or null when they cannot (a grouped Conv).
   */
  readonly stacking: { readonly weightAxis: number; readonly outputAxis: number } | null;
}

/** How the backward pass crosses a linear layer: the piece LRP rules replace. */
export type LinearRule = (layer: LinearLayer, gradient: string) => string;

/**
 * An op without weights of its own whose output combines its operands: an Add of computed
 * tensors (a residual), AveragePool, GlobalAveragePool, an unfolded BatchNormalization.
 */
export interface NormStep {
  readonly graph: GraphBuilder;
  scalar(value: number): string;
  /** The signal arriving at the op's output y. */
  readonly gradient: string;
  readonly output: string;
  /** Each operand that needs a signal: its forward value and the op's transpose onto it. */
  readonly operands: readonly { value: string; transpose(signal: string): string }[];
}

/** How the backward pass crosses such an op: the signal reaching each operand, in order. */
export type NormRule = (step: NormStep) => string[];

/** The parameters of a compiled backward pass. */
export interface BackwardRules {
  /** Names the variant in session caches: equal ids must mean equal graphs. */
  readonly id: string;
  readonly rectifier: RectifierRule;
  /** How the signal crosses Sigmoid and Tanh; absent: their own derivative (the chain rule). */
  readonly smooth?: RectifierRule;
  /** How the signal crosses residual Adds, average pooling and unfolded BatchNorm; absent: the chain rule. */
  readonly norm?: NormRule;
  /** LRP: the signal entering at the logits is seed ⊙ logits, so the relevance explained is the target's score. */
  readonly seedTimesLogits?: boolean;
  /** The rule for each linear layer (a composite maps layers to rules). */
  linear(layer: Pick<LinearLayer, 'kind' | 'node' | 'index' | 'count'>): LinearRule;
}

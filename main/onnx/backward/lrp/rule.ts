// An LRP rule in Zennit's five parts (CONVENTIONS.md, "Rules as small composable parts"; Zennit
// `core.BasicHook`): the layer is evaluated on copies whose input and parameters are modified
// (input modifier, parameter modifier, then output modifier), the relevance arriving at the
// output is mapped to one signal per copy from those outputs (gradient mapper), each signal is
// sent back through its copy's transpose, and the reducer combines the copies' inputs and
// back-propagated signals into the input relevance. `linearRule` compiles any such object into
// the LinearRule the graph compiler hands each Conv, Gemm and MatMul, so a new rule is a new object.
//
// Zennit's reducers are all Σ_k c_k·x_k ⊙ g_k (or Σ_k c_k·g_k when inputs are ignored), so the
// reducer is declared as its coefficients, and copies that read the same input send their
// signals back through one transpose: the signals side by side, the copies' weights stacked with
// c_k folded in (constants). A rule lists the copies its gradient mapper reads; only those are
// evaluated forward.
import type { GraphBuilder } from '../../graph-builder.js';
import type { LinearLayer, LinearRule } from '../types.js';
import { stackAlong } from './stack.js';
import { signedDivide, stabilizedDivide } from './stabilize.js';

/** Graph helpers the gradient mapper writes with. */
export interface RuleOps {
  readonly graph: GraphBuilder;
  scalar(value: number): string;
  /** numerator / (z + ε·sign z), sign(0) = 1; with ε = 0, 0 where z = 0. */
  divide(numerator: string, z: string, epsilon: number): string;
  /** The same for a z ≥ 0 (sign 1) or ≤ 0 (sign −1) by construction, without the sign test. */
  divideSigned(numerator: string, z: string, sign: 1 | -1, epsilon: number): string;
  /** Σ of the present values (null is a zero), or null when none is. */
  sum(values: readonly (string | null)[]): string | null;
  /** a − b with nulls as zeros. */
  sub(a: string | null, b: string | null): string | null;
}

/** Zennit's input modifier: the input a copy of the layer sees; null when it is zero (the copy is left out). */
export interface InputModifier {
  readonly id: string;
  apply(layer: LinearLayer): string | null;
}

/**
 * Zennit's parameter modifier: an elementwise map of the weight, applied to the bias too unless
 * the bias is zeroed (Zennit `ParamMod` modifies every parameter; `zero_params=['bias']` zeroes it).
 */
export interface ParamModifier {
  readonly id: string;
  /** null: the parameters as they are. */
  readonly map: ((value: number) => number) | null;
  readonly zeroBias: boolean;
}

/** One evaluation of the layer: input and parameter modifiers, and the output modifier on z′ (identity when absent, as in all of Zennit's rules). */
export interface LayerCopy {
  readonly input: InputModifier;
  readonly params: ParamModifier;
  readonly output?: (ops: RuleOps, z: string) => string;
}

/** Zennit's reducer: R_in = Σ_k c_k · x_k ⊙ g_k, or Σ_k c_k · g_k when the rule ignores its inputs (flat, w²). */
export interface Reducer {
  readonly coefficients: readonly number[];
  readonly ignoresInput?: boolean;
}

export interface LrpRule {
  /** Names the rule with every parameter (part of the session cache key). */
  readonly id: string;
  readonly copies: readonly LayerCopy[];
  /** Zennit's gradient mapper: the signal each copy's output receives, from the relevance R at the layer output and the copies' outputs. */
  gradient(ops: RuleOps, relevance: string, outputs: readonly (string | null)[]): readonly (string | null)[];
  /** The copies whose outputs the gradient mapper reads (default all): the others are only sent signals back, so their forward is never written. */
  readonly reads?: readonly number[];
  readonly reducer: Reducer;
}

export const unmodified: ParamModifier = { id: 'w', map: null, zeroBias: false };

/** The same map on weights and bias; with `zeroBias`, the bias is dropped. */
export const paramMap = (id: string, map: (value: number) => number, zeroBias = false): ParamModifier => ({ id, map, zeroBias });

function ruleOps(layer: LinearLayer): RuleOps {
  const { graph } = layer;
  const present = (values: readonly (string | null)[]) => values.filter((v): v is string => v !== null);
  return {
    graph,
    scalar: layer.scalar,
    divide: (numerator, z, epsilon) => stabilizedDivide(graph, layer.scalar, numerator, z, epsilon),
    divideSigned: (numerator, z, sign, epsilon) => signedDivide(graph, layer.scalar, numerator, z, sign, epsilon),
    sum: (values) => {
      const parts = present(values);
      if (parts.length === 0) return null;
      return parts.length === 1 ? parts[0]! : graph.op('Sum', parts);
    },
    sub: (a, b) => (b === null ? a : a === null ? graph.op('Neg', [b]) : graph.op('Sub', [a, b])),
  };
}

/** A live copy: its input's graph name and its modified parameters as data. */
interface Evaluated {
  k: number;
  copy: LayerCopy;
  input: string;
  weight: Float32Array;
  bias: Float32Array | null;
}

/** Copies grouped by the graph value they read (a⁺ of a non-negative a is a itself), in first-seen order. */
function byInput<T extends { input: string }>(items: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.input, [...(groups.get(item.input) ?? []), item]);
  return [...groups.values()];
}

/** Compiles a five-part rule into the LinearRule the backward pass applies to a layer. */
export function linearRule(rule: LrpRule): LinearRule {
  return (layer, relevance) => {
    const ops = ruleOps(layer);
    const { weight, bias, stacking } = layer;
    const inputs = new Map<string, string | null>();
    const inputOf = (modifier: InputModifier) => {
      if (!inputs.has(modifier.id)) inputs.set(modifier.id, modifier.apply(layer));
      return inputs.get(modifier.id)!;
    };
    const isLayerItself = (e: Evaluated) => e.input === layer.input && e.copy.params === unmodified;
    const constant = (data: Float32Array, dims: readonly number[], hint: string) => layer.constant(data, dims, `lrp_${hint}`);
    const names = new Map<string, string>();
    /** One constant per modified parameter, however many copies use it. */
    const named = (key: string, make: () => string) => names.get(key) ?? (names.set(key, make()), names.get(key)!);
    const biasName = (e: Evaluated) => (e.bias === null ? null : e.copy.params.map === null ? bias!.name : named(`${e.copy.params.id}/bias`, () => constant(e.bias!, bias!.dims, `${e.copy.params.id}_bias`)));
    const weightName = (e: Evaluated) => (e.copy.params.map === null ? weight.name : named(`${e.copy.params.id}/weight`, () => constant(e.weight, weight.dims, `${e.copy.params.id}_weight`)));

    // A copy on a zero input (a⁻ of a non-negative a) contributes nothing: no constants, no ops.
    const live: Evaluated[] = [];
    rule.copies.forEach((copy, k) => {
      const input = inputOf(copy.input);
      if (input === null) return;
      const { map, zeroBias } = copy.params;
      live.push({ k, copy, input, weight: map ? weight.data.map(map) : weight.data, bias: bias === null || zeroBias ? null : map ? bias.data.map(map) : bias.data });
    });
    // Forward: the layer itself where unmodified, else the layer with the copy's input and parameters.
    const outputs: (string | null)[] = rule.copies.map(() => null);
    const read = (e: Evaluated) => rule.reads === undefined || rule.reads.includes(e.k);
    for (const e of live) if (read(e)) outputs[e.k] = isLayerItself(e) ? layer.output : layer.forward(e.input, weightName(e), biasName(e));
    rule.copies.forEach((copy, k) => {
      if (copy.output && outputs[k] !== null) outputs[k] = copy.output(ops, outputs[k]!);
    });

    // Backward: Σ_k c_k·x_k ⊙ g_k, copies on one input sharing one transpose of their stacked signals.
    const signals = rule.gradient(ops, relevance, outputs);
    const { coefficients, ignoresInput } = rule.reducer;
    const sending = live.filter((e) => signals[e.k] != null && coefficients[e.k] !== 0).map((e) => ({ ...e, signal: signals[e.k]!, c: coefficients[e.k]! }));
    const scaled = (e: (typeof sending)[number]) => (e.c === 1 ? e.weight : e.weight.map((v) => e.c * v));
    const terms = byInput(sending).map((group) => {
      let g: string;
      if (stacking === null || group.length === 1) {
        const parts = group.map((e) => layer.backward(e.signal, e.c === 1 ? weightName(e) : constant(scaled(e), weight.dims, `${e.copy.params.id}_x${e.c}`)));
        g = ops.sum(parts)!;
      } else {
        const w = stackAlong(group.map(scaled), weight.dims, stacking.weightAxis);
        const signal = layer.graph.op('Concat', group.map((e) => e.signal), { axis: { kind: 'int', value: stacking.outputAxis } });
        g = layer.backward(signal, constant(w.data, w.dims, 'stacked_transpose'), group.length);
      }
      return ignoresInput ? g : layer.graph.op('Mul', [group[0]!.input, g]);
    });
    return ops.sum(terms) ?? layer.graph.op('Mul', [layer.input, layer.scalar(0)]);
  };
}


// An LRP rule in Zennit's five parts (CONVENTIONS.md, "Rules as small composable parts"; Zennit
// `core.BasicHook`): the layer is evaluated on copies whose input and parameters are modified
// (input modifier, parameter modifier, then output modifier), the relevance arriving at the
// output is mapped to one signal per copy from those outputs (gradient mapper), each signal is
// sent back through its copy's transpose, and the reducer combines the copies' inputs and
// back-propagated signals into the input relevance. `linearRule` compiles any such object into
// the LinearRule the graph compiler hands each Conv, Gemm and MatMul, so a new rule is a new object.
import type { GraphBuilder } from '../../graph-builder.js';
import type { LinearLayer, LinearRule } from '../types.js';
import { stabilizedDivide } from './stabilize.js';

/** Graph helpers the gradient mapper and reducer write with. */
export interface RuleOps {
  readonly graph: GraphBuilder;
  scalar(value: number): string;
  /** numerator / (z + ε·sign z), sign(0) = 1; with ε = 0, 0 where z = 0. */
  divide(numerator: string, z: string, epsilon: number): string;
  /** Σ of the present values (null is a zero), or null when none is. */
  sum(values: readonly (string | null)[]): string | null;
  /** a − b with nulls as zeros. */
  sub(a: string | null, b: string | null): string | null;
  /** a ⊙ b, null when either is zero. */
  mul(a: string | null, b: string | null): string | null;
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

export interface LrpRule {
  /** Names the rule with every parameter (part of the session cache key). */
  readonly id: string;
  readonly copies: readonly LayerCopy[];
  /** The signal each copy's output receives, from the relevance R at the layer output and the copies' outputs. */
  gradient(ops: RuleOps, relevance: string, outputs: readonly (string | null)[]): readonly (string | null)[];
  /** The input relevance from the copies' inputs and the signals their transposes returned. */
  reduce(ops: RuleOps, inputs: readonly (string | null)[], gradients: readonly (string | null)[]): string | null;
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
    sum: (values) => {
      const parts = present(values);
      if (parts.length === 0) return null;
      return parts.length === 1 ? parts[0]! : graph.op('Sum', parts);
    },
    sub: (a, b) => (b === null ? a : a === null ? graph.op('Neg', [b]) : graph.op('Sub', [a, b])),
    mul: (a, b) => (a === null || b === null ? null : graph.op('Mul', [a, b])),
  };
}

/** The modified weight and bias of one copy, as graph names; equal modifiers share their constants. */
function modifiedParams(layer: LinearLayer, params: ParamModifier, memo: Map<string, { weight: string; bias: string | null }>) {
  const cached = memo.get(params.id + (params.zeroBias ? '/no-bias' : ''));
  if (cached) return cached;
  const { weight, bias } = layer;
  const map = params.map;
  const result = {
    weight: map === null ? weight.name : layer.constant(weight.data.map(map), weight.dims, `lrp_${params.id}_weight`),
    bias: bias === null || params.zeroBias ? null : map === null ? bias.name : layer.constant(bias.data.map(map), bias.dims, `lrp_${params.id}_bias`),
  };
  memo.set(params.id + (params.zeroBias ? '/no-bias' : ''), result);
  return result;
}

/** Compiles a five-part rule into the LinearRule the backward pass applies to a layer. */
export function linearRule(rule: LrpRule): LinearRule {
  return (layer, relevance) => {
    const ops = ruleOps(layer);
    const memo = new Map<string, { weight: string; bias: string | null }>();
    const inputs = new Map<string, string | null>();
    const inputOf = (modifier: InputModifier) => {
      if (!inputs.has(modifier.id)) inputs.set(modifier.id, modifier.apply(layer));
      return inputs.get(modifier.id)!;
    };
    // A copy on a zero input (a⁻ of a non-negative a) contributes nothing: no constants, no ops.
    const copies = rule.copies.map((copy) => {
      const input = inputOf(copy.input);
      return { copy, input, params: input === null ? null : modifiedParams(layer, copy.params, memo) };
    });
    const outputs = copies.map(({ copy, input, params }) => {
      if (input === null || params === null) return null;
      // The unmodified copy is the forward pass itself: its output is already in the graph.
      const z = input === layer.input && copy.params === unmodified ? layer.output : layer.forward(input, params.weight, params.bias);
      return copy.output ? copy.output(ops, z) : z;
    });
    const signals = rule.gradient(ops, relevance, outputs);
    const gradients = copies.map(({ params }, k) => (params === null || signals[k] == null ? null : layer.backward(signals[k]!, params.weight)));
    return rule.reduce(ops, copies.map((c) => c.input), gradients) ?? ops.graph.op('Mul', [layer.input, ops.scalar(0)]);
  };
}

// The LRP rules, each a five-part object (rule.ts), from their definitions in Zennit's `rules.py`
// and the papers it cites. a = layer input, w = weight, b = bias, z = a·w + b, R = relevance at the
// output, a⁺ = max(a, 0), a⁻ = min(a, 0), likewise w⁺, w⁻. Biases follow Zennit: ε keeps b; z⁺
// and αβ give b⁺ (b⁻) to the copy on a⁺ and none to the copy on a⁻; γ likewise with b + γb⁺;
// zᴮ keeps b, b⁺, b⁻ (they cancel: b − b⁺ − b⁻ = 0); flat drops the bias; w² squares it.
import { describeNode, invalidModel } from '../../ir.js';
import type { LinearLayer } from '../types.js';
import { paramMap, unmodified, type InputModifier, type LayerCopy, type LrpRule, type ParamModifier } from './rule.js';
import { STABILIZER } from './stabilize.js';

/** Input modifiers. Where a is ≥ 0 by construction, a⁺ is a and the copies on a⁻ = 0 drop out. */
export const inputModifiers = {
  identity: { id: 'a', apply: (layer) => layer.input },
  positive: { id: 'a+', apply: (layer) => (layer.inputNonNegative ? layer.input : layer.graph.op('Relu', [layer.input])) },
  negative: { id: 'a-', apply: (layer) => (layer.inputNonNegative ? null : layer.graph.op('Min', [layer.input, layer.scalar(0)])) },
  /** Inputs ignored (flat, w²): ones shaped like one sample; the forward on them is a constant ORT folds. */
  ones: {
    id: '1',
    apply: (layer) => {
      const shape = layer.sampleShape();
      return layer.constant(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape, 'lrp_ones');
    },
  },
} satisfies Record<string, InputModifier>;

/** A constant input holding one value per channel of an NCHW conv input (zᴮ's bounds l and h). */
function channelConstant(id: string, values: readonly number[]): InputModifier {
  return {
    id,
    apply: (layer: LinearLayer) => {
      const shape = layer.sampleShape();
      if (layer.kind !== 'conv' || shape.length !== 4 || shape[1] !== values.length) {
        throw invalidModel(`The zᴮ rule needs a convolution reading the ${values.length}-channel image, and the ${describeNode(layer.node)} reads [${shape.join(', ')}].`);
      }
      const plane = shape[2]! * shape[3]!;
      const data = new Float32Array(values.length * plane);
      values.forEach((v, c) => data.fill(v, c * plane, (c + 1) * plane));
      return layer.constant(data, shape, `lrp_${id}`);
    },
  };
}

const positivePart = (v: number) => Math.max(v, 0);
const negativePart = (v: number) => Math.min(v, 0);
const params = {
  positive: paramMap('w+', positivePart),
  positiveNoBias: paramMap('w+', positivePart, true),
  negative: paramMap('w-', negativePart),
  negativeNoBias: paramMap('w-', negativePart, true),
};

const num = (v: number) => String(v);

/** ε rule (Bach et al. 2015, eq. 58; Zennit `Epsilon`, ε = 1e-6): R_i = Σ_j a_i w_ij R_j / (z_j + ε·sign z_j). ε = 0 is LRP-0 (eq. 56). */
export function epsilonRule(epsilon: number): LrpRule {
  return {
    id: `epsilon(${num(epsilon)})`,
    copies: [{ input: inputModifiers.identity, params: unmodified }],
    gradient: (ops, r, [z]) => [ops.divide(r, z!, epsilon)],
    reducer: { coefficients: [1] },
  };
}

/**
 * αβ rule (Bach et al. 2015, eq. 60; Zennit `AlphaBeta`): the positive contributions
 * (a⁺w⁺ + b⁺ + a⁻w⁻) share α·R, the negative ones (a⁺w⁻ + b⁻ + a⁻w⁺) −β·R, with α − β = 1
 * for conservation. The negative sum is z minus the positive one, as (a⁺ + a⁻)(w⁺ + w⁻) = a·w
 * and b⁺ + b⁻ = b, so only the positive copies are evaluated forward. β = 0 is z⁺.
 */
export function alphaBetaRule(alpha: number, beta: number): LrpRule {
  if (!(alpha >= 1 && beta >= 0 && Math.abs(alpha - beta - 1) < 1e-9)) throw new RangeError(`The αβ rule needs α − β = 1 with β ≥ 0; got α = ${alpha}, β = ${beta}.`);
  const { positive: pos, negative: neg } = inputModifiers;
  const positiveCopies: LayerCopy[] = [
    { input: pos, params: params.positive },
    { input: neg, params: params.negativeNoBias },
  ];
  const id = `alpha-beta(${num(alpha)},${num(beta)})`;
  if (beta === 0) {
    return {
      id,
      copies: positiveCopies,
      gradient: (ops, r, outputs) => {
        const up = ops.divideSigned(r, ops.sum(outputs)!, 1, STABILIZER);
        return [up, up];
      },
      reducer: { coefficients: [alpha, alpha] },
    };
  }
  return {
    id,
    copies: [...positiveCopies, { input: pos, params: params.negative }, { input: neg, params: params.positiveNoBias }, { input: inputModifiers.identity, params: unmodified }],
    reads: [0, 1, 4],
    gradient: (ops, r, [o0, o1, , , z]) => {
      const positive = ops.sum([o0!, o1 ?? null])!;
      const up = ops.divideSigned(r, positive, 1, STABILIZER);
      const down = ops.divideSigned(r, ops.sub(z!, positive)!, -1, STABILIZER);
      return [up, up, down, down, null];
    },
    // α·(a⁺g₀ + a⁻g₁) − β·(a⁺g₂ + a⁻g₃)
    reducer: { coefficients: [alpha, alpha, -beta, -beta, 0] },
  };
}

/** z⁺ rule (Montavon et al. 2017, DTD; Zennit `ZPlus`): αβ with α = 1, β = 0, its own id. */
export function zPlusRule(): LrpRule {
  return { ...alphaBetaRule(1, 0), id: 'z-plus' };
}

/**
 * Generalised γ rule (Montavon et al. 2019, §10.2.2; Andéol et al. 2021; Zennit `Gamma`,
 * γ = 0.25): where z > 0, R is shared in proportion to a⁺(w + γw⁺) + a⁻(w + γw⁻) (bias b + γb⁺),
 * where z < 0 in proportion to a⁺(w + γw⁻) + a⁻(w + γw⁺) (bias b + γb⁻); nothing where z = 0.
 * Their sums are z + γ·p and z + γ·(z − p) with p = a⁺w⁺ + a⁻w⁻ + b⁺ (as in αβ), so the forward
 * evaluates only p's copies.
 */
export function gammaRule(gamma: number): LrpRule {
  const up: ParamModifier = paramMap(`w+${num(gamma)}w+`, (v) => v + gamma * positivePart(v));
  const down: ParamModifier = paramMap(`w+${num(gamma)}w-`, (v) => v + gamma * negativePart(v));
  const { positive: pos, negative: neg } = inputModifiers;
  return {
    id: `gamma(${num(gamma)})`,
    copies: [
      { input: pos, params: up },
      { input: neg, params: { ...down, zeroBias: true } },
      { input: pos, params: down },
      { input: neg, params: { ...up, zeroBias: true } },
      { input: inputModifiers.identity, params: unmodified },
      { input: pos, params: params.positive },
      { input: neg, params: params.negativeNoBias },
    ],
    reads: [4, 5, 6],
    gradient: (ops, r, [, , , , z, p0, p1]) => {
      const p = ops.sum([p0!, p1 ?? null])!;
      const g = ops.scalar(gamma);
      // R/(stabilised total) only where z has the total's sign (z + γp > 0 where z > 0, z + γ(z − p) < 0
      // where z < 0, as p ≥ 0 ≥ z − p); a float mask is faster in ONNX Runtime than Where.
      const where = (test: 'Greater' | 'Less', total: string) =>
        ops.graph.op('Mul', [ops.divideSigned(r, total, test === 'Greater' ? 1 : -1, STABILIZER), ops.graph.op('Cast', [ops.graph.op(test, [z!, ops.scalar(0)])], { to: { kind: 'int', value: 1 } })]);
      const upSignal = where('Greater', ops.graph.op('Add', [z!, ops.graph.op('Mul', [p, g])]));
      const downSignal = where('Less', ops.graph.op('Add', [z!, ops.graph.op('Mul', [ops.sub(z!, p)!, g])]));
      return [upSignal, upSignal, downSignal, downSignal, null, null, null];
    },
    reducer: { coefficients: [1, 1, 1, 1, 0, 0, 0] },
  };
}

/** flat rule (Lapuschkin et al. 2019; Zennit `Flat`): inputs and weights 1, no bias — R spread evenly over the receptive field. */
export function flatRule(): LrpRule {
  return {
    id: 'flat',
    copies: [{ input: inputModifiers.ones, params: paramMap('1', () => 1, true) }],
    // z counts the receptive field: > 0.
    gradient: (ops, r, [z]) => [ops.divideSigned(r, z!, 1, STABILIZER)],
    reducer: { coefficients: [1], ignoresInput: true },
  };
}

/** w² rule (Montavon et al. 2017, DTD; Zennit `WSquare`): inputs ignored, R shared in proportion to w² (bias b², as Zennit). */
export function wSquareRule(): LrpRule {
  return {
    id: 'w-square',
    copies: [{ input: inputModifiers.ones, params: paramMap('w2', (v) => v * v) }],
    // z = Σ w² + b² ≥ 0.
    gradient: (ops, r, [z]) => [ops.divideSigned(r, z!, 1, STABILIZER)],
    reducer: { coefficients: [1], ignoresInput: true },
  };
}

/**
 * zᴮ rule (Montavon et al. 2017, DTD for bounded inputs; Zennit `ZBox`), for the first layer on
 * inputs with l ≤ x ≤ h per channel: z = x·w − l·w⁺ − h·w⁻, R_i = x_i·g − l_i·g⁺ − h_i·g⁻.
 */
export function zBoxRule(low: readonly number[], high: readonly number[]): LrpRule {
  if (low.length !== high.length || low.some((l, c) => !(l <= high[c]!))) throw new RangeError('The zᴮ rule needs one bound pair l ≤ h per input channel.');
  return {
    id: `z-box(low=${low.map(num).join(',')};high=${high.map(num).join(',')})`,
    copies: [
      { input: inputModifiers.identity, params: unmodified },
      { input: channelConstant('low', low), params: params.positive },
      { input: channelConstant('high', high), params: params.negative },
    ],
    gradient: (ops, r, [z, zl, zh]) => {
      const signal = ops.divide(r, ops.sub(ops.sub(z!, zl!), zh!)!, STABILIZER);
      return [signal, signal, signal];
    },
    reducer: { coefficients: [1, -1, -1] },
  };
}

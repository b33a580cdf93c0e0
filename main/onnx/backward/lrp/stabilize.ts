// The division every LRP rule makes, R / z, kept finite. Zennit's `stabilize`: z + ε·sign(z) with
// sign(0) = +1, so the denominator is never 0 for ε > 0 (and ε is also the ε-rule's absorber,
// Bach et al. 2015, eq. 58). LRP-0 (ε = 0) divides only where z ≠ 0 and gives 0 where z = 0,
// as iNNvestigate's SafeDivide does.
import type { GraphBuilder } from '../../graph-builder.js';

/** Zennit's default stabiliser of every rule whose ε is not a parameter (z⁺, αβ, γ, zᴮ, flat, w², Norm). */
export const STABILIZER = 1e-6;

/** [z ≥ 0] as 0/1 floats: multiplying by a float mask is faster in ONNX Runtime than Where with scalars. */
export function nonNegativeMask(graph: GraphBuilder, scalar: (v: number) => string, z: string): string {
  return graph.op('Cast', [graph.op('GreaterOrEqual', [z, scalar(0)])], { to: { kind: 'int', value: 1 } });
}

/** z + ε·sign(z), sign(0) = 1, written (z − ε) + 2ε·[z ≥ 0]. */
export function stabilize(graph: GraphBuilder, scalar: (v: number) => string, z: string, epsilon: number): string {
  return graph.op('Add', [graph.op('Sub', [z, scalar(epsilon)]), graph.op('Mul', [nonNegativeMask(graph, scalar, z), scalar(2 * epsilon)])]);
}

/** numerator / stabilize(z, ε); for ε = 0, numerator / z where z ≠ 0 and 0 where z = 0. */
export function stabilizedDivide(graph: GraphBuilder, scalar: (v: number) => string, numerator: string, z: string, epsilon: number): string {
  if (epsilon > 0) return graph.op('Div', [numerator, stabilize(graph, scalar, z, epsilon)]);
  const zero = graph.op('Equal', [z, scalar(0)]);
  const quotient = graph.op('Div', [numerator, graph.op('Where', [zero, scalar(1), z])]);
  return graph.op('Where', [zero, scalar(0), quotient]);
}

/**
 * numerator / stabilize(z, ε) for a z whose sign the rule knows (z⁺ = a⁺w⁺ + a⁻w⁻ + b⁺ ≥ 0, its
 * negative counterpart ≤ 0): z + ε and z − ε without the sign test. The clamp keeps a z computed
 * as a difference on its side of 0; where the true z is 0 every contribution is 0, so the side
 * does not change the relevance.
 */
export function signedDivide(graph: GraphBuilder, scalar: (v: number) => string, numerator: string, z: string, sign: 1 | -1, epsilon: number): string {
  const clamped = graph.op(sign === 1 ? 'Max' : 'Min', [z, scalar(0)]);
  return graph.op('Div', [numerator, graph.op(sign === 1 ? 'Add' : 'Sub', [clamped, scalar(epsilon)])]);
}

// The division every LRP rule makes, R / z, kept finite. Zennit's `stabilize`: z + ε·sign(z) with
// sign(0) = +1, so the denominator is never 0 for ε > 0 (and ε is also the ε-rule's absorber,
// Bach et al. 2015, eq. 58). LRP-0 (ε = 0) divides only where z ≠ 0 and gives 0 where z = 0,
// as iNNvestigate's SafeDivide does.
import type { GraphBuilder } from '../../graph-builder.js';

/** Zennit's default stabiliser of every rule whose ε is not a parameter (z⁺, αβ, γ, zᴮ, flat, w², Norm). */
export const STABILIZER = 1e-6;

/** z + ε·sign(z), sign(0) = 1. */
export function stabilize(graph: GraphBuilder, scalar: (v: number) => string, z: string, epsilon: number): string {
  const sign = graph.op('Where', [graph.op('GreaterOrEqual', [z, scalar(0)]), scalar(epsilon), scalar(-epsilon)]);
  return graph.op('Add', [z, sign]);
}

/** numerator / stabilize(z, ε); for ε = 0, numerator / z where z ≠ 0 and 0 where z = 0. */
export function stabilizedDivide(graph: GraphBuilder, scalar: (v: number) => string, numerator: string, z: string, epsilon: number): string {
  if (epsilon > 0) return graph.op('Div', [numerator, stabilize(graph, scalar, z, epsilon)]);
  const zero = graph.op('Equal', [z, scalar(0)]);
  const quotient = graph.op('Div', [numerator, graph.op('Where', [zero, scalar(1), z])]);
  return graph.op('Where', [zero, scalar(0), quotient]);
}

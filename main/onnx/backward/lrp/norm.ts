// Zennit's `Norm` rule for ops without weights of their own (residual Add, average pooling, an
// unfolded BatchNorm): each operand gets the share of R its contribution makes of the output,
// R_i = a_i · Tᵀ(R / (y + ε·sign y)) with T the op's linear map — the ε-rule with the op's
// constant kernel and ε only a stabiliser (1e-6). The 1/|window| of a mean cancels in the ratio.
import type { NormRule } from '../types.js';
import { STABILIZER, stabilizedDivide } from './stabilize.js';

export const proportionalNorm: NormRule = (step) => {
  const signal = stabilizedDivide(step.graph, step.scalar, step.gradient, step.output, STABILIZER);
  return step.operands.map((o) => step.graph.op('Mul', [o.value, o.transpose(signal)]));
};

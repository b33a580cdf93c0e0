// Backward steps of ops that only move values: Flatten and Reshape reshape the gradient back to
// the input's shape, Transpose applies the inverse permutation, Identity and Dropout (inference)
// pass it through.
import { intsAttr } from '../ir.js';
import type { BackwardContext, BackwardEntry } from './types.js';

/**
 * The input's shape as a Reshape target: a constant when at most one dimension is symbolic
 * (written −1, ONNX Reshape infers it), else read at run time with Shape.
 */
export function shapeOfInput(ctx: BackwardContext, irName: string): string {
  const dims = ctx.shape(irName);
  const symbolic = dims.filter((d) => typeof d !== 'number').length;
  if (symbolic > 1) return ctx.graph.op('Shape', [ctx.value(irName)]);
  return ctx.int64s(dims.map((d) => (typeof d === 'number' ? d : -1)), 'shape');
}

const reshapeBack: BackwardEntry = {
  backward(ctx, [gradient]) {
    const x = ctx.node.inputs[0]!;
    const rest = ctx.node.inputs.slice(1).map(() => null);
    if (!gradient || !ctx.needsGradient(x)) return [null, ...rest];
    return [ctx.graph.op('Reshape', [gradient, shapeOfInput(ctx, x)]), ...rest];
  },
};

/** Transpose by perm is undone by the inverse permutation: inverse[perm[k]] = k. */
const transpose: BackwardEntry = {
  backward(ctx, [gradient]) {
    const x = ctx.node.inputs[0]!;
    if (!gradient || !ctx.needsGradient(x)) return [null];
    const rank = ctx.shape(x).length;
    const perm = intsAttr(ctx.node, 'perm', Array.from({ length: rank }, (_, k) => rank - 1 - k));
    const inverse = new Array<number>(rank);
    perm.forEach((p, k) => (inverse[p] = k));
    return [ctx.graph.op('Transpose', [gradient], { perm: { kind: 'ints', value: inverse } })];
  },
};

const passThrough: BackwardEntry = {
  backward(ctx, [gradient]) {
    return [gradient && ctx.needsGradient(ctx.node.inputs[0]!) ? gradient : null, ...ctx.node.inputs.slice(1).map(() => null)];
  },
};

export const reshapingEntries: Record<string, BackwardEntry> = {
  Flatten: reshapeBack,
  Reshape: reshapeBack,
  Transpose: transpose,
  Identity: passThrough,
  Dropout: passThrough,
};

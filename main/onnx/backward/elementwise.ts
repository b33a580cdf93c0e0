// Backward steps of the broadcasting elementwise ops: Add (a bias or a residual connection: each
// operand gets the gradient, summed over the axes it was broadcast along) and a BatchNormalization
// that could not be folded (a per-channel affine map: the gradient is scaled per channel).
import { broadcastShapes } from '../dims.js';
import { batchNormAffine } from '../fold-batchnorm.js';
import { describeNode, invalidModel, type Dim } from '../ir.js';
import type { BackwardContext, BackwardEntry } from './types.js';
import { shapeOfInput } from './reshaping.js';

/**
 * The gradient of a broadcast operand: ReduceSum over the leading axes it lacked and the axes
 * where it had size 1 (numpy broadcasting), then reshaped to the operand's own shape.
 */
export function unbroadcast(ctx: BackwardContext, gradient: string, output: readonly Dim[], operand: string): string {
  const shape = ctx.shape(operand);
  const lead = output.length - shape.length;
  const axes: number[] = [];
  output.forEach((d, k) => {
    if (k < lead || (shape[k - lead] === 1 && d !== 1)) axes.push(k);
  });
  if (axes.length === 0) return gradient;
  const summed = ctx.graph.op('ReduceSum', [gradient, ctx.int64s(axes, 'axes')], { keepdims: { kind: 'int', value: 1 } });
  return lead === 0 ? summed : ctx.graph.op('Reshape', [summed, shapeOfInput(ctx, operand)]);
}

const add: BackwardEntry = {
  backward(ctx, [gradient]) {
    const [a, b] = ctx.node.inputs as [string, string];
    if (!gradient) return [null, null];
    const output = broadcastShapes(ctx.shape(a), ctx.shape(b))!;
    return [a, b].map((operand) => (ctx.needsGradient(operand) ? unbroadcast(ctx, gradient, output, operand) : null));
  },
};

/** An unfolded BatchNormalization is y = s·x + t per channel (axis 1), so dx = s·g. */
const batchNormalization: BackwardEntry = {
  backward(ctx, [gradient]) {
    const x = ctx.node.inputs[0]!;
    const rest = ctx.node.inputs.slice(1).map(() => null);
    if (!gradient || !ctx.needsGradient(x)) return [null, ...rest];
    const affine = batchNormAffine((name) => ctx.initializer(name), ctx.node);
    if (affine === null) throw invalidModel(`The ${describeNode(ctx.node)} computes its statistics at run time, which the explanation compiler does not support.`);
    const rank = ctx.shape(x).length;
    const dims = [1, affine.scale.length, ...Array<number>(rank - 2).fill(1)];
    return [ctx.graph.op('Mul', [gradient, ctx.constant(Float32Array.from(affine.scale), dims, 'batchnorm_scale')]), ...rest];
  },
};

export const elementwiseEntries: Record<string, BackwardEntry> = { Add: add, BatchNormalization: batchNormalization };

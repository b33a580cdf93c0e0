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

/**
 * Add: a residual (both operands computed) goes through the rules' norm rule when they have one;
 * a constant operand is a bias, and the signal passes to the other operand unchanged under every
 * rule (a MatMul's trailing bias is its layer's own, linear.ts).
 */
const add: BackwardEntry = {
  backward(ctx, [gradient]) {
    const [a, b] = ctx.node.inputs as [string, string];
    if (!gradient) return [null, null];
    const output = broadcastShapes(ctx.shape(a), ctx.shape(b))!;
    const operands = [a, b].filter((o) => ctx.needsGradient(o));
    if (ctx.rules.norm && operands.length === 2) {
      const signals = ctx.rules.norm({
        graph: ctx.graph,
        scalar: ctx.scalar,
        gradient,
        output: ctx.value(ctx.node.outputs[0]!),
        operands: operands.map((o) => ({ value: ctx.value(o), transpose: (signal: string) => unbroadcast(ctx, signal, output, o) })),
      });
      return signals;
    }
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
    const transpose = (signal: string) => ctx.graph.op('Mul', [signal, ctx.constant(Float32Array.from(affine.scale), dims, 'batchnorm_scale')]);
    if (ctx.rules.norm) {
      const step = { graph: ctx.graph, scalar: ctx.scalar, gradient, output: ctx.value(ctx.node.outputs[0]!), operands: [{ value: ctx.value(x), transpose }] };
      return [...ctx.rules.norm(step), ...rest];
    }
    return [transpose(gradient), ...rest];
  },
};

export const elementwiseEntries: Record<string, BackwardEntry> = { Add: add, BatchNormalization: batchNormalization };

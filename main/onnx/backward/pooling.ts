// Backward steps of pooling. MaxPool sends each output's gradient to its window's winner
// (max-pool.ts); AveragePool spreads it evenly over the window with a depthwise ConvTranspose;
// GlobalAveragePool broadcasts it over the plane. Under LRP both average poolings go through the
// rules' norm rule (proportional to each input's share), max pooling keeps winner-takes-all.
import { intAttr } from '../ir.js';
import { transposedWindow, windowOf, type WindowAxis } from '../window.js';
import { maxPool } from './max-pool.js';
import type { BackwardContext, BackwardEntry } from './types.js';

const ints = (value: number[]) => ({ kind: 'ints' as const, value });

function spatialWindow(ctx: BackwardContext): { channels: number; axes: WindowAxis[] } {
  const x = ctx.shape(ctx.node.inputs[0]!);
  return { channels: x[1] as number, axes: windowOf(ctx.node, x.slice(2) as number[]) };
}

/**
 * How many of a window's positions along one axis the average divides by (ONNX AveragePool):
 * with count_include_pad the padded positions count, without only the input's own; positions a
 * ceil-mode window reaches beyond the padding never count.
 */
function divisors(axis: WindowAxis, includePad: boolean): number[] {
  const low = includePad ? -axis.padBegin : 0;
  const high = includePad ? axis.input + axis.padEnd : axis.input;
  return Array.from({ length: axis.output }, (_, o) => {
    const start = o * axis.stride - axis.padBegin;
    return Math.min(start + axis.kernel, high) - Math.max(start, low);
  });
}

/** The reciprocal of every output's divisor, [1, 1, out…]; null when all equal the full window. */
function reciprocalDivisors(axes: readonly WindowAxis[], includePad: boolean): { data: Float32Array; dims: number[] } | null {
  const perAxis = axes.map((a) => divisors(a, includePad));
  const full = axes.reduce((p, a) => p * a.kernel, 1);
  const dims = axes.map((a) => a.output);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  let uniform = true;
  data.forEach((_, flat) => {
    let rest = flat;
    let count = 1;
    for (let k = axes.length - 1; k >= 0; k--) {
      count *= perAxis[k]![rest % dims[k]!]!;
      rest = Math.floor(rest / dims[k]!);
    }
    uniform &&= count === full;
    data[flat] = 1 / count;
  });
  return uniform ? null : { data, dims: [1, 1, ...dims] };
}

/**
 * AveragePool is a depthwise convolution with a constant kernel (1/|window| when every window
 * counts the same positions), so its transpose is a depthwise ConvTranspose (group = C) of the
 * gradient — first divided by each window's own count where counts differ.
 */
const averagePool: BackwardEntry = {
  backward(ctx, [gradient]) {
    const { graph } = ctx;
    const x = ctx.node.inputs[0]!;
    if (!gradient || !ctx.needsGradient(x)) return [null];
    const { channels, axes } = spatialWindow(ctx);
    const window = axes.map((a) => a.kernel);
    const size = window.reduce((a, b) => a * b, 1);
    const reciprocal = reciprocalDivisors(axes, intAttr(ctx.node, 'count_include_pad', 0) === 1);
    const signal = reciprocal ? graph.op('Mul', [gradient, ctx.constant(reciprocal.data, reciprocal.dims, 'avgpool_divisors')]) : gradient;
    const kernel = ctx.constant(new Float32Array(channels * size).fill(reciprocal ? 1 : 1 / size), [channels, 1, ...window], 'avgpool_kernel');
    const { pads, outputPadding } = transposedWindow(axes);
    return [
      graph.op('ConvTranspose', [signal, kernel], {
        kernel_shape: ints(window),
        strides: ints(axes.map((a) => a.stride)),
        group: { kind: 'int', value: channels },
        pads: ints(pads),
        output_padding: ints(outputPadding),
      }),
    ];
  },
};

/** A pooling step through the rules' norm rule when they have one (LRP: Zennit's Norm), else the plain transpose. */
function normed(entry: BackwardEntry): BackwardEntry {
  return {
    backward(ctx, outputGradients) {
      const [gradient] = outputGradients;
      const x = ctx.node.inputs[0]!;
      if (!ctx.rules.norm || !gradient || !ctx.needsGradient(x)) return entry.backward(ctx, outputGradients);
      const transpose = (signal: string) => entry.backward(ctx, [signal])[0]!;
      return ctx.rules.norm({ graph: ctx.graph, scalar: ctx.scalar, gradient, output: ctx.value(ctx.node.outputs[0]!), operands: [{ value: ctx.value(x), transpose }] });
    },
  };
}

/** GlobalAveragePool: every input position gets g/(H·W), one broadcasting Mul with a constant plane. */
const globalAveragePool: BackwardEntry = {
  backward(ctx, [gradient]) {
    const x = ctx.node.inputs[0]!;
    if (!gradient || !ctx.needsGradient(x)) return [null];
    const spatial = ctx.shape(x).slice(2) as number[];
    const size = spatial.reduce((a, b) => a * b, 1);
    const plane = ctx.constant(new Float32Array(size).fill(1 / size), [1, 1, ...spatial], 'global_average');
    return [ctx.graph.op('Mul', [gradient, plane])];
  },
};

export const poolingEntries: Record<string, BackwardEntry> = { MaxPool: maxPool, AveragePool: normed(averagePool), GlobalAveragePool: normed(globalAveragePool) };

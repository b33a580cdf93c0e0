// The transpose of a Conv (its vector–Jacobian product with respect to the input), for any
// weight value — the layer's own for the gradient, modified ones for LRP.
//
// In general that is ConvTranspose with the forward weight, strides, dilations and group (Conv's
// W [M, C/group, k…] is ConvTranspose's [C_in = M, C_out/group, k…]), with pads and
// output_padding that restore the forward input's size (window.ts). With stride 1 it is also a
// plain Conv with the kernel flipped and its channel axes swapped, which ONNX Runtime runs in
// its blocked (NCHWc) layout about twice as fast, once the result has enough channels to fill a
// block; the flip is written as ops on the constant weight, which the runtime folds.
import type { GraphBuilder } from '../graph-builder.js';
import { effectiveKernel, transposedWindow, type WindowAxis } from '../window.js';
import type { StepContext } from './types.js';

/** Fewer result channels than this leave NCHWc blocks mostly empty: ConvTranspose is faster then. */
const MIN_CHANNELS_FOR_CONV = 8;

const ints = (value: number[]) => ({ kind: 'ints' as const, value });

/** W [M, C/g, k…] → [C, M/g, k…] with every spatial axis reversed. */
function flippedKernel(graph: GraphBuilder, ctx: Pick<StepContext, 'int64s'>, weight: string, dims: readonly number[], group: number): string {
  const [m, perGroup, ...kernel] = dims as [number, number, ...number[]];
  const spatial = kernel.map((_, k) => k + 2);
  let swapped: string;
  if (group === 1) swapped = graph.op('Transpose', [weight], { perm: ints([1, 0, ...spatial]) });
  else {
    const grouped = graph.op('Reshape', [weight, ctx.int64s([group, m / group, perGroup, ...kernel], 'grouped_kernel')]);
    const transposed = graph.op('Transpose', [grouped], { perm: ints([0, 2, 1, ...kernel.map((_, k) => k + 3)]) });
    swapped = graph.op('Reshape', [transposed, ctx.int64s([group * perGroup, m / group, ...kernel], 'swapped_kernel')]);
  }
  return graph.op('Slice', [
    swapped,
    ctx.int64s(kernel.map(() => -1), 'flip_starts'),
    ctx.int64s(kernel.map((k) => -(k + 1)), 'flip_ends'),
    ctx.int64s(spatial, 'flip_axes'),
    ctx.int64s(kernel.map(() => -1), 'flip_steps'),
  ]);
}

/**
 * ∂(Σ signal · conv(x, weight))/∂x for a Conv with the given window, group and weight dims
 * [M, C/group, k…].
 */
export function transposedConv(ctx: Pick<StepContext, 'graph' | 'int64s'>, signal: string, weight: string, weightDims: readonly number[], axes: readonly WindowAxis[], group: number): string {
  const { graph } = ctx;
  const { pads, outputPadding } = transposedWindow(axes);
  const rank = axes.length;
  // ConvTranspose with stride 1 is a Conv padded by (k_eff − 1 − pad) on each side.
  const convPads = [...axes.map((a, k) => effectiveKernel(a.kernel, a.dilation) - 1 - pads[k]!), ...axes.map((a, k) => effectiveKernel(a.kernel, a.dilation) - 1 - pads[rank + k]! + outputPadding[k]!)];
  const asConv = axes.every((a) => a.stride === 1) && convPads.every((p) => p >= 0) && weightDims[1]! * group >= MIN_CHANNELS_FOR_CONV;
  const common = { kernel_shape: ints(axes.map((a) => a.kernel)), dilations: ints(axes.map((a) => a.dilation)), group: { kind: 'int' as const, value: group } };
  if (asConv) return graph.op('Conv', [signal, flippedKernel(graph, ctx, weight, weightDims, group)], { ...common, pads: ints(convPads) });
  return graph.op('ConvTranspose', [signal, weight], { ...common, strides: ints(axes.map((a) => a.stride)), pads: ints(pads), output_padding: ints(outputPadding) });
}

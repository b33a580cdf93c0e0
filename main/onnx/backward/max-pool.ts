// MaxPool's backward step: each output's gradient goes to its window's maximum — the first one
// in row-major order when several tie, as PyTorch and tfjs choose (flat image regions tie).
//
// Tiled windows (kernel = stride, no dilation: 2×2/2 and the like) are the common case, and ONNX
// Runtime's MaxPool with the Indices output is a slow generic loop (about half a tiny-cnn's
// backward pass), so there the winner is found with the fast MaxPool and elementwise ops:
// positions equal to their window's maximum are ranked by their place in the window, a second
// MaxPool picks the best rank, and the gradient is upsampled onto that position. Other windows
// keep the forward's Indices (ONNX MaxPool: flat indices into the whole input, N and C included,
// padding ignored) and scatter onto them.
import { intAttr } from '../ir.js';
import { effectiveKernel, padsOf, transposedWindow, windowOf, type WindowAxis } from '../window.js';
import type { BackwardContext, BackwardEntry, StepContext } from './types.js';

const ints = (value: number[]) => ({ kind: 'ints' as const, value });
const FLOAT = { kind: 'int' as const, value: 1 };

function windowAxes(ctx: StepContext): WindowAxis[] {
  return windowOf(ctx.node, ctx.shape(ctx.node.inputs[0]!).slice(2) as number[]);
}

const tiled = (axes: readonly WindowAxis[]) => axes.every((a) => a.kernel === a.stride && a.dilation === 1);

/**
 * Each output value copied onto its window's positions, shaped like the input: nearest Resize
 * by the kernel (ONNX Resize, asymmetric coordinates: out[i] = in[floor(i / k)]), then the
 * padding's rows cut off and rows no window covers (floor mode) filled with zeros.
 */
function onWindows(ctx: BackwardContext, value: string, axes: readonly WindowAxis[]): string {
  const { graph } = ctx;
  const rank = axes.length + 2;
  const scales = ctx.constant(Float32Array.from([1, 1, ...axes.map((a) => a.kernel)]), [rank], 'window_scales');
  let out = graph.op('Resize', [value, '', scales], {
    mode: { kind: 'string', value: 'nearest' },
    coordinate_transformation_mode: { kind: 'string', value: 'asymmetric' },
    nearest_mode: { kind: 'string', value: 'floor' },
  });
  const covered = axes.map((a) => Math.min(a.output * a.kernel, a.padBegin + a.input) - a.padBegin);
  if (axes.some((a, k) => a.padBegin > 0 || a.output * a.kernel !== covered[k])) {
    const spatial = axes.map((_, k) => k + 2);
    out = graph.op('Slice', [out, ctx.int64s(axes.map((a) => a.padBegin), 'starts'), ctx.int64s(axes.map((a, k) => a.padBegin + covered[k]!), 'ends'), ctx.int64s(spatial, 'axes')]);
  }
  if (axes.some((a, k) => covered[k]! < a.input)) {
    const pads = [0, 0, ...axes.map(() => 0), 0, 0, ...axes.map((a, k) => a.input - covered[k]!)];
    out = graph.op('Pad', [out, ctx.int64s(pads, 'pads')]);
  }
  return out;
}

/** Rank of each position within its window, first in row-major order highest (k₁·k₂… down to 1), [1, 1, spatial…]. */
function rankPlane(ctx: BackwardContext, axes: readonly WindowAxis[]): string {
  const dims = axes.map((a) => a.input);
  const size = axes.reduce((p, a) => p * a.kernel, 1);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  data.forEach((_, flat) => {
    let rest = flat;
    let offset = 0;
    let scale = 1;
    for (let k = axes.length - 1; k >= 0; k--) {
      const position = (rest % dims[k]!) + axes[k]!.padBegin;
      rest = Math.floor(rest / dims[k]!);
      offset += (position % axes[k]!.kernel) * scale;
      scale *= axes[k]!.kernel;
    }
    data[flat] = size - offset;
  });
  return ctx.constant(data, [1, 1, ...dims], 'maxpool_rank');
}

/** Tiled windows: the gradient on each window's first maximum, found with fast MaxPools. */
function tiledBackward(ctx: BackwardContext, gradient: string, axes: readonly WindowAxis[]): string {
  const { graph, node } = ctx;
  const x = ctx.value(node.inputs[0]!);
  const y = ctx.value(node.outputs[0]!);
  const tied = graph.op('Cast', [graph.op('Equal', [x, onWindows(ctx, y, axes)])], { to: FLOAT });
  const ranked = graph.op('Mul', [tied, rankPlane(ctx, axes)]);
  const best = graph.op('MaxPool', [ranked], {
    kernel_shape: ints(axes.map((a) => a.kernel)),
    strides: ints(axes.map((a) => a.stride)),
    pads: ints(padsOf(axes)),
    ceil_mode: { kind: 'int', value: intAttr(node, 'ceil_mode', 0) },
  });
  const winner = graph.op('Cast', [graph.op('Equal', [ranked, onWindows(ctx, best, axes)])], { to: FLOAT });
  return graph.op('Mul', [onWindows(ctx, gradient, axes), winner]);
}

export const maxPool: BackwardEntry = {
  forward(ctx) {
    if (tiled(windowAxes(ctx))) return ctx.emit();
    const indices = ctx.graph.fresh(`${ctx.node.name}/indices`);
    ctx.emit({ outputs: [ctx.value(ctx.node.outputs[0]!), indices], attributes: { storage_order: { kind: 'int', value: 0 } } });
    ctx.keep('indices', indices);
  },
  backward(ctx, [gradient]) {
    const { graph } = ctx;
    const x = ctx.node.inputs[0]!;
    if (!gradient || !ctx.needsGradient(x)) return [null];
    const axes = windowAxes(ctx);
    if (tiled(axes)) return [tiledBackward(ctx, gradient, axes)];
    const indices = ctx.kept('indices');
    const inputShape = graph.op('Shape', [ctx.value(x)]);
    if (axes.every((a) => a.stride >= effectiveKernel(a.kernel, a.dilation))) {
      // Disjoint windows: MaxUnpool. It refuses an output_shape below s·(in − 1) + k − pads, which
      // a ceil-mode window reaching past the input exceeds; the transposed window's pads cover that.
      return [
        graph.op('MaxUnpool', [gradient, indices, inputShape], {
          kernel_shape: ints(axes.map((a) => a.kernel)),
          strides: ints(axes.map((a) => a.stride)),
          pads: ints(transposedWindow(axes).pads),
        }),
      ];
    }
    // Overlapping windows can share a winner, whose gradients must add up: ONNX Runtime's
    // MaxUnpool overwrites, so scatter with ScatterElements(reduction = add) instead.
    const flat = ctx.int64s([-1], 'flat');
    const zeros = graph.op('Reshape', [graph.op('ConstantOfShape', [inputShape]), flat]);
    const scattered = graph.op('ScatterElements', [zeros, graph.op('Reshape', [indices, flat]), graph.op('Reshape', [gradient, flat])], {
      axis: { kind: 'int', value: 0 },
      reduction: { kind: 'string', value: 'add' },
    });
    return [graph.op('Reshape', [scattered, inputShape])];
  },
};

// Shape inference for the ops the explanation compiler supports, with the batch dimension left
// symbolic. Alongside shapes it evaluates the small integer tensors exporters use to compute a
// Reshape's target shape (Shape → Gather → Unsqueeze → Concat), so canonicalisation can fold them.
import { broadcastShapes, dimProduct, dimQuotient, formatShape } from './dims.js';
import { describeNode, intAttr, intsAttr, invalidModel, type Dim, type IrModel, type IrNode } from './ir.js';
import { requireSupportedOps } from './supported-ops.js';
import { windowOf } from './window.js';

export interface ShapeInfo {
  /** Every value's shape (inputs, initializers, node outputs). */
  shapes: Map<string, Dim[]>;
  /** The contents of integer values known before run time, flattened; symbolic where a dim is. */
  values: Map<string, Dim[]>;
}

interface Context {
  node: IrNode;
  opset: number;
  shape(k: number): Dim[];
  value(k: number): Dim[] | undefined;
  /** Known integer contents of an output (shape-computation ops). */
  setValue(k: number, v: Dim[]): void;
}

type ShapeRule = (ctx: Context) => Dim[][];

const fail = (node: IrNode, why: string) => invalidModel(`The ${describeNode(node)} ${why}.`);

/** A negative axis counts from the end (ONNX, opset 11 and later); out of range is an invalid model. */
function normalizeAxis(node: IrNode, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw fail(node, `uses axis ${axis} on a rank-${rank} tensor`);
  return a;
}

const same: ShapeRule = (ctx) => ctx.node.outputs.map(() => ctx.shape(0));

/** Conv, MaxPool, AveragePool: [N, C, spatial…] → [N, C_out, windowed spatial…]. */
function windowed(outChannels: (ctx: Context, x: Dim[]) => Dim): ShapeRule {
  return (ctx) => {
    const x = ctx.shape(0);
    const spatial = x.slice(2);
    if (x.length < 3 || spatial.some((d) => typeof d !== 'number')) throw fail(ctx.node, `needs an input of known spatial size, and gets ${formatShape(x)}`);
    const weight = ctx.node.opType === 'Conv' ? (ctx.shape(1) as number[]) : undefined;
    const axes = windowOf(ctx.node, spatial as number[], weight);
    const y = [x[0]!, outChannels(ctx, x), ...axes.map((a) => a.output)];
    return ctx.node.outputs.map(() => y);
  };
}

const conv = windowed((ctx, x) => {
  const w = ctx.shape(1);
  const group = intAttr(ctx.node, 'group', 1);
  if (w.length !== x.length) throw fail(ctx.node, `has a rank-${w.length} weight for a rank-${x.length} input`);
  if (typeof x[1] === 'number' && x[1] !== (w[1] as number) * group) throw fail(ctx.node, `expects ${(w[1] as number) * group} input channels but gets ${x[1]}`);
  if (ctx.node.inputs[2] && ctx.shape(2)[0] !== w[0]) throw fail(ctx.node, `has a bias that does not match its ${w[0]} output channels`);
  return w[0]!;
});

const pool = windowed((_ctx, x) => x[1]!);

const gemm: ShapeRule = ({ node, shape }) => {
  const a = shape(0);
  const b = shape(1);
  if (a.length !== 2 || b.length !== 2) throw fail(node, `needs matrices, and gets ${formatShape(a)} and ${formatShape(b)}`);
  const [m, ka] = intAttr(node, 'transA', 0) ? [a[1]!, a[0]!] : [a[0]!, a[1]!];
  const [kb, n] = intAttr(node, 'transB', 0) ? [b[1]!, b[0]!] : [b[0]!, b[1]!];
  if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) throw fail(node, `multiplies ${formatShape(a)} by ${formatShape(b)}, whose inner sizes ${ka} and ${kb} differ`);
  return [[m, n]];
};

/** numpy.matmul: 1-D operands are promoted and the added axis removed; batch axes broadcast. */
const matmul: ShapeRule = ({ node, shape }) => {
  const a = shape(0).length === 1 ? [1, ...shape(0)] : shape(0);
  const b = shape(1).length === 1 ? [...shape(1), 1] : shape(1);
  const ka = a.at(-1)!;
  const kb = b.at(-2)!;
  if (typeof ka === 'number' && typeof kb === 'number' && ka !== kb) throw fail(node, `multiplies ${formatShape(a)} by ${formatShape(b)}, whose inner sizes ${ka} and ${kb} differ`);
  const batch = broadcastShapes(a.slice(0, -2), b.slice(0, -2));
  if (batch === null) throw fail(node, `cannot broadcast ${formatShape(a)} with ${formatShape(b)}`);
  const out = [...batch, a.at(-2)!, b.at(-1)!];
  if (shape(0).length === 1) out.splice(-2, 1);
  if (shape(1).length === 1) out.splice(-1, 1);
  return [out];
};

const broadcasting: ShapeRule = ({ node, shape }) => {
  const out = broadcastShapes(shape(0), shape(1));
  if (out === null) throw fail(node, `cannot broadcast ${formatShape(shape(0))} with ${formatShape(shape(1))}`);
  return [out];
};

/** ONNX Flatten: [prod(d_0 … d_axis−1), prod(d_axis … d_n)]. */
const flatten: ShapeRule = ({ node, shape }) => {
  const x = shape(0);
  const axis = intAttr(node, 'axis', 1);
  const a = axis < 0 ? axis + x.length : axis;
  if (a < 0 || a > x.length) throw fail(node, `uses axis ${axis} on a rank-${x.length} tensor`);
  return [[dimProduct(x.slice(0, a)), dimProduct(x.slice(a))]];
};

/** ONNX Reshape: 0 copies the input's dim (unless allowzero), −1 takes what is left. */
const reshape: ShapeRule = ({ node, shape, value }) => {
  const x = shape(0);
  const target = value(1);
  if (target === undefined) throw fail(node, 'computes its target shape from values only known at run time, which the explanation compiler cannot fold');
  const allowZero = intAttr(node, 'allowzero', 0) === 1;
  const out = target.map((d, k) => (d === 0 && !allowZero ? x[k]! : d));
  const free = out.indexOf(-1);
  if (free >= 0) {
    const known = dimProduct(out.filter((_, k) => k !== free));
    const rest = dimQuotient(dimProduct(x), known);
    if (rest === null) throw fail(node, `cannot reshape ${formatShape(x)} to ${formatShape(target)}`);
    out[free] = rest;
  } else if (dimProduct(out) !== dimProduct(x)) throw fail(node, `cannot reshape ${formatShape(x)} to ${formatShape(target)}`);
  return [out];
};

const transpose: ShapeRule = ({ node, shape }) => {
  const x = shape(0);
  const perm = intsAttr(node, 'perm', x.map((_, k) => x.length - 1 - k));
  if (perm.length !== x.length || [...perm].sort().some((p, k) => p !== k)) throw fail(node, `has perm [${perm.join(', ')}], which is not a permutation of the axes of ${formatShape(x)}`);
  return [perm.map((p) => x[p]!)];
};

const globalAveragePool: ShapeRule = ({ shape }) => {
  const x = shape(0);
  return [[x[0]!, x[1]!, ...x.slice(2).map(() => 1)]];
};

// Shape computations: shapes, plus the contents where they are known.

const shapeOf: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  // Opset 15 added start/end, sliced like Python.
  const start = intAttr(ctx.node, 'start', 0);
  const end = intAttr(ctx.node, 'end', x.length);
  const v = x.slice(start, end);
  ctx.setValue(0, v);
  return [[v.length]];
};

const gather: ShapeRule = (ctx) => {
  const data = ctx.shape(0);
  const indices = ctx.shape(1);
  const axis = normalizeAxis(ctx.node, intAttr(ctx.node, 'axis', 0), data.length);
  const d = ctx.value(0);
  const i = ctx.value(1);
  if (d !== undefined && i !== undefined && data.length === 1) ctx.setValue(0, i.map((k) => d[(k as number) < 0 ? (k as number) + d.length : (k as number)]!));
  return [[...data.slice(0, axis), ...indices, ...data.slice(axis + 1)]];
};

/** Unsqueeze/Squeeze axes: an attribute before opset 13, an input since. */
function axesOf(ctx: Context): number[] | undefined {
  return ctx.opset < 13 ? intsAttr(ctx.node, 'axes') : (ctx.value(1) as number[] | undefined);
}

const unsqueeze: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  const axes = axesOf(ctx);
  if (axes === undefined) throw fail(ctx.node, 'has no constant axes');
  const rank = x.length + axes.length;
  const at = new Set(axes.map((a) => normalizeAxis(ctx.node, a, rank)));
  const out: Dim[] = [];
  let k = 0;
  for (let r = 0; r < rank; r++) out.push(at.has(r) ? 1 : x[k++]!);
  const v = ctx.value(0);
  if (v !== undefined) ctx.setValue(0, v);
  return [out];
};

const squeeze: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  const axes = axesOf(ctx)?.map((a) => normalizeAxis(ctx.node, a, x.length));
  const out = x.filter((d, k) => (axes === undefined ? d !== 1 : !axes.includes(k)));
  const v = ctx.value(0);
  if (v !== undefined) ctx.setValue(0, v);
  return [out];
};

const concat: ShapeRule = (ctx) => {
  const inputs = ctx.node.inputs.map((_, k) => ctx.shape(k));
  const axis = normalizeAxis(ctx.node, intAttr(ctx.node, 'axis', 0), inputs[0]!.length);
  const sizes = inputs.map((s) => s[axis]);
  if (sizes.some((d) => typeof d !== 'number')) throw fail(ctx.node, 'concatenates along an axis of unknown size');
  const out = [...inputs[0]!];
  out[axis] = (sizes as number[]).reduce((a, b) => a + b, 0);
  const values = ctx.node.inputs.map((_, k) => ctx.value(k));
  if (inputs[0]!.length === 1 && values.every((v) => v !== undefined)) ctx.setValue(0, values.flat() as Dim[]);
  return [out];
};

/** 1-D Slice of known contents: starts/ends/axes/steps are attributes before opset 10, inputs since. */
const slice: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  const v = ctx.value(0);
  const starts = ctx.opset < 10 ? intsAttr(ctx.node, 'starts') : (ctx.value(1) as number[] | undefined);
  const ends = ctx.opset < 10 ? intsAttr(ctx.node, 'ends') : (ctx.value(2) as number[] | undefined);
  const steps = ctx.opset < 10 ? [1] : ((ctx.node.inputs[4] ? ctx.value(4) : [1]) as number[] | undefined);
  if (x.length !== 1 || v === undefined || starts === undefined || ends === undefined || steps?.[0] !== 1) throw fail(ctx.node, 'slices something other than a known 1-D shape');
  const clamp = (k: number) => Math.min(Math.max(k < 0 ? k + v.length : k, 0), v.length);
  const out = v.slice(clamp(starts[0]!), clamp(ends[0]!));
  ctx.setValue(0, out);
  return [[out.length]];
};

const cast: ShapeRule = (ctx) => {
  const v = ctx.value(0);
  if (v !== undefined) ctx.setValue(0, v);
  return [ctx.shape(0)];
};

const rules: Record<string, ShapeRule> = {
  Conv: conv,
  Gemm: gemm,
  MatMul: matmul,
  Add: broadcasting,
  Relu: same,
  LeakyRelu: same,
  Clip: same,
  Sigmoid: same,
  Tanh: same,
  MaxPool: pool,
  AveragePool: pool,
  GlobalAveragePool: globalAveragePool,
  Flatten: flatten,
  Reshape: reshape,
  Transpose: transpose,
  BatchNormalization: same,
  Dropout: same,
  Identity: same,
  Softmax: same,
  LogSoftmax: same,
  Shape: shapeOf,
  Gather: gather,
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Concat: concat,
  Slice: slice,
  Cast: cast,
};

/** Small integer initializers (shapes, axes, indices) are known values. */
const KNOWN_VALUE_LIMIT = 64;

/**
 * Every value's shape given the image input's shape (or one shape per input name). Refuses
 * unsupported ops first, naming them; a shape that cannot work is one sentence naming the node.
 */
export function inferShapes(ir: IrModel, inputShape: readonly Dim[] | Readonly<Record<string, readonly Dim[]>>): ShapeInfo {
  requireSupportedOps(ir);
  const shapes = new Map<string, Dim[]>();
  const values = new Map<string, Dim[]>();
  for (const input of ir.inputs) {
    const given = Array.isArray(inputShape) ? (ir.inputs.length === 1 ? inputShape : undefined) : (inputShape as Record<string, readonly Dim[]>)[input.name];
    const shape = given ?? input.shape;
    if (shape === null || shape === undefined) throw invalidModel(`The ONNX model's input ${input.name} has no declared shape, so one must be given.`);
    shapes.set(input.name, [...shape]);
  }
  for (const [name, t] of ir.initializers) {
    shapes.set(name, [...t.dims]);
    if (t.type === 'int64' && t.data.length <= KNOWN_VALUE_LIMIT) values.set(name, Array.from(t.data, Number));
  }
  for (const node of ir.nodes) {
    const ctx: Context = {
      node,
      opset: ir.opset,
      shape: (k) => {
        const s = shapes.get(node.inputs[k] ?? '');
        if (s === undefined) throw fail(node, `is missing its input ${k + 1}`);
        return s;
      },
      value: (k) => values.get(node.inputs[k] ?? ''),
      setValue: (k, v) => values.set(node.outputs[k]!, v),
    };
    const out = rules[node.opType]!(ctx);
    node.outputs.forEach((name, k) => name !== '' && out[k] !== undefined && shapes.set(name, out[k]));
  }
  return { shapes, values };
}

// Backward steps of the linear layers: Conv, Gemm and MatMul. Each builds a LinearLayer (its
// forward and its transpose for any weights) and hands it to the rules' linear rule, so LRP can
// later evaluate the layer with modified parameters without a branch here.
import { describeNode, intAttr, floatAttr, invalidModel, type IrNode } from '../ir.js';
import { writableAttributes } from '../model-writer.js';
import { windowOf } from '../window.js';
import { transposedConv } from './conv-transpose.js';
import type { BackwardContext, BackwardEntry, LinearLayer } from './types.js';

export const unsupportedUse = (node: IrNode, why: string) => invalidModel(`The ${describeNode(node)} ${why}, which the explanation compiler does not support.`);

/** The layer's constant weight (and bias), or an error: weights computed at run time are not layers. */
function parameters(ctx: BackwardContext, weightInput: string, biasInput: string | undefined): Pick<LinearLayer, 'weight' | 'bias'> {
  const w = ctx.initializer(weightInput);
  if (w?.type !== 'float32') throw unsupportedUse(ctx.node, 'computes its weights at run time');
  const b = biasInput ? ctx.initializer(biasInput) : undefined;
  if (biasInput && b?.type !== 'float32') throw unsupportedUse(ctx.node, 'computes its bias at run time');
  return {
    weight: { name: ctx.value(weightInput), data: w.data, dims: w.dims },
    bias: b?.type === 'float32' ? { name: ctx.value(biasInput!), data: b.data, dims: b.dims } : null,
  };
}

/** The parts every linear layer shares; `batchAxis` is the input's batch axis (1 for a Gemm with transA). */
function layerBase(ctx: BackwardContext, kind: LinearLayer['kind'], batchAxis = 0, output = ctx.node.outputs[0]!) {
  const { node, graph } = ctx;
  const x = node.inputs[0]!;
  return {
    kind,
    node,
    graph,
    ...ctx.linearIndex,
    input: ctx.value(x),
    output: ctx.value(output),
    inputNonNegative: ctx.nonNegative(x),
    sampleShape: () =>
      ctx.shape(x).map((d, k) => {
        if (k === batchAxis) return 1;
        if (typeof d !== 'number') throw unsupportedUse(node, `reads an input whose dimension ${k} (${d}) is not fixed`);
        return d;
      }),
    constant: ctx.constant,
    scalar: ctx.scalar,
  };
}

/**
 * The bias of a MatMul written as a following Add of a constant [K] or [1, K] (as tf2onnx does),
 * when that Add is the MatMul's only reader: the layer then owns it, so every rule treats it as
 * the layer's bias (a Gemm's C) and the Add passes the signal through unchanged, as it does.
 */
function trailingBias(ctx: BackwardContext): { bias: string; output: string } | null {
  const out = ctx.node.outputs[0]!;
  const readers = ctx.readers(out);
  if (readers.length !== 1 || readers[0]!.opType !== 'Add') return null;
  const add = readers[0]!;
  const bias = add.inputs.find((i) => i !== out);
  const t = bias === undefined ? undefined : ctx.initializer(bias);
  const width = ctx.shape(out).at(-1);
  if (t?.type !== 'float32' || t.data.length !== width || t.dims.some((d, k) => k < t.dims.length - 1 && d !== 1) || t.dims.length > 2) return null;
  return { bias: bias!, output: add.outputs[0]! };
}

function requireNoWeightGradient(ctx: BackwardContext, inputs: readonly (string | undefined)[]): void {
  for (const name of inputs) if (name && ctx.needsGradient(name)) throw unsupportedUse(ctx.node, `computes ${name} from the input it explains`);
}

/** Conv: its transpose is a ConvTranspose with the same weights, or an equivalent Conv (conv-transpose.ts). */
const conv: BackwardEntry = {
  backward(ctx, [gradient]) {
    const { node, graph } = ctx;
    const [x, w, b] = node.inputs;
    if (!gradient || !ctx.needsGradient(x!)) return [null, null, null];
    requireNoWeightGradient(ctx, [w, b]);
    const params = parameters(ctx, w!, b);
    const axes = windowOf(node, ctx.shape(x!).slice(2) as number[], params.weight.dims);
    const group = intAttr(node, 'group', 1);
    const layer: LinearLayer = {
      ...layerBase(ctx, 'conv'),
      ...params,
      forward: (input, weight, bias) => graph.op('Conv', bias ? [input, weight, bias] : [input, weight], writableAttributes(node)),
      backward: (signal, weight, copies = 1) => {
        const [m, ...rest] = params.weight.dims;
        return transposedConv(ctx, signal, weight, [copies * m!, ...rest], axes, group);
      },
      // Stacked output channels would cross the groups of a grouped Conv.
      stacking: group === 1 ? { weightAxis: 0, outputAxis: 1 } : null,
    };
    return [ctx.rules.linear(layer)(layer, gradient), null, null];
  },
};

/**
 * ONNX Gemm: Y = α·A′·B′ + β·C with A′ = Aᵀ if transA, B′ = Bᵀ if transB. So dA′ = α·g·B′ᵀ, which
 * is one Gemm with transB flipped; with transA, dA = (dA′)ᵀ = α·B′·gᵀ.
 */
const gemm: BackwardEntry = {
  backward(ctx, [gradient]) {
    const { node, graph } = ctx;
    const [a, bMatrix, c] = node.inputs;
    if (!gradient || !ctx.needsGradient(a!)) return [null, null, null];
    requireNoWeightGradient(ctx, [bMatrix, c]);
    const alpha = floatAttr(node, 'alpha', 1);
    const transA = intAttr(node, 'transA', 0);
    const transB = intAttr(node, 'transB', 0);
    const attrs = (extra: Record<string, number>) => ({
      alpha: { kind: 'float' as const, value: alpha },
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, { kind: 'int' as const, value: v }])),
    });
    const backward = (signal: string, weight: string) =>
      transA === 0 ? graph.op('Gemm', [signal, weight], attrs({ transB: 1 - transB })) : graph.op('Gemm', [weight, signal], attrs({ transA: transB, transB: 1 }));
    if (ctx.initializer(bMatrix!) === undefined) return [backward(gradient, ctx.value(bMatrix!)), null, null];
    const layer: LinearLayer = {
      ...layerBase(ctx, 'dense', transA),
      ...parameters(ctx, bMatrix!, c || undefined),
      forward: (input, weight, bias) => graph.op('Gemm', bias ? [input, weight, bias] : [input, weight], writableAttributes(node)),
      backward,
      stacking: { weightAxis: transB === 1 ? 0 : 1, outputAxis: 1 },
    };
    return [ctx.rules.linear(layer)(layer, gradient), null, null];
  },
};

/**
 * numpy.matmul Y = A·B: dA = g·Bᵀ, dB = Aᵀ·g. A layer when B is a constant matrix (then any rank
 * of A); otherwise both operands must be matrices.
 */
const matmul: BackwardEntry = {
  backward(ctx, [gradient]) {
    const { node, graph } = ctx;
    const [a, b] = node.inputs as [string, string];
    if (!gradient) return [null, null];
    const weight = ctx.initializer(b);
    if (weight?.type === 'float32' && weight.dims.length === 2) {
      if (!ctx.needsGradient(a)) return [null, null];
      const rank = ctx.shape(a).length;
      const bias = trailingBias(ctx);
      const layer: LinearLayer = {
        ...layerBase(ctx, 'dense', 0, bias?.output),
        ...parameters(ctx, b, bias?.bias),
        forward: (input, w, bias) => {
          const z = graph.op('MatMul', [input, w]);
          return bias ? graph.op('Add', [z, bias]) : z;
        },
        backward: (signal, w) =>
          rank === 2 ? graph.op('Gemm', [signal, w], { transB: { kind: 'int', value: 1 } }) : graph.op('MatMul', [signal, graph.op('Transpose', [w], { perm: { kind: 'ints', value: [1, 0] } })]),
        stacking: { weightAxis: 1, outputAxis: rank - 1 },
      };
      return [ctx.rules.linear(layer)(layer, gradient), null];
    }
    if (ctx.shape(a).length !== 2 || ctx.shape(b).length !== 2) throw unsupportedUse(node, 'multiplies two computed tensors that are not matrices');
    const int = (value: number) => ({ kind: 'int' as const, value });
    return [
      ctx.needsGradient(a) ? graph.op('Gemm', [gradient, ctx.value(b)], { transB: int(1) }) : null,
      ctx.needsGradient(b) ? graph.op('Gemm', [ctx.value(a), gradient], { transA: int(1) }) : null,
    ];
  },
};

export const linearEntries: Record<string, BackwardEntry> = { Conv: conv, Gemm: gemm, MatMul: matmul };

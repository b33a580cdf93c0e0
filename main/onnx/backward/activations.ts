// Backward steps of the elementwise activations. Rectifiers (Relu, LeakyRelu, Clip) go through
// the rules' rectifier rule with their own derivative as a mask built from the forward input
// (Greater/Less/And → Where); Sigmoid and Tanh use their derivative written with the forward
// output unless the rules' smooth rule replaces it (LRP passes relevance); Softmax and LogSoftmax use their Jacobian-vector products along their axis.
import { describeNode, floatAttr, intAttr, invalidModel } from '../ir.js';
import type { BackwardContext, BackwardEntry, RectifierStep } from './types.js';

type Derivative = (ctx: BackwardContext, signal: string) => string;

function rectifier(derivative: Derivative): BackwardEntry {
  return {
    backward(ctx, [gradient]) {
      if (!gradient || !ctx.needsGradient(ctx.node.inputs[0]!)) return ctx.node.inputs.map(() => null);
      const step: RectifierStep = {
        graph: ctx.graph,
        gradient,
        input: ctx.value(ctx.node.inputs[0]!),
        output: ctx.value(ctx.node.outputs[0]!),
        derivative: (signal) => derivative(ctx, signal),
      };
      return [ctx.rules.rectifier(step), ...ctx.node.inputs.slice(1).map(() => null)];
    },
  };
}

/** Relu′(x) = 1 where x > 0, else 0; multiplying by the mask as float is faster in ORT than Where. */
const relu = rectifier((ctx, signal) => {
  const active = ctx.graph.op('Greater', [ctx.value(ctx.node.inputs[0]!), ctx.scalar(0)]);
  return ctx.graph.op('Mul', [signal, ctx.graph.op('Cast', [active], { to: { kind: 'int', value: 1 } })]);
});

/** LeakyRelu′(x) = 1 where x > 0, else alpha (ONNX LeakyRelu, alpha default 0.01). */
const leakyRelu = rectifier((ctx, signal) => {
  const alpha = floatAttr(ctx.node, 'alpha', 0.01);
  const active = ctx.graph.op('Greater', [ctx.value(ctx.node.inputs[0]!), ctx.scalar(0)]);
  return ctx.graph.op('Where', [active, signal, ctx.graph.op('Mul', [signal, ctx.scalar(alpha)])]);
});

/** The constant bound of a Clip (opset 11+: optional inputs min and max), or null when absent. */
function clipBound(ctx: BackwardContext, index: 1 | 2): string | null {
  const name = ctx.node.inputs[index];
  if (!name) return null;
  const t = ctx.initializer(name);
  if (t?.type !== 'float32' || t.data.length !== 1) throw invalidModel(`The ${describeNode(ctx.node)} computes its bounds at run time, which the explanation compiler does not support.`);
  return ctx.value(name);
}

/** Clip′(x) = 1 strictly between min and max, else 0 (as PyTorch's hardtanh/ReLU6 backward). */
const clip = rectifier((ctx, signal) => {
  const x = ctx.value(ctx.node.inputs[0]!);
  const min = clipBound(ctx, 1);
  const max = clipBound(ctx, 2);
  const above = min === null ? null : ctx.graph.op('Greater', [x, min]);
  const below = max === null ? null : ctx.graph.op('Less', [x, max]);
  const inside = above && below ? ctx.graph.op('And', [above, below]) : (above ?? below);
  return inside === null ? signal : ctx.graph.op('Where', [inside, signal, ctx.scalar(0)]);
});

function smooth(derivative: Derivative): BackwardEntry {
  return {
    backward(ctx, [gradient]) {
      return [gradient && ctx.needsGradient(ctx.node.inputs[0]!) ? derivative(ctx, gradient) : null];
    },
  };
}

/** Sigmoid and Tanh: their derivative, unless the rules cross them otherwise (LRP passes relevance, as Zennit's Activation). */
function activation(derivative: Derivative): BackwardEntry {
  const plain = smooth(derivative);
  return {
    backward(ctx, outputGradients) {
      const [gradient] = outputGradients;
      if (!ctx.rules.smooth || !gradient || !ctx.needsGradient(ctx.node.inputs[0]!)) return plain.backward(ctx, outputGradients);
      const step: RectifierStep = { graph: ctx.graph, gradient, input: ctx.value(ctx.node.inputs[0]!), output: ctx.value(ctx.node.outputs[0]!), derivative: (signal) => derivative(ctx, signal) };
      return [ctx.rules.smooth(step)];
    },
  };
}

/** σ′ = y·(1 − y). */
const sigmoidDerivative: Derivative = (ctx, g) => {
  const y = ctx.value(ctx.node.outputs[0]!);
  return ctx.graph.op('Mul', [g, ctx.graph.op('Mul', [y, ctx.graph.op('Sub', [ctx.scalar(1), y])])]);
};

/** tanh′ = 1 − y². */
const tanhDerivative: Derivative = (ctx, g) => {
  const y = ctx.value(ctx.node.outputs[0]!);
  return ctx.graph.op('Mul', [g, ctx.graph.op('Sub', [ctx.scalar(1), ctx.graph.op('Mul', [y, y])])]);
};

/** Sum along the op's axis, kept for broadcasting (ReduceSum, axes as an input since opset 13). */
function sumAlongAxis(ctx: BackwardContext, value: string): string {
  const axis = intAttr(ctx.node, 'axis', -1);
  return ctx.graph.op('ReduceSum', [value, ctx.int64s([axis], 'axis')], { keepdims: { kind: 'int', value: 1 } });
}

/** Softmax: dx = y·(g − Σ g·y). */
const softmax = smooth((ctx, g) => {
  const y = ctx.value(ctx.node.outputs[0]!);
  const dot = sumAlongAxis(ctx, ctx.graph.op('Mul', [g, y]));
  return ctx.graph.op('Mul', [y, ctx.graph.op('Sub', [g, dot])]);
});

/** LogSoftmax: dx = g − exp(y)·Σ g. */
const logSoftmax = smooth((ctx, g) => {
  const y = ctx.value(ctx.node.outputs[0]!);
  return ctx.graph.op('Sub', [g, ctx.graph.op('Mul', [ctx.graph.op('Exp', [y]), sumAlongAxis(ctx, g)])]);
});

export const activationEntries: Record<string, BackwardEntry> = {
  Relu: relu,
  LeakyRelu: leakyRelu,
  Clip: clip,
  Sigmoid: activation(sigmoidDerivative),
  Tanh: activation(tanhDerivative),
  Softmax: softmax,
  LogSoftmax: logSoftmax,
};

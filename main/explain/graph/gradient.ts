// Methods that are one backward pass: the gradient (Simonyan, Vedaldi & Zisserman 2013; Baehrens
// et al. 2010), Gradient × Input (Shrikumar et al. 2016), Guided Backprop (Springenberg et al.
// 2015) and Deconvnet (Zeiler & Fergus 2014). The last two are the gradient graph compiled with
// another rectifier rule (onnx/backward/rules.ts).
import { z } from 'zod';
import { deconvnet, guidedBackprop, plainGradient } from '../../onnx/backward/rules.js';
import type { BackwardRules } from '../../onnx/backward/types.js';
import { graphMethod, reductionParam, type GraphInput, type GraphSession } from './method.js';
import { multiplyInto, oneHot, reduceChannels } from './tensors.js';

const reductionOnly = z.object({ reduction: reductionParam });

/** [n, C, H, W] signal of the target logit under the given rules. */
export async function backwardSignal(session: GraphSession, input: GraphInput, rules: BackwardRules): Promise<Float32Array> {
  return (await session.run({ rules }, input.images, input.n, oneHot(input.targets, session.classes))).gradient;
}

const reduce = (values: Float32Array, input: GraphInput, rule: z.output<typeof reductionParam>) => reduceChannels(values, input.n, input.shape[0], input.shape[1] * input.shape[2], rule);

/** ∂f_target/∂x: the seed is the one-hot of the target. */
export const gradientMethod = graphMethod({
  id: 'gradient',
  label: 'Gradient (sensitivity)',
  kind: 'graph',
  params: reductionOnly,
  run: async (session, input, params) => reduce(await backwardSignal(session, input, plainGradient), input, params.reduction),
});

/** x ⊙ ∂f_target/∂x, reduced over channels after the product. */
export const gradientTimesInputMethod = graphMethod({
  id: 'gradient-x-input',
  label: 'Gradient × Input',
  kind: 'graph',
  params: reductionOnly,
  run: async (session, input, params) => reduce(multiplyInto(await backwardSignal(session, input, plainGradient), input.images), input, params.reduction),
});

/** The gradient with ReLU′ and a ReLU on the backward signal at every rectifier. */
export const guidedBackpropMethod = graphMethod({
  id: 'guided-backprop',
  label: 'Guided Backprop',
  kind: 'graph',
  params: reductionOnly,
  run: async (session, input, params) => reduce(await backwardSignal(session, input, guidedBackprop), input, params.reduction),
});

/** The gradient with only a ReLU on the backward signal at every rectifier. */
export const deconvnetMethod = graphMethod({
  id: 'deconvnet',
  label: 'Deconvnet',
  kind: 'graph',
  params: reductionOnly,
  run: async (session, input, params) => reduce(await backwardSignal(session, input, deconvnet), input, params.reduction),
});

// Methods that are one backward pass: the signed gradient (Baehrens et al. 2010; its unsigned
// pooling, sensitivity, is sensitivity.ts), Gradient × Input (Shrikumar et al. 2016), Guided Backprop (Springenberg et al.
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

/**
 * ∂f_target/∂x, signed: the seed is the one-hot of the target. The id `gradient` is kept (runs in
 * the catalogue store it) with its meaning; only its label changed from "Gradient (sensitivity)".
 */
export const gradientMethod = graphMethod({
  id: 'gradient',
  label: 'Gradient (signed)',
  kind: 'graph',
  // The sign says which way a pixel should move to raise the score, not whether it is evidence.
  relevance: 'absolute',
  params: reductionOnly,
  run: async (session, input, params) => reduce(await backwardSignal(session, input, plainGradient), input, params.reduction),
});

/** x ⊙ ∂f_target/∂x, reduced over channels after the product. */
export const gradientTimesInputMethod = graphMethod({
  id: 'gradient-x-input',
  label: 'Gradient × Input',
  kind: 'graph',
  // Each term x_i·∂f/∂x_i is a signed contribution (exact for a linear model, w_i·x_i).
  relevance: 'signed',
  params: reductionOnly,
  run: async (session, input, params) => reduce(multiplyInto(await backwardSignal(session, input, plainGradient), input.images), input, params.reduction),
});

/** The gradient with ReLU′ and a ReLU on the backward signal at every rectifier. */
export const guidedBackpropMethod = graphMethod({
  id: 'guided-backprop',
  label: 'Guided Backprop',
  kind: 'graph',
  // A signed image-space reconstruction (Springenberg et al. 2015); its sign is the input pattern's, not evidence.
  relevance: 'absolute',
  params: reductionOnly,
  run: async (session, input, params) => reduce(await backwardSignal(session, input, guidedBackprop), input, params.reduction),
});

/** The gradient with only a ReLU on the backward signal at every rectifier. */
export const deconvnetMethod = graphMethod({
  id: 'deconvnet',
  label: 'Deconvnet',
  kind: 'graph',
  // A reconstruction of the input pattern (Zeiler & Fergus 2014, §2.1); its sign is not evidence.
  relevance: 'absolute',
  params: reductionOnly,
  run: async (session, input, params) => reduce(await backwardSignal(session, input, deconvnet), input, params.reduction),
});

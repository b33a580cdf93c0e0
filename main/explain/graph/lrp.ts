// Layer-wise Relevance Propagation (Bach et al. 2015; Montavon et al. 2019) as graph methods:
// one backward pass of the explanation graph compiled with a composite's rules
// (onnx/backward/lrp/). The relevance entering at the logits is the target's score (one-hot ⊙
// logits, the Zennit/iNNvestigate convention), so under LRP-0 and ε on a bias-free network the
// heatmap sums to f_target(x). Single-rule methods put their rule on every linear layer.
import { z } from 'zod';
import { epsilonAlpha2Beta1, epsilonAlpha2Beta1Flat, epsilonGammaBox, epsilonPlus, epsilonPlusFlat, innvestigatePreset, lrpRules, uniform, type Composite } from '../../onnx/backward/lrp/composites.js';
import { alphaBetaRule, epsilonRule, gammaRule, zPlusRule } from '../../onnx/backward/lrp/rules.js';
import { graphMethod, reductionParam, type GraphInput, type GraphMethod, type GraphSession } from './method.js';
import { oneHot, reduceChannels } from './tensors.js';

const epsilon = (fallback: number, why: string) =>
  z.number().min(0).max(100).default(fallback).describe(`ε of the ε-rule, z + ε·sign(z) (Bach et al. 2015, eq. 58), 0 to 100; ${why}`);
const zennitEpsilon = epsilon(1e-6, 'default 1e-6 as Zennit (iNNvestigate uses 1e-7); 0 is LRP-0.');
const gamma = z.number().min(0).max(100).default(0.25).describe('γ of the γ-rule, w + γ·w⁺ (Montavon et al. 2019, §10.2.2), 0 to 100; default 0.25 as Zennit; 0 is LRP-0, large γ tends to z⁺.');
const bound = (side: 'low' | 'high') =>
  z
    .array(z.number())
    .min(1)
    .optional()
    .describe(`zᴮ's ${side === 'low' ? 'lowest' : 'highest'} input value per channel (Montavon et al. 2017); default the model's preprocessing range, ${side === 'low' ? '(0 − mean)/std' : '(1 − mean)/std'}.`);

/** The input relevance under a composite, reduced over channels. */
async function relevance(session: GraphSession, input: GraphInput, composite: Composite, reduction: z.output<typeof reductionParam>): Promise<Float32Array> {
  const { gradient } = await session.run({ rules: lrpRules(composite) }, input.images, input.n, oneHot(input.targets, session.classes));
  const [channels, height, width] = input.shape;
  return reduceChannels(gradient, input.n, channels, height * width, reduction);
}

function lrpMethod<P extends z.ZodType<{ reduction: z.output<typeof reductionParam> }>>(id: string, label: string, params: P, composite: (p: z.output<P>, session: GraphSession) => Composite): GraphMethod<P> {
  // Conservation splits f_target into signed relevances: negative is evidence against (Bach et al. 2015).
  return graphMethod({ id, label, kind: 'graph', relevance: 'signed', params, run: (session, input, p) => relevance(session, input, composite(p, session), p.reduction) });
}

export const lrpEpsilonMethod = lrpMethod('lrp-epsilon', 'LRP ε', z.object({ epsilon: zennitEpsilon, reduction: reductionParam }), (p) => uniform(epsilonRule(p.epsilon)));

export const lrpZeroMethod = lrpMethod('lrp-zero', 'LRP-0', z.object({ reduction: reductionParam }), () => uniform(epsilonRule(0)));

export const lrpZPlusMethod = lrpMethod('lrp-z-plus', 'LRP z⁺', z.object({ reduction: reductionParam }), () => uniform(zPlusRule()));

export const lrpAlphaBetaMethod = lrpMethod(
  'lrp-alpha-beta',
  'LRP αβ',
  z
    .object({
      alpha: z.number().min(1).max(10).default(2).describe('α, weight of positive contributions (Bach et al. 2015, eq. 60), 1 to 10; default 2 (α2β1; Zennit AlphaBeta).'),
      beta: z.number().min(0).max(9).default(1).describe('β, weight of negative contributions, 0 to 9, with α − β = 1 for conservation; default 1 (α1β0 is z⁺).'),
      reduction: reductionParam,
    })
    .refine((p) => Math.abs(p.alpha - p.beta - 1) < 1e-9, { message: 'α − β must equal 1 (Bach et al. 2015, eq. 60).' }),
  (p) => uniform(alphaBetaRule(p.alpha, p.beta)),
);

export const lrpGammaMethod = lrpMethod('lrp-gamma', 'LRP γ', z.object({ gamma, reduction: reductionParam }), (p) => uniform(gammaRule(p.gamma)));

export const lrpEpsilonPlusMethod = lrpMethod('lrp-epsilon-plus', 'LRP EpsilonPlus (z⁺ conv, ε dense)', z.object({ epsilon: zennitEpsilon, reduction: reductionParam }), (p) => epsilonPlus(p.epsilon));

export const lrpEpsilonPlusFlatMethod = lrpMethod('lrp-epsilon-plus-flat', 'LRP EpsilonPlusFlat (flat first, z⁺ conv, ε dense)', z.object({ epsilon: zennitEpsilon, reduction: reductionParam }), (p) => epsilonPlusFlat(p.epsilon));

export const lrpEpsilonGammaBoxMethod = lrpMethod(
  'lrp-epsilon-gamma-box',
  'LRP EpsilonGammaBox (zᴮ first conv, γ conv, ε dense)',
  z.object({ epsilon: zennitEpsilon, gamma, low: bound('low'), high: bound('high'), reduction: reductionParam }),
  (p, session) => epsilonGammaBox(p.epsilon, p.gamma, { low: p.low ?? session.inputBounds.low, high: p.high ?? session.inputBounds.high }),
);

export const lrpEpsilonAlpha2Beta1Method = lrpMethod('lrp-epsilon-alpha2-beta1', 'LRP EpsilonAlpha2Beta1 (α2β1 conv, ε dense)', z.object({ epsilon: zennitEpsilon, reduction: reductionParam }), (p) => epsilonAlpha2Beta1(p.epsilon));

export const lrpEpsilonAlpha2Beta1FlatMethod = lrpMethod(
  'lrp-epsilon-alpha2-beta1-flat',
  'LRP EpsilonAlpha2Beta1Flat (flat first, α2β1 conv, ε dense)',
  z.object({ epsilon: zennitEpsilon, reduction: reductionParam }),
  (p) => epsilonAlpha2Beta1Flat(p.epsilon),
);

const presetParams = z.object({
  epsilon: epsilon(0.1, 'default 0.1 on dense layers as iNNvestigate’s presets A and B.'),
  flat: z.boolean().default(false).describe('Flat rule on the input layer (iNNvestigate’s …Flat presets).'),
  reduction: reductionParam,
});

export const lrpPresetAMethod = lrpMethod('lrp-preset-a', 'LRP preset A (α1β0 conv, ε dense; iNNvestigate)', presetParams, (p) => innvestigatePreset('A', p.epsilon, p.flat));

export const lrpPresetBMethod = lrpMethod('lrp-preset-b', 'LRP preset B (α2β1 conv, ε dense; iNNvestigate)', presetParams, (p) => innvestigatePreset('B', p.epsilon, p.flat));

export const lrpMethods = [
  lrpEpsilonMethod,
  lrpZeroMethod,
  lrpZPlusMethod,
  lrpAlphaBetaMethod,
  lrpGammaMethod,
  lrpEpsilonPlusMethod,
  lrpEpsilonPlusFlatMethod,
  lrpEpsilonGammaBoxMethod,
  lrpEpsilonAlpha2Beta1Method,
  lrpEpsilonAlpha2Beta1FlatMethod,
  lrpPresetAMethod,
  lrpPresetBMethod,
] as const;

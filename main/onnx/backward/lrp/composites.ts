// LRP composites: a map from each linear layer (its kind and place) to a rule, as Zennit's
// `composites.py` (EpsilonPlus, EpsilonPlusFlat, EpsilonGammaBox, EpsilonAlpha2Beta1(Flat)) and
// iNNvestigate's presets A and B. Every composite shares the non-linear part (Zennit's
// LAYER_MAP_BASE): activations pass relevance, residual Adds and average poolings use the Norm
// rule, max pooling keeps winner-takes-all (its plain gradient), and the relevance entering at
// the logits is the target's score (seed ⊙ logits), so Σ R_input ≈ f_target(x) under LRP-0.
import { rectifierRules } from '../rules.js';
import type { BackwardRules, LinearLayer } from '../types.js';
import { proportionalNorm } from './norm.js';
import { linearRule, type LrpRule } from './rule.js';
import { alphaBetaRule, epsilonRule, flatRule, gammaRule, zBoxRule, zPlusRule } from './rules.js';

export type LayerSlot = Pick<LinearLayer, 'kind' | 'index' | 'count'>;

/** Which rule each linear layer gets: a rule per kind, and optionally another for the first layer. */
export interface Composite {
  readonly name: string;
  readonly conv: LrpRule;
  readonly dense: LrpRule;
  /** The first linear layer's rule; `kinds` restricts it (Zennit's EpsilonGammaBox puts zᴮ only on a convolution). */
  readonly first?: { rule: LrpRule; kinds: readonly LayerSlot['kind'][] };
}

export function ruleFor(composite: Composite, layer: LayerSlot): LrpRule {
  const { first } = composite;
  if (first && layer.index === 0 && first.kinds.includes(layer.kind)) return first.rule;
  return layer.kind === 'conv' ? composite.conv : composite.dense;
}

/** The backward rules of a composite; the id lists every rule with its parameters (equal ids ⇔ equal graphs). */
export function lrpRules(composite: Composite): BackwardRules {
  const first = composite.first ? `;first[${composite.first.kinds.join('|')}]=${composite.first.rule.id}` : '';
  return {
    id: `lrp:${composite.name}(conv=${composite.conv.id};dense=${composite.dense.id}${first})`,
    rectifier: rectifierRules.pass,
    smooth: rectifierRules.pass,
    norm: proportionalNorm,
    seedTimesLogits: true,
    linear: (layer) => linearRule(ruleFor(composite, layer)),
  };
}

const ANY: LayerSlot['kind'][] = ['conv', 'dense'];

/** One rule on every linear layer. */
export const uniform = (rule: LrpRule): Composite => ({ name: rule.id, conv: rule, dense: rule });

/** Zennit EpsilonPlus: z⁺ on convolutions, ε on dense layers. */
export const epsilonPlus = (epsilon: number): Composite => ({ name: 'epsilon-plus', conv: zPlusRule(), dense: epsilonRule(epsilon) });

/** Zennit EpsilonPlusFlat: EpsilonPlus with flat on the first linear layer. */
export const epsilonPlusFlat = (epsilon: number): Composite => ({ ...epsilonPlus(epsilon), name: 'epsilon-plus-flat', first: { rule: flatRule(), kinds: ANY } });

/** Zennit EpsilonAlpha2Beta1: α2β1 on convolutions, ε on dense layers. */
export const epsilonAlpha2Beta1 = (epsilon: number): Composite => ({ name: 'epsilon-alpha2-beta1', conv: alphaBetaRule(2, 1), dense: epsilonRule(epsilon) });

/** Zennit EpsilonAlpha2Beta1Flat: with flat on the first linear layer. */
export const epsilonAlpha2Beta1Flat = (epsilon: number): Composite => ({ ...epsilonAlpha2Beta1(epsilon), name: 'epsilon-alpha2-beta1-flat', first: { rule: flatRule(), kinds: ANY } });

/** Zennit EpsilonGammaBox: zᴮ on the first layer when it is a convolution, γ on the others, ε on dense layers. */
export const epsilonGammaBox = (epsilon: number, gamma: number, bounds: { low: readonly number[]; high: readonly number[] }): Composite => ({
  name: 'epsilon-gamma-box',
  conv: gammaRule(gamma),
  dense: epsilonRule(epsilon),
  first: { rule: zBoxRule(bounds.low, bounds.high), kinds: ['conv'] },
});

/** iNNvestigate LRPSequentialPresetA (ε on dense, α1β0 on conv) and B (α2β1 on conv); Flat puts flat on the input layer. */
export const innvestigatePreset = (preset: 'A' | 'B', epsilon: number, flat: boolean): Composite => ({
  name: `preset-${preset.toLowerCase()}${flat ? '-flat' : ''}`,
  conv: preset === 'A' ? alphaBetaRule(1, 0) : alphaBetaRule(2, 1),
  dense: epsilonRule(epsilon),
  ...(flat ? { first: { rule: flatRule(), kinds: ANY } } : {}),
});

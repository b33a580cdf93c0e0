// Rule parameters of the backward pass. The plain gradient uses each op's own derivative;
// guided backprop (Springenberg et al. 2015) and deconvnet (Zeiler & Fergus 2014) differ from it
// only in how the signal crosses a rectifier, which is why that is the one rule they swap.
import type { BackwardRules, LinearRule, RectifierRule } from './types.js';

export const rectifierRules = {
  /** The chain rule: g·f′(x). */
  gradient: (step) => step.derivative(step.gradient),
  /** Guided backprop: only positive signal, and only where the forward unit was active. */
  guided: (step) => step.derivative(step.graph.op('Relu', [step.gradient])),
  /** Deconvnet: a ReLU on the backward signal, whatever the forward input was. */
  deconvnet: (step) => step.graph.op('Relu', [step.gradient]),
  /** Relevance passes through unchanged (LRP treats activations as identities). */
  pass: (step) => step.gradient,
} satisfies Record<string, RectifierRule>;

/** The chain rule through a linear layer: the transpose of the layer with its own weights. */
export const gradientLinearRule: LinearRule = (layer, gradient) => layer.backward(gradient, layer.weight.name);

/** d(seed · logits)/d input. */
export const plainGradient: BackwardRules = {
  id: 'gradient',
  rectifier: rectifierRules.gradient,
  linear: () => gradientLinearRule,
};

export const guidedBackprop: BackwardRules = { ...plainGradient, id: 'guided-backprop', rectifier: rectifierRules.guided };

export const deconvnet: BackwardRules = { ...plainGradient, id: 'deconvnet', rectifier: rectifierRules.deconvnet };

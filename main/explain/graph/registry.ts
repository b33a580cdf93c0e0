// The gradient-family methods by id (CONVENTIONS.md, "One signature for every method").
import { gradCamMethod, guidedGradCamMethod } from './grad-cam.js';
import { deconvnetMethod, gradientMethod, gradientTimesInputMethod, guidedBackpropMethod } from './gradient.js';
import { integratedGradientsMethod } from './integrated-gradients.js';
import { lrpMethods } from './lrp.js';
import { sensitivityMethod } from './sensitivity.js';
import type { GraphMethod } from './method.js';
import { smoothGradMethod } from './smoothgrad.js';

export const graphMethods = [
  sensitivityMethod,
  gradientMethod,
  gradientTimesInputMethod,
  smoothGradMethod,
  integratedGradientsMethod,
  guidedBackpropMethod,
  deconvnetMethod,
  gradCamMethod,
  guidedGradCamMethod,
  ...lrpMethods,
] as const satisfies readonly GraphMethod[];

export type GraphMethodId = (typeof graphMethods)[number]['id'];

export function graphMethodById(id: string): GraphMethod | undefined {
  return (graphMethods as readonly GraphMethod[]).find((m) => m.id === id);
}

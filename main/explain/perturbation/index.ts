// The perturbation (forward-only) methods, in the order the UI lists them.
import { kernelShap } from './kernel-shap.js';
import { lime } from './lime.js';
import { occlusion } from './occlusion.js';
import { randomMap } from './random-map.js';
import { rise } from './rise.js';

export { kernelShap, lime, occlusion, randomMap, rise };
export type { PerturbationMethod, Progress } from './method.js';

export const perturbationMethods = [occlusion, rise, lime, kernelShap, randomMap] as const;
export type PerturbationMethodId = (typeof perturbationMethods)[number]['id'];

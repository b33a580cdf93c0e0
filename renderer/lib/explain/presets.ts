// Named sets of methods for the Explain form. A preset lists only methods the registry has, so a
// set whose methods are all missing is not offered.
import type { ExplainMethodInfo } from '../../../shared/explanations.js';

export interface MethodPreset {
  name: string;
  description: string;
  ids: string[];
}

/** One LRP method for the Samek set: LRP-ε if the registry has it (the paper's ε-rule), else the first LRP method. */
function oneLrp(ids: readonly string[]): string | undefined {
  const lrp = ids.filter((id) => id.startsWith('lrp'));
  return lrp.find((id) => id.includes('epsilon')) ?? lrp[0];
}

const definitions: { name: string; description: string; wants: (id: string, all: readonly string[]) => boolean }[] = [
  {
    name: 'Samek 2015 set',
    description: 'Sensitivity, deconvolution and LRP, the three methods compared by Samek et al. (2015, IEEE TNNLS 2017).',
    wants: (id, all) => id === 'sensitivity' || id === 'deconvnet' || id === oneLrp(all),
  },
  {
    name: 'Gradients',
    description: 'Sensitivity, the signed gradient, Gradient × Input, SmoothGrad and Integrated Gradients.',
    wants: (id) => ['sensitivity', 'gradient', 'gradient-x-input', 'smoothgrad', 'integrated-gradients'].includes(id),
  },
  { name: 'Class activation', description: 'Grad-CAM and Guided Grad-CAM.', wants: (id) => id === 'grad-cam' || id === 'guided-grad-cam' },
  {
    name: 'Perturbation',
    description: 'Forward passes only: occlusion, RISE, LIME and KernelSHAP.',
    wants: (id) => ['occlusion', 'rise', 'lime', 'kernel-shap'].includes(id),
  },
];

export function presetsFor(methods: readonly ExplainMethodInfo[]): MethodPreset[] {
  return definitions
    .map(({ name, description, wants }) => {
      const all = methods.map((m) => m.id);
      return { name, description, ids: all.filter((id) => wants(id, all)) };
    })
    .filter((p) => p.ids.length > 0);
}

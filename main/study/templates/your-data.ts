// Your data: an imported dataset, a model trained on it and a model imported as ONNX, every
// explanation method, and the metrics that need no ground truth. Fill in the paths first.
import type { StudyPlanInput, StudySize, StudyTemplateInfo } from '../../../shared/studies.js';

/** Placeholders the user replaces; a plan that still holds them is refused, naming the field. */
export const yourDataPlaceholders = { images: '/path/to/your/images', model: '/path/to/your/model.onnx' } as const;

/** Every explanation method Heatlab offers, with its defaults (a unit test keeps this list equal to the registry). */
export const everyMethod = [
  'sensitivity',
  'gradient',
  'gradient-x-input',
  'smoothgrad',
  'integrated-gradients',
  'guided-backprop',
  'deconvnet',
  'grad-cam',
  'guided-grad-cam',
  'lrp-epsilon',
  'lrp-zero',
  'lrp-z-plus',
  'lrp-alpha-beta',
  'lrp-gamma',
  'lrp-epsilon-plus',
  'lrp-epsilon-plus-flat',
  'lrp-epsilon-gamma-box',
  'lrp-epsilon-alpha2-beta1',
  'lrp-epsilon-alpha2-beta1-flat',
  'lrp-preset-a',
  'lrp-preset-b',
  'occlusion',
  'rise',
  'lime',
  'kernel-shap',
  'random',
] as const;

const citation = 'Heatlab’s own template; cite the papers of the methods and metrics the study uses.';

const sizes: { [S in StudySize]: { epochs: number; images: number } } = {
  small: { epochs: 5, images: 50 },
  full: { epochs: 30, images: 1000 },
};

function plan(size: StudySize): StudyPlanInput {
  const s = sizes[size];
  return {
    name: `Your data: which method explains your models best? (${size})`,
    question: 'Which attribution method explains my models best on my own images, and is any of them better than a random map?',
    template: { id: 'your-data', size, citation, differences: [] },
    datasets: [
      {
        kind: 'import',
        path: yourDataPlaceholders.images,
        models: [
          { kind: 'train', architecture: { kind: 'preset', preset: 'tiny-cnn' }, training: { epochs: s.epochs, seed: 1, earlyStopping: { patience: 3, restoreBest: true } } },
          { kind: 'onnx', path: yourDataPlaceholders.model },
        ],
      },
    ],
    methods: everyMethod.map((id) => ({ id })),
    images: { split: 'test', pick: 'random', n: s.images, seed: 1 },
    metrics: [{ id: 'region-perturbation' }, { id: 'region-perturbation-lerf' }, { id: 'deletion' }, { id: 'insertion' }, { id: 'sparseness' }],
    seed: 1,
  };
}

export const yourData: StudyTemplateInfo = {
  id: 'your-data',
  label: 'Your data',
  description:
    'An imported folder of images (one sub-folder per class), a CNN trained on it and your own ONNX model, every method, and the metrics that need no ground truth. Replace the two paths; remove the model you do not have; with masks (masksPath) add {"kind": "imported"} to groundTruths and localisation metrics.',
  citation,
  plans: { small: plan('small'), full: plan('full') },
};

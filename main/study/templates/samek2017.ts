// Samek et al. 2017 on Triangles & Squares: do LRP heatmaps explain the network better than
// sensitivity and deconvolution, by region perturbation (MoRF curves and AOPC), and better than a
// random map?
import type { StudyPlanInput, StudySize, StudyTemplateInfo } from '../../../shared/studies.js';

const citation =
  'W. Samek, A. Binder, G. Montavon, S. Lapuschkin, K.-R. Müller, "Evaluating the visualization of what a deep neural network has learned", IEEE Transactions on Neural Networks and Learning Systems 28(11), 2660–2673, 2017.';

const differences = [
  'The paper explained ImageNet-scale CNNs on ILSVRC2012, SUN397 and MIT Places; this study trains LeNet-5 on Triangles & Squares (Ranguelova et al. 2018), whose 32×32 grey images and two classes make it run on a laptop.',
  'The paper removed 9×9-pixel regions of 224-pixel images (L = 100); Heatlab keeps the paper’s proportions on 32-pixel images: 1-pixel regions and 16 % of the image perturbed (L = 165).',
  'Region perturbation uses the paper’s uniform noise here; Heatlab’s own default is ROAD imputation, because uniform noise did not behave as removal on Triangles & Squares (main/evaluate/metrics.md) — the evaluation’s removal check says whether it does for this model.',
  'On one-channel images every norm of the gradient over colour channels is its absolute value, so sensitivity here is |∂f/∂x| whichever norm the paper took.',
  'LRP-ε runs with ε = 0.01 and LRP-αβ with α = 2, β = 1; the paper studies how ε changes the heatmaps, so vary methods[2].params.epsilon to repeat that.',
];

const sizes: { [S in StudySize]: { count: number; epochs: number; images: number } } = {
  small: { count: 2000, epochs: 3, images: 100 },
  full: { count: 100_000, epochs: 10, images: 5000 },
};

function plan(size: StudySize): StudyPlanInput {
  const s = sizes[size];
  return {
    name: `Samek et al. 2017 on Triangles & Squares (${size})`,
    question: 'Does LRP explain what the network has learned better than sensitivity analysis and deconvolution — do its most relevant regions, removed first, lower the class score fastest — and is each method better than a random map?',
    template: { id: 'samek2017', size, citation, differences },
    datasets: [
      {
        kind: 'generate',
        generator: 'triangles-squares',
        params: { count: s.count },
        seed: 1,
        models: [{ kind: 'train', architecture: { kind: 'preset', preset: 'lenet5' }, training: { epochs: s.epochs, seed: 1 } }],
      },
    ],
    methods: [
      { id: 'sensitivity' },
      { id: 'deconvnet' },
      { id: 'lrp-epsilon', params: { epsilon: 0.01 } },
      { id: 'lrp-alpha-beta', params: { alpha: 2, beta: 1 } },
      { id: 'random' },
    ],
    images: { split: 'test', pick: 'random', n: s.images, seed: 1 },
    metrics: [{ id: 'region-perturbation', params: { perturbation: 'uniform' } }],
    seed: 1,
  };
}

export const samek2017: StudyTemplateInfo = {
  id: 'samek2017',
  label: 'Samek et al. 2017: region perturbation',
  description: 'Sensitivity vs deconvnet vs LRP ε and αβ vs a random map, by region perturbation (MoRF curves and AOPC), on Triangles & Squares with LeNet-5.',
  citation,
  plans: { small: plan('small'), full: plan('full') },
};

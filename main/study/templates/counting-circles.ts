// Counting circles: a classifier that must count; do its heatmaps cover every circle it counts?
import type { StudyPlanInput, StudySize, StudyTemplateInfo } from '../../../shared/studies.js';

const citation =
  'The counting task of the NLeSC XAI project that Heatlab grew from (Ranguelova, Pauwels, Berkhout; counting-circles set, foreground_objects_create_dataset.m).';

const differences = [
  'Localisation metrics score binary masks, so the instance masks are joined: the ground truth is every circle together (the object mask), not each circle on its own.',
  'The small size draws 1–3 circles on 32×32 images (radius 2–5 px) so a small CNN learns to count in a few minutes; the full size uses the generator’s defaults (1–5 circles on 64×64).',
];

const sizes: { [S in StudySize]: { params: Record<string, unknown>; epochs: number; images: number } } = {
  small: { params: { count: 3000, size: 32, maxCircles: 3, radiusMin: 2, radiusMax: 5 }, epochs: 10, images: 100 },
  full: { params: { count: 20_000 }, epochs: 20, images: 2000 },
};

function plan(size: StudySize): StudyPlanInput {
  const s = sizes[size];
  return {
    name: `Counting circles: do the heatmaps cover what is counted? (${size})`,
    question: 'When a CNN counts circles, do its heatmaps put their relevance on the circles — all of them — rather than on the background?',
    template: { id: 'counting-circles', size, citation, differences },
    datasets: [
      {
        kind: 'generate',
        generator: 'counting-circles',
        params: s.params,
        seed: 1,
        models: [
          {
            kind: 'train',
            architecture: { kind: 'preset', preset: 'tiny-cnn' },
            training: { epochs: s.epochs, learningRate: 0.003, seed: 1, ...(size === 'full' ? { earlyStopping: { patience: 3, restoreBest: true } } : {}) },
          },
        ],
      },
    ],
    methods: [{ id: 'gradient' }, { id: 'integrated-gradients' }, { id: 'grad-cam' }, { id: 'lrp-epsilon-plus' }, { id: 'occlusion' }, { id: 'random' }],
    images: { split: 'test', pick: 'random', n: s.images, seed: 1 },
    groundTruths: [{ kind: 'generated', mask: 'object' }],
    metrics: [{ id: 'relevance-mass-accuracy' }, { id: 'pointing-game' }, { id: 'energy-pointing-game' }, { id: 'relevance-rank-accuracy' }],
    seed: 1,
  };
}

export const countingCircles: StudyTemplateInfo = {
  id: 'counting-circles',
  label: 'Counting circles',
  description: 'A CNN that counts 1–K circles; gradient, IG, Grad-CAM, LRP and occlusion heatmaps against the circles’ masks.',
  citation,
  plans: { small: plan('small'), full: plan('full') },
};

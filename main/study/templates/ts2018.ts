// The Triangles & Squares study: LeNet-5 on 32×32 rotated shapes and on the 64×64 scale + rotation
// variant; do the LRP heatmaps lie where a human would look — the corners, the edges, the object?
import type { StudyPlanInput, StudySize, StudyTemplateInfo } from '../../../shared/studies.js';

const citation =
  'E. Ranguelova, E. J. Pauwels, J. Berkhout, "Evaluating explanations of convolutional neural network image classifications", IEEE eScience 2018, pp. 377–378.';

const differences = [
  'The 64×64 scale + rotation generator was not published; Heatlab’s is rebuilt from the description (triangles-squares-scaled).',
  'LeNet-5’s last 1×1 convolution gives one score per class only on 32×32 images; on 64×64 the same convolutions end in a dense layer to the classes.',
  'The study looked at the heatmaps; here they are also scored against the corner, edge, object and band ground truths with localisation metrics, each method against a random map.',
  'The study trained on 50k/20k/30k splits of 100,000 images; the small size generates 3,000 images per dataset and trains for a few epochs.',
];

const sizes: { [S in StudySize]: { count: number; epochs: number; images: number } } = {
  small: { count: 3000, epochs: 6, images: 100 },
  full: { count: 100_000, epochs: 10, images: 5000 },
};

function plan(size: StudySize): StudyPlanInput {
  const s = sizes[size];
  const training = { epochs: s.epochs, seed: 1 };
  return {
    name: `Triangles & Squares: LRP against corners, edges and objects (${size})`,
    question: 'Does LeNet-5 look where a human would — at the corners, the edges or the whole shape — on rotated shapes, and on shapes that also vary in size?',
    template: { id: 'ts2018', size, citation, differences },
    datasets: [
      {
        kind: 'generate',
        generator: 'triangles-squares',
        params: { count: s.count },
        seed: 1,
        models: [{ kind: 'train', architecture: { kind: 'preset', preset: 'lenet5' }, training }],
      },
      {
        kind: 'generate',
        generator: 'triangles-squares-scaled',
        params: { count: s.count },
        seed: 1,
        models: [
          {
            kind: 'train',
            architecture: {
              kind: 'custom',
              layers: [
                { type: 'conv2d', filters: 10, kernel: 5, padding: 'valid' },
                { type: 'maxpool', size: 2 },
                { type: 'conv2d', filters: 25, kernel: 5, padding: 'valid' },
                { type: 'maxpool', size: 2 },
                { type: 'conv2d', filters: 100, kernel: 4, padding: 'valid' },
                { type: 'maxpool', size: 2 },
                { type: 'flatten' },
              ],
            },
            training,
          },
        ],
      },
    ],
    methods: [{ id: 'lrp-epsilon', params: { epsilon: 0.01 } }, { id: 'lrp-alpha-beta' }, { id: 'lrp-z-plus' }, { id: 'random' }],
    images: { split: 'test', pick: 'random', n: s.images, seed: 1 },
    groundTruths: [
      { kind: 'generated', mask: 'corners' },
      { kind: 'generated', mask: 'edges' },
      { kind: 'generated', mask: 'object' },
      { kind: 'generated', mask: 'band' },
    ],
    metrics: [{ id: 'relevance-mass-accuracy' }, { id: 'relevance-rank-accuracy' }, { id: 'pointing-game' }],
    seed: 1,
  };
}

export const ts2018: StudyTemplateInfo = {
  id: 'ts2018',
  label: 'Triangles & Squares (Ranguelova et al. 2018)',
  description: 'LeNet-5 on 32×32 rotated shapes and the 64×64 scale + rotation variant; LRP heatmaps against the corner, edge, object and band ground truths.',
  citation,
  plans: { small: plan('small'), full: plan('full') },
};

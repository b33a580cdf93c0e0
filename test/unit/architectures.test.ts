import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { layersFor, planModel } from '../../shared/architectures.js';
import type { Architecture, LayerSpec } from '../../shared/models.js';
import { buildModel, summarize } from '../../main/train/architectures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const architectures: Architecture[] = [
  ...(['tiny-cnn', 'lenet5', 'mlp', 'vgg-small'] as const).flatMap((preset) => [
    { kind: 'preset' as const, preset, batchNorm: false, dropout: 0 },
    { kind: 'preset' as const, preset, batchNorm: true, dropout: 0.3 },
  ]),
  {
    kind: 'custom',
    layers: [
      { type: 'conv2d', filters: 6, kernel: 5, stride: 2, padding: 'same', activation: 'leaky-relu' },
      { type: 'avgpool', size: 2 },
      { type: 'batchnorm' },
      { type: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 'valid', activation: 'relu' },
      { type: 'global-avgpool' },
      { type: 'dense', units: 7, activation: 'relu' },
    ] satisfies LayerSpec[],
  },
];

describe('the shared architecture arithmetic', () => {
  it('predicts the output shapes and parameter counts tfjs builds, for every preset and a custom list', () => {
    for (const input of [
      { height: 32, width: 32, channels: 1 },
      { height: 37, width: 33, channels: 3 },
    ]) {
      for (const architecture of architectures) {
        const layers = layersFor(architecture, 5);
        const plan = planModel(layers, input);
        const model = buildModel(tf, layers, input, 1);
        expect(plan.problem).toBeNull();
        expect(plan.layers).toEqual(summarize(model));
        expect(plan.parameters).toBe(model.countParams());
        model.dispose();
      }
    }
  });

  it('names the first layer that cannot be built, as main refuses it', () => {
    const plan = planModel([{ type: 'flatten' }, { type: 'conv2d', filters: 2, kernel: 3, stride: 1, padding: 'same', activation: 'relu' }], { height: 8, width: 8, channels: 1 });
    expect(plan.problem).toBe('Layer 2 (conv2d) needs an image-shaped input, but the layers before it already flattened it.');
    expect(plan.problemAt).toBe(1);
  });
});

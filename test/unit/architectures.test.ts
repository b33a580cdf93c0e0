import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { layersFor, planArchitecture, planModel } from '../../shared/architectures.js';
import { HeatlabError } from '../../shared/errors.js';
import type { Architecture, LayerSpec } from '../../shared/models.js';
import { buildModel, checkArchitecture, summarize } from '../../main/train/architectures.js';
import { Random } from '../../main/numeric/random.js';

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

  it('ends LeNet-5 in one score per class on 32×32 and larger images, as planned and as tfjs builds and runs it', () => {
    // (Training it on 64×64 images through the real job: test/integration/training.test.ts.)
    for (const batchNorm of [false, true])
      for (const [height, width, classes] of [
        [32, 32, 2],
        [64, 64, 2],
        [64, 64, 3],
        [45, 38, 4],
      ] as const) {
        const architecture: Architecture = { kind: 'preset', preset: 'lenet5', batchNorm, dropout: 0 };
        const input = { height, width, channels: 1 };
        const plan = planArchitecture(architecture, classes, input);
        expect(plan.problem).toBeNull();
        expect(plan.layers.at(-1)?.outputShape).toEqual([classes]);
        const model = buildModel(tf, layersFor(architecture, classes), input, 1);
        const images = tf.tensor4d(new Random(height).fill(new Float32Array(2 * height * width), 0, 1) as Float32Array, [2, height, width, 1]);
        const scores = model.predict(images) as tf.Tensor;
        expect(scores.shape).toEqual([2, classes]);
        tf.dispose([images, scores]);
        model.dispose();
      }
  });

  it('refuses a preset on images smaller than it needs with one sentence giving the size, in the plan and in main', () => {
    const lenet: Architecture = { kind: 'preset', preset: 'lenet5', batchNorm: false, dropout: 0 };
    const sentence = 'These 28×28 images are too small for LeNet-5 (Triangles & Squares study), which needs at least 32×32 pixels; choose another architecture or a custom layer list.';
    expect(planArchitecture(lenet, 10, { height: 28, width: 28, channels: 1 }).problem).toBe(sentence);
    const refusal = (() => {
      try {
        checkArchitecture(lenet, 10, { height: 28, width: 28, channels: 1 });
      } catch (err) {
        return err;
      }
    })();
    expect(refusal).toBeInstanceOf(HeatlabError);
    expect(refusal).toMatchObject({ code: 'invalid_request', message: sentence });
    // 31 is one pixel short in one direction; 32×32 is the smallest LeNet-5 takes.
    expect(planArchitecture(lenet, 2, { height: 64, width: 31, channels: 1 }).problem).toMatch(/^These 64×31 images are too small for LeNet-5 .* at least 32×32 pixels;/);
    expect(planArchitecture(lenet, 2, { height: 32, width: 32, channels: 1 }).problem).toBeNull();
    // A custom list keeps naming its own layer, which the user can change.
    const custom: Architecture = { kind: 'custom', layers: [{ type: 'conv2d', filters: 2, kernel: 9, stride: 1, padding: 'valid', activation: 'relu' }] };
    expect(planArchitecture(custom, 2, { height: 8, width: 8, channels: 1 }).problem).toMatch(/^Layer 1 \(conv2d\) would shrink the 8×8 input to nothing/);
  });

  it('names the first layer that cannot be built, as main refuses it', () => {
    const plan = planModel([{ type: 'flatten' }, { type: 'conv2d', filters: 2, kernel: 3, stride: 1, padding: 'same', activation: 'relu' }], { height: 8, width: 8, channels: 1 });
    expect(plan.problem).toBe('Layer 2 (conv2d) needs an image-shaped input, but the layers before it already flattened it.');
    expect(plan.problemAt).toBe(1);
  });
});

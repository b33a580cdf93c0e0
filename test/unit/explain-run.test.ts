// The pieces of an explanation run that are pure functions: image selection, targets, heatmap
// statistics, the method registry's schemas and parameter checks, and a forward pass on a model
// whose batch dimension is fixed.
import { describe, expect, it } from 'vitest';
import { HeatlabError } from '../../shared/errors.js';
import { imageSelectionSchema } from '../../shared/explanations.js';
import { ortForward } from '../../main/explain/forward.js';
import { explainMethods, methodInfo, resolveMethod } from '../../main/explain/methods.js';
import { inputBounds } from '../../main/explain/run/explain-job.js';
import { HeatmapStatsAccumulator } from '../../main/explain/run/heatmap-stats.js';
import { candidateImages, keptByPrediction, pickImages, selectImages } from '../../main/explain/run/selection.js';
import { targetsFor } from '../../main/explain/run/targets.js';
import { GraphBuilder } from '../../main/onnx/graph-builder.js';
import { loadOrt } from '../../main/onnx/runtime.js';

// splits: train 0, validation 1, test 2; classes a 0, b 1
const splits = Uint8Array.from([0, 2, 1, 2, 0, 2, 2, 0]);
const labels = Int32Array.from([0, 1, 0, 0, 1, 1, 0, 1]);
const toy = { name: 'toy', splits, labels, classNames: ['a', 'b'] };
const select = (s: object) => selectImages(toy, imageSelectionSchema.parse(s));
const message = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(HeatlabError);
    return (err as Error).message;
  }
  throw new Error('expected an error');
};

describe('image selection', () => {
  it('takes the first n of a split in dataset order, or all of it', () => {
    expect(Array.from(select({ split: 'test', n: 2 }))).toEqual([1, 3]);
    expect(Array.from(select({ split: 'test' }))).toEqual([1, 3, 5, 6]);
    expect(Array.from(select({ split: 'all', n: 3 }))).toEqual([0, 1, 2]);
    expect(Array.from(select({ split: 'train', n: 99 }))).toEqual([0, 4, 7]);
  });

  it('draws a seeded random n from the split, in dataset order, the same for the same seed', () => {
    const a = Array.from(select({ split: 'test', pick: 'random', n: 2, seed: 9 }));
    expect(a).toEqual(Array.from(select({ split: 'test', pick: 'random', n: 2, seed: 9 })));
    expect(a.every((i) => splits[i] === 2)).toBe(true);
    expect(a).toEqual([...a].sort((x, y) => x - y));
    const seen = new Set<string>();
    for (let seed = 0; seed < 40; seed++) seen.add(String(Array.from(select({ split: 'test', pick: 'random', n: 2, seed }))));
    expect(seen.size).toBe(6); // every pair of the four test images turns up
  });

  it('keeps given indices in their order and refuses one outside the dataset', () => {
    expect(Array.from(select({ pick: 'indices', indices: [6, 0, 6] }))).toEqual([6, 0, 6]);
    expect(message(() => select({ pick: 'indices', indices: [8] }))).toBe('Image 8 is outside dataset "toy", which has 8 images (0–7).');
    expect(message(() => select({ pick: 'indices' }))).toBe('Choosing images by index needs the list of indices.');
  });

  it('says when a split is empty', () => {
    expect(message(() => selectImages({ ...toy, splits: Uint8Array.from([0, 0]), labels: Int32Array.from([0, 1]) }, imageSelectionSchema.parse({ split: 'validation' })))).toBe('The validation split of dataset "toy" has no images.');
  });

  it('narrows a split to one true class, and says when that leaves nothing', () => {
    expect(Array.from(select({ split: 'test', label: 1 }))).toEqual([1, 5]);
    expect(Array.from(select({ split: 'all', label: 0, n: 2 }))).toEqual([0, 2]);
    expect(message(() => select({ split: 'validation', label: 1 }))).toBe('The validation split of dataset "toy" in class b has no images.');
    expect(message(() => select({ split: 'test', label: 2 }))).toBe('Dataset "toy" has 2 classes (0–1), so it has no class 2.');
  });

  it('keeps the candidates the model gets right or wrong, within a confidence range, by the softmax of its logits', () => {
    const s = (x: object) => imageSelectionSchema.parse({ split: 'test', ...x });
    const pool = candidateImages(toy, s({})); // images 1, 3, 5, 6 with true classes b, a, b, a
    expect(Array.from(pool)).toEqual([1, 3, 5, 6]);
    // Logit differences 2, −1, 0.5, 3 towards class b: predictions b, a, b, b.
    const logits = Float32Array.from([0, 2, 1, 0, 0, 0.5, 0, 3]);
    const p = (d: number) => 1 / (1 + Math.exp(-Math.abs(d))); // the winning class's probability
    expect(Array.from(keptByPrediction(toy, s({ outcome: 'correct' }), pool, logits, 2, false))).toEqual([0, 1, 2]);
    expect(Array.from(keptByPrediction(toy, s({ outcome: 'incorrect' }), pool, logits, 2, false))).toEqual([3]);
    // Confidences: p(2) = 0.881, p(1) = 0.731, p(0.5) = 0.622, p(3) = 0.953.
    expect(p(0.5)).toBeCloseTo(0.6225, 4);
    expect(Array.from(keptByPrediction(toy, s({ confidence: { min: 0.6, max: 0.75 } }), pool, logits, 2, false))).toEqual([1, 2]);
    expect(Array.from(keptByPrediction(toy, s({ outcome: 'correct', confidence: { min: 0.8, max: 1 } }), pool, logits, 2, false))).toEqual([0]);
    // Scores that are probabilities already are taken as they are.
    const probabilities = Float32Array.from([0.3, 0.7, 0.9, 0.1, 0.45, 0.55, 0.2, 0.8]);
    expect(Array.from(keptByPrediction(toy, s({ confidence: { min: 0, max: 0.6 } }), pool, probabilities, 2, true))).toEqual([2]);
    expect(message(() => keptByPrediction(toy, s({ outcome: 'incorrect', confidence: { min: 0, max: 0.9 } }), pool, logits, 2, false))).toBe(
      'No image of the test split of dataset "toy" is classified wrongly with a confidence from 0 to 0.9 (4 looked at).',
    );
    // Then the first or a seeded random n of those kept.
    expect(Array.from(pickImages(Int32Array.from([0, 1, 2]), s({ pick: 'first', n: 2 })))).toEqual([0, 1]);
    expect(imageSelectionSchema.safeParse({ confidence: { min: 0.8, max: 0.2 } }).success).toBe(false);
  });
});

describe('targets', () => {
  const logits = Float32Array.from([0.1, 0.9, 0.3, 2, -1, 5, 7, 1, 0]);
  const labels = Int32Array.from([2, 0, 1]);

  it('takes the arg-max logit, the label, a chosen class, or every class per image', () => {
    expect(Array.from(targetsFor('predicted', logits, labels, 3))).toEqual([1, 2, 0]);
    expect(Array.from(targetsFor('true', logits, labels, 3))).toEqual([2, 0, 1]);
    expect(Array.from(targetsFor({ class: 1 }, logits, labels, 3))).toEqual([1, 1, 1]);
    expect(Array.from(targetsFor('all', logits, labels, 3))).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
  });

  it('refuses a class the model does not have', () => {
    expect(message(() => targetsFor({ class: 3 }, logits, labels, 3))).toBe('The model has 3 classes (0–2), so it cannot explain class 3.');
    expect(message(() => targetsFor('true', logits, Int32Array.from([0, 4, 1]), 3))).toBe("An image is labelled class 4, which the model's 3 outputs do not have.");
  });
});

describe('input bounds for LRP’s zᴮ rule', () => {
  it('maps the pixel range of the dataset through the model’s preprocessing, per channel', () => {
    const p = { layout: 'NCHW' as const, scale: 255, mean: [0.5, 0], std: [0.25, 1], channels: 2, height: 1, width: 1 };
    expect(inputBounds(p, 'uint8')).toEqual({ low: [-2, 0], high: [2, 1] });
    expect(inputBounds({ ...p, scale: 1, mean: [0, 0], std: [1, 1] }, 'uint8')).toEqual({ low: [0, 0], high: [255, 255] });
    expect(inputBounds({ ...p, scale: 65535, mean: [0, 0], std: [1, 1] }, 'uint16')).toEqual({ low: [0, 0], high: [1, 1] });
  });
});

describe('heatmap statistics', () => {
  it('gathers the range and mean magnitude, and counts all-zero maps and values that are not finite', () => {
    const stats = new HeatmapStatsAccumulator(2);
    stats.add(Float32Array.from([1, -3, 0, 0]));
    stats.add(Float32Array.from([NaN, 2, Infinity, 0.5]));
    expect(stats.result()).toEqual({ min: -3, max: 2, meanAbs: (1 + 3 + 0 + 0 + 2 + 0.5) / 6, allZero: 1, nonFinite: 2 });
    expect(new HeatmapStatsAccumulator(4).result()).toEqual({ min: 0, max: 0, meanAbs: 0, allZero: 0, nonFinite: 0 });
  });
});

describe('the method registry', () => {
  it('lists graph and perturbation methods with unique ids and a JSON Schema whose defaults are the parsed defaults', () => {
    const ids = explainMethods.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['gradient', 'integrated-gradients', 'grad-cam', 'occlusion', 'rise', 'lime', 'kernel-shap', 'random']));
    for (const m of explainMethods) {
      const info = methodInfo(m);
      const props = (info.params.properties ?? {}) as Record<string, { default?: unknown }>;
      for (const [key, value] of Object.entries(info.defaults)) expect(props[key]?.default, `${m.id}.${key}`).toEqual(value);
    }
    const rise = methodInfo(explainMethods.find((m) => m.id === 'rise')!);
    expect(rise).toMatchObject({ kind: 'perturbation', random: true, defaults: { masks: 1000, resolution: 8, pKeep: 0.5 } });
    expect((rise.params.properties as Record<string, { minimum?: number }>).masks!.minimum).toBe(1);
  });

  it('fills in defaults and refuses unknown methods, unknown parameters and values out of range in one sentence', () => {
    expect(resolveMethod('integrated-gradients', { steps: 8 }).params).toMatchObject({ steps: 8, baseline: 'black', rule: 'midpoint' });
    expect(message(() => resolveMethod('saliency', {}))).toMatch(/^There is no explanation method "saliency"; the methods are sensitivity, gradient, .*, random\.$/);
    expect(message(() => resolveMethod('random', { n: 1 }))).toBe('Random map has no parameter "n" (it takes no parameters).');
    expect(message(() => resolveMethod('smoothgrad', { samples: 0 }))).toMatch(/^SmoothGrad: parameter "samples" /);
  });
});

describe('a forward pass on a model with a fixed batch dimension', () => {
  it('splits and pads calls to the fixed batch and returns the logits of exactly the images given', async () => {
    const g = new GraphBuilder('fixed');
    g.input('x', 'float32', [2, 1, 1, 2]);
    const flat = g.op('Flatten', ['x'], { axis: { kind: 'int', value: 1 } });
    g.node('MatMul', [flat, g.initializer('w', Float32Array.from([1, 0, 0, 1, 1, 1]), [2, 3])], { outputs: ['y'] });
    g.output('y', 'float32', [2, 3]);
    const { ort } = loadOrt();
    const session = await ort.InferenceSession.create(g.toBytes({ opset: 17 }));
    const forward = ortForward(ort, session, { channels: 1, height: 1, width: 2 }, { fixedBatch: 2 });
    const out = await forward(Float32Array.from([1, 2, 3, 4, 5, 6]), 3);
    expect(Array.from(out)).toEqual([3, 2, 2, 7, 4, 4, 11, 6, 6]);
    await session.release();
  });
});

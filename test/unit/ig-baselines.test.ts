// Integrated Gradients' baselines in pixel space (main/explain/graph/integrated-gradients.ts):
// black and white are the darkest and brightest pixel mapped through the model's preprocessing,
// on a model fed 0–255 and on a mean/std-normalised one; IG then equals its closed form
// w ⊙ (x − x′) on a linear model, and Σ IG ≈ f(x) − f(x′) on a CNN. Also: the dataset mean, and
// stored runs that re-run as they were made.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Preprocessing } from '../../shared/models.js';
import { baselineImages, integratedGradientsMethod } from '../../main/explain/graph/integrated-gradients.js';
import type { GraphInput, InputBounds } from '../../main/explain/graph/method.js';
import { GraphRunner } from '../../main/explain/graph/runner.js';
import { resolveMethod, resolveStoredMethod } from '../../main/explain/methods.js';
import { datasetMeanPixel } from '../../main/explain/run/dataset-mean.js';
import { inputBounds } from '../../main/explain/run/explain-job.js';
import { Random } from '../../main/numeric/random.js';
import { canonicalize } from '../../main/onnx/canonicalize.js';
import { attr, GraphBuilder } from '../../main/onnx/graph-builder.js';
import { readModel } from '../../main/onnx/model-reader.js';
import { writeNpy } from '../../main/workspace/npy.js';
import { pytorchStyleCnn } from '../fixtures/onnx-fixtures.js';
import { ortSessions } from '../fixtures/ort-sessions.js';

const onnx = ortSessions(4);

const preprocessing = (scale: number, mean: number[], std: number[]): Preprocessing => ({ layout: 'NCHW', scale, mean, std, channels: mean.length, height: 3, width: 3 });
const fed0to255 = preprocessing(1, [0], [1]);
const normalised = preprocessing(255, [0.5], [0.25]);

// f = w · flatten(x) + b on one 3×3 channel: IG is exactly w ⊙ (x − x′) for any path rule.
const w = [0.5, -1, 2, 0.25, -0.75, 1.5, -2, 1, 0.125];
function linearNet() {
  const g = new GraphBuilder('linear_3x3');
  g.input('input', 'float32', ['batch', 1, 3, 3]);
  g.node('Flatten', ['input'], { outputs: ['flat'], attributes: { axis: attr.int(1) } });
  g.node('Gemm', ['flat', g.initializer('w', Float32Array.from([...w, ...w.map((v) => -v)]), [2, 9]), g.initializer('b', Float32Array.of(0.3, -0.3), [2])], { outputs: ['logits'], attributes: { transB: attr.int(1) } });
  g.output('logits', 'float32', ['batch', 2]);
  return canonicalize(readModel(g.toBytes({ opset: 17 })));
}

/** Pixels 0…255 of one 3×3 image through x = (pixel/scale − mean)/std. */
const imageOf = (pixels: number[], p: Preprocessing) => Float32Array.from(pixels, (v) => (v / p.scale - p.mean[0]!) / p.std[0]!);
const pixels = [0, 30, 60, 90, 120, 150, 180, 210, 255];

describe('Integrated Gradients’ black and white baselines', () => {
  it('are the darkest and brightest pixel through the preprocessing: 0 and 255 fed raw, −2 and 2 after (p/255 − 0.5)/0.25', () => {
    expect(inputBounds(fed0to255, 'uint8')).toEqual({ low: [0], high: [255] });
    expect(inputBounds(normalised, 'uint8')).toEqual({ low: [-2], high: [2] });
    const input: GraphInput = { images: imageOf(pixels, normalised), n: 1, shape: [1, 3, 3], targets: Int32Array.of(0) };
    const build = (baseline: 'black' | 'white', bounds: InputBounds) => Array.from(baselineImages(input, integratedGradientsMethod.params.parse({ baseline }), bounds, new Random(1)));
    expect(build('black', inputBounds(fed0to255, 'uint8'))).toEqual(new Array(9).fill(0));
    expect(build('white', inputBounds(fed0to255, 'uint8'))).toEqual(new Array(9).fill(255));
    expect(build('black', inputBounds(normalised, 'uint8'))).toEqual(new Array(9).fill(-2));
    expect(build('white', inputBounds(normalised, 'uint8'))).toEqual(new Array(9).fill(2));
    // Each channel its own bounds: ImageNet's mean and std on a 0–1 scale.
    const imagenet = inputBounds(preprocessing(255, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]), 'uint8');
    const rgb: GraphInput = { images: new Float32Array(27), n: 1, shape: [3, 3, 3], targets: Int32Array.of(0) };
    const black = baselineImages(rgb, integratedGradientsMethod.params.parse({}), imagenet, new Random(1));
    [0, 1, 2].forEach((c) => expect(black[c * 9 + 4]!).toBeCloseTo(-[0.485, 0.456, 0.406][c]! / [0.229, 0.224, 0.225][c]!, 5));
  });

  for (const [name, p] of [
    ['fed 0–255', fed0to255],
    ['normalised by mean and std', normalised],
  ] as const) {
    it(`equals w ⊙ (x − x′) on a linear model ${name}, with x′ the mapped black or white, so Σ IG = f(x) − f(x′)`, async () => {
      const bounds = inputBounds(p, 'uint8');
      const runner = new GraphRunner(onnx.ort, onnx.cache, `linear:${name}`, linearNet(), { inputBounds: bounds });
      const x = imageOf(pixels, p);
      const input: GraphInput = { images: x, n: 1, shape: [1, 3, 3], targets: Int32Array.of(0) };
      for (const [baseline, reference] of [
        ['black', bounds.low[0]!],
        ['white', bounds.high[0]!],
      ] as const) {
        const maps = await integratedGradientsMethod.run(runner, input, integratedGradientsMethod.params.parse({ baseline, steps: 4 }), new Random(0));
        const scale = Math.max(...x.map((v) => Math.abs(v - reference)));
        maps.forEach((v, k) => expect(Math.abs(v - w[k]! * (x[k]! - reference))).toBeLessThanOrEqual(1e-5 * scale));
        const fx = w.reduce((s, wk, k) => s + wk * x[k]!, 0.3);
        const fb = w.reduce((s, wk) => s + wk * reference, 0.3);
        expect(Math.abs(maps.reduce((a, b) => a + b, 0) - (fx - fb))).toBeLessThanOrEqual(1e-4 * Math.abs(fx - fb));
      }
    });
  }

  it('sums to f(x) − f(x′) within 1 % on a CNN normalised by ImageNet’s mean and std, x′ the mapped black', async () => {
    const fixture = pytorchStyleCnn();
    const p = preprocessing(255, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
    const bounds = inputBounds(p, 'uint8');
    const runner = new GraphRunner(onnx.ort, onnx.cache, 'cnn:imagenet', canonicalize(readModel(fixture.bytes)), { inputBounds: bounds });
    const [c, h, wd] = runner.shape;
    const plane = h * wd;
    const rng = new Random(4);
    const images = Float32Array.from({ length: 2 * c * plane }, (_, k) => (rng.uniform(0, 1) - p.mean[Math.floor(k / plane) % c]!) / p.std[Math.floor(k / plane) % c]!);
    const input: GraphInput = { images, n: 2, shape: runner.shape, targets: Int32Array.of(1, 3) };
    const maps = await integratedGradientsMethod.run(runner, input, integratedGradientsMethod.params.parse({ steps: 256 }), new Random(0));
    const black = Float32Array.from({ length: 2 * c * plane }, (_, k) => bounds.low[Math.floor(k / plane) % c]!);
    const fx = await runner.logits(images, 2);
    const fb = await runner.logits(black, 2);
    for (let i = 0; i < 2; i++) {
      const t = input.targets[i]!;
      const delta = fx[i * runner.classes + t]! - fb[i * runner.classes + t]!;
      const total = maps.subarray(i * plane, (i + 1) * plane).reduce((a, b) => a + b, 0);
      expect(Math.abs(total - delta)).toBeLessThanOrEqual(0.01 * Math.abs(delta) + 1e-4);
    }
  });
});

describe('the dataset-mean baseline', () => {
  it('is the dataset’s mean pixel per channel, read from its images, through the preprocessing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'heatlab-mean-'));
    try {
      // Two 1×2 RGB images, NHWC: channel means 30, 60 and 255/2 of 255.
      writeNpy(join(dir, 'images.npy'), Uint8Array.of(10, 50, 255, 20, 70, 0, 40, 60, 255, 50, 60, 0), [2, 1, 2, 3]);
      const mean = datasetMeanPixel(dir, { channels: 3, dtype: 'uint8', files: { images: 'images.npy', labels: '', splits: '' } });
      [30 / 255, 60 / 255, 0.5].forEach((v, c) => expect(mean[c]!).toBeCloseTo(v, 12));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const params = integratedGradientsMethod.completeParams!(integratedGradientsMethod.params.parse({ baseline: 'dataset-mean' }), { meanPixel: () => [0.25] });
    expect(params.datasetMean).toEqual([0.25]);
    const input: GraphInput = { images: new Float32Array(9), n: 1, shape: [1, 3, 3], targets: Int32Array.of(0) };
    // Pixel 0.25·255 through (p/255 − 0.5)/0.25 is −1.
    expect(Array.from(baselineImages(input, params, inputBounds(normalised, 'uint8'), new Random(1)))).toEqual(new Array(9).fill(-1));
    expect(() => baselineImages(input, integratedGradientsMethod.params.parse({ baseline: 'dataset-mean' }), { low: [0], high: [1] }, new Random(1))).toThrow(/needs the dataset's mean pixel/);
    // Other baselines need nothing from the dataset.
    const black = integratedGradientsMethod.params.parse({});
    expect(integratedGradientsMethod.completeParams!(black, { meanPixel: () => expect.fail('not read') })).toBe(black);
  });
});

describe('stored Integrated Gradients runs', () => {
  it('re-run with black = 0 and white = 1 of the model input when stored before the pixel space, as they were made', () => {
    const stored = { steps: 32, baseline: 'black', rule: 'midpoint', blurSigma: 5, reduction: 'sum' };
    const old = resolveStoredMethod('integrated-gradients', stored).params as ReturnType<typeof integratedGradientsMethod.params.parse>;
    expect(old.space).toBe('input');
    expect(resolveMethod('integrated-gradients', stored).params).toMatchObject({ space: 'pixel' });
    const input: GraphInput = { images: new Float32Array(9), n: 1, shape: [1, 3, 3], targets: Int32Array.of(0) };
    const bounds = inputBounds(normalised, 'uint8');
    expect(Array.from(baselineImages(input, old, bounds, new Random(1)))).toEqual(new Array(9).fill(0));
    expect(Array.from(baselineImages(input, { ...old, baseline: 'white' }, bounds, new Random(1)))).toEqual(new Array(9).fill(1));
  });
});

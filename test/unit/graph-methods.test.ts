// The gradient-family methods (main/explain/graph) against their oracles: central finite
// differences of a float64 reference forward, Integrated Gradients' completeness, hand-computed
// rectifier rules on a two-layer net, Grad-CAM's formula from the tapped layer, and batching.
import { describe, expect, it } from 'vitest';
import { Random } from '../../main/numeric/random.js';
import { canonicalize } from '../../main/onnx/canonicalize.js';
import { plainGradient } from '../../main/onnx/backward/rules.js';
import { attr, GraphBuilder } from '../../main/onnx/graph-builder.js';
import { readModel } from '../../main/onnx/model-reader.js';
import { gradCamMethod, guidedGradCamMethod } from '../../main/explain/graph/grad-cam.js';
import { deconvnetMethod, gradientMethod, gradientTimesInputMethod, guidedBackpropMethod } from '../../main/explain/graph/gradient.js';
import { baselineImages, integratedGradientsMethod, type Baseline } from '../../main/explain/graph/integrated-gradients.js';
import type { GraphInput, GraphMethod } from '../../main/explain/graph/method.js';
import { graphMethods } from '../../main/explain/graph/registry.js';
import { GraphRunner } from '../../main/explain/graph/runner.js';
import { smoothGradMethod } from '../../main/explain/graph/smoothgrad.js';
import { bilinear, oneHot } from '../../main/explain/graph/tensors.js';
import { pytorchStyleCnn, residualGroupedCnn, type OnnxFixture } from '../fixtures/onnx-fixtures.js';
import { referenceForward } from '../fixtures/onnx-reference.js';
import { ortSessions } from '../fixtures/ort-sessions.js';

const onnx = ortSessions(16);

function runnerFor(fixture: OnnxFixture | { name: string; bytes: Uint8Array }, batchSize = 64): GraphRunner {
  return new GraphRunner(onnx.ort, onnx.cache, fixture.name, canonicalize(readModel(fixture.bytes)), { batchSize });
}

/** n images uniform on [0, 1] (the preprocessing range the baselines assume) with the given targets. */
function imagesFor(runner: GraphRunner, n: number, seed: number, targets?: number[]): GraphInput {
  const size = runner.shape[0] * runner.shape[1] * runner.shape[2];
  const rng = new Random(seed);
  const images = rng.fill(new Float32Array(n * size)) as Float32Array;
  return { images, n, shape: runner.shape, targets: Int32Array.from(targets ?? Array.from({ length: n }, (_, i) => i % runner.classes)) };
}

/** max |a − b| / max |b|. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

const sum = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0);
const run = <M extends GraphMethod>(runner: GraphRunner, method: M, input: GraphInput, params: object = {}, seed = 0) => method.run(runner, input, method.params.parse(params), new Random(seed));

describe('the method registry', () => {
  it('gives every method an id, a label, the graph kind and a schema whose defaults parse from nothing', () => {
    expect(graphMethods.map((m) => m.id)).toEqual([
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
    ]);
    for (const method of graphMethods) {
      expect(method.kind).toBe('graph');
      expect(method.label.length).toBeGreaterThan(0);
      expect(() => method.params.parse({})).not.toThrow();
    }
    expect(smoothGradMethod.params.parse({})).toEqual({ samples: 16, noiseLevel: 0.15, reduction: 'sum' });
    expect(integratedGradientsMethod.params.parse({})).toMatchObject({ steps: 32, baseline: 'black', rule: 'midpoint', reduction: 'sum' });
    expect(() => integratedGradientsMethod.params.parse({ steps: 513 })).toThrow();
    expect(() => smoothGradMethod.params.parse({ samples: 0 })).toThrow();
  });
});

describe('the gradient', () => {
  it('equals central finite differences of the target logit through a float64 reference forward', async () => {
    const fixture = pytorchStyleCnn();
    const runner = runnerFor(fixture);
    const input = imagesFor(runner, 2, 1, [3, 1]);
    const [c, h, w] = runner.shape;
    const ir = readModel(fixture.bytes);
    const logits = runner.model.logits;
    const eps = 1e-5;
    const expected = new Float64Array(input.n * h * w);
    for (let i = 0; i < input.n; i++) {
      const x = Float64Array.from(input.images.subarray(i * c * h * w, (i + 1) * c * h * w));
      const f = () => referenceForward(ir, { dims: [1, c, h, w], data: x }).get(logits)!.data[input.targets[i]!]!;
      for (let p = 0; p < x.length; p++) {
        const v = x[p]!;
        x[p] = v + eps;
        const up = f();
        x[p] = v - eps;
        const down = f();
        x[p] = v;
        expected[i * h * w + (p % (h * w))]! += (up - down) / (2 * eps);
      }
    }
    const got = await run(runner, gradientMethod, input);
    expect(relativeError(got, expected)).toBeLessThanOrEqual(1e-4);
  });

  it('times the input for Gradient × Input, and reduces channels by sum, absolute sum or largest magnitude', async () => {
    const runner = runnerFor(pytorchStyleCnn());
    const input = imagesFor(runner, 2, 2);
    const [c, h, w] = runner.shape;
    const plane = h * w;
    const { gradient } = await runner.run({ rules: plainGradient }, input.images, input.n, oneHot(input.targets, runner.classes));
    const byHand = (f: (i: number, p: number) => number[], combine: (v: number[]) => number) =>
      Array.from({ length: input.n * plane }, (_, k) => combine(f(Math.floor(k / plane), k % plane)));
    const values = (times: boolean) => (i: number, p: number) => Array.from({ length: c }, (_, ch) => gradient[(i * c + ch) * plane + p]! * (times ? input.images[(i * c + ch) * plane + p]! : 1));
    expect(relativeError(await run(runner, gradientTimesInputMethod, input), byHand(values(true), sum))).toBeLessThanOrEqual(1e-6);
    expect(relativeError(await run(runner, gradientMethod, input, { reduction: 'abs-sum' }), byHand(values(false), (v) => sum(v.map(Math.abs))))).toBeLessThanOrEqual(1e-6);
    expect(relativeError(await run(runner, gradientMethod, input, { reduction: 'max-abs' }), byHand(values(false), (v) => Math.max(...v.map(Math.abs))))).toBeLessThanOrEqual(1e-6);
  });
});

describe('SmoothGrad', () => {
  it('equals the gradient when the noise level is zero', async () => {
    const runner = runnerFor(pytorchStyleCnn());
    const input = imagesFor(runner, 3, 3);
    const smooth = await run(runner, smoothGradMethod, input, { samples: 4, noiseLevel: 0 });
    expect(relativeError(smooth, await run(runner, gradientMethod, input))).toBeLessThanOrEqual(1e-6);
  });

  it('gives the same map for the same seed and another map for another seed', async () => {
    const runner = runnerFor(pytorchStyleCnn());
    const input = imagesFor(runner, 2, 4);
    const a = await run(runner, smoothGradMethod, input, { samples: 8 }, 7);
    const b = await run(runner, smoothGradMethod, input, { samples: 8 }, 7);
    const other = await run(runner, smoothGradMethod, input, { samples: 8 }, 8);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(relativeError(other, a)).toBeGreaterThan(1e-3);
  });
});

/** A small ReLU CNN: Conv 3→6 (pad 1) → ReLU → Conv 6→4 (stride 2) → ReLU → Flatten → Gemm → 3 logits that differ by O(1) between images. */
function reluCnn(seed = 1) {
  const rng = new Random(seed);
  const g = new GraphBuilder('relu_cnn');
  const w = (name: string, dims: number[], scale: number) => g.initializer(name, Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale), dims);
  g.input('input', 'float32', ['batch', 3, 8, 8]);
  let h = g.op('Relu', [g.op('Conv', ['input', w('c1.w', [6, 3, 3, 3], 0.4), w('c1.b', [6], 0.2)], { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) })]);
  h = g.op('Relu', [g.op('Conv', [h, w('c2.w', [4, 6, 3, 3], 0.3), w('c2.b', [4], 0.2)], { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) })]);
  h = g.op('Flatten', [h], { axis: attr.int(1) });
  g.node('Gemm', [h, w('fc.w', [3, 64], 0.3), w('fc.b', [3], 0.1)], { outputs: ['logits'], attributes: { transB: attr.int(1) } });
  g.output('logits', 'float32', ['batch', 3]);
  return { name: 'relu_cnn', bytes: g.toBytes({ opset: 17 }) };
}

describe('Integrated Gradients', () => {
  // The midpoint rule's error on a ReLU net comes from the kinks its intervals straddle: O(1/steps),
  // measured ≤ 0.1 % of f(x) − f(x′) here at 256 steps. For the white, blurred and uniform baselines
  // some images lie close to their baseline's score, so the bound there is 1 % or 0.01 absolute.
  const cases = [
    { baseline: 'black', floor: 0 },
    { baseline: 'mean', floor: 0 },
    { baseline: 'white', floor: 0.01 },
    { baseline: 'blurred', floor: 0.01 },
    { baseline: 'uniform', floor: 0.01 },
  ] as const;
  for (const { baseline, floor } of cases) {
    it(`sums to f(x) − f(baseline) within 1 % at 256 steps on a small ReLU CNN with the ${baseline} baseline`, async () => {
      const runner = runnerFor(reluCnn());
      const input = imagesFor(runner, 3, 5);
      const params = integratedGradientsMethod.params.parse({ steps: 256, baseline });
      const maps = await integratedGradientsMethod.run(runner, input, params, new Random(11));
      // The baseline the method used, drawn from the same seed.
      const reference = baselineImages(input, params, runner.inputBounds, new Random(11));
      const fx = await runner.logits(input.images, input.n);
      const fb = await runner.logits(reference, input.n);
      const plane = runner.shape[1] * runner.shape[2];
      for (let i = 0; i < input.n; i++) {
        const t = input.targets[i]!;
        const delta = fx[i * runner.classes + t]! - fb[i * runner.classes + t]!;
        if (floor === 0) expect(Math.abs(delta)).toBeGreaterThan(0.5);
        expect(Math.abs(sum(maps.subarray(i * plane, (i + 1) * plane)) - delta)).toBeLessThanOrEqual(Math.max(0.01 * Math.abs(delta), floor));
      }
    });
  }

  it('also sums to f(x) − f(baseline) within 1 % with the trapezoid rule, and agrees with the midpoint rule', async () => {
    const runner = runnerFor(reluCnn());
    const input = imagesFor(runner, 3, 5);
    const trapezoid = await run(runner, integratedGradientsMethod, input, { steps: 256, rule: 'trapezoid' });
    const midpoint = await run(runner, integratedGradientsMethod, input, { steps: 256 });
    const fx = await runner.logits(input.images, input.n);
    const f0 = await runner.logits(new Float32Array(input.images.length), input.n);
    const plane = runner.shape[1] * runner.shape[2];
    for (let i = 0; i < input.n; i++) {
      const t = input.targets[i]!;
      const delta = fx[i * runner.classes + t]! - f0[i * runner.classes + t]!;
      expect(Math.abs(sum(trapezoid.subarray(i * plane, (i + 1) * plane)) - delta)).toBeLessThanOrEqual(0.01 * Math.abs(delta));
    }
    expect(relativeError(trapezoid, midpoint)).toBeLessThanOrEqual(0.05);
  });

  it('builds each image-dependent baseline as documented, and black and white as the input bounds', () => {
    const input: GraphInput = { images: Float32Array.of(0.2, 0.4, 0.6, 0.8), n: 1, shape: [1, 2, 2], targets: Int32Array.of(0) };
    const bounds = { low: [0], high: [1] };
    const build = (baseline: Baseline, blurSigma = 1) => baselineImages(input, integratedGradientsMethod.params.parse({ baseline, blurSigma }), bounds, new Random(1));
    expect(Array.from(build('black'))).toEqual([0, 0, 0, 0]);
    expect(Array.from(build('white'))).toEqual([1, 1, 1, 1]);
    Array.from(build('mean')).forEach((v) => expect(v).toBeCloseTo(0.5, 6));
    const noise = build('uniform');
    expect(Array.from(noise).every((v) => v >= 0.2 && v <= 0.8)).toBe(true);
    expect(Array.from(build('uniform'))).toEqual(Array.from(noise));
    const blurred = build('blurred', 50);
    // A wide blur of a 2×2 image with clamped edges tends to its mean and keeps the order of values.
    expect(blurred[0]!).toBeGreaterThan(0.2);
    expect(blurred[3]!).toBeLessThan(0.8);
    expect(blurred[0]!).toBeLessThan(blurred[3]!);
  });
});

/** input [batch, 1, 1, 4] → Flatten → Gemm(W1, b1) → Relu → Gemm(W2) → logits [batch, 2]. */
function twoLayerNet() {
  const g = new GraphBuilder('two_layers');
  g.input('input', 'float32', ['batch', 1, 1, 4]);
  const flat = g.op('Flatten', ['input'], { axis: attr.int(1) });
  const w1 = Float32Array.of(1, -2, 0.5, 1, -1, 1, 2, -0.5, 0.5, 0.5, -1, 2);
  const h = g.op('Relu', [g.op('Gemm', [flat, g.initializer('w1', w1, [3, 4]), g.initializer('b1', Float32Array.of(0.1, -0.2, 0.3), [3])], { transB: attr.int(1) })]);
  g.node('Gemm', [h, g.initializer('w2', Float32Array.of(1, -1, 2, -2, 0.5, 1), [2, 3])], { outputs: ['logits'], attributes: { transB: attr.int(1) } });
  g.output('logits', 'float32', ['batch', 2]);
  return { name: 'two_layers', bytes: g.toBytes({ opset: 17 }) };
}

describe('Guided Backprop and Deconvnet', () => {
  // x = (1, 0.5, −1, 2): z1 = W1·x + b1 = (1.6, −3.7, 6.05), so units 0 and 2 are active. For
  // class 1 the signal at the ReLU is W2[1] = (−2, 0.5, 1): the gradient keeps the active units
  // (−2, 0, 1), guided backprop the active and positive ones (0, 0, 1), deconvnet the positive
  // ones (0, 0.5, 1); each map is W1ᵀ times that.
  const input: GraphInput = { images: Float32Array.of(1, 0.5, -1, 2), n: 1, shape: [1, 1, 4], targets: Int32Array.of(1) };
  const cases = [
    { method: gradientMethod, expected: [-1.5, 4.5, -2, 0] },
    { method: guidedBackpropMethod, expected: [0.5, 0.5, -1, 2] },
    { method: deconvnetMethod, expected: [0, 1, 0, 1.75] },
  ];
  for (const { method, expected } of cases) {
    it(`gives the hand-computed ${method.label} map on a two-layer net where the rectifier rules differ`, async () => {
      const got = await run(runnerFor(twoLayerNet()), method, input);
      Array.from(got).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    });
  }
});

describe('Grad-CAM', () => {
  it('defaults to the last convolution, stops its backward pass there, and matches ReLU(Σ_k mean(∂f/∂A_k)·A_k) upsampled bilinearly', async () => {
    const runner = runnerFor(residualGroupedCnn());
    // The head conv carries its folded BatchNorm's output name; GlobalAveragePool reads it directly.
    expect(runner.defaultFeatureMap).toBe('/head_bn/BatchNormalization_output_0');
    const layer = runner.defaultFeatureMap!;
    const input = imagesFor(runner, 2, 6);
    const { taps } = await runner.run({ rules: plainGradient, taps: [layer] }, input.images, input.n, oneHot(input.targets, runner.classes));
    const { activation, gradient, dims } = taps.get(layer)!;
    const [, k, h, w] = dims as [number, number, number, number];
    const plane = h * w;
    const maps = new Float32Array(input.n * plane);
    for (let i = 0; i < input.n; i++)
      for (let p = 0; p < plane; p++) {
        let s = 0;
        for (let c = 0; c < k; c++) s += (sum(gradient.subarray((i * k + c) * plane, (i * k + c + 1) * plane)) / plane) * activation[(i * k + c) * plane + p]!;
        maps[i * plane + p] = Math.max(s, 0);
      }
    const expected = bilinear(maps, input.n, h, w, runner.shape[1], runner.shape[2]);
    // Grad-CAM's own pass stops at the layer: no input gradient, the same layer gradient.
    const stopped = await runner.run({ rules: plainGradient, taps: [layer], inputGradient: false }, input.images, input.n, oneHot(input.targets, runner.classes));
    expect(stopped.gradient.length).toBe(0);
    expect(relativeError(stopped.taps.get(layer)!.gradient, gradient)).toBeLessThanOrEqual(1e-6);
    const got = await run(runner, gradCamMethod, input);
    expect(relativeError(got, expected)).toBeLessThanOrEqual(1e-5);
    expect(Array.from(got).every((v) => v >= 0)).toBe(true);
  });

  it('upsamples bilinearly with half-pixel centres, keeping a constant map constant', () => {
    expect(Array.from(bilinear(Float32Array.of(0, 1), 1, 1, 2, 1, 4))).toEqual([0, 0.25, 0.75, 1]);
    expect(Array.from(bilinear(Float32Array.of(2), 1, 1, 1, 2, 3))).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it('uses a chosen layer, refuses a value that is not a feature map, and multiplies Guided Backprop by the map for Guided Grad-CAM', async () => {
    const runner = runnerFor(residualGroupedCnn());
    const input = imagesFor(runner, 2, 7);
    const stem = await run(runner, gradCamMethod, input, { layer: 'stem_relu' });
    expect(relativeError(stem, await run(runner, gradCamMethod, input))).toBeGreaterThan(1e-3);
    await expect(run(runner, gradCamMethod, input, { layer: 'gap' })).rejects.toThrow(/not one of the model's feature maps/);
    const cam = await run(runner, gradCamMethod, input);
    const guided = await run(runner, guidedBackpropMethod, input);
    const product = await run(runner, guidedGradCamMethod, input);
    // With the sum reduction the map factors out of the channel sum.
    expect(relativeError(product, guided.map((v, p) => v * cam[p]!))).toBeLessThanOrEqual(1e-5);
  });
});

describe('batching', () => {
  for (const [method, params] of [
    [gradientMethod, {}],
    [integratedGradientsMethod, { steps: 8 }],
    [guidedBackpropMethod, {}],
    [gradCamMethod, {}],
  ] as const) {
    it(`gives a batch of images the same ${method.label} maps as each image alone`, async () => {
      const runner = runnerFor(residualGroupedCnn(), 3);
      const input = imagesFor(runner, 4, 8);
      const together = await run(runner, method as GraphMethod, input, params);
      const plane = runner.shape[1] * runner.shape[2];
      const size = plane * runner.shape[0];
      for (let i = 0; i < input.n; i++) {
        const alone = await run(runner, method as GraphMethod, { ...input, n: 1, images: input.images.slice(i * size, (i + 1) * size), targets: input.targets.slice(i, i + 1) }, params);
        expect(relativeError(together.subarray(i * plane, (i + 1) * plane), alone)).toBeLessThanOrEqual(1e-5);
      }
    });
  }

  it('gives the same seeded SmoothGrad maps whatever the batch size', async () => {
    const input = imagesFor(runnerFor(residualGroupedCnn()), 3, 9);
    const wide = await run(runnerFor(residualGroupedCnn(), 64), smoothGradMethod, input, { samples: 5 }, 3);
    const narrow = await run(runnerFor(residualGroupedCnn(), 2), smoothGradMethod, input, { samples: 5 }, 3);
    expect(relativeError(narrow, wide)).toBeLessThanOrEqual(1e-5);
  });

  it('returns the logits of the explained images with the maps and the seed', async () => {
    const runner = runnerFor(pytorchStyleCnn());
    const input = imagesFor(runner, 3, 10);
    const result = await runner.explain(gradientMethod, input, {}, 5);
    const { logits } = await runner.run({ rules: plainGradient }, input.images, input.n, oneHot(input.targets, runner.classes));
    expect(result.seed).toBe(5);
    expect(relativeError(result.logits, logits)).toBeLessThanOrEqual(1e-6);
    expect(result.heatmaps).toHaveLength(3 * 81);
  });
});

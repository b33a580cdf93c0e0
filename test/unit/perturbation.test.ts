// Perturbation methods against tiny analytic models written as Forward functions: Occlusion equals
// single-pixel deltas, KernelSHAP is efficient and exact on linear models, RISE finds the one pixel
// a model reads, LIME ranks the strongest segment first; runs are seeded and batches bounded; and
// occlusion runs through ONNX Runtime on a graph built here.
import { describe, expect, it } from 'vitest';
import type { ExplainInput, Forward } from '../../main/explain/forward.js';
import { ortForward } from '../../main/explain/forward.js';
import { kernelShap, lime, occlusion, perturbationMethods, randomMap, rise } from '../../main/explain/perturbation/index.js';
import { slicSegments } from '../../main/explain/perturbation/slic.js';
import { Random } from '../../main/numeric/random.js';
import { attr, GraphBuilder } from '../../main/onnx/graph-builder.js';
import { loadOrt } from '../../main/onnx/runtime.js';

/** f_k = w_k · x + b_k for K classes, computed in float64. */
function linearModel(weights: Float64Array[], bias: number[] = weights.map(() => 0)): Forward {
  const k = weights.length;
  const size = weights[0]!.length;
  return async (images, n) => {
    const out = new Float32Array(n * k);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < k; c++) {
        let s = bias[c]!;
        const w = weights[c]!;
        for (let j = 0; j < size; j++) s += w[j]! * images[i * size + j]!;
        out[i * k + c] = s;
      }
    return out;
  };
}

/** A model whose single logit is the value of one pixel. */
function onePixelModel(pixel: number, size: number): Forward {
  return async (images, n) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = images[i * size + pixel]!;
    return out;
  };
}

function inputOf(image: Float32Array, channels: number, height: number, width: number, target = 0, classes = 1): ExplainInput {
  return { image, shape: { channels, height, width }, target, classes };
}

function randomArray(n: number, seed: number, low = -1, high = 1): Float64Array {
  return new Random(seed).fill(new Float64Array(n), low, high) as Float64Array;
}

const argmax = (a: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
};

/** Wraps a forward to record the largest batch it was given. */
function counting(forward: Forward): { forward: Forward; largest: () => number; calls: () => number } {
  let largest = 0;
  let calls = 0;
  return {
    forward: async (images, n) => {
      largest = Math.max(largest, n);
      calls++;
      return forward(images, n);
    },
    largest: () => largest,
    calls: () => calls,
  };
}

describe('Occlusion', () => {
  it('with a 1×1 window and stride 1 equals the single-pixel output deltas of a linear model', async () => {
    const [c, h, w] = [2, 5, 6];
    const weights = randomArray(c * h * w, 1);
    const image = Float32Array.from(randomArray(c * h * w, 2, 0, 1));
    const heat = await occlusion.run(linearModel([weights]), inputOf(image, c, h, w), occlusion.params.parse({ window: 1, stride: 1 }), new Random(0));
    for (let p = 0; p < h * w; p++) {
      let expected = 0;
      for (let ch = 0; ch < c; ch++) expected += weights[ch * h * w + p]! * image[ch * h * w + p]!;
      expect(heat[p]).toBeCloseTo(expected, 5);
    }
  });

  it('subtracts the image mean when that is the baseline', async () => {
    const [h, w] = [4, 4];
    const weights = randomArray(h * w, 3);
    const image = Float32Array.from(randomArray(h * w, 4, 0, 1));
    const mean = image.reduce((a, b) => a + b, 0) / image.length;
    const heat = await occlusion.run(linearModel([weights]), inputOf(image, 1, h, w), occlusion.params.parse({ window: 1, stride: 1, baseline: 'mean' }), new Random(0));
    for (let p = 0; p < h * w; p++) expect(heat[p]).toBeCloseTo(weights[p]! * (image[p]! - mean), 5);
  });

  it('averages the deltas of the overlapping windows that cover a pixel and covers the far edge', async () => {
    const [h, w] = [5, 5];
    const weights = new Float64Array(h * w).fill(1);
    const image = new Float32Array(h * w).fill(1);
    // Every 2×2 window removes 4 from f, so the mean over covering windows is 4 everywhere.
    const heat = await occlusion.run(linearModel([weights]), inputOf(image, 1, h, w), occlusion.params.parse({ window: 2, stride: 2 }), new Random(0));
    for (const v of heat) expect(v).toBeCloseTo(4, 5);
  });
});

describe('KernelSHAP', () => {
  it('gives the exact Shapley values w·(x − b) of a linear model when segments are pixels', async () => {
    const [h, w] = [4, 4];
    const weights = randomArray(h * w, 5);
    const image = Float32Array.from(randomArray(h * w, 6, 0, 1));
    const heat = await kernelShap.run(linearModel([weights], [0.3]), inputOf(image, 1, h, w), kernelShap.params.parse({ gridSize: 4, samples: 200 }), new Random(7));
    for (let p = 0; p < h * w; p++) expect(heat[p]).toBeCloseTo(weights[p]! * image[p]!, 4);
  });

  it('is efficient: the segment values sum to f(x) − f(background) on a nonlinear two-class model', async () => {
    const [c, h, w] = [3, 8, 8];
    const size = c * h * w;
    const w0 = randomArray(size, 8);
    const w1 = randomArray(size, 9);
    const linear = linearModel([w0, w1]);
    // Two classes from squared and rectified scores, so coalitions interact.
    const forward: Forward = async (images, n) => {
      const z = await linear(images, n);
      const out = new Float32Array(2 * n);
      for (let i = 0; i < n; i++) {
        out[2 * i] = Math.max(0, z[2 * i]!) * z[2 * i + 1]!;
        out[2 * i + 1] = z[2 * i + 1]! ** 2;
      }
      return out;
    };
    const image = Float32Array.from(randomArray(size, 10, 0, 1));
    const input = inputOf(image, c, h, w, 1, 2);
    for (const background of ['zero', 'mean'] as const) {
      const params = kernelShap.params.parse({ gridSize: 4, samples: 64, background });
      const heat = await kernelShap.run(forward, input, params, new Random(11));
      // Each pixel carries its segment's value: sum one pixel per 2×2 segment.
      let sum = 0;
      for (let sy = 0; sy < 4; sy++) for (let sx = 0; sx < 4; sx++) sum += heat[sy * 2 * w + sx * 2]!;
      const fill = new Float32Array(size);
      if (background === 'mean')
        for (let ch = 0; ch < c; ch++) {
          const plane = image.subarray(ch * h * w, (ch + 1) * h * w);
          fill.fill(plane.reduce((a, b) => a + b, 0) / plane.length, ch * h * w, (ch + 1) * h * w);
        }
      const fx = (await forward(image, 1))[1]!;
      const fb = (await forward(fill, 1))[1]!;
      expect(Math.abs(sum - (fx - fb))).toBeLessThan(1e-6 * Math.max(1, Math.abs(fx - fb)));
    }
  });
});

describe('SLIC segments', () => {
  it('label every pixel with consecutive connected segments that do not cross a sharp edge', () => {
    const [c, h, w] = [3, 24, 24];
    const plane = h * w;
    const image = new Float32Array(c * plane);
    // Left third dark, the rest bright, with a little noise.
    const rng = new Random(20);
    for (let ch = 0; ch < c; ch++) for (let p = 0; p < plane; p++) image[ch * plane + p] = (p % w < 8 ? 0.1 : 0.9) + rng.uniform(-0.02, 0.02);
    const seg = slicSegments(image, c, h, w, { segments: 16, compactness: 0.1 });
    expect(seg.count).toBeGreaterThanOrEqual(8);
    expect(seg.count).toBeLessThanOrEqual(32);
    const seen = new Set(seg.labels);
    expect(seen.size).toBe(seg.count);
    expect(Math.min(...seen)).toBe(0);
    expect(Math.max(...seen)).toBe(seg.count - 1);
    const side = new Map<number, boolean>();
    for (let p = 0; p < plane; p++) {
      const left = p % w < 8;
      const l = seg.labels[p]!;
      if (side.has(l)) expect(side.get(l)).toBe(left);
      else side.set(l, left);
    }
  });

  it('keep KernelSHAP efficient and LIME finite', async () => {
    const [h, w] = [16, 16];
    const weights = randomArray(h * w, 21);
    const image = Float32Array.from(randomArray(h * w, 22, 0, 1));
    const forward = linearModel([weights], [0.5]);
    const input = inputOf(image, 1, h, w);
    const params = kernelShap.params.parse({ segmentation: 'slic', slicSegments: 16, samples: 128 });
    const heat = await kernelShap.run(forward, input, params, new Random(23));
    const seg = slicSegments(image, 1, h, w, { segments: 16, compactness: params.compactness });
    const perSegment = new Map<number, number>();
    for (let p = 0; p < h * w; p++) perSegment.set(seg.labels[p]!, heat[p]!);
    const sum = [...perSegment.values()].reduce((a, b) => a + b, 0);
    const fx = (await forward(image, 1))[0]!;
    const fb = (await forward(new Float32Array(h * w), 1))[0]!;
    expect(Math.abs(sum - (fx - fb))).toBeLessThan(1e-6 * Math.max(1, Math.abs(fx - fb)));
    const limeHeat = await lime.run(forward, input, lime.params.parse({ segmentation: 'slic', slicSegments: 16, samples: 100 }), new Random(24));
    expect(limeHeat.every(Number.isFinite)).toBe(true);
  });
});

describe('RISE', () => {
  // A one-class model's probability is always 1: these weight masks by the logit.
  it('highlights the one pixel a model reads', async () => {
    const [h, w] = [16, 16];
    const pixel = 5 * w + 11;
    const image = new Float32Array(h * w).fill(1);
    const heat = await rise.run(onePixelModel(pixel, h * w), inputOf(image, 1, h, w), rise.params.parse({ masks: 2000, resolution: 8, output: 'logit' }), new Random(12));
    expect(argmax(heat)).toBe(pixel);
  });

  it('is never negative for a non-negative model and averages to about f(x)', async () => {
    const [h, w] = [8, 8];
    const image = new Float32Array(h * w).fill(2);
    const heat = await rise.run(onePixelModel(9, h * w), inputOf(image, 1, h, w), rise.params.parse({ masks: 500, output: 'logit' }), new Random(13));
    expect(Math.min(...heat)).toBeGreaterThanOrEqual(0);
    // E[f(x⊙M)·M(q)] / p ≈ f(x)·E[M(p)M(q)]/p, about f(x)·p·… — the mean lies between p·f and f.
    const mean = heat.reduce((a, b) => a + b, 0) / heat.length;
    expect(mean).toBeGreaterThan(0.5);
    expect(mean).toBeLessThan(2);
  });
});

describe('LIME', () => {
  it('ranks the most influential segment of a linear model first', async () => {
    const [h, w] = [8, 8];
    const weights = new Float64Array(h * w).fill(0.1);
    // The 4×4 top-right segment (grid 2×2) weighs five times more than the others.
    for (let y = 0; y < 4; y++) for (let x = 4; x < 8; x++) weights[y * w + x] = 0.5;
    const image = new Float32Array(h * w).fill(1);
    const heat = await lime.run(linearModel([weights]), inputOf(image, 1, h, w), lime.params.parse({ samples: 300, gridSize: 2, hide: 'zero' }), new Random(14));
    const segmentValues = [heat[0]!, heat[4]!, heat[4 * w]!, heat[4 * w + 4]!];
    expect(argmax(segmentValues)).toBe(1);
    // With the kernel nearly flat, ridge λ = 1 shrinks only slightly: coefficient ≈ 16·0.5 = 8.
    expect(segmentValues[1]).toBeGreaterThan(6);
  });
});

describe('every perturbation method', () => {
  const [c, h, w] = [1, 12, 12];
  const weights = randomArray(c * h * w, 15);
  const image = Float32Array.from(randomArray(c * h * w, 16, 0, 1));
  const input = inputOf(image, c, h, w);
  const small = {
    occlusion: { window: 2, stride: 1, batchSize: 7 },
    rise: { masks: 100, batchSize: 7 },
    lime: { samples: 60, gridSize: 4, batchSize: 7 },
    'kernel-shap': { samples: 60, gridSize: 4, batchSize: 7 },
    random: {},
  } as const;

  for (const method of perturbationMethods) {
    it(`${method.label} gives an identical map for the same seed and never exceeds the batch size`, async () => {
      const params = method.params.parse(small[method.id as keyof typeof small]) as never;
      const counter = counting(linearModel([weights]));
      const progress: number[] = [];
      const a = await method.run(counter.forward, input, params, new Random(42), (done) => progress.push(done));
      const b = await method.run(linearModel([weights]), input, params, new Random(42));
      expect(a).toHaveLength(h * w);
      expect(Array.from(a)).toEqual(Array.from(b));
      if (method.id !== 'random') {
        expect(counter.largest()).toBeLessThanOrEqual(7);
        expect(counter.calls()).toBeGreaterThan(1);
        expect(progress.length).toBeGreaterThan(0);
      }
    });
  }

  for (const method of perturbationMethods) {
    it(`${method.label} gives the same map whatever the batch size`, async () => {
      const base = small[method.id as keyof typeof small];
      const one = await method.run(linearModel([weights]), input, method.params.parse({ ...base, batchSize: 1 }) as never, new Random(3));
      const many = await method.run(linearModel([weights]), input, method.params.parse({ ...base, batchSize: 64 }) as never, new Random(3));
      for (let p = 0; p < h * w; p++) expect(many[p]).toBeCloseTo(one[p]!, 5);
    });
  }

  for (const method of [rise, lime, kernelShap, randomMap]) {
    it(`${method.label} gives a different map for a different seed`, async () => {
      const params = method.params.parse(small[method.id as keyof typeof small]) as never;
      const a = await method.run(linearModel([weights]), input, params, new Random(1));
      const b = await method.run(linearModel([weights]), input, params, new Random(2));
      expect(Array.from(a)).not.toEqual(Array.from(b));
    });
  }

  it('declare their parameter defaults in their schemas (DIANNA defaults for RISE and LIME)', () => {
    expect(rise.params.parse({})).toMatchObject({ masks: 1000, resolution: 8, pKeep: 0.5 });
    expect(lime.params.parse({})).toMatchObject({ samples: 5000, kernelWidth: 25, ridge: 1 });
    expect(() => rise.params.parse({ pKeep: 0 })).toThrow();
    for (const m of perturbationMethods) expect(m.kind).toBe('perturbation');
  });

  it('refuse a target class the model does not have', async () => {
    await expect(occlusion.run(linearModel([weights]), { ...input, target: 3 }, occlusion.params.parse({}), new Random(0))).rejects.toThrow(/Target class 3/);
  });
});

describe('an ONNX Runtime forward', () => {
  it('runs occlusion on a small CNN and matches occlusion on the same forward run image by image', async () => {
    const { ort, sessionOptions } = loadOrt();
    const [channels, size, classes] = [4, 16, 3];
    const rng = new Random(17);
    const g = new GraphBuilder('perturbation-test-cnn');
    const x = g.input('image', 'float32', ['batch', 1, size, size]);
    const cw = g.initializer('conv.weight', rng.fill(new Float32Array(channels * 9), -0.5, 0.5) as Float32Array, [channels, 1, 3, 3]);
    const cb = g.initializer('conv.bias', rng.fill(new Float32Array(channels), -0.1, 0.1) as Float32Array, [channels]);
    const dw = g.initializer('dense.weight', rng.fill(new Float32Array(classes * channels), -1, 1) as Float32Array, [classes, channels]);
    const db = g.initializer('dense.bias', rng.fill(new Float32Array(classes), -0.1, 0.1) as Float32Array, [classes]);
    const conv = g.op('Conv', [x, cw, cb], { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) });
    const flat = g.op('Flatten', [g.op('GlobalAveragePool', [g.op('Relu', [conv])])], { axis: attr.int(1) });
    g.node('Gemm', [flat, dw, db], { outputs: ['logits'], attributes: { transB: attr.int(1) } });
    g.output('logits', 'float32', ['batch', classes]);
    const session = await ort.InferenceSession.create(g.toBytes({ opset: 17 }), sessionOptions);
    try {
      const shape = { channels: 1, height: size, width: size };
      const forward = ortForward(ort, session, shape);
      const image = rng.fill(new Float32Array(size * size)) as Float32Array;
      const input: ExplainInput = { image, shape, target: 2, classes };
      const params = occlusion.params.parse({ window: 4, stride: 2, batchSize: 32 });
      const batched = await occlusion.run(forward, input, params, new Random(0));
      // The same computation one image per call: batching must not change the map.
      const single: Forward = async (images, n) => {
        const out = new Float32Array(n * classes);
        for (let i = 0; i < n; i++) out.set(await forward(images.slice(i * size * size, (i + 1) * size * size), 1), i * classes);
        return out;
      };
      const oneByOne = await occlusion.run(single, input, occlusion.params.parse({ window: 4, stride: 2, batchSize: 1 }), new Random(0));
      expect(batched).toHaveLength(size * size);
      for (let p = 0; p < size * size; p++) expect(batched[p]).toBeCloseTo(oneByOne[p]!, 4);
      expect(batched.some((v) => v !== 0)).toBe(true);
    } finally {
      await session.release();
    }
  });
});

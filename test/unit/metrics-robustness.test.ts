// Sanity and robustness metrics on ONNX Runtime with the real Explainer: cascading randomisation
// decorrelates gradient maps of a structured CNN while randomising nothing keeps them identical;
// random-logit on a linear model is 1 for identical class weights and C2/(σa² + σb² + C2) for
// orthogonal zero-mean ones; max-sensitivity of the gradient of a linear model is exactly 0 and of
// its Gradient × Input is r·range·‖w‖/‖w ⊙ x‖ for a δ fixed at +r·range. The Explainer's
// randomised copies are deterministic by seed, leave the model as it was and release their sessions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExplainer } from '../../main/evaluate/explainer.js';
import type { Explainer, Metric, MetricBatch } from '../../main/evaluate/metric.js';
import { robustnessMetrics } from '../../main/evaluate/registry.js';
import { maxSensitivity } from '../../main/evaluate/robustness/max-sensitivity.js';
import { modelParameterRandomisation } from '../../main/evaluate/robustness/model-parameter-randomisation.js';
import { randomLogit } from '../../main/evaluate/robustness/random-logit.js';
import { ExplainedModel } from '../../main/explain/run/explained-model.js';
import { methodById } from '../../main/explain/methods.js';
import type { PerturbationMethod } from '../../main/explain/perturbation/method.js';
import type { Engines } from '../../main/engines/engines.js';
import { Random } from '../../main/numeric/random.js';
import { loadOrt } from '../../main/onnx/runtime.js';
import { SessionCache } from '../../main/onnx/session-cache.js';
import { linearNet, structuredCnn } from '../fixtures/robustness-nets.js';

let engines: Engines;

beforeAll(() => {
  const ort = loadOrt();
  engines = { ort, sessions: new SessionCache(ort, 4) } as unknown as Engines;
});
afterAll(async () => {
  await engines.sessions.clear();
});

const run = (metric: Metric, batch: MetricBatch, params: object = {}, rng = new Random(42)) => metric.score(batch, metric.params.parse(params), rng);

/** A batch of the explainer's own heatmaps of the given images, as the evaluation job would pass it. */
async function batchOf(explainer: Explainer, images: Float32Array, targets: Int32Array, size: number, classes: number): Promise<MetricBatch> {
  const n = targets.length;
  const heatmaps = await explainer.explain(images, n, targets);
  return { n, height: size, width: size, heatmaps, targets, images, channels: 1, classes, inputBounds: { low: [0], high: [1] }, explainer };
}

describe('the model parameter randomisation test', () => {
  it('decorrelates the gradient maps of a structured CNN once its layers are randomised from the top', async () => {
    const model = new ExplainedModel(engines, structuredCnn(12), 'cnn:mprt');
    const explainer = createExplainer(model, 'gradient', {}, undefined, 1);
    expect(explainer.layers).toEqual(['fc', 'conv2', 'conv1']);
    const n = 8;
    const images = new Random(2).fill(new Float32Array(n * 144)) as Float32Array;
    const batch = await batchOf(explainer, images, Int32Array.from({ length: n }, (_, i) => i % 2), 12, 2);
    const result = await run(modelParameterRandomisation, batch);
    const { x, y } = result.curves!;
    expect(Array.from(x)).toEqual([0, 1, 2, 3]);
    const stage = (k: number) => Array.from({ length: n }, (_, i) => y[i * 4 + k]!).reduce((a, b) => a + b, 0) / n;
    // Stage 0 re-explains the unchanged model: the very same maps.
    expect(stage(0)).toBeCloseTo(1, 6);
    expect(Math.abs(stage(3))).toBeLessThan(0.3);
    for (let i = 0; i < n; i++) expect(result.scores[i]).toBeCloseTo((y[i * 4 + 1]! + y[i * 4 + 2]! + y[i * 4 + 3]!) / 3, 6);
    expect(modelParameterRandomisation.higherIsBetter).toBe(false);
  });

  it('scores 1 when the randomisation changes nothing (an explainer whose randomised copy is itself)', async () => {
    const model = new ExplainedModel(engines, structuredCnn(12), 'cnn:identity');
    const real = createExplainer(model, 'gradient', {}, undefined, 1);
    const identity: Explainer = { layers: real.layers, explain: (images, n, targets) => real.explain(images, n, targets), randomised: () => identity };
    const images = new Random(3).fill(new Float32Array(4 * 144)) as Float32Array;
    const batch = await batchOf(identity, images, Int32Array.of(0, 1, 0, 1), 12, 2);
    for (const similarity of ['spearman', 'ssim']) {
      const result = await run(modelParameterRandomisation, batch, { similarity });
      for (const s of result.scores) expect(s).toBeCloseTo(1, 6);
    }
    // The real explainer with nothing randomised gives the original maps.
    expect(await real.randomised([], 9).explain(images, 4, batch.targets)).toEqual(batch.heatmaps);
  });
});

describe('the random-logit test', () => {
  it('gives SSIM 1 when both classes have the same weights, so their gradients are identical', async () => {
    const w = [0.3, -0.2, 0.5, 0.1, -0.4, 0.2, 0, 0.7, -0.1];
    const model = new ExplainedModel(engines, linearNet([w, w], 3, 3), 'linear:same');
    const explainer = createExplainer(model, 'gradient', {}, undefined, 1);
    const batch = await batchOf(explainer, new Random(4).fill(new Float32Array(3 * 9)) as Float32Array, Int32Array.of(0, 1, 0), 3, 2);
    const result = await run(randomLogit, batch);
    for (const s of result.scores) expect(s).toBeCloseTo(1, 6);
  });

  it('gives C2 / (σa² + σb² + C2) for orthogonal zero-mean class weights (Wang et al. 2004, one 2×2 window)', async () => {
    const model = new ExplainedModel(engines, linearNet([[1, -1, 0, 0], [0, 0, 1, -1]], 2, 2), 'linear:orthogonal');
    const explainer = createExplainer(model, 'gradient', {}, undefined, 1);
    const batch = await batchOf(explainer, new Random(5).fill(new Float32Array(2 * 4)) as Float32Array, Int32Array.of(0, 1), 2, 2);
    const result = await run(randomLogit, batch);
    // μ = 0, σa² = σb² = ½, σab = 0, range L = 2: C1 = (0.01·2)², C2 = (0.03·2)²; the C1 terms cancel.
    const c2 = (0.03 * 2) ** 2;
    for (const s of result.scores) expect(s).toBeCloseTo(c2 / (1 + c2), 6);
  });

  it('draws the other class uniformly among the rest, never the explained one', async () => {
    const classes = 4;
    const seen: number[] = [];
    const explainer: Explainer = {
      layers: [],
      explain: async (_images, n, targets) => (seen.push(...targets), new Float32Array(n * 4).map((_, q) => q % 3)),
      randomised: () => explainer,
    };
    const n = 400;
    const targets = Int32Array.from({ length: n }, (_, i) => i % classes);
    const batch: MetricBatch = { n, height: 2, width: 2, heatmaps: new Float32Array(n * 4), targets, images: new Float32Array(n * 4), channels: 1, classes, explainer };
    await run(randomLogit, batch);
    seen.forEach((off, i) => expect(off).not.toBe(targets[i]));
    for (let k = 0; k < classes; k++) expect(seen.filter((c) => c === k).length).toBeGreaterThan(70);
  });
});

/** A generator whose uniform draws are all at the top of their range: δ = +r·range exactly. */
class TopDraws extends Random {
  override uniform(_low: number, high: number): number {
    return high;
  }
}

describe('max-sensitivity', () => {
  const w = [0.5, -1, 0.25, 2, -0.75, 1, 0.1, -0.3, 0.8];
  const x = [0.2, 0.9, 0.4, 0.6, 0.1, 0.7, 0.3, 0.5, 0.8];
  const norm = (v: number[]) => Math.hypot(...v);

  it('is exactly 0 for the gradient of a linear model, whose gradient does not depend on the input', async () => {
    const model = new ExplainedModel(engines, linearNet([w, w.map((v) => -v)], 3, 3), 'linear:sens');
    const explainer = createExplainer(model, 'gradient', {}, undefined, 1);
    const batch = await batchOf(explainer, Float32Array.from([...x, ...x.map((v) => 1 - v)]), Int32Array.of(0, 1), 3, 2);
    const result = await run(maxSensitivity, batch);
    expect(Array.from(result.scores)).toEqual([0, 0]);
  });

  it('is r·range·‖w‖ / ‖w ⊙ x‖ for Gradient × Input of a linear model when δ = +r·range, and at most that for random δ', async () => {
    const model = new ExplainedModel(engines, linearNet([w, w.map((v) => -v)], 3, 3), 'linear:sens-gxi');
    const explainer = createExplainer(model, 'gradient-x-input', {}, undefined, 1);
    const batch = { ...(await batchOf(explainer, Float32Array.from(x), Int32Array.of(0), 3, 2)), inputBounds: { low: [-1], high: [3] } };
    // Φ(x + δ) − Φ(x) = w ⊙ δ; with range 4 and r = 0.1, δ = 0.4 everywhere.
    const exact = (0.4 * norm(w)) / norm(w.map((v, p) => v * x[p]!));
    const fixed = await run(maxSensitivity, batch, { radius: 0.1, samples: 3 }, new TopDraws(1));
    expect(fixed.scores[0]).toBeCloseTo(exact, 5);
    const random = await run(maxSensitivity, batch, { radius: 0.1 });
    expect(random.scores[0]).toBeLessThanOrEqual(exact * (1 + 1e-6));
    // The mean square of U(−r, r) is r²/3: the largest of 50 draws is above that root mean square.
    expect(random.scores[0]).toBeGreaterThan(exact / Math.sqrt(3));
    const byInput = await run(maxSensitivity, batch, { radius: 0.1, samples: 3, denominator: 'input' }, new TopDraws(1));
    expect(byInput.scores[0]).toBeCloseTo((0.4 * norm(w)) / norm(x), 5);
  });
});

describe('the explainer', () => {
  it('gives deterministic randomised copies by seed, leaves the original model and its heatmaps as they were, and releases their sessions', async () => {
    const bytes = structuredCnn(12);
    const copy = bytes.slice();
    const model = new ExplainedModel(engines, bytes, 'cnn:explainer');
    const explainer = createExplainer(model, 'gradient', {}, undefined, 1);
    const images = new Random(6).fill(new Float32Array(3 * 144)) as Float32Array;
    const targets = Int32Array.of(0, 1, 1);
    const original = await explainer.explain(images, 3, targets);
    const sessions = engines.sessions.size;
    const a = await explainer.randomised(['fc', 'conv2'], 7).explain(images, 3, targets);
    expect(engines.sessions.size).toBe(sessions);
    expect(await explainer.randomised(['fc', 'conv2'], 7).explain(images, 3, targets)).toEqual(a);
    expect(await explainer.randomised(['fc', 'conv2'], 8).explain(images, 3, targets)).not.toEqual(a);
    expect(a).not.toEqual(original);
    expect(await explainer.explain(images, 3, targets)).toEqual(original);
    expect(model.bytes).toEqual(copy);
  });

  it('runs a perturbation method on the model’s forward pass as the method itself does', async () => {
    const w = [0.3, -0.2, 0.5, 0.1, -0.4, 0.2, 0, 0.7, -0.1];
    const model = new ExplainedModel(engines, linearNet([w, w.map((v) => 2 * v)], 3, 3), 'linear:occlusion');
    const params = { window: 1, stride: 1 };
    const explainer = createExplainer(model, 'occlusion', params, undefined, 1);
    const images = new Random(7).fill(new Float32Array(2 * 9)) as Float32Array;
    const maps = await explainer.explain(images, 2, Int32Array.of(0, 1));
    const method = methodById('occlusion') as PerturbationMethod;
    const direct = await model.withForward(async (forward) => {
      const out: number[] = [];
      for (let i = 0; i < 2; i++) {
        const input = { image: images.subarray(i * 9, (i + 1) * 9), shape: { channels: 1, height: 3, width: 3 }, target: i, classes: 2 };
        out.push(...(await method.run(forward, input, method.params.parse(params), new Random(0))));
      }
      return out;
    });
    expect(Array.from(maps)).toEqual(direct);
  });

  it('registers the three metrics in the robustness family, each needing the explainer', () => {
    expect(robustnessMetrics.map((m) => m.id)).toEqual(['model-parameter-randomisation', 'random-logit', 'max-sensitivity']);
    for (const m of robustnessMetrics) {
      expect(m.family).toBe('robustness');
      expect(m.needs.explainer).toBe(true);
      expect(m.higherIsBetter).toBe(false);
    }
  });
});

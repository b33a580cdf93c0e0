// The removal check of faithfulness perturbations (faithfulness/validity.ts, removal-probe.ts,
// removal-statistics.ts), on hand-computed cases: its statistics from a table of scores worked out
// by hand, the exact sign test against binomial sums computed here, and the whole check on a model
// whose score is the sum of the pixels, where filling with zero can only lower the score (a
// removal) and uniform noise on a near-black image can only raise it.
import { describe, expect, it } from 'vitest';
import type { Forward } from '../../main/explain/forward.js';
import { regionPerturbationMorf } from '../../main/evaluate/faithfulness/region-perturbation.js';
import { paperGeometry } from '../../main/evaluate/faithfulness/regions.js';
import { PER_IMAGE, PROBE_REGIONS, sampleRows } from '../../main/evaluate/faithfulness/removal-probe.js';
import { removalStatistics, signTestP, type RemovalStatistics } from '../../main/evaluate/faithfulness/removal-statistics.js';
import { checkPerturbation, validityNotes, validityVerdict, validityWarnings } from '../../main/evaluate/faithfulness/validity.js';
import type { MetricBatch } from '../../main/evaluate/metric.js';
import { Random } from '../../main/numeric/random.js';

const H = 8;
const W = 8;
const PLANE = H * W;

/** Logits [n, 2]: class 0 scores Σ x, class 1 scores −Σ x, so an all-zero image is a coin flip. */
const sumModel: Forward = async (images, n) => {
  const out = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = 0; p < PLANE; p++) s += images[i * PLANE + p]!;
    out[i * 2] = s;
    out[i * 2 + 1] = -s;
  }
  return out;
};

function batchOf(images: Float32Array): MetricBatch {
  const n = images.length / PLANE;
  return { n, height: H, width: W, heatmaps: new Float32Array(n * PLANE), targets: new Int32Array(n), images, channels: 1, forward: sumModel, classes: 2, inputBounds: { low: [0], high: [1] } };
}

const probeOf = (perturbation: string) => regionPerturbationMorf.probe!(regionPerturbationMorf.params.parse({ regionSize: 2, steps: 4, perturbation }), { height: H, width: W });

describe('the removal statistics', () => {
  it('leaves changes below 1 % of the image’s full drop out of the test, so regions that change nothing do not count as evidence either way', () => {
    const per = PER_IMAGE;
    const scores = new Float64Array(2 * per);
    for (const [s, f0] of [[0, 10], [1, 20]] as const) {
      scores[s * per] = f0;
      // 12 regions move the score by ±0.05 (below 1 % of a drop of 10); 4 lower it by 3.
      for (let k = 1; k <= PROBE_REGIONS; k++) scores[s * per + k] = k <= 4 ? f0 - 3 : f0 + (k % 2 === 0 ? 0.05 : -0.05);
      scores[s * per + PROBE_REGIONS + 1] = f0 - 5;
      scores[s * per + PROBE_REGIONS + 2] = f0 - 10;
    }
    const stats = removalStatistics(
      { scores, probability: Float64Array.from([0.9, 0.9]), fullPredicted: Int32Array.from([0, 1]), fullProbability: Float64Array.from([0.5, 0.5]), budgetRegions: 4 },
      2,
      2,
      { label: 'road', output: 'logit' },
    );
    // 6 of 16 rise by 0.05 on each image; none of the material changes rises: both images lean towards falls.
    expect(stats.raiseShare).toBeCloseTo(6 / 16, 12);
    expect(stats.materialShare).toBe(4 / 16);
    expect(stats.materialRaiseShare).toBe(0);
    expect(stats.testedImages).toBe(2);
    expect(stats.raiseP).toBe(0.25);
  });

  it('counts raises, mean changes, the budget and the fully perturbed image as worked out by hand', () => {
    // Two images; per image: the original, PROBE_REGIONS single regions, the budget, the full perturbation.
    const per = PER_IMAGE;
    const scores = new Float64Array(2 * per);
    scores[0] = 10; // image 0: 4 of 16 regions raise by 1, the rest lower by 2
    for (let k = 1; k <= PROBE_REGIONS; k++) scores[k] = k <= 4 ? 11 : 8;
    scores[PROBE_REGIONS + 1] = 7;
    scores[PROBE_REGIONS + 2] = 4;
    scores[per] = 5; // image 1: 8 regions raise by 3, 8 lower by 1
    for (let k = 1; k <= PROBE_REGIONS; k++) scores[per + k] = k <= 8 ? 8 : 4;
    scores[per + PROBE_REGIONS + 1] = 6;
    scores[per + PROBE_REGIONS + 2] = 5;
    const stats = removalStatistics(
      { scores, probability: Float64Array.from([0.9, 0.7]), fullPredicted: Int32Array.from([1, 1]), fullProbability: Float64Array.from([0.6, 0.7]), budgetRegions: 4 },
      2,
      2,
      { label: 'zero', output: 'logit' },
    );
    expect(stats.raiseShare).toBeCloseTo(12 / 32, 12);
    expect(stats.budgetRegions).toBe(4);
    // Σ Δ = 4·1 − 12·2 + 8·3 − 8·1 = −4 over 32; Σ |Δ| = 4 + 24 + 24 + 8 = 60.
    expect(stats.meanDelta).toBeCloseTo(-4 / 32, 12);
    expect(stats.meanAbsDelta).toBeCloseTo(60 / 32, 12);
    expect(stats.budgetRaiseShare).toBe(0.5);
    expect(stats.budgetMeanDelta).toBeCloseTo((-3 + 1) / 2, 12);
    // Image 0 falls by 6, image 1 not at all.
    expect(stats.full.meanDrop).toBeCloseTo(3, 12);
    expect(stats.full.notLoweredShare).toBe(0.5);
    expect(stats.full.predicted).toEqual([0, 2]);
    expect(stats.full).toMatchObject({ dominantClass: 1, dominantShare: 1 });
    expect(stats.full.dominantProbability).toBeCloseTo(0.65, 12);
    // (0.65 − ½) / (0.8 − ½) of the certainty above chance survives.
    expect(stats.full.confidenceRetained).toBeCloseTo(0.15 / 0.3, 12);
    // Every change is material (image 0's floor is 1 % of its drop of 6; image 1 does not drop, so
    // its floor is 0). Image 0 leans towards falls (4 of 16 rise); image 1 is a tie (8 of 16) and abstains.
    expect(stats.materialShare).toBe(1);
    expect(stats.materialRaiseShare).toBeCloseTo(12 / 32, 12);
    expect(stats.testedImages).toBe(1);
    expect(stats.raiseP).toBe(0.5);
  });

  it('tests whether the images lean towards falls by the exact one-sided sign test', () => {
    // P(X ≥ k), X ~ Binomial(n, ½).
    expect(signTestP(5, 5)).toBeCloseTo(1 / 32, 15);
    expect(signTestP(8, 10)).toBeCloseTo((45 + 10 + 1) / 1024, 15);
    expect(signTestP(0, 7)).toBe(1);
    expect(signTestP(1, 1)).toBe(0.5);
    // 40 of 64: Σ_{j=40..64} C(64, j) / 2⁶⁴ = 0.0299706 (an exact integer sum).
    expect(signTestP(40, 64)).toBeCloseTo(0.0299706, 6);
  });

  it('calls a check inconclusive when no threshold is crossed but too few images changed materially, and says so', () => {
    const quiet: RemovalStatistics = {
      perturbation: 'noisy linear imputation (ROAD) in 1×1-px grid regions',
      output: 'logit',
      images: 64,
      regionsPerImage: 16,
      raiseShare: 0.5,
      materialShare: 0.003,
      materialRaiseShare: 0,
      testedImages: 3,
      raiseP: 0.125,
      meanAbsDelta: 0.01,
      meanDelta: -0.001,
      budgetRegions: 165,
      budgetRaiseShare: 0.1,
      budgetMeanDelta: -1,
      full: { predicted: [30, 34], dominantClass: 1, dominantShare: 0.53, dominantProbability: 0.6, confidence: 0.6, originalConfidence: 0.95, confidenceRetained: 0.1 / 0.45, meanDrop: 7, notLoweredShare: 0 },
    };
    expect(validityWarnings(quiet)).toEqual([]);
    expect(validityVerdict(quiet, [])).toBeNull();
    expect(validityNotes(quiet, ['a', 'b'])[0]).toMatch(/on too few images \(3\) to test whether they remove information/);
    expect(validityVerdict({ ...quiet, testedImages: 5, raiseP: 1 / 32 }, [])).toBe(true);
  });

  it('says nothing when no threshold is crossed and one sentence per threshold crossed', () => {
    const base = { perturbation: 'zero input in 2×2-px grid regions', output: 'logit' as const, images: 64, regionsPerImage: 16, raiseShare: 0.3, materialShare: 0.5, materialRaiseShare: 0.2, testedImages: 60, raiseP: 0.001, meanAbsDelta: 1, meanDelta: -1, budgetRegions: 4, budgetRaiseShare: 0, budgetMeanDelta: -3 };
    const full = { predicted: [32, 32], dominantClass: 0, dominantShare: 0.5, dominantProbability: 0.55, confidence: 0.55, originalConfidence: 0.95, confidenceRetained: 0.05 / 0.45, meanDrop: 4, notLoweredShare: 0.1 };
    expect(validityWarnings({ ...base, full })).toEqual([]);
    const bad = validityWarnings({ ...base, materialRaiseShare: 0.47, raiseP: 0.2, budgetRaiseShare: 0.5, full: { ...full, confidence: 0.93, confidenceRetained: 0.95, notLoweredShare: 0.6 } });
    expect(bad).toHaveLength(3);
    expect(bad[0]).toBe(
      'Zero input in 2×2-px grid regions raises the explained logit in 47 % of the single-region perturbations that change it materially — not significantly fewer than it lowers (sign test over 60 images, p = 0.20): it is not shown to remove information, so MoRF/LeRF rankings under it are unreliable for this model.',
    );
    expect(bad[1]).toMatch(/^Perturbing a curve's length of 4 random regions raises the explained logit for 50 % of the images/);
    expect(bad[2]).toMatch(/^Perturbing the whole image does not lower the explained logit for 60 % of the images/);
  });
});

describe('the removal check on a model whose score is the sum of the pixels', () => {
  const bright = Float32Array.from({ length: 8 * PLANE }, (_, k) => 0.5 + 0.5 * ((k * 7919) % 13) / 13);

  it('finds filling with zero a removal: every region lowers the score and the emptied image is a coin flip', async () => {
    const v = await checkPerturbation(batchOf(bright), probeOf('zero'), new Random(3), ['a', 'b']);
    expect(v.raiseShare).toBe(0);
    // All 8 images lean towards falls: p = 2⁻⁸.
    expect(v.testedImages).toBe(8);
    expect(v.raiseP).toBe(1 / 256);
    expect(v.meanDelta).toBeLessThan(0);
    // Every region is 2×2: the mean |Δ| is the mean sum of four pixels.
    expect(v.meanAbsDelta).toBeGreaterThan(4 * 0.5);
    expect(v.meanAbsDelta).toBeLessThan(4 * 1);
    expect(v.full.confidence).toBeCloseTo(0.5, 6);
    expect(v.full.confidenceRetained).toBeCloseTo(0, 6);
    expect(v.full.notLoweredShare).toBe(0);
    expect(v.budgetRegions).toBe(4);
    expect(v.removal).toBe(true);
    expect(v.warnings).toEqual([]);
  });

  it('flags uniform noise on near-black images: it can only add to the score, and the noise image is confidently class 0', async () => {
    // Pixels of 0.01: the originals are class 0 with p = 1 / (1 + e^−1.28) ≈ 0.78.
    const v = await checkPerturbation(batchOf(new Float32Array(8 * PLANE).fill(0.01)), probeOf('uniform'), new Random(3), ['a', 'b']);
    expect(v.full.originalConfidence).toBeCloseTo(1 / (1 + Math.exp(-1.28)), 5);
    expect(v.raiseShare).toBe(1);
    expect(v.raiseP).toBe(1);
    expect(v.budgetRaiseShare).toBe(1);
    expect(v.full.notLoweredShare).toBe(1);
    // Σ of 64 uniform values ≈ 32: softmax of (32, −32) is 1.
    expect(v.full.confidence).toBeGreaterThan(0.999);
    expect(v.removal).toBe(false);
    expect(v.warnings).toHaveLength(3);
    // The emptied image's certainty and its single class are reported, not flagged.
    expect(v.notes[0]).toMatch(/^With every pixel perturbed the model is still 1.00 sure of a class/);
    expect(v.notes[1]).toMatch(/^Fully perturbed images are classified "a" 100 % of the time/);
  });

  it('samples the same rows for the same seed, all of them when there are few', () => {
    const rows = (n: number) => Int32Array.from({ length: n }, (_, r) => r);
    expect(Array.from(sampleRows(rows(5), 64, new Random(1)))).toEqual([0, 1, 2, 3, 4]);
    const a = sampleRows(rows(1000), 64, new Random(9));
    expect(Array.from(a)).toEqual(Array.from(sampleRows(rows(1000), 64, new Random(9))));
    expect(new Set(a).size).toBe(64);
    expect(Array.from(a)).toEqual(Array.from(a).sort((x, y) => x - y));
  });
});

describe('region perturbation’s defaults', () => {
  it('scale the paper’s 9-px regions on 224-px images and its 16 % share of the image to the image size', () => {
    expect(paperGeometry(224, 224)).toEqual({ size: 9, steps: 100 });
    // 32 px: 1-px regions, round(0.1614 · 1024) = 165 of them.
    expect(paperGeometry(32, 32)).toEqual({ size: 1, steps: 165 });
    // 64 px: round(9 · 64 / 224) = 3, round(0.1614 · 4096 / 9) = 73.
    expect(paperGeometry(64, 64)).toEqual({ size: 3, steps: 73 });
    // A tiny image never ends on the whole image.
    expect(paperGeometry(2, 2)).toEqual({ size: 1, steps: 1 });
  });

  it('record the region size and steps they chose, and keep what was asked for', () => {
    const fitted = (params: object, side: number) => regionPerturbationMorf.fit!(regionPerturbationMorf.params.parse(params), { height: side, width: side });
    expect(fitted({}, 32)).toMatchObject({ regionSize: 1, steps: 165 });
    expect(fitted({ regionSize: 9, steps: 100 }, 32)).toMatchObject({ regionSize: 9, steps: 16 });
    // A region size alone keeps the paper's share of the image: 165 · 1 / 4 ≈ 41 regions of 2×2.
    expect(fitted({ regionSize: 2 }, 32)).toMatchObject({ regionSize: 2, steps: 41 });
    // A very large image: the scaled region (165 px, L = 99) is capped at the largest a region may
    // be, 64 px, keeping the share of the image: round(99 · 165² / 64²) = 658.
    const large = fitted({}, 4096);
    expect(large).toMatchObject({ regionSize: 64, steps: 658 });
    expect(() => regionPerturbationMorf.params.parse(large)).not.toThrow();
  });
});

// Localisation metrics on hand-computable maps: perfect and inverted maps, the documented tie rule
// (ties are split fractionally — a constant map scores what chance scores), and small cases worked
// out by hand in the comments.
import { describe, expect, it } from 'vitest';
import type { Metric, MetricBatch } from '../../main/evaluate/metric.js';
import { energyPointingGame } from '../../main/evaluate/localisation/energy-pointing-game.js';
import { pointingGame } from '../../main/evaluate/localisation/pointing-game.js';
import { relevanceMassAccuracy } from '../../main/evaluate/localisation/relevance-mass-accuracy.js';
import { relevanceRankAccuracy } from '../../main/evaluate/localisation/relevance-rank-accuracy.js';
import { rocAuc } from '../../main/evaluate/localisation/roc-auc.js';
import { kthLargest } from '../../main/evaluate/localisation/top-selection.js';
import { floatKey, keyBits, radixSortUint32 } from '../../main/evaluate/radix-sort.js';
import { topKIntersection } from '../../main/evaluate/localisation/top-k-intersection.js';
import { topPercentIou } from '../../main/evaluate/localisation/top-percent-iou.js';
import { complexityMetrics, localisationMetrics } from '../../main/evaluate/registry.js';
import { Random } from '../../main/numeric/random.js';

function batchOf(height: number, width: number, maps: number[][], masks: number[][]): MetricBatch {
  return {
    n: maps.length,
    height,
    width,
    heatmaps: Float32Array.from(maps.flat()),
    masks: Uint8Array.from(masks.flat()),
    targets: new Int32Array(maps.length),
  };
}

async function scores(metric: Metric, batch: MetricBatch, params: Record<string, unknown> = {}): Promise<number[]> {
  const result = await metric.score(batch, metric.params.parse(params), new Random(0));
  return Array.from(result.scores);
}

const one = async (metric: Metric, batch: MetricBatch, params: Record<string, unknown> = {}) => (await scores(metric, batch, params))[0]!;

// A 3×4 mask of 4 pixels (share 1/3), not a rectangle, so its bounding box is larger than itself.
const MASK = [1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0];
const SHARE = 4 / 12;

describe('a heatmap equal to the mask', () => {
  const batch = batchOf(3, 4, [MASK], [MASK]);

  it('scores 1 on mass accuracy, rank accuracy, AUC, the pointing game, top-p IoU and mask-energy', async () => {
    expect(await one(relevanceMassAccuracy, batch)).toBe(1);
    expect(await one(relevanceRankAccuracy, batch)).toBe(1);
    expect(await one(rocAuc, batch)).toBe(1);
    expect(await one(pointingGame, batch)).toBe(1);
    expect(await one(topPercentIou, batch)).toBe(1);
    expect(await one(energyPointingGame, batch, { region: 'mask' })).toBe(1);
    expect(await one(topKIntersection, batch, { k: 4 })).toBe(1);
  });
});

describe('the inverted map (1 − mask)', () => {
  const batch = batchOf(3, 4, [MASK.map((m) => 1 - m)], [MASK]);

  it('scores 0 on every localisation metric measured on the mask itself', async () => {
    for (const metric of localisationMetrics) expect(await one(metric, batch, { k: 4, region: 'mask' }), metric.id).toBe(0);
  });

  it('keeps the energy of the box pixels outside the mask: 2 of 8 units', async () => {
    expect(await one(energyPointingGame, batch)).toBeCloseTo(2 / 8, 12);
  });
});

describe('the tie rule: a constant map scores chance', () => {
  for (const value of [0.7, 0, -2]) {
    const batch = batchOf(3, 4, [new Array(12).fill(value)], [MASK]);

    it(`gives the constant ${value} the mask's share on mass, rank, pointing and top-k, and AUC ½`, async () => {
      expect(await one(relevanceMassAccuracy, batch)).toBeCloseTo(SHARE, 12);
      expect(await one(relevanceRankAccuracy, batch)).toBeCloseTo(SHARE, 12);
      expect(await one(pointingGame, batch)).toBeCloseTo(SHARE, 12);
      expect(await one(topKIntersection, batch, { k: 5 })).toBeCloseTo(SHARE, 12);
      expect(await one(rocAuc, batch)).toBe(0.5);
    });

    it(`gives the constant ${value} the expected IoU and the box's share of the energy`, async () => {
      // 4 of 12 pixels selected fractionally: E[∩] = 4 · 4/12 = 4/3, IoU = (4/3) / (4 + 4 − 4/3) = 1/5.
      expect(await one(topPercentIou, batch)).toBeCloseTo(1 / 5, 12);
      // The mask's bounding box spans rows 0–2 × columns 0–1: 6 of 12 pixels.
      expect(await one(energyPointingGame, batch)).toBeCloseTo(0.5, 12);
    });
  }
});

describe('undefined cases', () => {
  it('returns NaN for an empty mask and scores the other images of the batch', async () => {
    const batch = batchOf(3, 4, [MASK, MASK], [new Array(12).fill(0), MASK]);
    for (const metric of localisationMetrics) {
      const [empty, full] = await scores(metric, batch, { k: 4 });
      expect(empty, metric.id).toBeNaN();
      expect(full, metric.id).toBe(1);
    }
  });

  it('returns NaN for the AUC of a full mask, which leaves nothing outside to rank against', async () => {
    const batch = batchOf(2, 2, [[1, 2, 3, 4]], [[1, 1, 1, 1]]);
    expect(await one(rocAuc, batch)).toBeNaN();
    expect(await one(relevanceMassAccuracy, batch)).toBe(1);
  });

  it('refuses a batch without masks, saying what is missing', async () => {
    const batch = { ...batchOf(2, 2, [[1, 2, 3, 4]], [[1, 0, 0, 0]]), masks: undefined };
    await expect(relevanceMassAccuracy.score(batch, { relevance: 'positive' }, new Random(0))).rejects.toThrow(/needs ground-truth masks/);
  });
});

// A hand-worked 2×3 case: a = [3, −1, 2; 0, 5, −4], mask = [1, 0, 1; 0, 0, 1].
// Positive relevance r⁺ = [3, 0, 2, 0, 5, 0] (Σ 10); absolute |a| = [3, 1, 2, 0, 5, 4] (Σ 15).
describe('a hand-worked 2×3 map', () => {
  const batch = batchOf(2, 3, [[3, -1, 2, 0, 5, -4]], [[1, 0, 1, 0, 0, 1]]);

  it('has mass accuracy (3 + 2) / 10 on positive and (3 + 2 + 4) / 15 on absolute relevance', async () => {
    expect(await one(relevanceMassAccuracy, batch)).toBeCloseTo(0.5, 12);
    expect(await one(relevanceMassAccuracy, batch, { relevance: 'absolute' })).toBeCloseTo(0.6, 12);
  });

  it('has rank accuracy 2/3: of the 3 top pixels 5, 3, 2 (or 5, 4, 3), two are inside', async () => {
    expect(await one(relevanceRankAccuracy, batch)).toBeCloseTo(2 / 3, 12);
    expect(await one(relevanceRankAccuracy, batch, { relevance: 'absolute' })).toBeCloseTo(2 / 3, 12);
  });

  it('has AUC 5/9 on positive relevance (inside 3, 2, 0 vs outside 0, 0, 5) and 6/9 on absolute', async () => {
    // 3 beats two outside, 2 beats two, 0 ties two zeros (½ each): 5 of 9 pairs.
    expect(await one(rocAuc, batch)).toBeCloseTo(5 / 9, 12);
    // 3, 2, 4 each beat 1 and 0 but lose to 5: 6 of 9.
    expect(await one(rocAuc, batch, { relevance: 'absolute' })).toBeCloseTo(6 / 9, 12);
  });

  it('splits the tie at the k-th value in top-k intersection', async () => {
    expect(await one(topKIntersection, batch, { k: 2 })).toBeCloseTo(1 / 2, 12);
    // Top 4 of r⁺: 5, 3, 2 and one of three tied zeros, one of which is inside: (2 + 1/3) / 4.
    expect(await one(topKIntersection, batch, { k: 4 })).toBeCloseTo(7 / 12, 12);
    // k beyond the 6 pixels is clamped to 6: the mask's share.
    expect(await one(topKIntersection, batch)).toBeCloseTo(1 / 2, 12);
  });

  it('has top-p IoU 2 / (3 + 3 − 2) at the mask share and 1 / (2 + 3 − 1) at p = 1/3', async () => {
    expect(await one(topPercentIou, batch)).toBeCloseTo(0.5, 12);
    expect(await one(topPercentIou, batch, { percent: 100 / 3 })).toBeCloseTo(0.25, 12);
  });

  it('misses the pointing game (the maximum 5 is outside) unless the tolerance reaches the mask 1 px away', async () => {
    expect(await one(pointingGame, batch)).toBe(0);
    expect(await one(pointingGame, batch, { tolerance: 0.99 })).toBe(0);
    expect(await one(pointingGame, batch, { tolerance: 1 })).toBe(1);
  });
});

describe('pointing game', () => {
  // 5×5, mask only at (0, 0), maximum at (3, 4): distance √(9 + 16) = 5.
  const map = new Array(25).fill(0);
  map[3 * 5 + 4] = 1;
  const mask = new Array(25).fill(0);
  mask[0] = 1;
  const batch = batchOf(5, 5, [map], [mask]);

  it('counts a hit exactly when the maximum lies within the Euclidean tolerance of the mask', async () => {
    expect(await one(pointingGame, batch, { tolerance: 4.9 })).toBe(0);
    expect(await one(pointingGame, batch, { tolerance: 5 })).toBe(1);
  });

  it('scores the share of tied maxima that hit', async () => {
    const tied = batchOf(2, 2, [[2, 2, 2, 1]], [[1, 0, 0, 1]]);
    expect(await one(pointingGame, tied)).toBeCloseTo(1 / 3, 12);
  });

  it('points with the largest |a| when scoring absolute relevance', async () => {
    const signed = batchOf(1, 3, [[-9, 1, 0]], [[1, 0, 0]]);
    expect(await one(pointingGame, signed)).toBe(0);
    expect(await one(pointingGame, signed, { relevance: 'absolute' })).toBe(1);
  });
});

describe('energy-based pointing game', () => {
  // 3×3 map 1…9, mask at (0, 0) and (1, 1): box rows 0–1 × columns 0–1 holds 1 + 2 + 4 + 5 = 12 of 45.
  const batch = batchOf(3, 3, [[1, 2, 3, 4, 5, 6, 7, 8, 9]], [[1, 0, 0, 0, 1, 0, 0, 0, 0]]);

  it('measures the energy in the mask\'s bounding box, or in the mask itself', async () => {
    expect(await one(energyPointingGame, batch)).toBeCloseTo(12 / 45, 12);
    expect(await one(energyPointingGame, batch, { region: 'mask' })).toBeCloseTo(6 / 45, 12);
  });
});

describe('relevance mass accuracy', () => {
  it('treats a map without positive relevance as constant: the mask\'s share', async () => {
    const batch = batchOf(3, 4, [new Array(12).fill(0).map((_, i) => -i)], [MASK]);
    expect(await one(relevanceMassAccuracy, batch)).toBeCloseTo(SHARE, 12);
  });
});

describe('partial selection', () => {
  it('finds the k-th largest value of shuffled data with duplicates, agreeing with a full sort', () => {
    const rng = new Random(7);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + rng.int(60);
      const values = Float32Array.from({ length: n }, () => rng.int(10));
      const sorted = Array.from(values).sort((a, b) => b - a);
      const k = 1 + rng.int(n);
      expect(kthLargest(values.slice(), k)).toBe(sorted[k - 1]);
    }
  });
});

describe('ROC-AUC', () => {
  it('agrees with counting all inside/outside pairs (ties ½) on random maps with many ties', async () => {
    const rng = new Random(11);
    for (let trial = 0; trial < 20; trial++) {
      const map = Array.from({ length: 64 }, () => rng.int(7) - 3);
      const mask = Array.from({ length: 64 }, () => (rng.next() < 0.3 ? 1 : 0));
      mask[0] = 1;
      mask[1] = 0;
      for (const relevance of ['positive', 'absolute'] as const) {
        const r = map.map((v) => (relevance === 'positive' ? Math.max(v, 0) : Math.abs(v)));
        let u = 0;
        let pairs = 0;
        for (let i = 0; i < 64; i++)
          for (let j = 0; j < 64; j++)
            if (mask[i] && !mask[j]) {
              pairs++;
              u += r[i]! > r[j]! ? 1 : r[i] === r[j] ? 0.5 : 0;
            }
        expect(await one(rocAuc, batchOf(8, 8, [map], [mask]), { relevance })).toBeCloseTo(u / pairs, 12);
      }
    }
  });
});

describe('radix sort of float keys', () => {
  it('orders floats like a numeric sort, negatives, zeros and duplicates included', () => {
    const rng = new Random(3);
    const values = Float32Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? 0 : i % 11 === 0 ? -0 : rng.normal() * 10 ** rng.int(6)));
    const bits = new Uint32Array(values.buffer);
    const keys = Uint32Array.from(bits, floatKey);
    radixSortUint32(keys, new Uint32Array(keys.length));
    const back = new Float32Array(Uint32Array.from(keys, keyBits).buffer);
    expect(Array.from(back)).toEqual(Array.from(values).sort((a, b) => a - b).map((v) => (Object.is(v, -0) ? 0 : v)));
  });
});

describe('the registry', () => {
  it('declares every metric with a unique id, a citation, its direction and parsable defaults', () => {
    const all = [...localisationMetrics, ...complexityMetrics];
    expect(new Set(all.map((m) => m.id)).size).toBe(all.length);
    for (const metric of all) {
      expect(metric.citation.length, metric.id).toBeGreaterThan(10);
      expect(() => metric.params.parse({}), metric.id).not.toThrow();
    }
    for (const metric of localisationMetrics) {
      expect(metric.family).toBe('localisation');
      expect(metric.higherIsBetter).toBe(true);
      expect(metric.needs.mask).toBe(true);
    }
  });
});

// The reliability of an evaluation's rankings (Tomsett et al. 2020): inter-rater α of the images'
// rankings, inter-method ρ and internal consistency, against hand-computed coincidence matrices and
// rank correlations, and the sentences that report them.
import { describe, expect, it } from 'vitest';
import { evaluationReliability, type ReliabilityShape } from '../../main/evaluate/run/reliability.js';
import { spearmanComplete } from '../../main/evaluate/statistics/spearman.js';
import { Random } from '../../main/numeric/random.js';
import type { MetricFamilyName } from '../../shared/evaluations.js';
import { alphaVerdict, type MetricReliability } from '../../shared/reliability.js';
import { consistencySentence, interMethodSentence, interRaterSentence, reliabilityWords } from '../../shared/reliability-words.js';

type Metric = { id: string; higherIsBetter: boolean; family: MetricFamilyName };
const run = (n: number, method: string) => ({ runId: n, method, label: method });
const baseline = { runId: null, method: 'random', label: 'Random map (baseline)' };

/** Packs cells[column][metric] (one score per row) into the [columns][metrics][rows] layout. */
function pack(cells: number[][][]): Float64Array {
  return Float64Array.from(cells.flat(2));
}

function shape(columns: ReliabilityShape['columns'], metrics: Metric[], rows: number): ReliabilityShape {
  return { columns, metrics, rows };
}

const aopc: Metric = { id: 'region-perturbation', higherIsBetter: true, family: 'faithfulness' };

describe('inter-rater reliability (Krippendorff α of the images’ rankings)', () => {
  // Image 1 ranks A, B, C as 1, 2, 3; image 2 as 1, 3, 2. Units A (1,1), B (2,3), C (3,2): o_11 = 2,
  // o_23 = o_32 = 2, every n_c = 2, n = 6, so α = 1 − 5 · 4 / (2 · (4 + 16 + 4)) = 7/12 (the ordinal δ²
  // is 4 × the interval δ² here, as every rank occurs equally often).
  const a = [0.9, 0.8];
  const b = [0.5, 0.2];
  const c = [0.1, 0.4];

  it('gives the hand-computed α when two images rank three methods', () => {
    const report = evaluationReliability(pack([[a], [b], [c]]), shape([run(1, 'A'), run(2, 'B'), run(3, 'C')], [aopc], 2));
    expect(report.level).toBe('ordinal');
    expect(report.metrics[0]!.interRater.methods).toEqual({ alpha: expect.closeTo(7 / 12, 12), columns: [0, 1, 2], images: 2, incomplete: 0 });
  });

  it('gives the same α whichever direction the metric is better in', () => {
    const lower = { ...aopc, higherIsBetter: false };
    const report = evaluationReliability(pack([[a], [b], [c]]), shape([run(1, 'A'), run(2, 'B'), run(3, 'C')], [lower], 2));
    expect(report.metrics[0]!.interRater.methods.alpha).toBeCloseTo(7 / 12, 12);
  });

  it('ranks the random baseline as one more column in the second α, where a baseline always last raises it', () => {
    // Adding D (4, 4): n_c = 2 for ranks 1…4, n = 8, α = 1 − 7 · 4 / (8 · 20) = 0.825.
    const report = evaluationReliability(pack([[a], [b], [c], [[0, 0]]]), shape([run(1, 'A'), run(2, 'B'), run(3, 'C'), baseline], [aopc], 2));
    const { methods, withBaseline } = report.metrics[0]!.interRater;
    expect(methods.alpha).toBeCloseTo(7 / 12, 12);
    expect(methods.columns).toEqual([0, 1, 2]);
    expect(withBaseline).toEqual({ alpha: expect.closeTo(0.825, 12), columns: [0, 1, 2, 3], images: 2, incomplete: 0 });
  });

  it('gives tied scores their average rank', () => {
    // Image 1 ties A and B (1.5, 1.5); image 2 ranks A 1, B 2. Values 1, 1.5, 2 with n = (1, 2, 1):
    // ordinal δ² 1–1.5 = 1.5², 1.5–2 = 1.5², 1–2 = 3²; α = 1 − 3 · 9 / (2 · (4.5 + 9 + 4.5)) = 0.25.
    const report = evaluationReliability(pack([[[1, 2]], [[1, 1]]]), shape([run(1, 'A'), run(2, 'B')], [aopc], 2));
    expect(report.metrics[0]!.interRater.methods.alpha).toBeCloseTo(0.25, 12);
  });

  it('leaves out an image that does not score every method, and a column no image scores', () => {
    const report = evaluationReliability(
      pack([[[...a, 0.3]], [[...b, NaN]], [[...c, 0.2]], [[NaN, NaN, NaN]]]),
      shape([run(1, 'A'), run(2, 'B'), run(3, 'C'), baseline], [aopc], 3),
    );
    const { methods, withBaseline } = report.metrics[0]!.interRater;
    expect(methods).toEqual({ alpha: expect.closeTo(7 / 12, 12), columns: [0, 1, 2], images: 2, incomplete: 1 });
    expect(withBaseline.columns).toEqual([0, 1, 2]);
  });

  it('is null with fewer than two scored methods, with a single image, or when every image ties every method', () => {
    const one = evaluationReliability(pack([[a], [[0, 0]]]), shape([run(1, 'A'), baseline], [aopc], 2)).metrics[0]!;
    expect(one.interRater.methods).toEqual({ alpha: null, columns: [0], images: 0, incomplete: 0 });
    expect(one.interRater.withBaseline.alpha).toBe(1);
    const single = evaluationReliability(pack([[[1]], [[2]]]), shape([run(1, 'A'), run(2, 'B')], [aopc], 1)).metrics[0]!;
    expect(single.interRater.methods.alpha).toBeNull();
    const tied = evaluationReliability(pack([[[1, 0]], [[1, 0]]]), shape([run(1, 'A'), run(2, 'B')], [aopc], 2)).metrics[0]!;
    expect(tied.interRater.methods).toEqual({ alpha: null, columns: [0, 1], images: 2, incomplete: 0 });
  });

  it('reports a metric that no column scores as undefined throughout', () => {
    const report = evaluationReliability(pack([[[NaN, NaN]], [[NaN, NaN]]]), shape([run(1, 'A'), run(2, 'B')], [aopc], 2));
    expect(report.metrics[0]).toEqual({
      metric: 'region-perturbation',
      interRater: { methods: { alpha: null, columns: [], images: 0, incomplete: 0 }, withBaseline: { alpha: null, columns: [], images: 0, incomplete: 0 } },
      interMethod: { meanRho: null, pairs: [] },
    });
  });
});

describe('inter-method reliability (Spearman ρ between methods across images)', () => {
  it('averages the hand-computed ρ of every pair of methods and leaves the baseline out of the mean', () => {
    // ρ(A,B) = 1 − 6·4/60 = 0.6, ρ(A,C) = −1, ρ(B,C) = 1 − 6·16/60 = −0.6: mean −1/3.
    const cells = [[[1, 2, 3, 4]], [[2, 1, 4, 3]], [[4, 3, 2, 1]], [[1, 2, 3, 4]]];
    const report = evaluationReliability(pack(cells), shape([run(1, 'A'), run(2, 'B'), run(3, 'C'), baseline], [aopc], 4));
    const { meanRho, pairs } = report.metrics[0]!.interMethod;
    expect(meanRho).toBeCloseTo(-1 / 3, 12);
    expect(pairs).toHaveLength(6);
    expect(pairs[0]).toEqual({ a: 0, b: 1, rho: expect.closeTo(0.6, 12), n: 4 });
    expect(pairs.find((p) => p.a === 0 && p.b === 3)).toEqual({ a: 0, b: 3, rho: expect.closeTo(1, 12), n: 4 });
  });

  it('correlates two methods over the images both score', () => {
    // Rows left: A = 1, 2, 3, 5 and B = 2, 1, 3, 5: ρ = 0.8 over 4 images.
    const report = evaluationReliability(pack([[[1, 2, 3, NaN, 5, 6]], [[2, 1, 3, 4, 5, NaN]]]), shape([run(1, 'A'), run(2, 'B')], [aopc], 6));
    expect(report.metrics[0]!.interMethod.pairs).toEqual([{ a: 0, b: 1, rho: expect.closeTo(0.8, 12), n: 4 }]);
  });

  it('agrees with the pairwise-complete Spearman ρ on random scores with ties and gaps', () => {
    const rng = new Random(7);
    const rows = 300;
    const cell = () => Array.from({ length: rows }, () => (rng.next() < 0.05 ? NaN : Math.floor(rng.next() * 20)));
    const cells = [[cell()], [cell()], [cell()]];
    const shared = Array.from({ length: rows }, () => rng.next());
    cells.push([shared], [shared.map((v) => v * 2)]);
    const report = evaluationReliability(pack(cells), shape([run(1, 'A'), run(2, 'B'), run(3, 'C'), run(4, 'D'), run(5, 'E')], [aopc], rows));
    for (const pair of report.metrics[0]!.interMethod.pairs) {
      const { rho, n } = spearmanComplete(cells[pair.a]![0]!, cells[pair.b]![0]!);
      expect(pair.n).toBe(n);
      expect(pair.rho).toBeCloseTo(rho, 12);
    }
  });
});

describe('internal consistency (Spearman ρ between metrics of one family)', () => {
  const lerf: Metric = { id: 'region-perturbation-lerf', higherIsBetter: false, family: 'faithfulness' };
  const sparseness: Metric = { id: 'sparseness', higherIsBetter: true, family: 'complexity' };
  const sensitivity: Metric = { id: 'max-sensitivity', higherIsBetter: false, family: 'robustness' };
  const randomisation: Metric = { id: 'random-logit', higherIsBetter: false, family: 'robustness' };

  it('pairs metrics only within the faithfulness, localisation and complexity families', () => {
    const cells = [[[1, 2, 3], [3, 2, 1], [1, 2, 3], [1, 2, 3], [1, 2, 3]]];
    const report = evaluationReliability(pack(cells), shape([run(1, 'A')], [aopc, lerf, sparseness, sensitivity, randomisation], 3));
    expect(report.internalConsistency.map((p) => [p.a, p.b])).toEqual([['region-perturbation', 'region-perturbation-lerf']]);
  });

  it('negates ρ when one metric is lower-better, so that agreeing on the better heatmaps is positive', () => {
    // Method A: MoRF 1, 2, 3, 4 and LeRF 4, 3, 2, 1 (raw ρ = −1: both say heatmap 4 is best).
    // Method B: MoRF 1, 2, 3, 4 and LeRF 2, 1, 4, 3 (raw ρ = 0.6). Baseline: raw ρ = 1, not in the mean.
    const cells = [
      [[1, 2, 3, 4], [4, 3, 2, 1]],
      [[1, 2, 3, 4], [2, 1, 4, 3]],
      [[1, 2, 3, 4], [1, 2, 3, 4]],
    ];
    const [pair] = evaluationReliability(pack(cells), shape([run(1, 'A'), run(2, 'B'), baseline], [aopc, lerf], 4)).internalConsistency;
    expect(pair).toEqual({
      family: 'faithfulness',
      a: 'region-perturbation',
      b: 'region-perturbation-lerf',
      flipped: true,
      meanRho: expect.closeTo((1 - 0.6) / 2, 12),
      columns: [
        { column: 0, rho: expect.closeTo(1, 12), n: 4 },
        { column: 1, rho: expect.closeTo(-0.6, 12), n: 4 },
        { column: 2, rho: expect.closeTo(-1, 12), n: 4 },
      ],
    });
  });

  it('leaves out a column neither metric scores and keeps ρ unflipped for metrics of one direction', () => {
    const deletion: Metric = { id: 'deletion', higherIsBetter: false, family: 'faithfulness' };
    const cells = [
      [[2, 1, 4, 3], [1, 2, 3, 4]],
      [[NaN, NaN, NaN, NaN], [NaN, NaN, NaN, NaN]],
    ];
    const [pair] = evaluationReliability(pack(cells), shape([run(1, 'A'), baseline], [lerf, deletion], 4)).internalConsistency;
    expect(pair!.flipped).toBe(false);
    expect(pair!.columns).toEqual([{ column: 0, rho: expect.closeTo(0.6, 12), n: 4 }]);
    expect(pair!.meanRho).toBeCloseTo(0.6, 12);
  });
});

describe('the reliability report', () => {
  it('survives JSON unchanged, with null where a statistic is undefined', () => {
    const cells = [[[1, 2, 3], [NaN, NaN, NaN]], [[2, 1, 3], [NaN, NaN, NaN]]];
    const lerf: Metric = { id: 'region-perturbation-lerf', higherIsBetter: false, family: 'faithfulness' };
    const report = evaluationReliability(pack(cells), shape([run(1, 'A'), run(2, 'B')], [aopc, lerf], 3));
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(report.metrics[1]!.interRater.methods.alpha).toBeNull();
    expect(report.internalConsistency[0]!.meanRho).toBeNull();
  });

  it('refuses scores whose length does not match the shape', () => {
    expect(() => evaluationReliability(new Float64Array(5), shape([run(1, 'A')], [aopc], 2))).toThrow(/not 1 × 1 × 2/);
  });

  it('handles 32 columns × 4 metrics × 50,000 images in linear time, not pair by pair of images', () => {
    const columns = [...Array.from({ length: 31 }, (_, c) => run(c + 1, `m${c}`)), baseline];
    const metrics: Metric[] = [aopc, { ...aopc, id: 'pixel-flipping', higherIsBetter: false }, { ...aopc, id: 'deletion', higherIsBetter: false }, { ...aopc, id: 'insertion' }];
    const rows = 50_000;
    const rng = new Random(11);
    const scores = new Float64Array(columns.length * metrics.length * rows).map(() => rng.next());
    const start = performance.now();
    const report = evaluationReliability(scores, shape(columns, metrics, rows));
    // About 2 s on an idle core; the bound is loose for shared machines and catches only a quadratic regression.
    expect(performance.now() - start).toBeLessThan(30_000);
    // Independent uniform scores: images agree no more than chance.
    expect(Math.abs(report.metrics[0]!.interRater.methods.alpha!)).toBeLessThan(0.01);
  });
});

describe('reliability in words', () => {
  const metric = (alpha: number | null, extra: Partial<MetricReliability['interRater']['methods']> = {}, withBaseline: number | null = null): MetricReliability => ({
    metric: 'region-perturbation',
    interRater: {
      methods: { alpha, columns: [0, 1, 2], images: 40, incomplete: 0, ...extra },
      withBaseline: { alpha: withBaseline, columns: [0, 1, 2, 3], images: 40, incomplete: 0 },
    },
    interMethod: { meanRho: 0.67, pairs: [] },
  });

  it('judges α by Krippendorff’s thresholds of 0.800 and 0.667', () => {
    expect([0.85, 0.8, 0.7999, 0.667, 0.6669, -0.2, null].map(alphaVerdict)).toEqual(['reliable', 'reliable', 'tentative', 'tentative', 'unreliable', 'unreliable', 'undefined']);
  });

  it('calls a ranking with α below 0.667 unreliable and names the metric', () => {
    expect(interRaterSentence('Region perturbation', metric(0.12))).toBe(
      "Images disagree on how Region perturbation ranks the methods (Krippendorff's α = 0.12 < 0.667 over 40 images): its ranking is unreliable for this evaluation.",
    );
  });

  it('allows only tentative conclusions between 0.667 and 0.800 and shows three decimals next to a threshold', () => {
    expect(interRaterSentence('Deletion', metric(0.7))).toContain('only partly agree on how Deletion ranks the methods');
    expect(interRaterSentence('Deletion', metric(0.7))).toContain('draw only tentative conclusions');
    expect(interRaterSentence('Deletion', metric(0.7987))).toContain('α = 0.799,');
  });

  it('calls a ranking reliable from 0.800 and adds α with the baseline when there is one', () => {
    const text = interRaterSentence('Insertion', metric(0.91, {}, 0.95));
    expect(text).toContain('Images agree on how Insertion ranks the methods');
    expect(text).toContain('With the random baseline ranked too, α = 0.95.');
  });

  it('says how many images were left out for an undefined score', () => {
    expect(interRaterSentence('Pointing game', metric(0.5, { images: 30, incomplete: 10 }))).toContain('over 30 images (10 images left out: a score was undefined)');
  });

  it('judges one method against the baseline when there is only one method', () => {
    const one: MetricReliability = {
      metric: 'm',
      interRater: { methods: { alpha: null, columns: [0], images: 0, incomplete: 0 }, withBaseline: { alpha: 0.9, columns: [0, 1], images: 12, incomplete: 0 } },
      interMethod: { meanRho: null, pairs: [] },
    };
    expect(interRaterSentence('Sparseness', one)).toContain('ranks the method against the random baseline');
    expect(interMethodSentence('Sparseness', one)).toContain('fewer than two methods');
  });

  it('tells two methods whose scores never vary from too few methods, and writes an α that rounds to zero without a sign', () => {
    const flat: MetricReliability = {
      metric: 'm',
      interRater: { methods: { alpha: -0.0004, columns: [0, 1], images: 8, incomplete: 0 }, withBaseline: { alpha: null, columns: [0, 1], images: 8, incomplete: 0 } },
      interMethod: { meanRho: null, pairs: [{ a: 0, b: 1, rho: null, n: 8 }] },
    };
    expect(interMethodSentence('Pointing game', flat)).toBe('On Pointing game, no two methods have scores that vary across the images both score, so whether their scores move together cannot be told.');
    expect(interRaterSentence('Pointing game', flat)).toContain("Krippendorff's α = 0.00 < 0.667");
    expect(interRaterSentence('Pointing game', metric(-0.25, {}))).toContain('α = −0.25');
  });

  it('explains an undefined α: too few columns, too few images, or every image tied', () => {
    const lone = metric(null, { columns: [0] });
    lone.interRater.withBaseline = { alpha: null, columns: [0], images: 0, incomplete: 0 };
    expect(interRaterSentence('M', lone)).toContain('fewer than two columns');
    expect(interRaterSentence('M', metric(null, { images: 1 }))).toContain('Fewer than two images');
    expect(interRaterSentence('M', metric(null))).toContain('does not tell them apart');
  });

  it('sizes the inter-method ρ by Cohen’s conventions and says what a large one implies', () => {
    const at = (rho: number) => interMethodSentence('AOPC', { ...metric(0.5), interMethod: { meanRho: rho, pairs: [] } });
    expect(at(0.67)).toContain('rise and fall together from image to image (mean Spearman ρ = 0.67 between methods)');
    expect(at(0.67)).toContain('compare methods image by image');
    expect(at(0.4)).toContain('partly rise and fall together');
    expect(at(0.2)).toContain('barely move together');
    expect(at(0)).toContain('do not move together');
    expect(at(-0.3)).toContain('opposite directions from image to image (mean Spearman ρ = −0.30 between methods)');
  });

  it('says whether two metrics agree on the better heatmaps and when an order was reversed', () => {
    const pair = { family: 'faithfulness' as const, a: 'x', b: 'y', flipped: true, meanRho: 0.62, columns: [] };
    expect(consistencySentence('AOPC (MoRF)', 'AOPC (LeRF)', pair)).toBe(
      'AOPC (MoRF) and AOPC (LeRF) agree on which heatmaps are better (mean Spearman ρ = 0.62 over the methods’ heatmaps; one is lower-better, so its order was reversed).'.replace('’', "'"),
    );
    expect(consistencySentence('A', 'B', { ...pair, meanRho: -0.4, flipped: false })).toContain('contradict each other');
    expect(consistencySentence('A', 'B', { ...pair, meanRho: 0.05 })).toContain('do not read one as confirming the other');
    expect(consistencySentence('A', 'B', { ...pair, meanRho: null })).toContain('too few');
  });

  it('words a whole report with the metrics’ labels', () => {
    const report = evaluationReliability(pack([[[0.9, 0.8]], [[0.5, 0.2]], [[0.1, 0.4]]]), shape([run(1, 'A'), run(2, 'B'), run(3, 'C')], [aopc], 2));
    const words = reliabilityWords(report, { metrics: { 'region-perturbation': 'Region perturbation' } });
    expect(words.metrics[0]!.interRater).toContain('Images disagree on how Region perturbation ranks the methods (Krippendorff\'s α = 0.58 < 0.667 over 2 images)');
    expect(words.consistency).toEqual([]);
  });
});

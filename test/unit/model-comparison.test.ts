// The statistics and words of a model comparison, pinned by hand-computed cases: the exact
// Wilcoxon signed-rank p of six paired images (the null distribution of W⁺ counted by hand), Holm
// over a metric's tests, the all-ties case, each model's cells equal to its own evaluation's, and
// the one sentence that says which part of two evaluations differs.
import { describe, expect, it } from 'vitest';
import { compareMetric, modelPairTests, type MatchedMethod, type ModelScores } from '../../main/evaluate/compare/model-statistics.js';
import { summariseEvaluation } from '../../main/evaluate/run/results.js';
import type { EvaluatedMetric } from '../../shared/evaluations.js';
import { comparisonMismatch, type ComparedMethod, type ComparedModel } from '../../shared/model-comparison.js';
import { metricPhrase, missingSentences, pWords, testSentence } from '../../shared/model-comparison-words.js';
import { modelComparisonCsv } from '../../shared/model-comparison-csv.js';

const options = { resamples: 400, level: 0.95, alpha: 0.05, seed: 5, metric: 0 };
const f = (values: number[]) => Float64Array.from(values);
const one: MatchedMethod[] = [{ columns: [0, 0], baseline: false }];

const models: ComparedModel[] = [
  { evaluationId: 1, evaluationName: 'e1', modelId: 1, modelName: 'Model A', label: 'Model A' },
  { evaluationId: 2, evaluationName: 'e2', modelId: 2, modelName: 'Model B', label: 'Model B' },
];
const lrp: ComparedMethod = { key: 'lrp-epsilon {}', method: 'lrp-epsilon', label: 'LRP ε', baseline: false, columns: [0, 0], runIds: [7, 9] };
const rma: EvaluatedMetric = { id: 'relevance-mass-accuracy', label: 'Relevance mass accuracy', family: 'localisation', higherIsBetter: true, citation: '', params: {}, curve: null };

describe('paired tests between models', () => {
  // Model A − Model B on six images: 1, 2, 3, 4, 5, 6 — every |d| distinct, so the exact null
  // distribution applies: W⁺ = 21 is the largest of the 2⁶ equally likely sign patterns, and so is
  // W⁺ = 0 on the other side: p = 2/64.
  const a = f([3, 5, 7, 9, 11, 13]);
  const b = f([2, 3, 4, 5, 6, 7]);

  it('gives six images that all favour one model the exact two-sided p = 2/64, and the winner by the metric’s direction', () => {
    const [t] = modelPairTests(one, 2, (_, i) => (i === 0 ? a : b), true, options);
    expect(t).toMatchObject({ method: 0, a: 0, b: 1, pairs: 6, meanDifference: 3.5, statistic: 21, n: 6, verdict: 'better-a' });
    expect(t!.p).toBeCloseTo(2 / 64, 12);
    // One test in the family: Holm leaves it as it is.
    expect(t!.pHolm).toBeCloseTo(2 / 64, 12);
    // The bootstrap CI of the mean difference lies within the differences and around their mean.
    expect(t!.low).toBeGreaterThanOrEqual(1);
    expect(t!.high).toBeLessThanOrEqual(6);
    expect(t!.low).toBeLessThan(3.5);
    expect(t!.high).toBeGreaterThan(3.5);
    // Lower is better: the same scores make Model B the better one.
    expect(modelPairTests(one, 2, (_, i) => (i === 0 ? a : b), false, options)[0]!.verdict).toBe('better-b');
    expect(testSentence({ models, methods: [lrp], perImage: 1 }, { metric: rma }, t!)).toBe('On relevance mass accuracy, LRP ε on Model A beats Model B on the same 6 images, p = 0.031 (Holm).');
  });

  it('Holm-corrects over every method of the metric: 2/64 and 28/64 become 4/64 and 28/64, neither significant', () => {
    // Second method: d = 1, 2, 3, 4, 5, −6, so W⁺ = 15 and the smaller tail W ≤ 6 holds the sums
    // 0, 1, 2, 3 (twice), 4 (twice), 5 (three times), 6 (four times) of subsets of {1…6}: 14 of 64, p = 28/64.
    const c = f([2, 3, 4, 5, 6, 1]);
    const d = f([1, 1, 1, 1, 1, 7]);
    const methods: MatchedMethod[] = [
      { columns: [0, 0], baseline: false },
      { columns: [1, 1], baseline: false },
    ];
    const tests = modelPairTests(methods, 2, (j, i) => (j === 0 ? (i === 0 ? a : b) : i === 0 ? c : d), true, options);
    expect(tests.map((t) => t.statistic)).toEqual([21, 15]);
    expect(tests[0]!.p).toBeCloseTo(2 / 64, 12);
    expect(tests[1]!.p).toBeCloseTo(28 / 64, 12);
    expect(tests[0]!.pHolm).toBeCloseTo(4 / 64, 12);
    expect(tests[1]!.pHolm).toBeCloseTo(28 / 64, 12);
    expect(tests.map((t) => t.verdict)).toEqual(['indistinguishable', 'indistinguishable']);
    expect(testSentence({ models, methods: [lrp], perImage: 1 }, { metric: rma }, tests[0]!)).toBe(
      'On relevance mass accuracy, LRP ε is not distinguishable between Model A and Model B on the same 6 images, p = 0.063 (Holm).',
    );
  });

  it('says there are no non-zero differences when the two models score every image alike, and leaves the test out of Holm', () => {
    const same = f([0.5, 0.25, NaN, 1, 0, 0.75]);
    const methods: MatchedMethod[] = [
      { columns: [0, 0], baseline: false },
      { columns: [1, 1], baseline: false },
    ];
    const tests = modelPairTests(methods, 2, (j, i) => (j === 0 ? same : i === 0 ? a : b), true, options);
    // The NaN image is scored by neither: five pairs, none differing.
    expect(tests[0]).toMatchObject({ pairs: 5, n: 0, meanDifference: 0, verdict: 'identical' });
    expect(tests[0]!.p).toBeNaN();
    expect(tests[0]!.pHolm).toBeNaN();
    // The other test is alone in the family.
    expect(tests[1]!.pHolm).toBeCloseTo(2 / 64, 12);
    expect(testSentence({ models, methods: [lrp], perImage: 1 }, { metric: rma }, tests[0]!)).toBe(
      'On relevance mass accuracy, LRP ε shows no non-zero differences between Model A and Model B on the same 5 images: every one scores the same under both, so there is nothing to test.',
    );
  });

  it('cannot compare a method no image scores under both models, and tests no method a model lacks nor the baseline', () => {
    const none = f([NaN, NaN, NaN]);
    const [t] = modelPairTests(one, 2, (_, i) => (i === 0 ? none : f([1, 2, 3])), true, options);
    expect(t).toMatchObject({ pairs: 0, n: 0, verdict: 'undefined' });
    const partial: MatchedMethod[] = [
      { columns: [0, null], baseline: false },
      { columns: [1, 1], baseline: true },
    ];
    expect(modelPairTests(partial, 2, (j, i) => (partial[j]!.columns[i] === null ? null : a), true, options)).toEqual([]);
  });

  it('tests every pair of three models, a < b, in one Holm family', () => {
    const tests = modelPairTests(one.map((m) => ({ ...m, columns: [0, 0, 0] })), 3, (_, i) => [a, b, a][i]!, true, options);
    expect(tests.map((t) => [t.a, t.b, t.verdict])).toEqual([
      [0, 1, 'indistinguishable'],
      [0, 2, 'identical'],
      [1, 2, 'indistinguishable'],
    ]);
    // Two p-values of 2/64 in the family: each becomes 4/64.
    expect(tests[0]!.pHolm).toBeCloseTo(4 / 64, 12);
  });
});

describe('each model’s cells', () => {
  it('equal the table and chance verdicts of that model’s own evaluation, drawn with its seed, wherever its columns sit', () => {
    // Model 0: columns [method, baseline] on metrics [m1, m2]; model 1: columns [baseline, method] on metrics [m2, m1].
    const rows = 6;
    const m0 = f([...[0.9, 0.8, 0.7, 0.95, 0.85, 0.6], ...[3, 1, 2, 5, 4, 6], ...[0.1, 0.2, 0.3, 0.1, 0.2, 0.3], ...[1, 1, 2, 2, 3, 3]]);
    const m1 = f([...[2, 2, 2, 2, 2, 2], ...[0.2, 0.1, 0.4, 0.3, 0.2, 0.1], ...[1, 2, 3, 4, 5, 6], ...[0.1, 0.2, 0.3, 0.4, 0.5, 0.55]]);
    const scores: ModelScores[] = [
      { scores: m0, columns: 2, metrics: 2, rows, seed: 11, baseline: 1 },
      { scores: m1, columns: 2, metrics: 2, rows, seed: 23, baseline: 0 },
    ];
    const methods: MatchedMethod[] = [
      { columns: [0, 1], baseline: false },
      { columns: [1, 0], baseline: true },
    ];
    const own = (m: ModelScores, metrics: { id: string; higherIsBetter: boolean }[]) =>
      summariseEvaluation(m.scores, { columns: 2, metrics, rows, baseline: m.baseline }, { seed: m.seed, resamples: 300, level: 0.9 });
    const first = own(scores[0]!, [{ id: 'm1', higherIsBetter: true }, { id: 'm2', higherIsBetter: false }]);
    const second = own(scores[1]!, [{ id: 'm2', higherIsBetter: false }, { id: 'm1', higherIsBetter: true }]);
    const compared = compareMetric(scores, methods, { index: 0, metricOf: [0, 1], higherIsBetter: true }, { resamples: 300, level: 0.9, alpha: 0.05, seed: 11 });
    expect(compared.cells[0]![0]).toMatchObject({ ...first.table[0]![0], chance: first.rankings[0]!.chance![0]!.verdict, pVsChance: first.rankings[0]!.chance![0]!.pHolm });
    expect(compared.cells[0]![1]).toMatchObject({ ...second.table[1]![1], chance: second.rankings[1]!.chance![0]!.verdict });
    expect(compared.cells[1]![0]).toMatchObject({ ...first.table[0]![1], chance: null });
    expect(compared.cells[1]![1]).toMatchObject({ ...second.table[1]![0], chance: null });
    // The method’s test pairs model 0’s column 0 with model 1’s column 1 on metric m1: 0.9 − 0.1, 0.8 − 0.2, … all positive and distinct, W⁺ = 21.
    expect(compared.tests).toHaveLength(1);
    expect(compared.tests[0]).toMatchObject({ method: 0, statistic: 21, n: 6, verdict: 'better-a' });
  });
});

describe('words of a model comparison', () => {
  it('lower-cases a metric inside a sentence but keeps an acronym, and writes p as a statistician does', () => {
    expect(metricPhrase('Relevance mass accuracy')).toBe('relevance mass accuracy');
    expect(metricPhrase('ROC AUC')).toBe('ROC AUC');
    expect(pWords(0.0031)).toBe('p = 0.0031');
    expect(pWords(0.0004)).toBe('p < 0.001');
    expect(pWords(NaN)).toBe('p n/a');
  });

  it('names the methods only some models have', () => {
    const occlusion: ComparedMethod = { ...lrp, key: 'occlusion {}', method: 'occlusion', label: 'Occlusion', columns: [3, null] };
    expect(missingSentences({ models, methods: [lrp, occlusion] })).toEqual(['Occlusion was evaluated only on Model A, so it is not compared between models.']);
  });

  it('writes one CSV line per metric, method and pair of models, with the sentence, and a note where nothing is tested', () => {
    const baseline: ComparedMethod = { key: 'baseline', method: 'random', label: 'Random map (baseline)', baseline: true, columns: [1, 1], runIds: [null, null] };
    const cell = { mean: 0.5, low: 0.4, high: 0.6, n: 6, median: 0.5, std: 0.1, chance: 'better' as const, pVsChance: 0.01 };
    const test = { method: 0, a: 0, b: 1, pairs: 6, meanDifference: 0.2, low: 0.1, high: 0.3, statistic: 21, n: 6, p: 2 / 64, pHolm: 2 / 64, verdict: 'better-a' as const };
    const csv = modelComparisonCsv({
      models,
      datasetId: 1,
      datasetName: 'd',
      count: 6,
      perImage: 1,
      target: 'predicted',
      groundTruth: null,
      groundTruthLabel: null,
      level: 0.95,
      resamples: 400,
      alpha: 0.05,
      methods: [lrp, baseline],
      metrics: [{ metric: rma, cells: [[cell, cell], [{ ...cell, chance: null, pVsChance: null }, { ...cell, chance: null, pVsChance: null }]], tests: [test] }],
    });
    const lines = csv.trim().split('\n');
    expect(lines).toHaveLength(3);
    const header = lines[0]!.split(',');
    const unquote = (v: string) => (v.startsWith('"') ? v.slice(1, -1).replaceAll('""', '"') : v);
    const row = (k: number) => Object.fromEntries(lines[k]!.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.slice(0, header.length).map((v, i) => [header[i], unquote(v.replace(/,$/, ''))]));
    expect(row(1)).toMatchObject({ metric: 'relevance-mass-accuracy', method_label: 'LRP ε', model_a: 'Model A', run_a: '7', model_b: 'Model B', run_b: '9', verdict: 'better-a', p_holm: String(2 / 64) });
    expect(row(1).sentence).toBe('On relevance mass accuracy, LRP ε on Model A beats Model B on the same 6 images, p = 0.031 (Holm).');
    expect(row(2)).toMatchObject({ method_label: 'Random map (baseline)', run_a: 'baseline', verdict: '', sentence: 'the random baseline is not tested between models' });
  });
});

describe('which part of two evaluations differs', () => {
  const base = { id: 1, modelId: 1, modelName: 'A', datasetId: 1, datasetName: 'shapes', metrics: ['pointing-game', 'sparseness'], groundTruth: { kind: 'generated' as const, mask: 'object' as const }, count: 20, perImage: 1 };
  const other = { ...base, id: 2, modelId: 2, modelName: 'B' };

  it('accepts evaluations of two models on the same dataset, images, ground truth and metrics in any order', () => {
    expect(comparisonMismatch([base, { ...other, metrics: ['sparseness', 'pointing-game'] }])).toBeNull();
  });

  it('says in one sentence which part differs', () => {
    expect(comparisonMismatch([base])).toBe('Choose two or more evaluations to compare models.');
    expect(comparisonMismatch([base, { ...other, datasetId: 2, datasetName: 'cells' }])).toBe('Evaluations 1 and 2 are on different datasets (shapes and cells); models are compared on the same images.');
    expect(comparisonMismatch([base, { ...other, modelId: 1, modelName: 'A' }])).toBe('Evaluations 1 and 2 both score model "A"; compare evaluations of different models.');
    expect(comparisonMismatch([base, { ...other, count: 50 }])).toBe('Evaluations 1 and 2 score different image sets (20 images and 50 images); models are compared on the same images.');
    expect(comparisonMismatch([base, { ...other, groundTruth: { kind: 'set', id: 4 } as never }])).toBe('Evaluations 1 and 2 use different ground truths (generated "object" masks and annotation set 4).');
    expect(comparisonMismatch([base, { ...other, metrics: ['sparseness', 'complexity'] }], (id) => ({ 'pointing-game': 'Pointing game', complexity: 'Complexity' })[id] ?? id)).toBe(
      'Evaluations 1 and 2 score different metrics: only evaluation 1 scores Pointing game; only evaluation 2 scores Complexity.',
    );
  });
});

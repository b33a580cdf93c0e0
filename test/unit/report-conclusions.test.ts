// The report's conclusions, built from evaluations whose statistics come from Heatlab's own summary
// (bootstrap table, Holm-corrected Wilcoxon tests, verdicts against the random map) over scores
// constructed here, with the evidence (removal check, Krippendorff's α) set by hand: each sentence
// must follow from those stored numbers, and each reason not to conclude must stop the claim it
// undermines.
import { describe, expect, it } from 'vitest';
import type { Evaluation, EvaluatedMetric, PerturbationValidity } from '../../shared/evaluations.js';
import type { MetricFamilyName } from '../../shared/metric-families.js';
import type { EvaluationReliability } from '../../shared/reliability.js';
import { formatP, formatScore } from '../../shared/score-format.js';
import { evaluationConclusions, listWords, metricConclusions, pWords, smallestHolmP } from '../../main/study/report/conclusions.js';
import { summariseEvaluation } from '../../main/evaluate/run/results.js';
import { Random } from '../../main/numeric/random.js';

interface Built {
  labels: string[];
  scores: Float64Array[];
  metric?: Partial<EvaluatedMetric> & { family?: MetricFamilyName };
  validity?: Partial<PerturbationValidity> | null;
  alpha?: number | null;
  evidence?: boolean;
  groundTruth?: Evaluation['groundTruth'];
}

/** An evaluation of the columns' scores (the last column is the random baseline) on one metric. */
function evaluationOf(b: Built): Evaluation {
  const rows = b.scores[0]!.length;
  const metric: EvaluatedMetric = { id: 'm', label: 'Relevance mass accuracy', family: 'localisation', higherIsBetter: true, citation: '', params: {}, curve: null, ...b.metric };
  const flat = new Float64Array(b.scores.length * rows);
  b.scores.forEach((s, c) => flat.set(s, c * rows));
  const baseline = b.scores.length - 1;
  const { table, rankings } = summariseEvaluation(flat, { columns: b.scores.length, metrics: [metric], rows, baseline }, { seed: 1, resamples: 200, level: 0.95 });
  const methods = b.labels.map((_, c) => c).filter((c) => c !== baseline);
  const reliability: EvaluationReliability = {
    level: 'ordinal',
    metrics: [
      {
        metric: metric.id,
        interRater: { methods: { alpha: b.alpha ?? 0.9, columns: methods, images: rows, incomplete: 0 }, withBaseline: { alpha: b.alpha ?? 0.9, columns: [...methods, baseline], images: rows, incomplete: 0 } },
        interMethod: { meanRho: null, pairs: [] },
      },
    ],
    internalConsistency: [],
  };
  const validity: PerturbationValidity[] =
    b.validity === undefined || b.validity === null
      ? []
      : [{ metrics: [metric.id], perturbation: 'uniform noise in 9×9-px grid regions', removal: true, warnings: [], notes: [], ...b.validity } as PerturbationValidity];
  return {
    id: 5,
    name: 'e',
    modelId: 1,
    modelName: 'm',
    datasetId: 1,
    datasetName: 'd',
    runIds: methods.map((c) => c + 1),
    methods: methods.map((c) => b.labels[c]!),
    metrics: [metric.id],
    groundTruth: b.groundTruth === undefined ? { kind: 'generated', mask: 'band' } : b.groundTruth,
    count: rows,
    perImage: 1,
    seconds: 1,
    createdAt: '2026-01-01',
    columns: b.labels.map((label, c) => ({ runId: c === baseline ? null : c + 1, method: c === baseline ? 'random' : `m${c}`, label, baseline: c === baseline })),
    metricDetails: [metric],
    table,
    rankings,
    seed: 1,
    resamples: 200,
    level: 0.95,
    groundTruthLabel: 'generated "band" masks',
    jobId: null,
    heatlabVersion: '0',
    engine: { ort: '0', threads: 1 },
    files: [],
    evidence: b.evidence === false ? null : { validity, reliability },
  };
}

/** n scores around `centre`, spread by seeded uniform noise of width `spread`. */
function noisy(n: number, centre: number, spread: number, seed: number): Float64Array {
  const rng = new Random(seed);
  return Float64Array.from({ length: n }, () => centre + (rng.next() - 0.5) * spread);
}

const texts = (e: Evaluation, kind?: string) => metricConclusions(e, 0).sentences.filter((s) => kind === undefined || s.kind === kind).map((s) => s.text);

describe('report conclusions', () => {
  it('says which method localises the region better, on how many images and at which Holm-corrected p, when the statistics support it', () => {
    const e = evaluationOf({ labels: ['LRP αβ', 'Sensitivity', 'Random map (baseline)'], scores: [noisy(200, 0.7, 0.2, 1), noisy(200, 0.4, 0.2, 2), noisy(200, 0.2, 0.2, 3)] });
    const test = e.rankings[0]!.tests.find((t) => t.a === 0 && t.b === 1)!;
    expect(test.pHolm).toBeLessThan(0.001);
    const findings = texts(e, 'finding');
    expect(findings[0]).toBe(`LRP αβ localises the band better than Sensitivity on Relevance mass accuracy over 200 images (mean ${formatScore(e.table[0]![0]!.mean)}, higher is better; paired Wilcoxon, Holm-corrected p < 0.001).`);
    expect(findings[1]).toBe('On Relevance mass accuracy, LRP αβ and Sensitivity are better than a random map (Holm-corrected p < 0.001).');
    expect(texts(e, 'undecided')).toEqual([]);
  });

  it('refuses every claim on a metric whose perturbation does not behave as removal, naming the perturbation and the check that failed', () => {
    const warning = 'Uniform noise in 9×9-px grid regions raises the explained logit in 54 % of the single-region perturbations that change it materially.';
    const e = evaluationOf({
      labels: ['LRP ε', 'Gradient', 'Random map (baseline)'],
      scores: [noisy(200, 0.7, 0.2, 1), noisy(200, 0.4, 0.2, 2), noisy(200, 0.2, 0.2, 3)],
      metric: { label: 'Region perturbation (MoRF)', family: 'faithfulness' },
      validity: { removal: false, warnings: [warning] },
    });
    const sentences = metricConclusions(e, 0).sentences;
    expect(sentences).toEqual([
      {
        kind: 'undecided',
        text: `On Region perturbation (MoRF), no conclusion about the methods can be drawn: uniform noise in 9×9-px grid regions does not behave as removal for this model (${warning.slice(0, -1)}), so its scores measure the perturbation's own effect as much as the heatmaps'.`,
      },
    ]);
  });

  it('says the methods are not distinguishable from a random map under the perturbation when every verdict says so', () => {
    const e = evaluationOf({
      labels: ['Sensitivity', 'Deconvnet', 'Random map (baseline)'],
      scores: [noisy(60, 0.3, 0.2, 1), noisy(60, 0.3, 0.2, 2), noisy(60, 0.3, 0.2, 3)],
      metric: { label: 'Region perturbation (MoRF)', family: 'faithfulness' },
      validity: { removal: true },
    });
    const chance = e.rankings[0]!.chance!;
    expect(chance.map((v) => v.verdict)).toEqual(['indistinguishable', 'indistinguishable']);
    const sentence = texts(e).at(-1);
    expect(sentence).toBe(
      `On Region perturbation (MoRF), the methods are not distinguishable from a random map under uniform noise in 9×9-px grid regions (paired Wilcoxon over 60 images, Holm-corrected p ≥ ${formatP(Math.min(...chance.map((v) => v.pHolm)))}).`,
    );
  });

  it('does not name a best method when images disagree on the ranking (α < 0.667), yet still reports the comparison with chance', () => {
    const e = evaluationOf({ labels: ['LRP αβ', 'Sensitivity', 'Random map (baseline)'], scores: [noisy(200, 0.7, 0.2, 1), noisy(200, 0.4, 0.2, 2), noisy(200, 0.2, 0.2, 3)], alpha: 0.41 });
    expect(texts(e, 'undecided')).toEqual(["On Relevance mass accuracy, which method is best cannot be concluded: images disagree on how it ranks the methods (Krippendorff's α = 0.41 < 0.667)."]);
    expect(texts(e, 'finding')).toEqual(['On Relevance mass accuracy, LRP αβ and Sensitivity are better than a random map (Holm-corrected p < 0.001).']);
  });

  it('keeps a tentative ranking (0.667 ≤ α < 0.800) but says it is tentative', () => {
    const e = evaluationOf({ labels: ['A', 'B', 'Random map (baseline)'], scores: [noisy(200, 0.7, 0.2, 1), noisy(200, 0.4, 0.2, 2), noisy(200, 0.2, 0.2, 3)], alpha: 0.7 });
    expect(texts(e, 'finding')[0]).toMatch(/^A localises the band better than B .* Images only partly agree on this ranking \(Krippendorff's α = 0\.70, between 0\.667 and 0\.800\), so take it as tentative\.$/);
  });

  it('names no single best method when another cannot be told apart from it, and still says whom the best beats', () => {
    const e = evaluationOf({
      labels: ['A', 'B', 'C', 'Random map (baseline)'],
      scores: [noisy(80, 0.6, 0.4, 1), noisy(80, 0.6, 0.4, 2), noisy(80, 0.1, 0.2, 3), noisy(80, 0.05, 0.1, 4)],
    });
    const ranking = e.rankings[0]!;
    const [top, second] = ranking.order;
    const tie = ranking.tests.find((t) => (t.a === top && t.b === second) || (t.a === second && t.b === top))!;
    expect(tie.pHolm).toBeGreaterThanOrEqual(0.05);
    const label = (c: number) => e.columns[c]!.label;
    expect(texts(e, 'finding')[0]).toMatch(new RegExp(`^${label(top!)} localises the band better than C on`));
    expect(texts(e, 'undecided')).toEqual([
      `On Relevance mass accuracy, ${label(top!)} has the best mean (${formatScore(e.table[0]![top!]!.mean)}), but ${label(second!)} cannot be told apart from it (Holm-corrected p = ${formatP(tie.pHolm)}), so no single method is best.`,
    ]);
  });

  it('calls methods that score identically on every image tied with the best, saying so', () => {
    const same = noisy(60, 0.6, 0.2, 1);
    const e = evaluationOf({ labels: ['A', 'B', 'Random map (baseline)'], scores: [same, Float64Array.from(same), noisy(60, 0.1, 0.1, 2)] });
    expect(texts(e, 'undecided')).toEqual([`On Relevance mass accuracy, A has the best mean (${formatScore(e.table[0]![0]!.mean)}), but B cannot be told apart from it (they score identically on every image), so no single method is best.`]);
  });

  it('says when too few images were scored for any paired test to reach p < 0.05, instead of calling the methods alike', () => {
    // 4 images, 3 method pairs with the baseline → 6 pairs: the smallest Holm p is 6 · 2/2⁴ = 0.75.
    const e = evaluationOf({ labels: ['A', 'B', 'Random map (baseline)'], scores: [Float64Array.from([0.9, 0.8, 0.95, 0.85]), Float64Array.from([0.1, 0.2, 0.15, 0.05]), Float64Array.from([0.5, 0.5, 0.5, 0.5])] });
    expect(smallestHolmP(4, 3)).toBeCloseTo(0.375, 12);
    expect(texts(e)).toEqual([
      'On Relevance mass accuracy, 4 images are too few to tell the methods apart: with 3 paired comparisons, even images agreeing unanimously would give a Holm-corrected p of at least 0.38.',
      'On Relevance mass accuracy, 4 images are too few to compare the methods with a random map: no Holm-corrected p could fall below 0.25.',
    ]);
  });

  it('reads the direction of a lower-is-better metric: the method with the lower scores is the better one', () => {
    const e = evaluationOf({
      labels: ['Dense', 'Sparse', 'Random map (baseline)'],
      scores: [noisy(100, 4, 1, 1), noisy(100, 2, 1, 2), noisy(100, 6, 1, 3)],
      metric: { label: 'Entropy', family: 'complexity', higherIsBetter: false },
    });
    expect(texts(e, 'finding')[0]).toBe(`Sparse scores better than Dense on Entropy over 100 images (mean ${formatScore(e.table[0]![1]!.mean)}, lower is better; paired Wilcoxon, Holm-corrected p < 0.001).`);
    expect(texts(e, 'finding')[1]).toBe('On Entropy, Sparse and Dense are better than a random map (Holm-corrected p < 0.001).');
  });

  it('does not order two methods whose means and image-by-image comparison disagree', () => {
    // A's mean is lifted by one outlier, yet B scores higher on the other 39 images.
    const a = Float64Array.from({ length: 40 }, (_, i) => (i === 0 ? 200 : 0.5));
    const b = Float64Array.from({ length: 40 }, () => 1);
    const e = evaluationOf({ labels: ['A', 'B', 'Random map (baseline)'], scores: [a, b, noisy(40, 0, 0.1, 3)] });
    const test = e.rankings[0]!.tests.find((t) => t.a === 0 && t.b === 1)!;
    expect(e.rankings[0]!.order[0]).toBe(0);
    expect(test.pHolm).toBeLessThan(0.05);
    expect(texts(e, 'undecided')).toEqual([`On Relevance mass accuracy, A has the better mean but B scores better on most images (Holm-corrected ${pWords([test.pHolm])}), so the two cannot be ordered.`]);
    expect(test.pHolm).toBeLessThan(0.001);
    expect(texts(e, 'finding').some((t) => t.includes('better than B'))).toBe(false);
  });

  it('says a method scores worse than a random map when the verdict says so', () => {
    const e = evaluationOf({ labels: ['Good', 'Bad', 'Random map (baseline)'], scores: [noisy(100, 0.8, 0.1, 1), noisy(100, 0.1, 0.1, 2), noisy(100, 0.4, 0.1, 3)] });
    expect(texts(e, 'finding')).toContain('On Relevance mass accuracy, Good is better than a random map (Holm-corrected p < 0.001).');
    expect(texts(e, 'finding')).toContain('On Relevance mass accuracy, Bad scores worse than a random map (Holm-corrected p < 0.001).');
  });

  it('warns, for the whole evaluation, when it was recorded before its evidence was measured', () => {
    const e = evaluationOf({ labels: ['A', 'Random map (baseline)'], scores: [noisy(50, 0.8, 0.1, 1), noisy(50, 0.4, 0.1, 2)], evidence: false });
    expect(evaluationConclusions(e).general).toEqual([
      { kind: 'caveat', text: 'This evaluation was recorded before Heatlab measured whether its perturbations remove information and how far the images agree on its rankings, so neither is known.' },
    ]);
    expect(texts(e, 'finding')).toEqual(['On Relevance mass accuracy, A is better than a random map (Holm-corrected p < 0.001).']);
  });

  it('writes lists and p-values as a paper does', () => {
    expect(listWords(['A'])).toBe('A');
    expect(listWords(['A', 'B'])).toBe('A and B');
    expect(listWords(['A', 'B', 'C'])).toBe('A, B and C');
    expect(pWords([0.0004])).toBe('p < 0.001');
    expect(pWords([0.012])).toBe('p = 0.012');
    expect(pWords([0.0004, 0.03])).toBe('p ≤ 0.03');
  });
});

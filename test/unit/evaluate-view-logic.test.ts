import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Metric } from '../../main/evaluate/metric.js';
import { metricInfo, resolveMetric } from '../../main/evaluate/metric-catalogue.js';
import { metricById, metrics } from '../../main/evaluate/registry.js';
import { checkMetricParams, metricFields } from '../../renderer/lib/evaluate/metric-params.js';
import { initialValues } from '../../renderer/lib/explain/method-params.js';
import type { Evaluation, EvaluationScores, MetricInfo, PerturbationValidity } from '../../shared/evaluations.js';
import { chanceSentence, imageCountWords } from '../../shared/evaluation-words.js';
import { formatEvaluation } from '../../main/app/cli-evaluate.js';
import type { ExplanationRunSummary } from '../../shared/explanations.js';
import { linear } from '../../shared/chart-scale.js';
import { evaluateHref, parseEvaluateRoute } from '../../renderer/lib/evaluate/evaluate-route.js';
import { evaluateRequest, formProblem, type EvaluateForm } from '../../renderer/lib/evaluate/evaluate-request.js';
import { binCount, histogram, sharedRange } from '../../renderer/lib/evaluate/histogram.js';
import { bandPath, barRects, paddedExtent } from '../../shared/plot-paths.js';
import { groupRuns, type GroupableRun } from '../../renderer/lib/evaluate/run-groups.js';
import { perImageCsv, reliabilityCsv, summaryCsv, testsCsv, validityCsv } from '../../renderer/lib/evaluate/score-csv.js';
import { formatP, formatScore, significanceMark } from '../../shared/score-format.js';
import { tableRows } from '../../shared/score-table.js';
import { bestAndWorst, rowsByScore, scoresOf } from '../../renderer/lib/evaluate/scores.js';

function run(id: number, over: Partial<GroupableRun> = {}): GroupableRun {
  const base: ExplanationRunSummary = {
    id,
    name: `run ${id}`,
    modelId: 1,
    modelName: 'm',
    datasetId: 2,
    datasetName: 'shapes',
    method: 'gradient',
    methodLabel: 'Gradient',
    kind: 'graph',
    target: 'predicted',
    count: 6,
    perImage: 1,
    height: 8,
    width: 8,
    seconds: 1,
    createdAt: '2026-01-01',
  };
  return { ...base, selection: { split: 'test', pick: 'first', n: 6, seed: 1 }, ...over };
}

describe('grouping explanation runs', () => {
  it('puts runs of the same model, images and target together, oldest first', () => {
    const groups = groupRuns([run(5), run(3, { method: 'grad-cam' }), run(4, { target: 'true' }), run(6, { selection: { split: 'test', pick: 'random', n: 6, seed: 1 } })]);
    expect(groups.map((g) => g.runs.map((r) => r.id))).toEqual([[6], [3, 5], [4]]);
    expect(groups[1]!.label).toBe('shapes · first 6 of test split · predicted class');
  });

  it('separates runs of other models, datasets and random selections with another seed', () => {
    const groups = groupRuns([
      run(1),
      run(2, { modelId: 9 }),
      run(3, { datasetId: 7 }),
      run(4, { selection: { split: 'test', pick: 'random', n: 6, seed: 1 } }),
      run(5, { selection: { split: 'test', pick: 'random', n: 6, seed: 2 } }),
      run(6, { selection: { split: 'test', pick: 'indices', indices: [1, 2, 3], seed: 1 }, count: 3 }),
    ]);
    expect(groups).toHaveLength(6);
  });

  it('ignores the seed of a non-random selection', () => {
    expect(groupRuns([run(1), run(2, { selection: { split: 'test', pick: 'first', n: 6, seed: 9 } })])).toHaveLength(1);
  });
});

const metric = (id: string, over: Partial<MetricInfo> = {}): MetricInfo => ({
  id,
  label: id.toUpperCase(),
  family: 'localisation',
  citation: 'x',
  higherIsBetter: true,
  needs: {},
  curve: false,
  params: { type: 'object', properties: { k: { type: 'integer', minimum: 1, maximum: 10, default: 3 } } },
  defaults: { k: 3 },
  ...over,
});

describe('the evaluate request', () => {
  const metrics = [metric('mass', { needs: { mask: true } }), metric('sparseness', { family: 'complexity' })];
  const form = (over: Partial<EvaluateForm> = {}): EvaluateForm => ({
    runIds: [3, 5],
    groundTruth: { kind: 'none' },
    metrics: ['sparseness'],
    values: { sparseness: { k: 3 }, mass: { k: 3 } },
    seed: 1,
    resamples: 2000,
    name: '',
    ...over,
  });

  it('says what is missing, one sentence at a time', () => {
    expect(formProblem(form({ runIds: [] }), metrics)).toBe('Choose at least one explanation run.');
    expect(formProblem(form({ metrics: [] }), metrics)).toBe('Choose at least one metric.');
    expect(formProblem(form({ metrics: ['mass'] }), metrics)).toMatch(/^MASS: Needs a ground truth/);
    expect(formProblem(form({ values: { sparseness: { k: 11 } } }), metrics)).toBe('Correct the parameters of SPARSENESS.');
    expect(formProblem(form({ resamples: 50 }), metrics)).toMatch(/bootstrap resamples/);
    expect(formProblem(form({ seed: null }), metrics)).toMatch(/seed/);
    expect(formProblem(form(), metrics)).toBeNull();
  });

  it('sends the runs, checked parameters, the ground truth with its label, and the name only when given', () => {
    const r = evaluateRequest(form({ metrics: ['mass', 'sparseness'], groundTruth: { kind: 'set', id: 4, label: 2 }, values: { mass: { k: 5 }, sparseness: { k: 3 } }, name: ' mine ' }), metrics);
    expect(r).toEqual({ runIds: [3, 5], metrics: [{ id: 'mass', params: { k: 5 } }, { id: 'sparseness', params: { k: 3 } }], groundTruth: { kind: 'set', id: 4, label: 2 }, seed: 1, resamples: 2000, name: 'mine' });
    const plain = evaluateRequest(form({ groundTruth: { kind: 'generated', mask: 'band' } }), metrics);
    expect(plain.groundTruth).toEqual({ kind: 'generated', mask: 'band' });
    expect('name' in plain).toBe(false);
  });
});

describe('routes of the Evaluate view', () => {
  it('reads and writes the setup, job and evaluation pages', () => {
    for (const route of [{ page: 'setup' }, { page: 'job', jobId: 4 }, { page: 'evaluation', id: 12 }] as const) expect(parseEvaluateRoute(evaluateHref(route))).toEqual(route);
    expect(parseEvaluateRoute('#/evaluate/abc')).toEqual({ page: 'setup' });
    expect(parseEvaluateRoute('#/evaluate/job/0')).toEqual({ page: 'setup' });
  });
});

/** Two methods and the baseline on two metrics (the second lower-is-better), three rows. */
function evaluation(): Pick<Evaluation, 'columns' | 'metricDetails' | 'table' | 'rankings' | 'level' | 'resamples' | 'seed' | 'evidence'> {
  const s = (mean: number, low: number, high: number, n = 3) => ({ mean, low, high, n, median: mean, std: 0.1 });
  return {
    columns: [
      { runId: 3, method: 'gradient', label: 'Gradient' },
      { runId: 5, method: 'grad-cam', label: 'Grad-CAM, v2' },
      { runId: null, method: 'random', label: 'Random baseline' },
    ],
    metricDetails: [
      { id: 'mass', label: 'Mass', family: 'localisation', higherIsBetter: true, citation: '', params: { k: 1 }, curve: null },
      { id: 'complexity', label: 'Complexity', family: 'complexity', higherIsBetter: false, citation: '', params: {}, curve: null },
    ],
    table: [
      [s(0.8, 0.7, 0.9), s(0.75, 0.6, 0.9), s(0.2, 0.1, 0.3)],
      [s(4, 3.5, 4.5), s(2, 1.5, 2.5), s(Number.NaN, Number.NaN, Number.NaN, 0)],
    ],
    rankings: [
      {
        metric: 'mass',
        order: [0, 1, 2],
        best: 0,
        tests: [
          { a: 0, b: 1, meanDifference: 0.05, statistic: 2, n: 3, p: 0.2, pHolm: 0.4 },
          { a: 0, b: 2, meanDifference: 0.6, statistic: 0, n: 3, p: 0.001, pHolm: 0.003 },
          { a: 1, b: 2, meanDifference: 0.55, statistic: 0, n: 3, p: 0.01, pHolm: 0.02 },
        ],
        chance: [
          { column: 0, verdict: 'better', meanDifference: 0.6, statistic: 6, n: 3, p: 0.001, pHolm: 0.002 },
          { column: 1, verdict: 'indistinguishable', meanDifference: 0.55, statistic: 5, n: 3, p: 0.04, pHolm: 0.08 },
        ],
      },
      { metric: 'complexity', order: [1, 0, 2], best: 1, tests: [{ a: 0, b: 1, meanDifference: 2, statistic: 0, n: 3, p: 0.01, pHolm: 0.01 }] },
    ],
    level: 0.95,
    resamples: 2000,
    seed: 7,
    evidence: { validity: [validityRecord()], reliability: { level: 'ordinal', metrics: [], internalConsistency: [] } },
  };
}

/** A removal check that failed on one metric's perturbation. */
function validityRecord(): PerturbationValidity {
  return {
    metrics: ['mass'],
    perturbation: 'uniform noise in 9×9-px grid regions',
    output: 'logit',
    images: 64,
    regionsPerImage: 16,
    raiseShare: 0.52,
    materialShare: 0.7,
    materialRaiseShare: 0.52,
    testedImages: 60,
    raiseP: 0.8,
    meanAbsDelta: 5.8,
    meanDelta: -1.7,
    budgetRegions: 2,
    budgetRaiseShare: 0.48,
    budgetMeanDelta: -3.5,
    full: { predicted: [32, 32], dominantClass: 0, dominantShare: 0.5, dominantProbability: 0.96, confidence: 0.96, originalConfidence: 0.99, confidenceRetained: 0.94, meanDrop: 10, notLoweredShare: 0.05 },
    removal: false,
    warnings: ['It adds evidence.', 'It carries the class.'],
    notes: [],
  };
}

describe('the results table', () => {
  it('marks the best per metric, ties with it by the Holm-corrected test, and the baseline row', () => {
    const rows = tableRows(evaluation());
    expect(rows.map((r) => r.baseline)).toEqual([false, false, true]);
    expect(rows.map((r) => r.cells[0]!.best)).toEqual([true, false, false]);
    expect(rows.map((r) => r.cells[1]!.best)).toEqual([false, true, false]);
    expect(rows[1]!.cells[0]).toMatchObject({ mean: '0.75', plusMinus: '0.15', interval: '95 % CI [0.6, 0.9]', n: 3, pVsBest: 0.4, tied: true });
    expect(rows[2]!.cells[0]).toMatchObject({ pVsBest: 0.003, tied: false });
    expect(rows[0]!.cells[1]).toMatchObject({ pVsBest: 0.01, tied: false });
    expect(rows[2]!.cells[1]).toMatchObject({ mean: '—', plusMinus: '—', n: 0, pVsBest: null });
  });

  it('marks as best every column identical to the best image by image or with the same mean, and says the pair is identical', () => {
    const e = evaluation();
    // Pointing game: Gradient and Grad-CAM hit on every image (no non-zero difference, p NaN); the baseline has the best's mean by chance.
    e.table[0] = e.table[0]!.map((s) => ({ ...s, mean: 1, low: 1, high: 1 }));
    e.table[0]![2] = { ...e.table[0]![2]!, mean: 1 };
    e.rankings[0]!.tests = [
      { a: 0, b: 1, meanDifference: 0, statistic: 0, n: 0, p: Number.NaN, pHolm: Number.NaN },
      { a: 0, b: 2, meanDifference: 0.1, statistic: 3, n: 2, p: 0.5, pHolm: 0.5 },
      { a: 1, b: 2, meanDifference: 0.1, statistic: 3, n: 2, p: 0.5, pHolm: 0.5 },
    ];
    expect(tableRows(e).map((r) => r.cells[0]!.best)).toEqual([true, true, true]);
    expect(tableRows(e).map((r) => r.cells[0]!.pVsBest)).toEqual([null, null, null]);
    // The lower-is-better metric keeps its single best.
    expect(tableRows(e).map((r) => r.cells[1]!.best)).toEqual([false, true, false]);
    expect(summaryCsv(e).trim().split('\n').slice(1, 4).map((l) => /,\d,(true|false),/.exec(l)?.[1])).toEqual(['true', 'true', 'true']); // rank, best
    const tests = testsCsv(e).trim().split('\n');
    expect(tests[0]!.endsWith(',p_holm,note')).toBe(true);
    expect(tests[1]).toBe('mass,0,Gradient,1,"Grad-CAM, v2",0,0,0,,,identical on every image');
    expect(tests[2]!.endsWith(',0.5,0.5,')).toBe(true);
  });

  it('marks every tied best with * in the CLI table and names the identical pairs', () => {
    const e = { ...evaluation(), id: 4, name: 'e', count: 3, perImage: 1, groundTruthLabel: null, seconds: 1, evidence: null } as unknown as Evaluation;
    e.table[0] = e.table[0]!.map((s) => ({ ...s, mean: 1 }));
    e.rankings[0]!.tests[0] = { a: 0, b: 1, meanDifference: 0, statistic: 0, n: 0, p: Number.NaN, pHolm: Number.NaN };
    const lines = formatEvaluation(e);
    expect(lines.filter((l) => /^(Gradient|Grad-CAM, v2|Random baseline) +\*1\.000/.test(l))).toHaveLength(3);
    expect(lines).toContain('  Gradient vs Grad-CAM, v2: identical on every image');
  });

  it('says how few of the images have a mask when the localisation metrics scored fewer', () => {
    const e = { ...evaluation(), count: 50, perImage: 1 };
    expect(imageCountWords(e)).toBe('3 of 50 images have a mask');
    expect(imageCountWords({ ...e, count: 3 })).toBe('3 images');
    expect(imageCountWords({ ...e, count: 50, perImage: 2, table: e.table.map((row) => row.map((s) => ({ ...s, n: 2 }))) })).toBe('1 of 50 images × 2 classes has a mask');
    // Without a localisation metric there is no mask to count.
    expect(imageCountWords({ ...e, metricDetails: e.metricDetails.map((m) => ({ ...m, family: 'complexity' as const })) })).toBe('50 images');
  });

  it('says per cell how a method compares with the random baseline, and nothing for the baseline itself', () => {
    const rows = tableRows(evaluation());
    expect(rows.map((r) => r.cells[0]!.chance)).toEqual(['better', 'indistinguishable', null]);
    expect(rows.map((r) => r.cells[0]!.pVsChance)).toEqual([0.002, 0.08, null]);
    // An evaluation recorded before the comparison existed has none.
    expect(rows.map((r) => r.cells[1]!.chance)).toEqual([null, null, null]);
    expect(chanceSentence(evaluation(), evaluation().rankings[0]!)).toBe('Better than a random map: Gradient. Not distinguishable from a random map: Grad-CAM, v2.');
    expect(chanceSentence(evaluation(), evaluation().rankings[1]!)).toMatch(/recorded before/);
  });

  it('writes scores to three significant digits and p-values as statisticians do', () => {
    expect([formatScore(0.123456), formatScore(12.3456), formatScore(0), formatScore(0.0001234), formatScore(Number.NaN)]).toEqual(['0.123', '12.3', '0', '1.23e-4', '—']);
    expect([formatP(0.0004), formatP(0.0123), formatP(0.5)]).toEqual(['< 0.001', '0.012', '0.5']);
    expect([significanceMark(0.0004), significanceMark(0.004), significanceMark(0.04), significanceMark(0.4)]).toEqual(['***', '**', '*', 'n.s.']);
  });
});

function scores(): EvaluationScores {
  // [columns 3, metrics 2, rows 2]
  const values = [0.9, 0.1, 4, 5, 0.5, Number.NaN, 2, 3, 0.2, 0.3, 9, 8];
  return {
    evaluationId: 1,
    columns: 3,
    metrics: ['mass', 'complexity'],
    rows: 2,
    scores: Float64Array.from(values),
    indices: Int32Array.from([10, 42]),
    targets: Int32Array.from([0, 1]),
    labels: Int32Array.from([0, 1]),
    predicted: Int32Array.from([0, 0]),
  };
}

describe('CSV exports', () => {
  it('writes one line per image and column with every metric, undefined scores empty', () => {
    const lines = perImageCsv(evaluation(), scores(), ['triangle', 'square']).trim().split('\n');
    expect(lines[0]).toBe('row,dataset_index,label,label_name,target,target_name,predicted,predicted_name,column,run_id,method,mass,complexity');
    expect(lines.slice(1)).toEqual([
      '0,10,0,triangle,0,triangle,0,triangle,0,3,Gradient,0.9,4',
      '0,10,0,triangle,0,triangle,0,triangle,1,5,"Grad-CAM, v2",0.5,2',
      '0,10,0,triangle,0,triangle,0,triangle,2,baseline,Random baseline,0.2,9',
      '1,42,1,square,1,square,0,triangle,0,3,Gradient,0.1,5',
      '1,42,1,square,1,square,0,triangle,1,5,"Grad-CAM, v2",,3',
      '1,42,1,square,1,square,0,triangle,2,baseline,Random baseline,0.3,8',
    ]);
  });

  it('writes the summary with CI, rank and best, and the paired tests', () => {
    const lines = summaryCsv(evaluation()).trim().split('\n');
    expect(lines).toHaveLength(1 + 2 * 3);
    expect(lines[0]).toBe('metric,metric_label,higher_is_better,params,column,run_id,method,baseline,mean,ci_low,ci_high,ci_level,n,median,std,rank,best,vs_chance,p_vs_chance_holm,perturbation_is_removal,resamples,seed');
    expect(lines[1]).toBe('mass,Mass,true,"{""k"":1}",0,3,Gradient,false,0.8,0.7,0.9,0.95,3,0.8,0.1,1,true,better,0.002,false,2000,7');
    expect(lines[3]).toBe('mass,Mass,true,"{""k"":1}",2,baseline,Random baseline,true,0.2,0.1,0.3,0.95,3,0.2,0.1,3,false,,,false,2000,7');
    expect(lines[4]).toBe('complexity,Complexity,false,{},0,3,Gradient,false,4,3.5,4.5,0.95,3,4,0.1,2,false,,,,2000,7');
    const tests = testsCsv(evaluation()).trim().split('\n');
    expect(tests).toHaveLength(1 + 4);
    expect(tests[2]).toBe('mass,0,Gradient,2,Random baseline,0.6,0,3,0.001,0.003,');
  });
});

describe('the removal checks export', () => {
  it('writes one line per perturbation with its figures, verdict and sentences', () => {
    const lines = validityCsv(evaluation()).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('mass,uniform noise in 9×9-px grid regions,logit,64,16,0.52,0.7,0.52,60,0.8,-1.7,5.8,2,0.48,-3.5,32 32,0,0.5,0.96,0.99,0.94,10,0.05,false,It adds evidence. It carries the class.,');
    expect(validityCsv({ evidence: null }).trim().split('\n')).toHaveLength(1);
  });
});

describe('the reliability export', () => {
  it('writes each metric’s α and mean inter-method ρ and each pair’s internal consistency, with the sentences', () => {
    const agreement = (alpha: number | null, columns: number[]) => ({ alpha, columns, images: 3, incomplete: 1 });
    const e = {
      ...evaluation(),
      evidence: {
        validity: [],
        reliability: {
          level: 'ordinal' as const,
          metrics: [
            { metric: 'mass', interRater: { methods: agreement(0.5, [0, 1]), withBaseline: agreement(0.7, [0, 1, 2]) }, interMethod: { meanRho: 0.6, pairs: [] } },
            // One method: judged against the baseline.
            { metric: 'complexity', interRater: { methods: agreement(null, [0]), withBaseline: agreement(0.9, [0, 2]) }, interMethod: { meanRho: null, pairs: [] } },
          ],
          internalConsistency: [{ family: 'faithfulness' as const, a: 'mass', b: 'complexity', flipped: true, meanRho: -0.2, columns: [] }],
        },
      },
    };
    const lines = reliabilityCsv(e).trim().split('\n');
    expect(lines).toHaveLength(1 + 2 * 2 + 1);
    expect(lines[1]).toMatch(/^inter-rater alpha,mass,,0\.5,0\.7,3,1,unreliable,"Images disagree on how Mass ranks the methods/);
    expect(lines[2]).toMatch(/^inter-method rho,mass,,0\.6,,,,,"On Mass, the methods' scores rise and fall together/);
    expect(lines[3]).toMatch(/^inter-rater alpha,complexity,,0\.9,0\.9,3,1,reliable,Images agree on how Complexity ranks the method against the random baseline/);
    expect(lines[5]).toMatch(/^internal consistency rho,mass,complexity,-0\.2,,,,,"Mass and Complexity contradict each other/);
    expect(reliabilityCsv({ ...e, evidence: null }).trim().split('\n')).toHaveLength(1);
  });
});

describe('per-image scores', () => {
  it('reads one column and metric out of [columns, metrics, rows]', () => {
    expect(Array.from(scoresOf(scores(), 1, 0))).toEqual([0.5, Number.NaN]);
    expect(Array.from(scoresOf(scores(), 2, 1))).toEqual([9, 8]);
  });

  it('orders rows best first by the direction of the metric, skipping undefined ones', () => {
    const v = [0.3, Number.NaN, 0.9, 0.1, 0.5];
    expect(rowsByScore(v, true)).toEqual([2, 4, 0, 3]);
    expect(rowsByScore(v, false)).toEqual([3, 0, 4, 2]);
    expect(bestAndWorst(v, true, 2)).toEqual({ best: [2, 4], worst: [3, 0] });
    expect(bestAndWorst([1, 2, 3], true, 5)).toEqual({ best: [2, 1], worst: [0] });
  });
});

describe('histograms', () => {
  it('counts values in equal bins, the top edge in the last bin, skipping NaN', () => {
    const h = histogram([0, 0.1, 0.25, 0.5, 0.99, 1, Number.NaN], 0, 1, 4);
    expect(h.edges).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(h.counts).toEqual([2, 1, 1, 2]);
    expect(h.total).toBe(6);
  });

  it('shares one range over every series, widening a single value', () => {
    expect(sharedRange([[1, 5], [Number.NaN, -2]])).toEqual([-2, 5]);
    expect(sharedRange([[3, 3]])).toEqual([2.5, 3.5]);
    expect(sharedRange([[Number.NaN]])).toEqual([0, 1]);
    expect([binCount(1), binCount(100), binCount(1e9)]).toEqual([5, 8, 31]);
  });
});

describe('plot geometry', () => {
  const x = linear(0, 10, 0, 100);
  const y = linear(0, 1, 100, 0);

  it('draws a CI band along the low edge and back along the high edge, split at gaps', () => {
    expect(bandPath([0, 5, 10], [0, 0.5, 0.5], [0.5, 1, 1], x, y)).toBe('M0.0 100.0L50.0 50.0L100.0 50.0L100.0 0.0L50.0 0.0L0.0 50.0Z');
    expect(bandPath([0, 5, 10], [0, Number.NaN, 0], [1, 1, 1], x, y)).toBe('M0.0 100.0L0.0 0.0ZM100.0 100.0L100.0 0.0Z');
  });

  it('lays histogram bars from edge to edge, standing on zero', () => {
    const ys = linear(0, 4, 100, 0);
    expect(barRects([0, 5, 10], [4, 2], x, ys)).toEqual([
      { x: 0, y: 0, width: 50, height: 100 },
      { x: 50, y: 50, width: 50, height: 50 },
    ]);
  });

  it('pads the data range and survives empty or constant data', () => {
    expect(paddedExtent([[0, 10]], 0.1)).toEqual([-1, 11]);
    expect(paddedExtent([[2, 2]])).toEqual([1.5, 2.5]);
    expect(paddedExtent([[]])).toEqual([0, 1]);
  });
});

describe('metric parameter forms', () => {
  // As main lists them to the view.
  const info = (m: Metric): MetricInfo => metricInfo(m);

  it('offers every parameter of every metric, its defaults passing its own checks', () => {
    for (const m of metrics) {
      const fields = metricFields(info(m));
      expect(fields.map((f) => f.key).sort()).toEqual(Object.keys((m.params as z.ZodObject).shape).sort());
      const checked = checkMetricParams(fields, initialValues(fields));
      expect(checked.errors).toEqual({});
      // What the form sends, main accepts and completes to the metric's defaults.
      expect(resolveMetric(m.id, checked.params!).params).toEqual(m.params.parse({}));
    }
  });

  it('leaves an optional count and a nullable share unset when empty, and checks them when set', () => {
    const deletion = metricFields(info(metricById('deletion')!));
    expect(checkMetricParams(deletion, initialValues(deletion)).params).not.toHaveProperty('pixelsPerStep');
    expect(checkMetricParams(deletion, { ...initialValues(deletion), pixelsPerStep: 0 }).errors).toEqual({ pixelsPerStep: 'Must be at least 1.' });
    const iou = metricFields(info(metricById('top-percent-iou')!));
    expect(iou.find((f) => f.key === 'percent')).toMatchObject({ kind: 'number', max: 100 });
    expect(checkMetricParams(iou, { ...initialValues(iou), percent: null }).params).not.toHaveProperty('percent');
    expect(checkMetricParams(iou, { ...initialValues(iou), percent: 10 }).params).toMatchObject({ percent: 10 });
  });
});

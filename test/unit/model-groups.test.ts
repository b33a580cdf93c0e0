// Several models side by side in the renderer: the Explain grid's columns grouped by model (with the
// pending methods of running jobs in their model's group), the colour scales shared per method across
// models or per image within each model, the addresses of the pages that compare models, and the
// rows of a model comparison's table.
import { describe, expect, it } from 'vitest';
import type { ExplanationRun } from '../../shared/explanations.js';
import type { MetricComparison, ModelComparison } from '../../shared/model-comparison.js';
import { comparableEvaluations } from '../../renderer/lib/evaluate/comparable-evaluations.js';
import { comparisonRows } from '../../renderer/lib/evaluate/comparison-table.js';
import { evaluateHref, parseEvaluateRoute } from '../../renderer/lib/evaluate/evaluate-route.js';
import { explainHref, parseExplainRoute } from '../../renderer/lib/explain-route.js';
import { gridGeometry, GROUP_BAND } from '../../renderer/lib/explain/grid-layout.js';
import { columnGroups, gridColumns, methodKey, modelsOf } from '../../renderer/lib/explain/model-groups.js';
import { cellScales, singleModelMode, type CellSource } from '../../shared/heatmap/normalise.js';

type Run = Pick<ExplanationRun, 'id' | 'modelId' | 'modelName' | 'method' | 'methodLabel' | 'params' | 'perImage' | 'classNames'>;
const run = (id: number, modelId: number, modelName: string | null, method: string, params: Record<string, unknown> = {}): Run => ({
  id,
  modelId,
  modelName,
  method,
  methodLabel: { gradient: 'Gradient', 'lrp-epsilon': 'LRP ε' }[method] ?? method,
  params,
  perImage: 1,
  classNames: ['triangle', 'square'],
});

describe('the Explain grid’s columns', () => {
  it('are plain method columns for runs of one model', () => {
    const columns = gridColumns([run(1, 3, 'LeNet', 'gradient'), run(2, 3, 'LeNet', 'lrp-epsilon')]);
    expect(columns.map((c) => [c.label, c.group])).toEqual([
      ['Gradient', null],
      ['LRP ε', null],
    ]);
    expect(columnGroups(columns)).toEqual([]);
  });

  it('group the runs of several models by model, in the order the models first appear, each labelled with its model', () => {
    const columns = gridColumns([run(1, 3, 'LeNet', 'gradient'), run(5, 4, 'VGG', 'gradient'), run(2, 3, 'LeNet', 'lrp-epsilon'), run(6, 4, 'VGG', 'lrp-epsilon')]);
    expect(columns.map((c) => [c.runId, c.label, c.method, c.group])).toEqual([
      [1, 'LeNet · Gradient', 'Gradient', 'LeNet'],
      [2, 'LeNet · LRP ε', 'LRP ε', 'LeNet'],
      [5, 'VGG · Gradient', 'Gradient', 'VGG'],
      [6, 'VGG · LRP ε', 'LRP ε', 'VGG'],
    ]);
    expect(columnGroups(columns)).toEqual([
      { label: 'LeNet', start: 0, end: 2 },
      { label: 'VGG', start: 2, end: 4 },
    ]);
    // One method with the same parameters is one key on every model; other parameters are another.
    expect(columns[0]!.methodKey).toBe(columns[2]!.methodKey);
    expect(methodKey(run(7, 3, 'LeNet', 'lrp-epsilon', { epsilon: 0.1, a: 1 }), 0)).toBe(methodKey(run(8, 4, 'VGG', 'lrp-epsilon', { a: 1, epsilon: 0.1 }), 0));
    expect(methodKey(run(7, 3, 'LeNet', 'lrp-epsilon', { epsilon: 0.1 }), 0)).not.toBe(methodKey(run(8, 4, 'VGG', 'lrp-epsilon', { epsilon: 0.2 }), 0));
  });

  it('tell two models of one name apart by their ids', () => {
    expect(modelsOf([run(1, 3, 'tiny', 'gradient'), run(2, 4, 'tiny', 'gradient'), run(3, 5, null, 'gradient')]).map((m) => m.label)).toEqual(['tiny (model 3)', 'tiny (model 4)', 'Model 5']);
  });

  it('put a running job’s pending methods in their model’s group, after its recorded runs', () => {
    const pending = { label: 'RISE', modelId: 4, modelName: 'VGG', perImage: 1, classNames: ['triangle', 'square'] };
    const columns = gridColumns([run(1, 3, 'LeNet', 'gradient'), run(5, 4, 'VGG', 'gradient')], [pending, { ...pending, modelId: 3, modelName: 'LeNet' }]);
    expect(columns.map((c) => [c.label, c.pending ?? false])).toEqual([
      ['LeNet · Gradient', false],
      ['LeNet · RISE', true],
      ['VGG · Gradient', false],
      ['VGG · RISE', true],
    ]);
    // Before any run of the second model is recorded, its pending columns already make it a group.
    expect(columnGroups(gridColumns([run(1, 3, 'LeNet', 'gradient')], [pending]))).toEqual([
      { label: 'LeNet', start: 0, end: 1 },
      { label: 'VGG', start: 1, end: 2 },
    ]);
  });

  it('leave room for the band of model names above the column headers', () => {
    expect(gridGeometry(4, 4, 64, false, undefined, true).headerHeight).toBe(gridGeometry(4, 4, 64, false).headerHeight + GROUP_BAND);
    // Swapped, the model goes in each method's row header instead.
    expect(gridGeometry(4, 4, 64, true, undefined, true).headerHeight).toBe(gridGeometry(4, 4, 64, true).headerHeight);
  });
});

describe('colour scales across models', () => {
  const f = (...v: number[]) => new Float32Array(v);
  // One image, columns: model A gradient, model A LRP, model B gradient, model B LRP; largest |v| 1, 2, 8, 4.
  const cells = [f(1, -0.5), f(2, 0), f(-8, 1), f(0, 4)];
  const source: CellSource = { images: 1, methods: 4, cell: (_, j) => cells[j]!, methodKeys: ['g', 'l', 'g', 'l'], modelKeys: [1, 1, 2, 2] };

  it('share one scale per method across models', () => {
    expect(Array.from(cellScales(source, 'method-models', 100))).toEqual([8, 4, 8, 4]);
  });

  it('share one scale per image within each model', () => {
    expect(Array.from(cellScales(source, 'image-model', 100))).toEqual([2, 2, 8, 8]);
  });

  it('fall back to the one-model modes that mean the same when the grid has one model', () => {
    expect(singleModelMode('method-models')).toBe('method');
    expect(singleModelMode('image-model')).toBe('image');
    expect(singleModelMode('cell')).toBe('cell');
    const plain: CellSource = { images: 1, methods: 4, cell: (_, j) => cells[j]! };
    expect(Array.from(cellScales(plain, 'method-models', 100))).toEqual(Array.from(cellScales(plain, 'method', 100)));
    expect(Array.from(cellScales(plain, 'image-model', 100))).toEqual(Array.from(cellScales(plain, 'image', 100)));
  });
});

describe('addresses of model comparisons', () => {
  it('reads and writes the comparison of evaluations, which needs two or more ids', () => {
    expect(parseEvaluateRoute('#/evaluate/compare/3,5')).toEqual({ page: 'compare', ids: [3, 5] });
    expect(evaluateHref({ page: 'compare', ids: [3, 5, 8] })).toBe('#/evaluate/compare/3,5,8');
    expect(parseEvaluateRoute('#/evaluate/compare/3')).toEqual({ page: 'setup' });
    expect(parseEvaluateRoute('#/evaluate/compare/3,x')).toEqual({ page: 'setup' });
  });

  it('reads and writes the jobs of several models and the form set to explain several models', () => {
    expect(parseExplainRoute('#/explain/jobs/7,8')).toEqual({ page: 'jobs', jobIds: [7, 8] });
    expect(explainHref({ page: 'jobs', jobIds: [7, 8] })).toBe('#/explain/jobs/7,8');
    expect(parseExplainRoute('#/explain?models=2,4')).toEqual({ page: 'setup', prefill: { modelIds: [2, 4] } });
    expect(explainHref({ page: 'setup', prefill: { modelIds: [2, 4] } })).toBe('#/explain?models=2,4');
  });
});

describe('rows of a model comparison’s table', () => {
  const cell = (mean: number, chance: 'better' | null) => ({ mean, low: mean - 0.1, high: mean + 0.1, n: 20, median: mean, std: 0.2, chance, pVsChance: chance === null ? null : 0.01 });
  const comparison: ModelComparison = {
    models: [
      { evaluationId: 1, evaluationName: 'a', modelId: 1, modelName: 'A', label: 'A' },
      { evaluationId: 2, evaluationName: 'b', modelId: 2, modelName: 'B', label: 'B' },
    ],
    datasetId: 1,
    datasetName: 'd',
    count: 20,
    perImage: 1,
    target: 'predicted',
    groundTruth: null,
    groundTruthLabel: null,
    level: 0.95,
    resamples: 500,
    alpha: 0.05,
    methods: [
      { key: 'g', method: 'gradient', label: 'Gradient', baseline: false, columns: [0, 0], runIds: [1, 2] },
      { key: 'o', method: 'occlusion', label: 'Occlusion', baseline: false, columns: [1, null], runIds: [3, null] },
      { key: 'baseline', method: 'random', label: 'Random map (baseline)', baseline: true, columns: [2, 1], runIds: [null, null] },
    ],
    metrics: [],
  };
  const metric: MetricComparison = {
    metric: { id: 'sparseness', label: 'Sparseness', family: 'complexity', higherIsBetter: true, citation: '', params: {}, curve: null },
    cells: [[cell(0.5, 'better'), cell(0.3, 'better')], [cell(0.4, null), null], [cell(0.2, null), cell(0.2, null)]],
    tests: [{ method: 0, a: 0, b: 1, pairs: 20, meanDifference: 0.2, low: 0.1, high: 0.3, statistic: 190, n: 19, p: 0.0004, pHolm: 0.0004, verdict: 'better-a' }],
  };

  it('marks the model that wins a paired test, with the test in short and as a sentence', () => {
    const rows = comparisonRows(comparison, metric);
    expect(rows.map((r) => r.cells.map((c) => c?.wins ?? null))).toEqual([
      [true, false],
      [false, null],
      [false, false],
    ]);
    expect(rows[0]!.cells[0]).toMatchObject({ text: '0.5', plusMinus: '0.1', interval: '95 % CI [0.4, 0.6]', chance: 'better' });
    expect(rows[0]!.tests[0]).toMatchObject({ pair: null, headline: 'A better', figures: 'Δ 0.2 [0.1, 0.3] · p < 0.001 ***', sentence: 'On sparseness, Gradient on A beats B on the same 20 images, p < 0.001 (Holm).' });
    expect(rows[1]!.tests).toEqual([]);
    expect(rows[2]!.baseline).toBe(true);
  });
});

describe('evaluations that compare ticked models', () => {
  const e = (id: number, modelId: number, metrics = ['sparseness'], count = 20) => ({ id, modelId, modelName: `m${modelId}`, datasetId: 1, datasetName: 'd', metrics, groundTruth: null, count, perImage: 1 });

  it('takes the newest evaluation of each model among the kinds every model has, newest kind first', () => {
    const list = [e(1, 1), e(2, 2), e(3, 1), e(4, 1, ['pointing-game']), e(5, 3, ['pointing-game']), e(6, 2, ['sparseness'], 50)];
    expect(comparableEvaluations(list, [1, 2])?.map((x) => x.id)).toEqual([3, 2]);
    expect(comparableEvaluations(list, [2, 1])?.map((x) => x.id)).toEqual([2, 3]);
    expect(comparableEvaluations(list, [1, 3])?.map((x) => x.id)).toEqual([4, 5]);
  });

  it('finds none when the models share no kind of evaluation, or fewer than two are ticked', () => {
    expect(comparableEvaluations([e(1, 1), e(2, 2, ['pointing-game'])], [1, 2])).toBeNull();
    expect(comparableEvaluations([e(1, 1), e(2, 2)], [1])).toBeNull();
  });
});

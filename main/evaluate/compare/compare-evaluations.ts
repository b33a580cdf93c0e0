// Evaluations of different models compared as models: checked to score the same images (dataset,
// image rows, explained classes, ground truth, metrics and their parameters — one sentence names
// the first part that differs), their methods matched by id and parameters, and every metric
// recomputed from the stored per-image scores (model-statistics.ts).
import { HeatlabError } from '../../../shared/errors.js';
import { isBaseline, type Evaluation, type EvaluationScores } from '../../../shared/evaluations.js';
import { describeTarget } from '../../../shared/explanation-words.js';
import type { ExplanationTarget } from '../../../shared/explanations.js';
import { comparisonMismatch, type ComparedMethod, type ComparedModel, type ModelComparison } from '../../../shared/model-comparison.js';
import { compareMetric, type ModelScores } from './model-statistics.js';

/** What a comparison reads from the catalogue. */
export interface ComparisonSources {
  evaluation(id: number): Evaluation;
  scores(id: number): EvaluationScores;
  /** An explanation run's method parameters and explained class. */
  run(id: number): { params: Record<string, unknown>; target: ExplanationTarget };
}

/** The verdicts' significance level, as on an evaluation's own page. */
const ALPHA = 0.05;

/** JSON with object keys sorted, so equal parameters give equal text whatever their order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

const refuse = (message: string): never => {
  throw new HeatlabError('invalid_request', message);
};

/** "steps 50 and 100, regionSize 4 and 8": the parameters two runs of a metric differ in. */
function paramDifferences(a: Record<string, unknown>, b: Record<string, unknown>): string {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => stableJson(a[k]) !== stableJson(b[k]));
  return keys.map((k) => `${k} ${stableJson(a[k] ?? null)} and ${stableJson(b[k] ?? null)}`).join(', ');
}

/** Model labels: the name, with the id where two compared models share one. */
function modelLabels(evaluations: readonly Evaluation[]): ComparedModel[] {
  const name = (e: Evaluation) => e.modelName ?? `Model ${e.modelId}`;
  return evaluations.map((e) => ({
    evaluationId: e.id,
    evaluationName: e.name,
    modelId: e.modelId,
    modelName: e.modelName,
    label: evaluations.some((o) => o !== e && name(o) === name(e)) ? `${name(e)} (model ${e.modelId})` : name(e),
  }));
}

/**
 * Methods across the evaluations, in order of first appearance with the baseline last: a method is
 * its id and parameters (the k-th run of one key in one evaluation pairs with the k-th in another).
 */
function matchMethods(evaluations: readonly Evaluation[], sources: ComparisonSources): ComparedMethod[] {
  const methods: ComparedMethod[] = [];
  const params = new Map<string, Record<string, unknown>>();
  evaluations.forEach((e, i) => {
    const seen = new Map<string, number>();
    e.columns.forEach((col, c) => {
      const baseline = isBaseline(col);
      const runParams = col.runId === null || baseline ? {} : sources.run(col.runId).params;
      const base = baseline ? 'baseline' : `${col.method} ${stableJson(runParams)}`;
      const k = (seen.get(base) ?? 0) + 1;
      seen.set(base, k);
      const key = k === 1 ? base : `${base} #${k}`;
      let method = methods.find((m) => m.key === key);
      if (!method) {
        methods.push((method = { key, method: col.method, label: col.label, baseline, columns: evaluations.map(() => null), runIds: evaluations.map(() => null) }));
        params.set(key, runParams);
      }
      method.columns[i] = c;
      method.runIds[i] = col.runId;
    });
  });
  // Two methods of one label (LRP ε at two ε, say) are told apart by their parameters.
  for (const m of methods) {
    const twin = methods.filter((o) => o.label === m.label);
    if (twin.length > 1 && !m.baseline) m.label = `${m.label} (${Object.entries(params.get(m.key) ?? {}).map(([k, v]) => `${k} ${stableJson(v)}`).join(', ') || 'defaults'})`;
  }
  return [...methods.filter((m) => !m.baseline), ...methods.filter((m) => m.baseline)];
}

/** The first run's explained class of an evaluation. */
function targetOf(e: Evaluation, sources: ComparisonSources): ExplanationTarget | null {
  const runId = e.runIds[0];
  return runId === undefined ? null : sources.run(runId).target;
}

/** Checks what the summaries cannot tell: the very image rows, the explained classes and the metrics' parameters. */
function checkPairing(evaluations: readonly Evaluation[], scores: readonly EvaluationScores[], sources: ComparisonSources): ExplanationTarget | null {
  const [first, ...others] = evaluations;
  const target = targetOf(first!, sources);
  others.forEach((e, k) => {
    const pair = `Evaluations ${first!.id} and ${e.id}`;
    const [a, b] = [scores[0]!.indices, scores[k + 1]!.indices];
    const row = a.findIndex((v, r) => v !== b[r]);
    if (row >= 0) refuse(`${pair} score different images (row ${row} is image ${a[row]} in one and image ${b[row]} in the other); models are compared on the same images, so explain each model on the same selection.`);
    const other = targetOf(e, sources);
    if (stableJson(other) !== stableJson(target))
      refuse(`${pair} explain different classes (${target === null ? 'none' : describeTarget(target)} and ${other === null ? 'none' : describeTarget(other)}).`);
    for (const m of first!.metricDetails) {
      const theirs = e.metricDetails.find((d) => d.id === m.id)!;
      if (stableJson(theirs.params) !== stableJson(m.params)) refuse(`${pair} score ${m.label} with different parameters (${paramDifferences(m.params, theirs.params)}).`);
    }
  });
  return target;
}

export function compareEvaluations(ids: readonly number[], sources: ComparisonSources): ModelComparison {
  const evaluations = ids.map((id) => sources.evaluation(id));
  const labels = new Map(evaluations.flatMap((e) => e.metricDetails.map((m) => [m.id, m.label] as const)));
  const mismatch = comparisonMismatch(evaluations, (id) => labels.get(id) ?? id);
  if (mismatch !== null) refuse(mismatch);
  const scores = evaluations.map((e) => sources.scores(e.id));
  const target = checkPairing(evaluations, scores, sources);
  const [first] = evaluations;
  const methods = matchMethods(evaluations, sources);
  const models: ModelScores[] = evaluations.map((e, i) => ({
    scores: scores[i]!.scores,
    columns: e.columns.length,
    metrics: e.metricDetails.length,
    rows: scores[i]!.rows,
    seed: e.seed,
    baseline: (() => {
      const c = e.columns.findIndex(isBaseline);
      return c < 0 ? null : c;
    })(),
  }));
  const options = { resamples: first!.resamples, level: first!.level, alpha: ALPHA, seed: first!.seed };
  const metrics = first!.metricDetails.map((metric, index) => ({
    metric,
    ...compareMetric(models, methods, { index, metricOf: evaluations.map((e) => e.metricDetails.findIndex((d) => d.id === metric.id)), higherIsBetter: metric.higherIsBetter }, options),
  }));
  return {
    models: modelLabels(evaluations),
    datasetId: first!.datasetId,
    datasetName: first!.datasetName,
    count: first!.count,
    perImage: first!.perImage,
    target: target ?? 'predicted',
    groundTruth: first!.groundTruth,
    groundTruthLabel: first!.groundTruthLabel,
    level: options.level,
    resamples: options.resamples,
    alpha: ALPHA,
    methods,
    metrics,
  };
}

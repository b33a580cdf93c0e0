// An evaluation as CSV files: every heatmap's scores (one line per image row and column, one field
// per metric), the summary table (one line per column and metric, with the comparison with the
// random baseline), the paired tests, the removal check of each perturbation, and the rankings'
// reliability.
import { csvLine } from './csv.js';
import { chanceOf } from './evaluation-words.js';
import { isBaseline, type Evaluation, type EvaluationScores } from './evaluations.js';
import { alphaVerdict, headlineAlpha } from './reliability.js';
import { reliabilityWords } from './reliability-words.js';
import { bestColumns, identicalPair, identicalWords } from './ties-with-best.js';

const line = csvLine;

/** One line per (row, column); undefined scores are empty fields. */
export function perImageCsv(e: Pick<Evaluation, 'columns'>, s: EvaluationScores, classNames: readonly string[]): string {
  const head = ['row', 'dataset_index', 'label', 'label_name', 'target', 'target_name', 'predicted', 'predicted_name', 'column', 'run_id', 'method', ...s.metrics];
  const out = [line(head)];
  const M = s.metrics.length;
  for (let r = 0; r < s.rows; r++) {
    const label = s.labels[r]!;
    const target = s.targets[r]!;
    const predicted = s.predicted[r]!;
    const image = [r, s.indices[r], label, classNames[label] ?? '', target, classNames[target] ?? '', predicted, classNames[predicted] ?? ''];
    e.columns.forEach((col, c) => {
      const scores = Array.from({ length: M }, (_, m) => s.scores[(c * M + m) * s.rows + r]!);
      out.push(line([...image, c, runOf(col), col.label, ...scores]));
    });
  }
  return out.join('\n') + '\n';
}

/** The run id, or "baseline" for the built-in random maps. */
const runOf = (col: Evaluation['columns'][number]) => col.runId ?? 'baseline';

/** One line per (column, metric): the table with its CI level, rank, whether it is the best, how it compares with the random baseline, and whether the metric's perturbation behaved as removal. */
export function summaryCsv(e: Pick<Evaluation, 'columns' | 'metricDetails' | 'table' | 'rankings' | 'level' | 'resamples' | 'seed' | 'evidence'>): string {
  const head = ['metric', 'metric_label', 'higher_is_better', 'params', 'column', 'run_id', 'method', 'baseline', 'mean', 'ci_low', 'ci_high', 'ci_level', 'n', 'median', 'std', 'rank', 'best', 'vs_chance', 'p_vs_chance_holm', 'perturbation_is_removal', 'resamples', 'seed'];
  const out = [line(head)];
  e.metricDetails.forEach((m, k) => {
    const ranking = e.rankings.find((r) => r.metric === m.id);
    const bests = bestColumns(ranking, e.table[k]!.map((s) => s.mean));
    e.columns.forEach((col, c) => {
      const s = e.table[k]![c]!;
      const rank = ranking ? ranking.order.indexOf(c) + 1 : '';
      const chance = isBaseline(col) ? undefined : chanceOf(ranking, c);
      const validity = e.evidence?.validity.find((v) => v.metrics.includes(m.id));
      out.push(line([m.id, m.label, m.higherIsBetter, m.params, c, runOf(col), col.label, isBaseline(col), s.mean, s.low, s.high, e.level, s.n, s.median, s.std, rank, bests.has(c), chance?.verdict ?? '', chance?.pHolm ?? '', validity === undefined ? '' : validity.removal, e.resamples, e.seed]));
    });
  });
  return out.join('\n') + '\n';
}

/** One line per metric and pair of columns: the paired Wilcoxon signed-rank test, raw and Holm-corrected p, and a note when the pair is identical (no test could run, so p is empty). */
export function testsCsv(e: Pick<Evaluation, 'columns' | 'rankings'>): string {
  const head = ['metric', 'column_a', 'method_a', 'column_b', 'method_b', 'mean_difference', 'statistic', 'n', 'p', 'p_holm', 'note'];
  const out = [line(head)];
  for (const r of e.rankings)
    for (const t of r.tests) out.push(line([r.metric, t.a, e.columns[t.a]?.label, t.b, e.columns[t.b]?.label, t.meanDifference, t.statistic, t.n, t.p, t.pHolm, identicalPair(t) ? identicalWords : '']));
  return out.join('\n') + '\n';
}

/** One line per perturbation checked for removal: its figures, verdict and sentences. */
export function validityCsv(e: Pick<Evaluation, 'evidence'>): string {
  const head = ['metrics', 'perturbation', 'output', 'images', 'regions_per_image', 'raise_share', 'material_share', 'material_raise_share', 'tested_images', 'raise_p', 'mean_delta', 'mean_abs_delta', 'budget_regions', 'budget_raise_share', 'budget_mean_delta', 'full_predicted', 'full_dominant_class', 'full_dominant_share', 'full_confidence', 'original_confidence', 'confidence_retained', 'full_mean_drop', 'full_not_lowered_share', 'removal', 'warnings', 'notes'];
  const out = [line(head)];
  for (const v of e.evidence?.validity ?? []) {
    const f = v.full;
    out.push(line([v.metrics.join(' '), v.perturbation, v.output, v.images, v.regionsPerImage, v.raiseShare, v.materialShare, v.materialRaiseShare, v.testedImages, v.raiseP, v.meanDelta, v.meanAbsDelta, v.budgetRegions, v.budgetRaiseShare, v.budgetMeanDelta, f.predicted.join(' '), f.dominantClass, f.dominantShare, f.confidence, f.originalConfidence, f.confidenceRetained, f.meanDrop, f.notLoweredShare, v.removal, v.warnings.join(' '), v.notes.join(' ')]));
  }
  return out.join('\n') + '\n';
}

/** One line per figure of the rankings' reliability (Tomsett et al. 2020): each metric's α and mean inter-method ρ, each pair's internal consistency, with its sentence. */
export function reliabilityCsv(e: Pick<Evaluation, 'evidence' | 'metricDetails'>): string {
  const head = ['figure', 'metric', 'metric_b', 'value', 'value_with_baseline', 'images', 'images_left_out', 'verdict', 'sentence'];
  const out = [line(head)];
  const report = e.evidence?.reliability;
  if (report === undefined) return out.join('\n') + '\n';
  const words = reliabilityWords(report, { metrics: Object.fromEntries(e.metricDetails.map((m) => [m.id, m.label])) });
  report.metrics.forEach((m, k) => {
    const { methods, withBaseline } = m.interRater;
    const headline = methods.columns.length >= 2 ? methods : withBaseline;
    out.push(line(['inter-rater alpha', m.metric, '', headlineAlpha(m), withBaseline.alpha, headline.images, headline.incomplete, alphaVerdict(headlineAlpha(m)), words.metrics[k]!.interRater]));
    out.push(line(['inter-method rho', m.metric, '', m.interMethod.meanRho, '', '', '', '', words.metrics[k]!.interMethod]));
  });
  report.internalConsistency.forEach((p, k) => out.push(line(['internal consistency rho', p.a, p.b, p.meanRho, '', '', '', '', words.consistency[k]!.text])));
  return out.join('\n') + '\n';
}

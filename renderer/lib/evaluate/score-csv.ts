// An evaluation as CSV files: every heatmap's scores (one line per image row and column, one field
// per metric), the summary table (one line per column and metric), and the paired tests.
import type { Evaluation, EvaluationScores } from '../../../shared/evaluations.js';

function cell(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const line = (fields: readonly unknown[]) => fields.map(cell).join(',');

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
      out.push(line([...image, c, col.runId ?? 'baseline', col.label, ...scores]));
    });
  }
  return out.join('\n') + '\n';
}

/** One line per (column, metric): the table with its CI level, rank and whether it is the best. */
export function summaryCsv(e: Pick<Evaluation, 'columns' | 'metricDetails' | 'table' | 'rankings' | 'level' | 'resamples' | 'seed'>): string {
  const head = ['metric', 'metric_label', 'higher_is_better', 'params', 'column', 'run_id', 'method', 'mean', 'ci_low', 'ci_high', 'ci_level', 'n', 'median', 'std', 'rank', 'best', 'resamples', 'seed'];
  const out = [line(head)];
  e.metricDetails.forEach((m, k) => {
    const ranking = e.rankings.find((r) => r.metric === m.id);
    e.columns.forEach((col, c) => {
      const s = e.table[k]![c]!;
      const rank = ranking ? ranking.order.indexOf(c) + 1 : '';
      out.push(line([m.id, m.label, m.higherIsBetter, m.params, c, col.runId ?? 'baseline', col.label, s.mean, s.low, s.high, e.level, s.n, s.median, s.std, rank, ranking?.best === c, e.resamples, e.seed]));
    });
  });
  return out.join('\n') + '\n';
}

/** One line per metric and pair of columns: the paired Wilcoxon signed-rank test, raw and Holm-corrected p. */
export function testsCsv(e: Pick<Evaluation, 'columns' | 'rankings'>): string {
  const head = ['metric', 'column_a', 'method_a', 'column_b', 'method_b', 'mean_difference', 'statistic', 'n', 'p', 'p_holm'];
  const out = [line(head)];
  for (const r of e.rankings)
    for (const t of r.tests) out.push(line([r.metric, t.a, e.columns[t.a]?.label, t.b, e.columns[t.b]?.label, t.meanDifference, t.statistic, t.n, t.p, t.pHolm]));
  return out.join('\n') + '\n';
}

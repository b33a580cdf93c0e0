// Reading an evaluation's per-heatmap scores, laid out [columns, metrics, rows], and ordering its
// rows by a score for the drill-down.
import type { EvaluationScores } from '../../../shared/evaluations.js';

/** The scores of one column on one metric, one per row (a view, not a copy). */
export function scoresOf(s: EvaluationScores, column: number, metric: number): Float64Array {
  const start = (column * s.metrics.length + metric) * s.rows;
  return s.scores.subarray(start, start + s.rows);
}

/** Finite values only, in row order. */
export function finiteValues(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) out.push(values[i]!);
  return out;
}

/** Rows with a finite score, best first (by the metric's direction); ties keep row order. */
export function rowsByScore(values: ArrayLike<number>, higherIsBetter: boolean): number[] {
  const rows: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) rows.push(i);
  const sign = higherIsBetter ? -1 : 1;
  return rows.sort((a, b) => sign * (values[a]! - values[b]!) || a - b);
}

/** The `k` best and `k` worst rows (fewer when there are not 2k; never the same row twice). */
export function bestAndWorst(values: ArrayLike<number>, higherIsBetter: boolean, k: number): { best: number[]; worst: number[] } {
  const order = rowsByScore(values, higherIsBetter);
  const best = order.slice(0, Math.min(k, Math.ceil(order.length / 2)));
  const worst = order.slice(best.length).slice(-k).reverse();
  return { best, worst };
}

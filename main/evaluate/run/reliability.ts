// How reliable an evaluation's rankings are, by the three psychometric reliabilities Tomsett,
// Harborne, Chakraborty, Gurram & Preece (AAAI 2020, "Sanity Checks for Saliency Metrics") apply
// to saliency metrics, from the per-heatmap scores [columns][metrics][rows]:
//  - inter-rater: each image is an observer that ranks the columns by its scores; Krippendorff's α
//    (ordinal) of those ranks says whether images agree on the ranking;
//  - inter-method: Spearman's ρ between two methods' scores across images, averaged over pairs;
//  - internal consistency: Spearman's ρ between two metrics of one family on one method's heatmaps,
//    averaged over methods, sign-aligned so that positive means "agree on which heatmaps are better".
// See main/evaluate/metrics.md, "Reliability of the rankings", for the choices (ties, undefined scores, the baseline).
import { isBaseline, type EvaluatedColumn, type MetricFamilyName } from '../../../shared/evaluations.js';
import type { ColumnCorrelation, EvaluationReliability, MetricPairConsistency, MetricReliability, RankAgreement } from '../../../shared/reliability.js';
import { alphaFromCounts } from '../statistics/krippendorff.js';
import { finiteAverageRanks } from '../statistics/ranks.js';
import { spearmanComplete } from '../statistics/spearman.js';

export interface ReliabilityShape {
  columns: readonly EvaluatedColumn[];
  metrics: readonly { id: string; higherIsBetter: boolean; family: MetricFamilyName }[];
  rows: number;
}

/** Families whose metrics claim to measure one construct, so their agreement is internal consistency. */
const consistentFamilies: readonly MetricFamilyName[] = ['faithfulness', 'localisation', 'complexity'];

const orNull = (v: number) => (Number.isFinite(v) ? v : null);

export function evaluationReliability(scores: Float64Array, shape: ReliabilityShape): EvaluationReliability {
  const { columns, metrics, rows } = shape;
  if (scores.length !== columns.length * metrics.length * rows) throw new Error(`Scores hold ${scores.length} values, not ${columns.length} × ${metrics.length} × ${rows}.`);
  const column = (c: number, m: number) => scores.subarray((c * metrics.length + m) * rows, (c * metrics.length + m + 1) * rows);
  const isMethod = (c: number) => !isBaseline(columns[c]!);
  const finite = new Int32Array(columns.length * metrics.length);
  columns.forEach((_, c) => metrics.forEach((_, m) => (finite[c * metrics.length + m] = column(c, m).reduce((n, v) => (Number.isFinite(v) ? n + 1 : n), 0))));
  const scoredCount = (c: number, m: number) => finite[c * metrics.length + m]!;

  // Metric pairs for internal consistency; their ranks (float32 holds every half-integer rank up to 2²⁴) are kept from the first pass.
  const pairs: { a: number; b: number }[] = [];
  for (let a = 0; a < metrics.length; a++)
    for (let b = a + 1; b < metrics.length; b++)
      if (metrics[a]!.family === metrics[b]!.family && consistentFamilies.includes(metrics[a]!.family)) pairs.push({ a, b });
  const kept = new Map<number, Float32Array>(pairs.flatMap((p) => [p.a, p.b]).map((m) => [m, new Float32Array(columns.length * rows)]));

  const report = metrics.map((metric, m): MetricReliability => {
    const scored = columns.map((_, c) => c).filter((c) => scoredCount(c, m) > 0);
    const ranks = scored.map((c) => finiteAverageRanks(column(c, m), kept.get(m)?.subarray(c * rows, (c + 1) * rows)));
    const correlations: ColumnCorrelation[] = [];
    for (let i = 0; i < scored.length; i++)
      for (let j = i + 1; j < scored.length; j++) {
        const [a, b] = [scored[i]!, scored[j]!];
        const { rho, n } = rankCorrelation(column(a, m), column(b, m), ranks[i]!, ranks[j]!, scoredCount(a, m), scoredCount(b, m));
        correlations.push({ a, b, rho: orNull(rho), n });
      }
    return {
      metric: metric.id,
      interRater: {
        methods: rankAgreement(scored.filter(isMethod), (c) => column(c, m), rows, metric.higherIsBetter),
        withBaseline: rankAgreement(scored, (c) => column(c, m), rows, metric.higherIsBetter),
      },
      interMethod: { meanRho: mean(correlations.filter((p) => isMethod(p.a) && isMethod(p.b)).map((p) => p.rho)), pairs: correlations },
    };
  });

  const consistency = pairs.map(({ a, b }): MetricPairConsistency => {
    const flipped = metrics[a]!.higherIsBetter !== metrics[b]!.higherIsBetter;
    const perColumn: MetricPairConsistency['columns'] = [];
    for (let c = 0; c < columns.length; c++) {
      if (scoredCount(c, a) === 0 || scoredCount(c, b) === 0) continue;
      const ranksOf = (m: number) => kept.get(m)!.subarray(c * rows, (c + 1) * rows);
      const { rho, n } = rankCorrelation(column(c, a), column(c, b), ranksOf(a), ranksOf(b), scoredCount(c, a), scoredCount(c, b));
      if (n > 0) perColumn.push({ column: c, rho: orNull(flipped ? -rho : rho), n });
    }
    const meanRho = mean(perColumn.filter((x) => isMethod(x.column)).map((x) => x.rho));
    return { family: metrics[a]!.family, a: metrics[a]!.id, b: metrics[b]!.id, flipped, meanRho, columns: perColumn };
  });

  return { level: 'ordinal', metrics: report, internalConsistency: consistency };
}

/**
 * Krippendorff's α (ordinal) of the images' rankings of `ranked` columns: rank 1 = best in the metric's
 * direction, ties share their average rank (Tomsett et al. rank the methods image by image). An image
 * that does not score every column ranks none of them (listwise deletion), since a rank among fewer
 * columns means something else.
 */
export function rankAgreement(ranked: readonly number[], cell: (c: number) => Float64Array, rows: number, higherIsBetter: boolean): RankAgreement {
  const k = ranked.length;
  if (k < 2) return { alpha: null, columns: [...ranked], images: 0, incomplete: 0 };
  const cells = ranked.map(cell);
  // Average ranks are halves: 2·rank − 2 = 2·(columns better) + (columns tied) indexes the values 1, 1.5, …, k.
  const v = 2 * k - 1;
  const counts = new Float64Array(k * v);
  const x = new Float64Array(k);
  const sign = higherIsBetter ? 1 : -1;
  const order = new Int32Array(k);
  let images = 0;
  let incomplete = 0;
  for (let r = 0; r < rows; r++) {
    let finite = 0;
    for (let j = 0; j < k; j++) if (Number.isFinite((x[j] = sign * cells[j]![r]!))) finite++;
    if (finite < k) {
      if (finite > 0) incomplete++;
      continue;
    }
    images++;
    // Best first by insertion sort (k ≤ 33), then each tie group [s, e) takes slot 2s + (e − s − 1).
    for (let j = 0; j < k; j++) {
      let i = j;
      while (i > 0 && x[order[i - 1]!]! < x[j]!) (order[i] = order[i - 1]!), i--;
      order[i] = j;
    }
    for (let s = 0; s < k; ) {
      let e = s + 1;
      while (e < k && x[order[e]!] === x[order[s]!]) e++;
      for (let i = s; i < e; i++) counts[order[i]! * v + s + e - 1]!++;
      s = e;
    }
  }
  const values = Array.from({ length: v }, (_, i) => 1 + i / 2);
  return { alpha: orNull(alphaFromCounts(values, counts, 'ordinal')), columns: [...ranked], images, incomplete };
}

/**
 * Spearman's ρ of x and y over the rows where both are finite. When those rows are exactly the rows
 * where each is finite, the precomputed ranks are the subset's ranks and ρ is their Pearson r;
 * otherwise the subset is ranked afresh.
 */
function rankCorrelation(x: Float64Array, y: Float64Array, rx: ArrayLike<number>, ry: ArrayLike<number>, nx: number, ny: number): { rho: number; n: number } {
  let both = x.length;
  if (nx < x.length || ny < y.length) {
    both = 0;
    for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) both++;
  }
  if (both !== nx || both !== ny) return spearmanComplete(x, y);
  if (both < 2) return { rho: NaN, n: both };
  const centre = (both + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(rx[i]!)) continue;
    const a = rx[i]! - centre;
    const b = ry[i]! - centre;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return { rho: sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy), n: both };
}

function mean(values: readonly (number | null)[]): number | null {
  const finite = values.filter((v): v is number => v !== null);
  return finite.length === 0 ? null : finite.reduce((s, v) => s + v, 0) / finite.length;
}

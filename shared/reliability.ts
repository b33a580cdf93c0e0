// How reliable an evaluation's rankings are (Tomsett, Harborne, Chakraborty, Gurram & Preece 2020,
// "Sanity Checks for Saliency Metrics", AAAI): the psychometric reliabilities of each metric,
// as plain JSON — an undefined statistic is null, never NaN, so it survives JSON.stringify.
import type { MetricFamilyName } from './metric-families.js';

/**
 * Krippendorff's conventions for α (Content Analysis, 2nd ed. 2004, §11.4.4): rely on data with
 * α ≥ .800; consider .667 ≤ α < .800 only for tentative conclusions; below .667, do not rely on it.
 */
export const alphaThresholds = { reliable: 0.8, tentative: 0.667 } as const;

export type AlphaVerdict = 'reliable' | 'tentative' | 'unreliable' | 'undefined';

export function alphaVerdict(alpha: number | null): AlphaVerdict {
  if (alpha === null || Number.isNaN(alpha)) return 'undefined';
  return alpha >= alphaThresholds.reliable ? 'reliable' : alpha >= alphaThresholds.tentative ? 'tentative' : 'unreliable';
}

/** Inter-rater reliability of one metric over a set of columns: each image ranks them by its scores. */
export interface RankAgreement {
  /** Krippendorff's α (ordinal) of the per-image ranks, images as observers and columns as units; null when undefined. */
  alpha: number | null;
  /** Column indices ranked: those with at least one score on this metric. */
  columns: number[];
  /** Images that score every one of these columns (the observers). */
  images: number;
  /** Images that score some but not all of them, left out (listwise). */
  incomplete: number;
}

/** Spearman's ρ between two columns' scores of one metric across images (pairwise-complete). */
export interface ColumnCorrelation {
  a: number;
  b: number;
  rho: number | null;
  /** Images where both are scored. */
  n: number;
}

export interface MetricReliability {
  metric: string;
  /** Do images agree on how the metric ranks the columns? Methods alone, and with the random baseline. */
  interRater: { methods: RankAgreement; withBaseline: RankAgreement };
  /** Do the methods' scores rise and fall together across images? Mean ρ over pairs of explanation methods. */
  interMethod: { meanRho: number | null; pairs: ColumnCorrelation[] };
}

/** Internal consistency of two metrics of one family: do they agree on which heatmaps are better? */
export interface MetricPairConsistency {
  family: MetricFamilyName;
  a: string;
  b: string;
  /** True when one is higher-better and the other lower-better, so ρ was negated: positive ρ always means agreement. */
  flipped: boolean;
  /** Mean of the columns' ρ over the explanation methods (the baseline's random maps left out). */
  meanRho: number | null;
  /** Per column (baseline included), across the images where both metrics score it. */
  columns: { column: number; rho: number | null; n: number }[];
}

export interface EvaluationReliability {
  /** Krippendorff's level of measurement used for α. */
  level: 'ordinal';
  /** In the order of the evaluation's metrics. */
  metrics: MetricReliability[];
  /** Every pair of metrics within the faithfulness, localisation and complexity families. */
  internalConsistency: MetricPairConsistency[];
}

/** The α a ranking is judged by: over the methods, or — with one method — that method against the random baseline. */
export function headlineAlpha(r: MetricReliability): number | null {
  return r.interRater.methods.columns.length >= 2 ? r.interRater.methods.alpha : r.interRater.withBaseline.alpha;
}

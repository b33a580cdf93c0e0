// The results table: columns (methods and the random baseline) × metrics, each cell the mean with
// its bootstrap CI and n, the best per metric marked, and whether another column is significantly
// worse than the best (paired Wilcoxon, Holm-corrected) or statistically tied with it.
import { chanceOf } from './evaluation-words.js';
import { isBaseline, type ChanceVerdict, type Evaluation, type MetricRanking, type PairedTest } from './evaluations.js';
import { bestColumns } from './ties-with-best.js';
import { formatScore } from './score-format.js';

export interface TableCell {
  mean: string;
  /** Half the CI's width, for "mean ± x". */
  plusMinus: string;
  interval: string;
  n: number;
  /** The best or tied with it exactly (identical scores image by image, or the same mean). */
  best: boolean;
  /** Holm-corrected p of the paired test against the best column; null for the best and its exact ties, or without a test. */
  pVsBest: number | null;
  /** Not significantly different from the best at the given alpha. */
  tied: boolean;
  /** How the method compares with the random-map baseline; null for the baseline itself and for evaluations without the comparison. */
  chance: ChanceVerdict['verdict'] | null;
  /** Holm-corrected p against the baseline. */
  pVsChance: number | null;
}

export interface TableRow {
  column: number;
  label: string;
  baseline: boolean;
  cells: TableCell[];
}

/** The test between columns a and b of a ranking, in either order. */
export function testBetween(ranking: MetricRanking | undefined, a: number, b: number): PairedTest | undefined {
  return ranking?.tests.find((t) => (t.a === a && t.b === b) || (t.a === b && t.b === a));
}

export function rankingOf(e: Pick<Evaluation, 'rankings'>, metric: string): MetricRanking | undefined {
  return e.rankings.find((r) => r.metric === metric);
}

export function tableRows(e: Pick<Evaluation, 'columns' | 'metricDetails' | 'table' | 'rankings' | 'level'>, alpha = 0.05): TableRow[] {
  const bests = e.metricDetails.map((m, k) => bestColumns(rankingOf(e, m.id), e.table[k]!.map((s) => s.mean)));
  return e.columns.map((col, c) => ({
    column: c,
    label: col.label,
    baseline: isBaseline(col),
    cells: e.metricDetails.map((m, k) => {
      const s = e.table[k]![c]!;
      const ranking = rankingOf(e, m.id);
      const best = ranking?.best ?? null;
      const isBest = bests[k]!.has(c);
      const test = best !== null && !isBest ? testBetween(ranking, best, c) : undefined;
      const pVsBest = test ? test.pHolm : null;
      const defined = Number.isFinite(s.low) && Number.isFinite(s.high);
      const chance = isBaseline(col) ? undefined : chanceOf(ranking, c);
      return {
        mean: formatScore(s.mean),
        plusMinus: defined ? formatScore((s.high - s.low) / 2) : '—',
        interval: defined ? `${Math.round(e.level * 100)} % CI [${formatScore(s.low)}, ${formatScore(s.high)}]` : 'no confidence interval',
        n: s.n,
        best: isBest,
        pVsBest,
        tied: pVsBest !== null && Number.isFinite(pVsBest) && pVsBest >= alpha,
        chance: chance?.verdict ?? null,
        pVsChance: chance?.pHolm ?? null,
      };
    }),
  }));
}

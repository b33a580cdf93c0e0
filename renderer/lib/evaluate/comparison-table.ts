// The rows of one metric's table in a model comparison: per method, each model's mean ± half its
// CI with n and its chance verdict (as the ScoreTable writes them), and the paired tests between
// the models on that method in short ("Model A > Model B", "≈") with the Holm p.
import type { ChanceVerdict } from '../../../shared/evaluations.js';
import type { MetricComparison, ModelComparison, ModelPairTest } from '../../../shared/model-comparison.js';
import { testSentence } from '../../../shared/model-comparison-words.js';
import { formatP, formatScore, significanceMark } from './score-format.js';

export interface ComparisonCell {
  model: number;
  mean: number;
  text: string;
  /** Half the CI's width, "—" where it is undefined. */
  plusMinus: string;
  interval: string;
  n: number;
  chance: ChanceVerdict['verdict'] | null;
  pVsChance: number | null;
  /** The model wins a paired test on this method. */
  wins: boolean;
}

export interface ComparisonTest {
  test: ModelPairTest;
  /** "Model A > Model B", "Model A ≈ Model B", "Model A = Model B". */
  headline: string;
  /** "Δ 0.021 [0.017, 0.025] · p 0.016 *" (a − b). */
  figures: string;
  sentence: string;
}

export interface ComparisonRow {
  method: number;
  label: string;
  baseline: boolean;
  /** One per model; null where its evaluation lacks the method. */
  cells: (ComparisonCell | null)[];
  tests: ComparisonTest[];
}

export function comparisonRows(c: ModelComparison, metric: MetricComparison): ComparisonRow[] {
  return c.methods.map((method, j) => {
    const tests = metric.tests.filter((t) => t.method === j);
    const winners = new Set(tests.flatMap((t) => (t.verdict === 'better-a' ? [t.a] : t.verdict === 'better-b' ? [t.b] : [])));
    return {
      method: j,
      label: method.label,
      baseline: method.baseline,
      cells: metric.cells[j]!.map((s, i) => {
        if (s === null) return null;
        const defined = Number.isFinite(s.low) && Number.isFinite(s.high);
        return {
          model: i,
          mean: s.mean,
          text: formatScore(s.mean),
          plusMinus: defined ? formatScore((s.high - s.low) / 2) : '—',
          interval: defined ? `${Math.round(c.level * 100)} % CI [${formatScore(s.low)}, ${formatScore(s.high)}]` : 'no confidence interval',
          n: s.n,
          chance: s.chance,
          pVsChance: s.pVsChance,
          wins: winners.has(i),
        };
      }),
      tests: tests.map((t) => {
        const [a, b] = [c.models[t.a]!.label, c.models[t.b]!.label];
        const headline = t.verdict === 'better-a' ? `${a} > ${b}` : t.verdict === 'better-b' ? `${b} > ${a}` : t.verdict === 'identical' ? `${a} = ${b}` : `${a} ≈ ${b}`;
        const figures =
          t.verdict === 'identical' || t.verdict === 'undefined'
            ? t.verdict === 'identical'
              ? 'no non-zero differences'
              : 'no paired scores'
            : `Δ ${formatScore(t.meanDifference)} [${formatScore(t.low)}, ${formatScore(t.high)}] · p ${formatP(t.pHolm)} ${significanceMark(t.pHolm)}`.trimEnd();
        return { test: t, headline, figures, sentence: testSentence(c, metric, t) };
      }),
    };
  });
}

// The rows of one metric's table in a model comparison: per method, each model's mean ± half its
// CI with n and its chance verdict (as the ScoreTable writes them), and the paired tests between
// the models on that method in short ("Model A better", "not distinguishable") with Δ, its CI and the Holm p.
import type { ChanceVerdict } from '../../../shared/evaluations.js';
import type { MetricComparison, ModelComparison, ModelPairTest } from '../../../shared/model-comparison.js';
import { testSentence } from '../../../shared/model-comparison-words.js';
import { formatP, formatScore, significanceMark } from '../../../shared/score-format.js';

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
  /** "Model A vs Model B" when more than two models are compared (which pair), else null. */
  pair: string | null;
  /** "Model A better", "not distinguishable", "no non-zero differences", "no paired scores". */
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
        const headline = { 'better-a': `${a} better`, 'better-b': `${b} better`, indistinguishable: 'not distinguishable', identical: 'no non-zero differences', undefined: 'no paired scores' }[t.verdict];
        const tested = t.verdict !== 'identical' && t.verdict !== 'undefined';
        const figures = tested ? `Δ ${formatScore(t.meanDifference)} [${formatScore(t.low)}, ${formatScore(t.high)}] · p ${formatP(t.pHolm)} ${significanceMark(t.pHolm)}`.trimEnd() : '';
        return { test: t, pair: c.models.length > 2 ? `${a} vs ${b}` : null, headline, figures, sentence: testSentence(c, metric, t) };
      }),
    };
  });
}

// A model comparison as one CSV table (the Evaluate view's export and `heatlab evaluate compare
// --csv`): one line per metric, method and pair of models, with both models' mean, CI, n and chance
// verdict, and the paired test between them — its mean difference with CI, W⁺, n, raw and
// Holm-corrected p, verdict and sentence. The random baseline and a method one of the two models
// lacks have lines with the test's fields empty and a note saying why.
import { csvLine } from './csv.js';
import type { ModelCell, ModelComparison } from './model-comparison.js';
import { testSentence } from './model-comparison-words.js';

const head = [
  'metric', 'metric_label', 'higher_is_better', 'params', 'method', 'method_label', 'baseline',
  'model_a', 'model_a_id', 'evaluation_a', 'run_a', 'mean_a', 'ci_low_a', 'ci_high_a', 'n_a', 'vs_chance_a', 'p_vs_chance_holm_a',
  'model_b', 'model_b_id', 'evaluation_b', 'run_b', 'mean_b', 'ci_low_b', 'ci_high_b', 'n_b', 'vs_chance_b', 'p_vs_chance_holm_b',
  'ci_level', 'pairs', 'mean_difference_a_minus_b', 'difference_ci_low', 'difference_ci_high', 'statistic_w_plus', 'n_nonzero', 'p', 'p_holm', 'verdict', 'sentence',
];

const cellFields = (cell: ModelCell | null) => (cell === null ? ['', '', '', '', '', ''] : [cell.mean, cell.low, cell.high, cell.n, cell.chance ?? '', cell.pVsChance ?? '']);

export function modelComparisonCsv(c: ModelComparison): string {
  const out = [csvLine(head)];
  for (const mc of c.metrics) {
    const m = mc.metric;
    c.methods.forEach((method, j) => {
      for (let a = 0; a < c.models.length; a++)
        for (let b = a + 1; b < c.models.length; b++) {
          const [ca, cb] = [mc.cells[j]![a]!, mc.cells[j]![b]!];
          if (ca === null && cb === null) continue;
          const side = (i: number, cell: ModelCell | null) => [c.models[i]!.label, c.models[i]!.modelId, c.models[i]!.evaluationId, method.runIds[i] ?? (cell === null ? '' : 'baseline'), ...cellFields(cell)];
          const t = mc.tests.find((x) => x.method === j && x.a === a && x.b === b);
          const note = method.baseline ? 'the random baseline is not tested between models' : `not tested: ${method.label} was evaluated on only one of the two models`;
          const test = t === undefined ? ['', '', '', '', '', '', '', '', '', note] : [t.pairs, t.meanDifference, t.low, t.high, t.statistic, t.n, t.p, t.pHolm, t.verdict, testSentence(c, mc, t)];
          out.push(csvLine([m.id, m.label, m.higherIsBetter, m.params, method.method, method.label, method.baseline, ...side(a, ca), ...side(b, cb), c.level, ...test]));
        }
    });
  }
  return out.join('\n') + '\n';
}

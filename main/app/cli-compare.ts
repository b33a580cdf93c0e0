// `heatlab evaluate compare ID,ID`: evaluations of different models on the same images side by
// side — per metric, one line per method with each model's mean [CI] n and chance mark, then the
// paired test between the models in a sentence with its figures.
import { chanceMarks } from '../../shared/evaluation-words.js';
import { describeTarget } from '../../shared/explanation-words.js';
import type { ModelComparison } from '../../shared/model-comparison.js';
import { modelComparisonCsv } from '../../shared/model-comparison-csv.js';
import { missingSentences, pWords, testSentence } from '../../shared/model-comparison-words.js';
import { parseId } from './cli-numbers.js';
import { out, unwrap, UsageError, withHeatlab, type Options } from './cli-support.js';

const fixed = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(2) : v.toFixed(3)) : '–');

export function formatComparison(c: ModelComparison): string[] {
  const images = `${c.count} images${c.perImage > 1 ? ` × ${c.perImage} classes` : ''}`;
  const lines = [
    `Models compared on ${c.datasetName === null ? `dataset ${c.datasetId}` : `"${c.datasetName}"`}: ${images}, ${describeTarget(c.target)}, ground truth ${c.groundTruthLabel ?? 'none'}, ${Math.round(c.level * 100)} % bootstrap CIs (${c.resamples} resamples), Wilcoxon signed-rank tests Holm-corrected per metric.`,
    ...c.models.map((m) => `  ${m.label}: evaluation ${m.evaluationId} "${m.evaluationName}"`),
  ];
  const width = Math.max(...c.methods.map((m) => m.label.length));
  for (const mc of c.metrics) {
    const cells = c.methods.map((_, j) =>
      c.models.map((_, i) => {
        const s = mc.cells[j]![i];
        if (s === null || s === undefined) return 'not evaluated';
        return `${fixed(s.mean)} [${fixed(s.low)}, ${fixed(s.high)}] n=${s.n}${s.chance === null ? '' : ` ${chanceMarks[s.chance]}`}`;
      }),
    );
    const widths = c.models.map((m, i) => Math.max(m.label.length, ...cells.map((row) => row[i]!.length)));
    lines.push('', `${mc.metric.label} ${mc.metric.higherIsBetter ? '↑' : '↓'}`, `${''.padEnd(width)}  ${c.models.map((m, i) => m.label.padEnd(widths[i]!)).join('  ')}`);
    c.methods.forEach((m, j) => lines.push(`${m.label.padEnd(width)}  ${cells[j]!.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`.trimEnd()));
    for (const t of mc.tests) {
      lines.push(`  ${testSentence(c, mc, t)}`);
      if (t.n > 0) lines.push(`    ${c.models[t.a]!.label} − ${c.models[t.b]!.label}: mean ${fixed(t.meanDifference)} [${fixed(t.low)}, ${fixed(t.high)}], W⁺ ${t.statistic}, n ${t.n}, raw ${pWords(t.p)}, Holm ${pWords(t.pHolm)}`);
    }
  }
  const missing = missingSentences(c);
  if (missing.length > 0) lines.push('', ...missing);
  return lines;
}

export async function compareCommand(options: Options, args: string[]): Promise<void> {
  const [list, ...rest] = args;
  if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}".`);
  const ids = (list ?? '').split(',').filter((v) => v.trim() !== '').map((v) => {
    const id = parseId(v.trim());
    if (id === null) throw new UsageError(`evaluate compare takes evaluation ids separated by commas, not "${v}".`);
    return id;
  });
  if (ids.length < 2) throw new UsageError('evaluate compare takes two or more evaluation ids, e.g. `heatlab evaluate compare 3,5` (see `heatlab evaluate list`).');
  if (options.json && options.csv) throw new UsageError('Choose one of --json and --csv.');
  const comparison = await withHeatlab(options, async (api) => unwrap(await api['evaluations.compare']({ ids })));
  if (options.json) out(JSON.stringify(comparison, null, 2));
  else if (options.csv) process.stdout.write(modelComparisonCsv(comparison));
  else for (const line of formatComparison(comparison)) out(line);
}

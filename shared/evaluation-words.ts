// An evaluation's verdicts in words, the same in the Evaluate view, the CLI and the exports: which
// methods beat a random map, whether each perturbation behaves as removal for the model, and how
// many images were scored.
import { formatCount } from './format.js';
import { isBaseline, type ChanceVerdict, type Evaluation, type MetricRanking, type PerturbationValidity } from './evaluations.js';

export const chanceWords: Record<ChanceVerdict['verdict'], string> = {
  better: 'better than a random map',
  indistinguishable: 'not distinguishable from a random map',
  worse: 'worse than a random map',
  undefined: 'not comparable with a random map (no paired scores)',
};

/** Short marks for a table cell. */
export const chanceMarks: Record<ChanceVerdict['verdict'], string> = { better: '> chance', indistinguishable: '≈ chance', worse: '< chance', undefined: 'n/a vs chance' };

/** A column's verdict against the baseline on one metric; undefined for the baseline itself or evaluations without verdicts. */
export function chanceOf(ranking: MetricRanking | undefined, column: number): ChanceVerdict | undefined {
  return ranking?.chance?.find((v) => v.column === column);
}

/** One sentence per verdict that occurs, methods in ranking order, e.g. "Better than a random map: Occlusion, LRP ε. Not distinguishable from a random map: Gradient." */
export function chanceSentence(e: Pick<Evaluation, 'columns'>, ranking: MetricRanking): string {
  if (ranking.chance === undefined) return 'This evaluation was recorded before methods were compared with the random baseline.';
  const groups = new Map<ChanceVerdict['verdict'], string[]>();
  for (const c of ranking.order) {
    const v = chanceOf(ranking, c);
    if (v === undefined || isBaseline(e.columns[c]!)) continue;
    groups.set(v.verdict, [...(groups.get(v.verdict) ?? []), e.columns[c]!.label]);
  }
  const order: ChanceVerdict['verdict'][] = ['better', 'indistinguishable', 'worse', 'undefined'];
  const parts = order.filter((v) => groups.has(v)).map((v) => `${capitalise(chanceWords[v])}: ${groups.get(v)!.join(', ')}.`);
  return parts.length === 0 ? 'No method to compare with the random baseline.' : parts.join(' ');
}

/** The removal check that covers a metric, if it perturbs images. */
export function validityOf(e: Pick<Evaluation, 'evidence'>, metric: string): PerturbationValidity | undefined {
  return e.evidence?.validity.find((v) => v.metrics.includes(metric));
}

const percent = (v: number | null) => (v === null ? '–' : `${Math.round(v * 100)} %`);
const fixed = (v: number | null, digits = 2) => (v === null ? '–' : v.toFixed(digits));

/** The check's figures as lines a scientist reads. */
export function validityFacts(v: PerturbationValidity, classNames: readonly string[]): string[] {
  const score = v.output === 'logit' ? 'logit' : 'probability';
  const f = v.full;
  const predicted = f.predicted.map((count, c) => `${classNames[c] ?? `class ${c}`} ${count}`).join(', ');
  return [
    `Single random regions (${v.regionsPerImage} on each of ${v.images} images): the explained ${score} rises in ${percent(v.raiseShare)}, mean Δ ${fixed(v.meanDelta)}, mean |Δ| ${fixed(v.meanAbsDelta)}; ${percent(v.materialShare)} change it materially (by over 1 % of the image's drop with everything perturbed), and ${percent(v.materialRaiseShare)} of those raise it. One-sided sign test that images lean towards falls: p = ${fixed(v.raiseP, 3)} over the ${v.testedImages} images that lean either way.`,
    `${v.budgetRegions} random regions (a curve's length): the ${score} rises for ${percent(v.budgetRaiseShare)} of the images, mean Δ ${fixed(v.budgetMeanDelta)}.`,
    `Everything perturbed: predicted ${predicted}; confidence ${fixed(f.confidence)} against ${fixed(f.originalConfidence)} on the originals (${percent(f.confidenceRetained)} of the certainty above chance retained); the ${score} falls by ${fixed(f.meanDrop)} on average and does not fall for ${percent(f.notLoweredShare)} of the images.`,
  ];
}

/** One line: the perturbation and whether it behaves as removal. */
export function validityHeadline(v: PerturbationValidity): string {
  const verdict = v.removal === true ? 'behaves as removal for this model' : v.removal === false ? 'does NOT behave as removal for this model' : 'shows no sign of adding evidence, but too few images changed materially to test single regions';
  return `${capitalise(v.perturbation)}: ${verdict}`;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The images evaluated, and how few of them have a mask when the localisation metrics could score fewer (an annotation set with a few annotated images): "3 of 50 images have a mask". */
export function imageCountWords(e: Pick<Evaluation, 'count' | 'perImage' | 'metricDetails' | 'table'>): string {
  const images = `${formatCount(e.count)} images${e.perImage > 1 ? ` × ${e.perImage} classes` : ''}`;
  // A localisation score exists exactly where a mask does, so the most any column scored is the masked heatmaps.
  const scored = e.metricDetails.flatMap((m, k) => (m.family === 'localisation' ? [Math.max(0, ...e.table[k]!.map((s) => s.n))] : []));
  if (scored.length === 0) return images;
  const masked = Math.round(Math.max(...scored) / Math.max(1, e.perImage));
  return masked >= e.count ? images : `${formatCount(masked)} of ${images} ${masked === 1 ? 'has' : 'have'} a mask`;
}

// Plain-language conclusions of an evaluation, each sentence drawn from a stored test: which method
// scores best (paired Wilcoxon, Holm-corrected, direction from W⁺), which tie with it, which beat a
// random map — and, before any of that, whether the metric can carry a conclusion at all: a
// perturbation that does not remove information, images that disagree on the ranking
// (Krippendorff's α < 0.667), or too few images for any test to reach p < 0.05 each stop the
// claims they would undermine and say why instead.
import { validityOf } from '../../../shared/evaluation-words.js';
import { isBaseline, type Evaluation, type EvaluatedMetric, type MetricRanking, type PairedTest } from '../../../shared/evaluations.js';
import { alphaThresholds, alphaVerdict, headlineAlpha } from '../../../shared/reliability.js';
import { formatP, formatScore } from '../../../shared/score-format.js';
import type { ReportSentence } from '../../../shared/study-report.js';
import { identicalPair } from '../../../shared/ties-with-best.js';

/** The significance level of every verdict Heatlab stores (Holm-corrected). */
export const SIGNIFICANCE = 0.05;

export interface MetricConclusions {
  metric: string;
  label: string;
  sentences: ReportSentence[];
}

export interface EvaluationConclusions {
  evaluationId: number;
  /** Sentences about the evaluation as a whole (e.g. evidence not recorded). */
  general: ReportSentence[];
  metrics: MetricConclusions[];
}

/** "A", "A and B", "A, B and C". */
export function listWords(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** "p < 0.001", "p = 0.012"; for several, the largest: "p ≤ 0.012" (or "p < 0.001" when all are). */
export function pWords(ps: readonly number[]): string {
  const max = Math.max(...ps);
  if (max < 0.001) return 'p < 0.001';
  return `p ${ps.length > 1 ? '≤' : '='} ${formatP(max)}`;
}

/**
 * The smallest Holm-corrected p that `comparisons` exact two-sided signed-rank tests on n pairs can
 * reach: the smallest raw p is 2 / 2ⁿ (every difference one way), and Holm multiplies the
 * smallest p by the number of comparisons.
 */
export function smallestHolmP(n: number, comparisons: number): number {
  return Math.min(1, comparisons * 2 ** (1 - n));
}

const finding = (text: string): ReportSentence => ({ kind: 'finding', text });
const caveat = (text: string): ReportSentence => ({ kind: 'caveat', text });
const undecided = (text: string): ReportSentence => ({ kind: 'undecided', text });

/** Whether column `a`'s scores tend to be the larger in the pair's signed-rank test (W⁺ above its null mean). */
function tendsLarger(t: PairedTest, a: number): boolean {
  const larger = t.statistic > (t.n * (t.n + 1)) / 4;
  return t.a === a ? larger : !larger;
}

const testOf = (ranking: MetricRanking, a: number, b: number) => ranking.tests.find((t) => (t.a === a && t.b === b) || (t.a === b && t.b === a));

/** What "better" means on a metric, as a verb phrase: localisation metrics name the region. */
function betterVerb(metric: EvaluatedMetric, e: Pick<Evaluation, 'groundTruth'>): string {
  if (metric.family !== 'localisation') return 'scores better than';
  const gt = e.groundTruth;
  const region = gt === null ? 'the ground truth' : gt.kind === 'generated' ? `the ${gt.mask}` : 'the annotated regions';
  return `localises ${region} better than`;
}

export function metricConclusions(e: Evaluation, k: number): MetricConclusions {
  const metric = e.metricDetails[k]!;
  const label = metric.label;
  const ranking = e.rankings.find((r) => r.metric === metric.id);
  const table = e.table[k]!;
  const sentences: ReportSentence[] = [];
  const out = { metric: metric.id, label, sentences };
  const methods = e.columns.map((c, i) => i).filter((i) => !isBaseline(e.columns[i]!));
  const name = (c: number) => e.columns[c]!.label;
  if (ranking === undefined || methods.length === 0) return out;
  const unit = e.perImage > 1 ? 'heatmaps' : 'images';

  const validity = validityOf(e, metric.id);
  if (validity?.removal === false) {
    sentences.push(undecided(`On ${label}, no conclusion about the methods can be drawn: ${validity.perturbation} does not behave as removal for this model${validity.warnings[0] ? ` (${validity.warnings[0].replace(/\.$/, '')})` : ''}, so its scores measure the perturbation's own effect as much as the heatmaps'.`));
    return out;
  }
  if (validity?.removal === null) sentences.push(caveat(`Whether ${validity.perturbation} removes information for this model could not be tested (too few images changed materially), so read ${label} with care.`));

  const scored = e.columns.map((_, c) => table[c]!.n).filter((n) => n > 0);
  const n = scored.length === 0 ? 0 : Math.min(...scored);
  if (n === 0) {
    sentences.push(undecided(`No ${unit.slice(0, -1)} has a ${label} score for every column, so it supports no conclusion.`));
    return out;
  }
  const pairsFloor = smallestHolmP(n, ranking.tests.length);
  const chanceFloor = smallestHolmP(n, ranking.chance?.length ?? 0);
  if (methods.length >= 2 && pairsFloor >= SIGNIFICANCE) {
    sentences.push(undecided(`On ${label}, ${n} ${unit} are too few to tell the methods apart: with ${ranking.tests.length} paired comparisons, even ${unit} agreeing unanimously would give a Holm-corrected p of at least ${formatP(pairsFloor)}.`));
  } else if (methods.length >= 2) {
    sentences.push(...rankingSentences(e, metric, ranking, methods, n, unit));
  }
  const reliability = e.evidence?.reliability.metrics.find((r) => r.metric === metric.id);
  if (methods.length === 1 && reliability !== undefined && alphaVerdict(headlineAlpha(reliability)) === 'unreliable')
    sentences.push(caveat(`Images disagree on whether ${name(methods[0]!)} outscores the random map on ${label} (Krippendorff's α = ${formatAlpha(headlineAlpha(reliability)!)} < ${alphaThresholds.tentative.toFixed(3)}).`));

  if (ranking.chance !== undefined && ranking.chance.length > 0) {
    if (chanceFloor >= SIGNIFICANCE) sentences.push(undecided(`On ${label}, ${n} ${unit} are too few to compare the methods with a random map: no Holm-corrected p could fall below ${formatP(chanceFloor)}.`));
    else sentences.push(...chanceSentences(e, metric, ranking, n, unit, validity?.perturbation));
  }
  return out;
}

const formatAlpha = (alpha: number) => alpha.toFixed(Math.abs(alpha - alphaThresholds.tentative) < 0.005 || Math.abs(alpha - alphaThresholds.reliable) < 0.005 ? 3 : 2).replace('-', '−');

/** Which method is best and what ties with it, unless the images disagree on the ranking. */
function rankingSentences(e: Evaluation, metric: EvaluatedMetric, ranking: MetricRanking, methods: number[], n: number, unit: string): ReportSentence[] {
  const label = metric.label;
  const name = (c: number) => e.columns[c]!.label;
  const reliability = e.evidence?.reliability.metrics.find((r) => r.metric === metric.id);
  const alpha = reliability === undefined ? null : headlineAlpha(reliability);
  const verdict = reliability === undefined ? null : alphaVerdict(alpha);
  if (verdict === 'unreliable')
    return [undecided(`On ${label}, which method is best cannot be concluded: images disagree on how it ranks the methods (Krippendorff's α = ${formatAlpha(alpha!)} < ${alphaThresholds.tentative.toFixed(3)}).`)];
  if (verdict === 'undefined' && alpha === null && reliability!.interRater.methods.images >= 2)
    return [undecided(`On ${label}, every image ties the methods, so the metric does not tell them apart.`)];
  const means = e.table[e.metricDetails.indexOf(metric)]!.map((s) => s.mean);
  const ordered = ranking.order.filter((c) => methods.includes(c) && Number.isFinite(means[c]!));
  const top = ordered[0];
  if (top === undefined) return [];
  const sentences: ReportSentence[] = [];
  // Tied with the best: the same scores image by image, or no significant difference (the tests decide, not equal means).
  const tied: { c: number; p: number | null; identical: boolean }[] = [];
  const beaten: { c: number; p: number }[] = [];
  const reversed: { c: number; p: number }[] = [];
  for (const c of ordered.slice(1)) {
    const t = testOf(ranking, top, c);
    if (t === undefined || identicalPair(t) || !(t.pHolm < SIGNIFICANCE)) tied.push({ c, p: t === undefined ? null : t.pHolm, identical: t !== undefined && identicalPair(t) });
    else if (tendsLarger(t, top) === metric.higherIsBetter) beaten.push({ c, p: t.pHolm });
    else reversed.push({ c, p: t.pHolm });
  }
  const tentative = verdict === 'tentative' ? ` Images only partly agree on this ranking (Krippendorff's α = ${formatAlpha(alpha!)}, between 0.667 and 0.800), so take it as tentative.` : '';
  const verb = betterVerb(metric, e);
  if (beaten.length > 0) {
    const others = listWords(beaten.map((b) => name(b.c)));
    const whom = tied.length === 0 && reversed.length === 0 && beaten.length > 1 ? `every other method (${others})` : others;
    sentences.push(finding(`${name(top)} ${verb} ${whom} on ${label} over ${n} ${unit} (mean ${formatScore(means[top]!)}, ${metric.higherIsBetter ? 'higher' : 'lower'} is better; paired Wilcoxon, Holm-corrected ${pWords(beaten.map((b) => b.p))}).${tentative}`));
  }
  if (tied.length > 0) {
    const ps = tied.flatMap((t) => (t.p === null || !Number.isFinite(t.p) ? [] : [t.p]));
    const why =
      ps.length > 0 ? `Holm-corrected p ${ps.length > 1 ? '≥' : '='} ${formatP(Math.min(...ps))}` : tied.every((t) => t.identical) ? 'they score identically on every image' : 'no image has scores of both to compare';
    sentences.push(undecided(`On ${label}, ${name(top)} has the best mean (${formatScore(means[top]!)}), but ${listWords(tied.map((t) => name(t.c)))} cannot be told apart from it (${why}), so no single method is best.${beaten.length === 0 ? tentative : ''}`));
  }
  for (const r of reversed)
    sentences.push(undecided(`On ${label}, ${name(top)} has the better mean but ${name(r.c)} scores better on most ${unit} (Holm-corrected ${pWords([r.p])}), so the two cannot be ordered.`));
  return sentences;
}

/** Each method against the random map, as the stored verdicts say. */
function chanceSentences(e: Evaluation, metric: EvaluatedMetric, ranking: MetricRanking, n: number, unit: string, perturbation: string | undefined): ReportSentence[] {
  const label = metric.label;
  const verdicts = ranking.order.flatMap((c) => ranking.chance!.filter((v) => v.column === c && !isBaseline(e.columns[c]!)));
  const under = perturbation === undefined ? '' : ` under ${perturbation}`;
  const by = (v: string) => verdicts.filter((x) => x.verdict === v);
  const names = (list: typeof verdicts) => listWords(list.map((v) => e.columns[v.column]!.label));
  const sentences: ReportSentence[] = [];
  const better = by('better');
  const same = by('indistinguishable');
  const worse = by('worse');
  if (same.length === verdicts.length && same.length > 0) {
    const which = same.length === 1 ? names(same) : `the methods`;
    sentences.push(undecided(`On ${label}, ${which} ${same.length === 1 ? 'is' : 'are'} not distinguishable from a random map${under} (paired Wilcoxon over ${n} ${unit}, Holm-corrected ${same.length === 1 ? 'p' : 'p ≥'} ${formatP(Math.min(...same.map((v) => v.pHolm)))}).`));
    return sentences;
  }
  if (better.length > 0) sentences.push(finding(`On ${label}, ${names(better)} ${better.length === 1 ? 'is' : 'are'} better than a random map${under} (Holm-corrected ${pWords(better.map((v) => v.pHolm))}).`));
  if (same.length > 0) sentences.push(undecided(`On ${label}, ${names(same)} ${same.length === 1 ? 'is' : 'are'} not distinguishable from a random map${under} (Holm-corrected p ${same.length > 1 ? '≥' : '='} ${formatP(Math.min(...same.map((v) => v.pHolm)))}).`));
  if (worse.length > 0) sentences.push(finding(`On ${label}, ${names(worse)} ${worse.length === 1 ? 'scores' : 'score'} worse than a random map${under} (Holm-corrected ${pWords(worse.map((v) => v.pHolm))}).`));
  return sentences;
}

export function evaluationConclusions(e: Evaluation): EvaluationConclusions {
  const general: ReportSentence[] = [];
  if (e.evidence === null) general.push(caveat('This evaluation was recorded before Heatlab measured whether its perturbations remove information and how far the images agree on its rankings, so neither is known.'));
  if (e.rankings.some((r) => r.chance === undefined)) general.push(caveat('This evaluation was recorded before methods were compared with the random map, so no method is said to beat chance.'));
  return { evaluationId: e.id, general, metrics: e.metricDetails.map((_, k) => metricConclusions(e, k)) };
}

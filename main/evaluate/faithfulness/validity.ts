// Is the perturbation a removal for this model? Every faithfulness metric assumes that replacing a
// region takes its information away; noise, black or a blur can instead add evidence of their own
// (out-of-distribution inputs, class leakage: Hooker et al. 2019; Rong et al. 2022). Before the
// scores, the evaluation job probes each perturbation on a seeded sample of the evaluated images
// (removal-probe.ts), measures it (removal-statistics.ts) and says here, in sentences, whether it
// behaved as removal. Thresholds and their reasons: metrics.md, "Is the perturbation a removal?".
import type { PerturbationValidity } from '../../../shared/evaluations.js';
import type { Random } from '../../numeric/random.js';
import type { MetricBatch, PerturbationProbe } from '../metric.js';
import type { Perturber } from './perturber.js';
import { probeScores } from './removal-probe.js';
import { MIN_TESTED_IMAGES, removalStatistics, VALIDITY_THRESHOLDS, type RemovalStatistics } from './removal-statistics.js';

/** A perturber as a probe's function: each call removes the given pixels on top of those before. */
export const removal = (p: Perturber) => (image: Float32Array, pixels: Int32Array) => p.remove(image, pixels);

/** The removal check of one perturbation on every image of the batch (the job passes a seeded sample). */
export async function checkPerturbation(batch: MetricBatch, probe: PerturbationProbe, rng: Random, classNames: readonly string[]): Promise<Omit<PerturbationValidity, 'metrics'>> {
  const sample = await probeScores(batch, probe, rng);
  // A model that holds only probabilities has no logit to track.
  const output = batch.scores === 'probabilities' ? 'probability' : probe.output;
  const stats = removalStatistics(sample, batch.n, batch.classes ?? 0, { label: probe.label, output });
  const warnings = validityWarnings(stats);
  return { ...stats, removal: validityVerdict(stats, warnings), warnings, notes: validityNotes(stats, classNames) };
}

/** false when a threshold is crossed; null when none is but the single regions could not be tested; else true. */
export function validityVerdict(v: RemovalStatistics, warnings: readonly string[]): boolean | null {
  if (warnings.length > 0) return false;
  return v.testedImages < MIN_TESTED_IMAGES ? null : true;
}

const percent = (v: number) => `${Math.round(v * 100)} %`;
const className = (names: readonly string[], c: number) => names[c] ?? `class ${c}`;
const scoreWords = (v: Pick<RemovalStatistics, 'output'>) => (v.output === 'logit' ? 'the explained logit' : 'the explained probability');

/** The plain sentences shown beside the scores, one per threshold crossed (empty when none is). */
export function validityWarnings(v: RemovalStatistics): string[] {
  const t = VALIDITY_THRESHOLDS;
  const out: string[] = [];
  const score = scoreWords(v);
  if (v.raiseP !== null && v.testedImages >= MIN_TESTED_IMAGES && v.raiseP >= t.raiseP && v.materialRaiseShare !== null)
    out.push(
      `${capitalise(v.perturbation)} raises ${score} in ${percent(v.materialRaiseShare)} of the single-region perturbations that change it materially — not significantly fewer than it lowers (sign test over ${v.testedImages} images, p = ${v.raiseP.toFixed(2)}): it is not shown to remove information, so MoRF/LeRF rankings under it are unreliable for this model.`,
    );
  if (v.budgetRaiseShare !== null && v.budgetRaiseShare >= t.budgetRaiseShare)
    out.push(`Perturbing a curve's length of ${v.budgetRegions} random regions raises ${score} for ${percent(v.budgetRaiseShare)} of the images: removed in a random order, the regions do not take the class away.`);
  const f = v.full;
  if (f.notLoweredShare !== null && f.notLoweredShare >= t.notLoweredShare)
    out.push(`Perturbing the whole image does not lower ${score} for ${percent(f.notLoweredShare)} of the images: what replaces the pixels still carries the class for this model.`);
  return out;
}

/** Facts worth knowing that do not invalidate the rankings (they shift the ends of every method's curves alike), and why a check is inconclusive. */
export function validityNotes(v: RemovalStatistics, classNames: readonly string[]): string[] {
  const f = v.full;
  const out: string[] = [];
  if (v.testedImages < MIN_TESTED_IMAGES)
    out.push(
      `Single regions changed ${scoreWords(v)} materially (by over 1 % of the image's drop with everything perturbed) on too few images (${v.testedImages}) to test whether they remove information; the verdict rests on the curve's length of regions and the whole image.`,
    );
  const chance = f.predicted.length > 0 ? 1 / f.predicted.length : 0;
  // Only meaningful when the model is clearly surer of the originals than chance.
  const sure = f.originalConfidence !== null && f.originalConfidence - chance >= 0.25 * (1 - chance);
  if (sure && f.confidenceRetained !== null && f.confidence !== null && f.confidenceRetained >= VALIDITY_THRESHOLDS.confidenceRetained)
    out.push(
      `With every pixel perturbed the model is still ${f.confidence.toFixed(2)} sure of a class (${f.originalConfidence?.toFixed(2)} on the originals): the perturbed canvas itself speaks to this model, so curves end above chance.`,
    );
  if (f.dominantShare !== null && f.dominantShare >= VALIDITY_THRESHOLDS.collapseShare && v.images > 1)
    out.push(`Fully perturbed images are classified "${className(classNames, f.dominantClass)}" ${percent(f.dominantShare)} of the time (mean probability ${f.dominantProbability?.toFixed(2)}): curves of that class end higher than the others'.`);
  return out;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

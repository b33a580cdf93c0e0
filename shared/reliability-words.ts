// An evaluation's reliability report in the sentences a scientist reads. α is judged by
// Krippendorff's conventions (alphaThresholds); correlations are sized by Cohen's conventions for r
// (Statistical Power Analysis, 2nd ed. 1988, §3.2: .10 small, .30 medium, .50 large), since no
// paper fixes thresholds for the inter-method and internal-consistency ρ.
import { alphaThresholds, alphaVerdict, type EvaluationReliability, type MetricPairConsistency, type MetricReliability } from './reliability.js';

export interface ReliabilityLabels {
  /** Metric labels by id (the id is used when one is missing). */
  metrics: Readonly<Record<string, string>>;
}

export interface ReliabilityWords {
  metrics: { metric: string; interRater: string; interMethod: string }[];
  consistency: { a: string; b: string; text: string }[];
}

/** α with 2 decimals, or 3 where 2 would round it onto the other side of a threshold. */
function formatAlpha(alpha: number): string {
  const near = [alphaThresholds.reliable, alphaThresholds.tentative].some((t) => Math.abs(alpha - t) < 0.005);
  return signed(alpha.toFixed(near ? 3 : 2));
}

/** A typographic minus, and no "−0.00" for a value that rounds to zero. */
const signed = (fixed: string) => (/^-0\.0*$/.test(fixed) ? fixed.slice(1) : fixed.replace('-', '−'));

const formatRho = (rho: number) => signed(rho.toFixed(2));
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Whether images agree on how the metric ranks the methods (inter-rater reliability). */
export function interRaterSentence(label: string, reliability: MetricReliability): string {
  const { methods, withBaseline } = reliability.interRater;
  // With one method the ranking shown is that method against the random baseline: judge that one.
  const agreement = methods.columns.length >= 2 ? methods : withBaseline;
  const what = agreement === methods ? 'the methods' : 'the method against the random baseline';
  if (agreement.columns.length < 2) return `${label} scores fewer than two columns, so there is no ranking whose reliability could be measured.`;
  const left = agreement.incomplete > 0 ? ` (${plural(agreement.incomplete, 'image', 'images')} left out: a score was undefined)` : '';
  if (agreement.images < 2) return `Fewer than two images score every column on ${label}${left}, so the reliability of its ranking cannot be measured.`;
  const alpha = agreement.alpha;
  if (alpha === null) return `Every image ranks ${what} alike with all of them tied on ${label}, so Krippendorff's α is undefined: the metric does not tell them apart.`;
  const a = formatAlpha(alpha);
  const baseline =
    agreement === methods && withBaseline.columns.length > methods.columns.length && withBaseline.alpha !== null
      ? ` With the random baseline ranked too, α = ${formatAlpha(withBaseline.alpha)}.`
      : '';
  const counted = ` over ${plural(agreement.images, 'image', 'images')}${left}`;
  switch (alphaVerdict(alpha)) {
    case 'reliable':
      return `Images agree on how ${label} ranks ${what} (Krippendorff's α = ${a} ≥ 0.800${counted}): its ranking is reliable for this evaluation.${baseline}`;
    case 'tentative':
      return `Images only partly agree on how ${label} ranks ${what} (Krippendorff's α = ${a}, between 0.667 and 0.800${counted}): draw only tentative conclusions from its ranking.${baseline}`;
    default:
      return `Images disagree on how ${label} ranks ${what} (Krippendorff's α = ${a} < 0.667${counted}): its ranking is unreliable for this evaluation.${baseline}`;
  }
}

/** Whether the methods' scores rise and fall together across images (inter-method reliability). */
export function interMethodSentence(label: string, reliability: MetricReliability): string {
  const rho = reliability.interMethod.meanRho;
  if (rho === null)
    return reliability.interRater.methods.columns.length < 2
      ? `On ${label}, fewer than two methods are scored, so there is no pair whose scores could move together.`
      : `On ${label}, no two methods have scores that vary across the images both score, so whether their scores move together cannot be told.`;
  const r = `mean Spearman ρ = ${formatRho(rho)} between methods`;
  if (rho >= 0.5) return `On ${label}, the methods' scores rise and fall together from image to image (${r}): much of each score belongs to the image, so compare methods image by image (the paired tests) rather than by their means alone.`;
  if (rho >= 0.3) return `On ${label}, the methods' scores partly rise and fall together from image to image (${r}): the image accounts for part of each score.`;
  if (rho >= 0.1) return `On ${label}, the methods' scores barely move together from image to image (${r}): which images score well depends on the method.`;
  if (rho > -0.1) return `On ${label}, the methods' scores do not move together from image to image (${r}): which images score well depends on the method.`;
  return `On ${label}, the methods' scores move in opposite directions from image to image (${r}): images that favour one method disfavour another.`;
}

/** Whether two metrics of one family agree on which heatmaps are better (internal consistency). */
export function consistencySentence(labelA: string, labelB: string, pair: MetricPairConsistency): string {
  const rho = pair.meanRho;
  if (rho === null) return `${labelA} and ${labelB} share too few scored heatmaps of any method to compare.`;
  const note = pair.flipped ? `; one is lower-better, so its order was reversed` : '';
  const r = `mean Spearman ρ = ${formatRho(rho)} over the methods' heatmaps${note}`;
  if (rho >= 0.5) return `${labelA} and ${labelB} agree on which heatmaps are better (${r}).`;
  if (rho >= 0.3) return `${labelA} and ${labelB} moderately agree on which heatmaps are better (${r}).`;
  const apart = 'they measure different things here, so do not read one as confirming the other';
  if (rho >= 0.1) return `${labelA} and ${labelB} barely agree on which heatmaps are better (${r}): ${apart}.`;
  if (rho > -0.1) return `${labelA} and ${labelB} do not agree on which heatmaps are better (${r}): ${apart}.`;
  return `${labelA} and ${labelB} contradict each other on which heatmaps are better (${r}): ${apart}.`;
}

export function reliabilityWords(report: EvaluationReliability, labels: ReliabilityLabels): ReliabilityWords {
  const label = (id: string) => labels.metrics[id] ?? id;
  return {
    metrics: report.metrics.map((m) => ({ metric: m.metric, interRater: interRaterSentence(label(m.metric), m), interMethod: interMethodSentence(label(m.metric), m) })),
    consistency: report.internalConsistency.map((p) => ({ a: p.a, b: p.b, text: consistencySentence(label(p.a), label(p.b), p) })),
  };
}

// Is the perturbation a removal for this model? Every faithfulness metric assumes that replacing a
// region takes its information away; noise, black or a blur can instead add evidence of their own
// (out-of-distribution inputs, class leakage: Hooker et al. 2019; Rong et al. 2022). Before the
// scores, the evaluation job probes each perturbation on a seeded sample of the evaluated images:
// single random regions of the metric's own step size, the curve's whole budget of regions in a
// random order, and the fully perturbed image. The statistics and their thresholds are in
// metrics.md ("Is the perturbation a removal?").
import type { PerturbationValidity } from '../../../shared/evaluations.js';
import type { Forward } from '../../explain/forward.js';
import type { Random } from '../../numeric/random.js';
import type { MetricBatch, PerturbationProbe } from '../metric.js';
import { callRows, MODEL_CALL_ROWS, targetScore } from './curves.js';
import { sourceOf, type Perturber } from './perturbation.js';
import { normalUpperTail } from '../statistics/normal.js';

/** A perturber as a probe's function: each call removes the given pixels on top of those before. */
export const removal = (p: Perturber) => (image: Float32Array, pixels: Int32Array) => p.remove(image, pixels);

/** Single random regions per sampled image. */
export const PROBE_REGIONS = 16;
/** Images sampled (seeded) from the evaluated ones. */
export const PROBE_IMAGES = 64;

/**
 * The thresholds (metrics.md, "Is the perturbation a removal?"). A removal takes evidence away, so
 * the material changes of single regions must lower the explained score significantly more often
 * than they raise it (one-sided test over the sampled images, p < 0.05), and with everything
 * removed the explained score must fall for most images. What the emptied image still says — a
 * class it is sure of, or one class for all — is reported, not flagged: it shifts the ends of every
 * method's curves alike.
 */
/** A single region's change counts as material above this share of the image's drop with everything perturbed: smaller ones cannot reorder a curve and are noise-like either way. */
export const MATERIAL = 0.01;

export const VALIDITY_THRESHOLDS = { raiseP: 0.05, confidenceRetained: 0.5, notLoweredShare: 0.5, collapseShare: 0.9 } as const;

interface Sample {
  /** Explained score of the original, each single region, the budget and the full perturbation, per sampled row. */
  scores: Float64Array;
  /** Predicted class and its probability on the original and on the fully perturbed image. */
  predicted: Int32Array;
  probability: Float64Array;
  fullPredicted: Int32Array;
  fullProbability: Float64Array;
}

/** The rows (heatmaps) sampled: all of them when there are few, else a seeded sample in row order. */
export function sampleRows(rows: number, count: number, rng: Random): Int32Array {
  if (rows <= count) return Int32Array.from({ length: rows }, (_, r) => r);
  const pool = Int32Array.from({ length: rows }, (_, r) => r);
  for (let j = 0; j < count; j++) {
    const k = j + rng.int(rows - j);
    [pool[j], pool[k]] = [pool[k]!, pool[j]!];
  }
  return pool.slice(0, count).sort();
}

const PER_ROW = PROBE_REGIONS + 3;

async function probeScores(batch: MetricBatch, probe: PerturbationProbe, rows: Int32Array, rng: Random): Promise<Sample> {
  const { forward, classes, channels = 1, height, width } = batch;
  if (!forward || classes === undefined) throw new Error('The perturbation check needs the model in the batch.');
  const plane = height * width;
  const size = channels * plane;
  const scores = new Float64Array(rows.length * PER_ROW);
  const predicted = new Int32Array(rows.length);
  const probability = new Float64Array(rows.length);
  const fullPredicted = new Int32Array(rows.length);
  const fullProbability = new Float64Array(rows.length);
  const buffer = new Float32Array(MODEL_CALL_ROWS * size);
  const slots = new Int32Array(MODEL_CALL_ROWS);
  let filled = 0;
  const flush = async () => {
    if (filled === 0) return;
    const call = callRows(filled, MODEL_CALL_ROWS);
    buffer.fill(0, filled * size, call * size);
    const logits = await (forward as Forward)(buffer.subarray(0, call * size), call);
    for (let b = 0; b < filled; b++) {
      const slot = slots[b]!;
      const s = Math.floor(slot / PER_ROW);
      const row = logits.subarray(b * classes, (b + 1) * classes);
      scores[slot] = targetScore(row, batch.targets[rows[s]!]!, probe.output);
      const at = slot % PER_ROW;
      if (at === 0 || at === PER_ROW - 1) {
        let best = 0;
        for (let c = 1; c < classes; c++) if (row[c]! > row[best]!) best = c;
        (at === 0 ? predicted : fullPredicted)[s] = best;
        (at === 0 ? probability : fullProbability)[s] = targetScore(row, best, 'probability');
      }
    }
    filled = 0;
  };
  const queue = async (slot: number, write: (image: Float32Array) => void) => {
    const view = buffer.subarray(filled * size, (filled + 1) * size);
    write(view);
    slots[filled++] = slot;
    if (filled === MODEL_CALL_ROWS) await flush();
  };
  const all = Int32Array.from({ length: plane }, (_, p) => p);
  for (let s = 0; s < rows.length; s++) {
    const row = rows[s]!;
    const { image } = sourceOf(batch, row);
    const base = s * PER_ROW;
    await queue(base, (view) => view.set(image));
    for (let k = 0; k < PROBE_REGIONS; k++) {
      const region = probe.randomGroups(rng)[0]!;
      const perturb = probe.perturber(batch, row, rng);
      await queue(base + 1 + k, (view) => (view.set(image), perturb(view, region)));
    }
    const groups = probe.randomGroups(rng).slice(0, probe.steps);
    const cumulative = probe.perturber(batch, row, rng);
    await queue(base + PROBE_REGIONS + 1, (view) => {
      view.set(image);
      for (const g of groups) cumulative(view, g);
    });
    const full = probe.perturber(batch, row, rng);
    await queue(base + PROBE_REGIONS + 2, (view) => (view.set(image), full(view, all)));
  }
  await flush();
  return { scores, predicted, probability, fullPredicted, fullProbability };
}

/** The removal statistics of one perturbation on every row of the batch (the job passes a seeded sample, sampleRows). */
export async function checkPerturbation(batch: MetricBatch, probe: PerturbationProbe, rng: Random, classNames: readonly string[]): Promise<Omit<PerturbationValidity, 'metrics'>> {
  const rows = Int32Array.from({ length: batch.n }, (_, r) => r);
  const sample = await probeScores(batch, probe, rows, rng);
  const stats = removalStatistics(sample, rows.length, batch.classes ?? 0, probe);
  const warnings = validityWarnings(stats, classNames);
  return { ...stats, removal: warnings.length === 0, warnings, notes: validityNotes(stats, classNames) };
}

type Statistics = Omit<PerturbationValidity, 'metrics' | 'removal' | 'warnings' | 'notes'>;

/** The statistics of a probe's scores (n sampled rows of PER_ROW scores each). */
export function removalStatistics({ scores, probability, fullPredicted, fullProbability }: Sample, n: number, classes: number, probe: Pick<PerturbationProbe, 'label' | 'output' | 'steps'>): Statistics {
  let raised = 0;
  let moved = 0;
  let signed = 0;
  let budgetRaised = 0;
  let budgetSigned = 0;
  let drop = 0;
  let notLowered = 0;
  // Per image, among its material changes (|Δ| above MATERIAL of its full drop): the share that raise.
  const imageShares: number[] = [];
  let material = 0;
  for (let s = 0; s < n; s++) {
    const f0 = scores[s * PER_ROW]!;
    const floor = MATERIAL * Math.abs(f0 - scores[s * PER_ROW + PROBE_REGIONS + 2]!);
    let raisedHere = 0;
    let up = 0;
    let counted = 0;
    for (let k = 1; k <= PROBE_REGIONS; k++) {
      const d = scores[s * PER_ROW + k]! - f0;
      if (d > 0) raisedHere++;
      if (Math.abs(d) > floor) (counted++, d > 0 && up++);
      moved += Math.abs(d);
      signed += d;
    }
    raised += raisedHere;
    material += counted;
    if (counted > 0) imageShares.push(up / counted);
    const budget = scores[s * PER_ROW + PROBE_REGIONS + 1]! - f0;
    if (budget > 0) budgetRaised++;
    budgetSigned += budget;
    const full = scores[s * PER_ROW + PROBE_REGIONS + 2]! - f0;
    drop -= full;
    if (full >= 0) notLowered++;
  }
  const predicted = new Array<number>(classes).fill(0);
  for (const c of fullPredicted) predicted[c]!++;
  const dominantClass = predicted.reduce((best, v, c) => (v > predicted[best]! ? c : best), 0);
  let dominantProbability = 0;
  for (let s = 0; s < n; s++) if (fullPredicted[s] === dominantClass) dominantProbability += fullProbability[s]!;
  const mean = (values: Float64Array) => values.reduce((a, b) => a + b, 0) / values.length;
  const chance = classes > 0 ? 1 / classes : 0;
  const original = n > 0 ? mean(probability) : NaN;
  const emptied = n > 0 ? mean(fullProbability) : NaN;
  const singles = n * PROBE_REGIONS;
  const orNull = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    perturbation: probe.label,
    output: probe.output,
    images: n,
    regionsPerImage: PROBE_REGIONS,
    raiseShare: orNull(raised / singles),
    materialShare: orNull(material / singles),
    raiseP: orNull(belowHalfP(Float64Array.from(imageShares))),
    meanAbsDelta: orNull(moved / singles),
    meanDelta: orNull(signed / singles),
    budgetRegions: probe.steps,
    budgetRaiseShare: orNull(budgetRaised / n),
    budgetMeanDelta: orNull(budgetSigned / n),
    full: {
      predicted,
      dominantClass,
      dominantShare: orNull(predicted[dominantClass]! / n),
      dominantProbability: orNull(dominantProbability / predicted[dominantClass]!),
      confidence: orNull(emptied),
      originalConfidence: orNull(original),
      // (p̄_full − 1/K) / (p̄_original − 1/K): 0 when nothing is left to be sure of, 1 when all certainty survives.
      confidenceRetained: orNull((emptied - chance) / (original - chance)),
      meanDrop: orNull(drop / n),
      notLoweredShare: orNull(notLowered / n),
    },
  };
}

/**
 * One-sided p of "single regions raise the score less than half the time", over the images as
 * units (their regions are not independent): a t-test of the per-image raise shares against ½,
 * with the normal tail (64 images by default). 1 when no share varies and none is below ½.
 */
export function belowHalfP(shares: Float64Array): number {
  const n = shares.length;
  if (n < 2) return NaN;
  const m = shares.reduce((a, b) => a + b, 0) / n;
  let ss = 0;
  for (const v of shares) ss += (v - m) ** 2;
  const se = Math.sqrt(ss / (n - 1) / n);
  if (se === 0) return m < 0.5 ? 0 : 1;
  return normalUpperTail((0.5 - m) / se);
}

const percent = (v: number) => `${Math.round(v * 100)} %`;
const className = (names: readonly string[], c: number) => names[c] ?? `class ${c}`;

/** The plain sentences shown beside the scores when a perturbation does not behave as removal (empty when it does). */
export function validityWarnings(v: Statistics, classNames: readonly string[]): string[] {
  const t = VALIDITY_THRESHOLDS;
  const out: string[] = [];
  const score = v.output === 'logit' ? 'the explained logit' : 'the explained probability';
  if (v.raiseShare !== null && v.raiseP !== null && v.raiseP >= t.raiseP)
    out.push(
      `${capitalise(v.perturbation)} raises ${score} in ${percent(v.raiseShare)} of single-region perturbations — its material changes are not significantly more often falls than rises: it adds evidence about as often as it removes it, so MoRF/LeRF rankings under it are unreliable for this model.`,
    );
  const f = v.full;
  if (f.notLoweredShare !== null && f.notLoweredShare >= t.notLoweredShare)
    out.push(`Perturbing the whole image does not lower ${score} for ${percent(f.notLoweredShare)} of the images: what replaces the pixels still carries the class for this model.`);
  return out;
}

/** Facts worth knowing that do not invalidate the rankings: they shift the ends of every method's curves alike. */
export function validityNotes(v: Statistics, classNames: readonly string[]): string[] {
  const f = v.full;
  const out: string[] = [];
  // Only meaningful when the model is clearly surer of the originals than chance.
  const sure = f.originalConfidence !== null && f.originalConfidence - chanceOf(f.predicted.length) >= 0.25 * (1 - chanceOf(f.predicted.length));
  if (sure && f.confidenceRetained !== null && f.confidence !== null && f.confidenceRetained >= VALIDITY_THRESHOLDS.confidenceRetained)
    out.push(
      `With every pixel perturbed the model is still ${f.confidence.toFixed(2)} sure of a class (${f.originalConfidence?.toFixed(2)} on the originals): the perturbed canvas itself speaks to this model, so curves end above chance.`,
    );
  if (f.dominantShare !== null && f.dominantShare >= VALIDITY_THRESHOLDS.collapseShare && v.images > 1)
    out.push(`Fully perturbed images are classified "${className(classNames, f.dominantClass)}" ${percent(f.dominantShare)} of the time (mean probability ${f.dominantProbability?.toFixed(2)}): curves of that class end higher than the others'.`);
  return out;
}

const chanceOf = (classes: number) => (classes > 0 ? 1 / classes : 0);
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

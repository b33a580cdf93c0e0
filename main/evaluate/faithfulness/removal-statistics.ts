// The removal check's figures from the probe's scores (removal-probe.ts), and the test of its
// single regions: metrics.md, "Is the perturbation a removal?".
import type { PerturbationValidity } from '../../../shared/evaluations.js';
import type { PerturbationProbe } from '../metric.js';
import { PER_IMAGE, PROBE_REGIONS, type ProbeScores } from './removal-probe.js';

/** A single region's change is material above this share of the image's drop with everything perturbed: smaller ones cannot reorder a curve, and go either way as noise. */
export const MATERIAL = 0.01;

/**
 * The thresholds. A removal takes evidence away, so single regions' material changes must fall
 * significantly more often than they rise (one-sided sign test over the images, p < 0.05); a
 * curve's budget of random regions and the whole image perturbed must lower the explained score
 * for most images. What the emptied image still says — a class it is sure of, one class for all —
 * is reported, not flagged: it shifts the ends of every method's curves alike.
 */
export const VALIDITY_THRESHOLDS = { raiseP: 0.05, budgetRaiseShare: 0.5, notLoweredShare: 0.5, confidenceRetained: 0.5, collapseShare: 0.9 } as const;

/** Images the sign test needs before it can reach p < 0.05 at all (2⁻⁵ < 0.05 ≤ 2⁻⁴). */
export const MIN_TESTED_IMAGES = 5;

export type RemovalStatistics = Omit<PerturbationValidity, 'metrics' | 'removal' | 'warnings' | 'notes'>;

/** The figures of n probed images of a model with `classes` outputs. */
export function removalStatistics(sample: ProbeScores, n: number, classes: number, probe: Pick<PerturbationProbe, 'label' | 'output'>): RemovalStatistics {
  const { scores, probability, fullPredicted, fullProbability } = sample;
  let raised = 0;
  let moved = 0;
  let signed = 0;
  let material = 0;
  let materialRaised = 0;
  let below = 0;
  let above = 0;
  let budgetRaised = 0;
  let budgetSigned = 0;
  let drop = 0;
  let notLowered = 0;
  for (let s = 0; s < n; s++) {
    const f0 = scores[s * PER_IMAGE]!;
    const full = scores[s * PER_IMAGE + PROBE_REGIONS + 2]! - f0;
    const floor = MATERIAL * Math.abs(full);
    let up = 0;
    let counted = 0;
    for (let k = 1; k <= PROBE_REGIONS; k++) {
      const d = scores[s * PER_IMAGE + k]! - f0;
      if (d > 0) raised++;
      moved += Math.abs(d);
      signed += d;
      if (Math.abs(d) > floor) (counted++, d > 0 && up++);
    }
    material += counted;
    materialRaised += up;
    // Each image votes once: are its material changes mostly falls, or mostly rises? (Ties abstain.)
    if (counted > 0 && 2 * up < counted) below++;
    else if (counted > 0 && 2 * up > counted) above++;
    const budget = scores[s * PER_IMAGE + PROBE_REGIONS + 1]! - f0;
    if (budget > 0) budgetRaised++;
    budgetSigned += budget;
    drop -= full;
    if (full >= 0) notLowered++;
  }
  const predicted = new Array<number>(classes).fill(0);
  for (let s = 0; s < n; s++) predicted[fullPredicted[s]!]!++;
  const dominantClass = predicted.reduce((best, v, c) => (v > predicted[best]! ? c : best), 0);
  let dominantProbability = 0;
  for (let s = 0; s < n; s++) if (fullPredicted[s] === dominantClass) dominantProbability += fullProbability[s]!;
  const mean = (values: Float64Array) => values.subarray(0, n).reduce((a, b) => a + b, 0) / n;
  const chance = classes > 0 ? 1 / classes : 0;
  const original = mean(probability);
  const emptied = mean(fullProbability);
  const singles = n * PROBE_REGIONS;
  const orNull = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    perturbation: probe.label,
    output: probe.output,
    images: n,
    regionsPerImage: PROBE_REGIONS,
    raiseShare: orNull(raised / singles),
    materialShare: orNull(material / singles),
    materialRaiseShare: orNull(materialRaised / material),
    testedImages: below + above,
    raiseP: below + above === 0 ? null : signTestP(below, below + above),
    meanAbsDelta: orNull(moved / singles),
    meanDelta: orNull(signed / singles),
    budgetRegions: sample.budgetRegions,
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
 * One-sided exact sign test: P(X ≥ k) for X ~ Binomial(n, ½) — the chance that k or more of n
 * images would lean towards falls if falls and rises were equally likely.
 */
export function signTestP(k: number, n: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  // Exact binomial coefficients as BigInt (the check tests at most PROBE_IMAGES images); the tail
  // and 2ⁿ are then both exact, so their ratio is the nearest double.
  let c = 1n;
  let tail = 0n;
  for (let j = 0; j <= n; j++) {
    if (j > 0) c = (c * BigInt(n - j + 1)) / BigInt(j);
    if (j >= k) tail += c;
  }
  return Number(tail) / Number(1n << BigInt(n));
}

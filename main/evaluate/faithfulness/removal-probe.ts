// The model's scores behind the removal check (validity.ts): for each sampled image, the original,
// single random regions of the metric's own step perturbed alone, the curve's budget of regions in
// a random order, and the whole image perturbed — all through the model in calls of 128 images.
import type { Forward } from '../../explain/forward.js';
import type { Random } from '../../numeric/random.js';
import type { MetricBatch, PerturbationProbe } from '../metric.js';
import { callRows, MODEL_CALL_ROWS, targetScore } from './curves.js';
import { sourceOf } from './perturbation.js';

/** Single random regions per sampled image. */
export const PROBE_REGIONS = 16;
/** Images sampled (seeded) from the evaluated ones. */
export const PROBE_IMAGES = 64;
/** Scores per image: the original, the single regions, the budget, everything. */
export const PER_IMAGE = PROBE_REGIONS + 3;

export interface ProbeScores {
  /** The explained score of each image's PER_IMAGE images, in that order. */
  scores: Float64Array;
  /** Probability of the predicted class on the original and on the fully perturbed image. */
  probability: Float64Array;
  fullPredicted: Int32Array;
  fullProbability: Float64Array;
  /** Regions the budget perturbed, fewest over the images (greedy patches can run out). */
  budgetRegions: number;
}

/** `count` of the candidate rows, seeded, in row order: all of them when there are few. */
export function sampleRows(candidates: Int32Array, count: number, rng: Random): Int32Array {
  if (candidates.length <= count) return candidates.slice();
  const pool = candidates.slice();
  for (let j = 0; j < count; j++) {
    const k = j + rng.int(pool.length - j);
    [pool[j], pool[k]] = [pool[k]!, pool[j]!];
  }
  return pool.slice(0, count).sort();
}

/** Runs the probe on every image (row) of the batch. */
export async function probeScores(batch: MetricBatch, probe: PerturbationProbe, rng: Random): Promise<ProbeScores> {
  const { forward, classes, channels = 1, height, width, n } = batch;
  if (!forward || classes === undefined) throw new Error('The perturbation check needs the model in the batch.');
  const plane = height * width;
  const size = channels * plane;
  const scores = new Float64Array(n * PER_IMAGE);
  const probability = new Float64Array(n);
  const fullPredicted = new Int32Array(n);
  const fullProbability = new Float64Array(n);
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
      const i = Math.floor(slot / PER_IMAGE);
      const row = logits.subarray(b * classes, (b + 1) * classes);
      scores[slot] = targetScore(row, batch.targets[i]!, probe.output, batch.scores);
      const at = slot % PER_IMAGE;
      if (at === 0 || at === PER_IMAGE - 1) {
        let best = 0;
        for (let c = 1; c < classes; c++) if (row[c]! > row[best]!) best = c;
        const p = targetScore(row, best, 'probability', batch.scores);
        if (at === 0) probability[i] = p;
        else (fullPredicted[i] = best), (fullProbability[i] = p);
      }
    }
    filled = 0;
  };
  const queue = async (slot: number, write: (image: Float32Array) => void) => {
    write(buffer.subarray(filled * size, (filled + 1) * size));
    slots[filled++] = slot;
    if (filled === MODEL_CALL_ROWS) await flush();
  };
  const all = Int32Array.from({ length: plane }, (_, p) => p);
  let budgetRegions = probe.steps;
  for (let i = 0; i < n; i++) {
    const { image } = sourceOf(batch, i);
    const base = i * PER_IMAGE;
    await queue(base, (view) => view.set(image));
    for (let k = 0; k < PROBE_REGIONS; k++) {
      const region = probe.randomGroups(rng)[0]!;
      const perturb = probe.perturber(batch, i, rng);
      await queue(base + 1 + k, (view) => (view.set(image), perturb(view, region)));
    }
    const groups = probe.randomGroups(rng).slice(0, probe.steps);
    budgetRegions = Math.min(budgetRegions, groups.length);
    const cumulative = probe.perturber(batch, i, rng);
    await queue(base + PROBE_REGIONS + 1, (view) => {
      view.set(image);
      for (const g of groups) cumulative(view, g);
    });
    const full = probe.perturber(batch, i, rng);
    await queue(base + PROBE_REGIONS + 2, (view) => (view.set(image), full(view, all)));
  }
  await flush();
  return { scores, probability, fullPredicted, fullProbability, budgetRegions };
}

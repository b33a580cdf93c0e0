// A seeded shuffle, for image selections and training batches alike.
import type { Random } from './random.js';

/** A seeded Fisher–Yates shuffle (a copy). */
export function shuffled(indices: Int32Array, rng: Random): Int32Array {
  const out = indices.slice();
  for (let k = out.length - 1; k > 0; k--) {
    const j = rng.int(k + 1);
    const t = out[k]!;
    out[k] = out[j]!;
    out[j] = t;
  }
  return out;
}

// Tie-aware selection of the k most relevant pixels, shared by rank accuracy, top-k intersection
// and top-p IoU. Tie rule (Heatlab): pixels tied at the k-th value are selected fractionally —
// each by the share of the tied group that fits in k — which is the expectation over breaking
// the ties uniformly at random. A constant map therefore scores what a random map scores.

/** Partial selection (Hoare's quickselect) of the k-th largest value (1 ≤ k ≤ n) of `work`, which it reorders. */
export function kthLargest(work: Float32Array, k: number): number {
  let lo = 0;
  let hi = work.length - 1;
  const target = k - 1; // index in descending order
  while (lo < hi) {
    const pivot = work[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (work[i]! > pivot) i++;
      while (work[j]! < pivot) j--;
      if (i <= j) {
        const t = work[i]!;
        work[i] = work[j]!;
        work[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return work[target]!;
  }
  return work[target]!;
}

/**
 * How much of the k most relevant pixels of `values` lies inside `mask` (non-zero = inside),
 * counting pixels tied at the k-th value fractionally. `work` is scratch of the same length.
 */
export function topOverlap(values: Float32Array, mask: Uint8Array, k: number, work: Float32Array): number {
  work.set(values);
  const threshold = kthLargest(work, k);
  let above = 0;
  let aboveInside = 0;
  let tied = 0;
  let tiedInside = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > threshold) {
      above++;
      if (mask[i] !== 0) aboveInside++;
    } else if (v === threshold) {
      tied++;
      if (mask[i] !== 0) tiedInside++;
    }
  }
  return aboveInside + ((k - above) / tied) * tiedInside;
}

/** Number of pixels inside the mask. */
export function maskSize(mask: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) count++;
  return count;
}

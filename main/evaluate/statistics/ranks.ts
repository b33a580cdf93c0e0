// Average ranks (1-based; tied values share the mean of the ranks they span), the tie convention
// of Wilcoxon's signed-rank test and of Spearman's ρ.

export interface Ranked {
  ranks: Float64Array;
  /** Σ (t³ − t) over tie groups of size t, for the tie corrections. */
  tieTerm: number;
}

export function averageRanks(values: ArrayLike<number>): Ranked {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(n);
  let tieTerm = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + 1 + end) / 2;
    for (let j = start; j < end; j++) ranks[order[j]!] = rank;
    const t = end - start;
    tieTerm += t * t * t - t;
    start = end;
  }
  return { ranks, tieTerm };
}

/**
 * Average ranks of the finite values among themselves, NaN where a value is not finite: the ranks a
 * pairwise-complete Spearman ρ needs, in linear time (a radix argsort) for the 50,000 scores of a
 * large evaluation, where a comparator sort or a binary search per value takes several times longer.
 */
export function finiteAverageRanks(values: ArrayLike<number>, into: Float64Array | Float32Array = new Float64Array(values.length)): typeof into {
  const order = argsortFinite(values);
  into.fill(NaN);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + 1 + end) / 2;
    for (let j = start; j < end; j++) into[order[j]!] = rank;
    start = end;
  }
  return into;
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const buckets = new Uint32Array(1 << 16);

/**
 * Indices of the finite values in ascending order (−0 just before +0), by four 16-bit LSD counting
 * passes over the float64's order-preserving key: the bits with the sign bit set for non-negative
 * values and all bits flipped for negative ones (Herf 2001, "Radix tricks").
 */
export function argsortFinite(values: ArrayLike<number>): Int32Array {
  const n = values.length;
  let hi = new Uint32Array(n);
  let lo = new Uint32Array(n);
  let index = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    bits[0] = v;
    const negative = words[1]! >>> 31 === 1;
    hi[m] = negative ? ~words[1]! >>> 0 : (words[1]! | 0x80000000) >>> 0;
    lo[m] = negative ? ~words[0]! >>> 0 : words[0]!;
    index[m++] = i;
  }
  hi = hi.subarray(0, m);
  lo = lo.subarray(0, m);
  index = index.subarray(0, m);
  let hi2 = new Uint32Array(m);
  let lo2 = new Uint32Array(m);
  let index2 = new Int32Array(m);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? lo : hi;
    const shift = (pass % 2) * 16;
    buckets.fill(0);
    for (let i = 0; i < m; i++) buckets[(word[i]! >>> shift) & 0xffff]!++;
    if (m === 0 || buckets[(word[0]! >>> shift) & 0xffff] === m) continue; // every key shares this digit
    let sum = 0;
    for (let b = 0; b < buckets.length; b++) {
      const c = buckets[b]!;
      buckets[b] = sum;
      sum += c;
    }
    for (let i = 0; i < m; i++) {
      const to = buckets[(word[i]! >>> shift) & 0xffff]!++;
      hi2[to] = hi[i]!;
      lo2[to] = lo[i]!;
      index2[to] = index[i]!;
    }
    [hi, hi2, lo, lo2, index, index2] = [hi2, hi, lo2, lo, index2, index];
  }
  return index;
}

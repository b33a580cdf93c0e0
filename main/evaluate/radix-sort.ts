// Sorting float32 maps in linear time for the per-heatmap metrics (ROC-AUC, Gini): a float's bits,
// sign-flipped (Herf 2001, "Radix tricks"), order like the floats, so four 8-bit LSD counting
// passes sort them — several times faster than TypedArray.prototype.sort on 32×32 maps.

const counts = new Uint32Array(4 * 256);

/** The order-preserving unsigned key of a float32 given by its bits; −0 maps to +0's key. */
export function floatKey(bits: number): number {
  if (bits === 0x80000000) return 0x80000000;
  // Negative floats: flip all bits; non-negative: set the sign bit (branch-free: bits >> 31 is −1 or 0).
  return (bits ^ ((bits >> 31) | 0x80000000)) >>> 0;
}

/** The float32 bits of a key made by `floatKey`. */
export function keyBits(key: number): number {
  return key & 0x80000000 ? (key ^ 0x80000000) >>> 0 : ~key >>> 0;
}

/** Sorts `keys` ascending in place; `scratch` must be at least as long. */
export function radixSortUint32(keys: Uint32Array, scratch: Uint32Array): void {
  const n = keys.length;
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    counts[k & 0xff]!++;
    counts[256 + ((k >>> 8) & 0xff)]!++;
    counts[512 + ((k >>> 16) & 0xff)]!++;
    counts[768 + (k >>> 24)]!++;
  }
  let from = keys;
  let to = scratch;
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * 256;
    const shift = pass * 8;
    // A byte all keys share needs no pass.
    if (counts[base + ((from[0]! >>> shift) & 0xff)] === n) continue;
    let sum = 0;
    for (let b = base; b < base + 256; b++) {
      const c = counts[b]!;
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = from[i]!;
      to[counts[base + ((k >>> shift) & 0xff)]!++] = k;
    }
    const t = from;
    from = to;
    to = t;
  }
  if (from !== keys) keys.set(from.subarray(0, n));
}

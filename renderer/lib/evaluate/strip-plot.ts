// Strip plots: every per-image score as a point, spread across its row by a jitter drawn from a
// seeded generator, so the picture is the same on every redraw, export and machine.

/** Mulberry32 (Tommy Ettinger, public domain): a small 32-bit generator, uniform on [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface StripPoint {
  /** The image's row in the evaluation. */
  row: number;
  value: number;
  /** Offset across the strip, in [−0.5, 0.5). */
  jitter: number;
}

/** A point per finite score, jittered by a generator seeded with `seed` (one seed per strip keeps strips independent). */
export function stripPoints(values: ArrayLike<number>, seed: number): StripPoint[] {
  const next = mulberry32(seed);
  const out: StripPoint[] = [];
  for (let i = 0; i < values.length; i++) {
    // Drawn for every row, finite or not, so a row's offset does not depend on which others are missing.
    const jitter = next() - 0.5;
    if (Number.isFinite(values[i]!)) out.push({ row: i, value: values[i]!, jitter });
  }
  return out;
}

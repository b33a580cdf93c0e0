// SVG geometry of the Evaluate plots and the report figures beyond chart-scale's axes and lines: confidence bands, histogram
// bars, padded data ranges and the series colours.
import type { Scale } from './chart-scale.js';

/**
 * A closed band between `low` and `high` over `xs` (along the low edge, back along the high edge).
 * Points where either bound is not finite split the band into separate pieces.
 */
export function bandPath(xs: ArrayLike<number>, low: ArrayLike<number>, high: ArrayLike<number>, x: Scale, y: Scale): string {
  const pieces: number[][] = [];
  let run: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    if (Number.isFinite(low[i]!) && Number.isFinite(high[i]!)) run.push(i);
    else if (run.length > 0) {
      pieces.push(run);
      run = [];
    }
  }
  if (run.length > 0) pieces.push(run);
  const f = (v: number) => v.toFixed(1);
  return pieces
    .map((p) => {
      const lower = p.map((i, k) => `${k === 0 ? 'M' : 'L'}${f(x(xs[i]!))} ${f(y(low[i]!))}`).join('');
      const upper = p
        .toReversed()
        .map((i) => `L${f(x(xs[i]!))} ${f(y(high[i]!))}`)
        .join('');
      return `${lower}${upper}Z`;
    })
    .join('');
}

/** Rectangles of a histogram: x from edge to edge, height by count. */
export function barRects(edges: readonly number[], counts: readonly number[], x: Scale, y: Scale): { x: number; y: number; width: number; height: number }[] {
  const base = y(0);
  return counts.map((c, i) => {
    const x0 = x(edges[i]!);
    const x1 = x(edges[i + 1]!);
    const top = y(c);
    return { x: Math.min(x0, x1), y: Math.min(top, base), width: Math.abs(x1 - x0), height: Math.abs(base - top) };
  });
}

/** The [min, max] of finite values over several arrays, padded by a fraction of the span. */
export function paddedExtent(arrays: readonly ArrayLike<number>[], pad = 0.05): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (lo > hi) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}

// Tableau 10: distinct for common colour-vision deficiencies, legible in both themes.
export const palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'] as const;

export function colourOf(k: number): string {
  return palette[((k % palette.length) + palette.length) % palette.length]!;
}

/** The random baseline is always drawn grey and dashed. */
export const baselineColour = '#7f7f7f';

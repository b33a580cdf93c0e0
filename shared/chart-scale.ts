// Axes for the SVG charts: "nice" tick values (1, 2, 5 × 10^k) and a linear map from data to pixels.

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max <= min) max = min + 1;
  const rough = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  // Rounded to the step's precision, so 0.1 + 0.2 prints as 0.3.
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toFixed(digits)));
  return ticks;
}

/** The smallest nice number ≥ max (for an axis that starts at 0). */
export function niceCeiling(max: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return ([1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * power).find((s) => s >= max) ?? 10 * power);
}

export interface Scale {
  (value: number): number;
}

/** Maps [d0, d1] onto [r0, r1]. */
export function linear(d0: number, d1: number, r0: number, r1: number): Scale {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** An SVG path through the points, skipping non-finite values (a gap, not a spike). */
export function linePath(xs: ArrayLike<number>, ys: ArrayLike<number>, x: Scale, y: Scale): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const v = ys[i]!;
    if (!Number.isFinite(v)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(xs[i]!).toFixed(1)} ${y(v).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/**
 * At most `buckets` points: consecutive points averaged in equal runs, so a curve of many
 * thousand batches costs no more to draw than the chart has pixels.
 */
export function decimate<T>(points: readonly T[], buckets: number, x: (p: T) => number, y: (p: T) => number): { xs: Float64Array; ys: Float64Array } {
  const n = points.length;
  const size = Math.max(1, Math.ceil(n / Math.max(1, buckets)));
  const m = Math.ceil(n / size);
  const xs = new Float64Array(m);
  const ys = new Float64Array(m);
  for (let b = 0; b < m; b++) {
    let sx = 0;
    let sy = 0;
    let count = 0;
    for (let i = b * size; i < Math.min(n, (b + 1) * size); i++) {
      const v = y(points[i]!);
      if (!Number.isFinite(v)) continue;
      sx += x(points[i]!);
      sy += v;
      count++;
    }
    xs[b] = count > 0 ? sx / count : x(points[Math.min(n - 1, b * size)]!);
    ys[b] = count > 0 ? sy / count : Number.NaN;
  }
  return { xs, ys };
}

/**
 * Exponential moving average with bias correction (as TensorBoard smooths scalars):
 * s_i = w·s_(i−1) + (1 − w)·v_i, divided by 1 − w^i so the curve does not start at 0.
 */
export function smooth(values: ArrayLike<number>, weight: number): Float64Array {
  const out = new Float64Array(values.length);
  let s = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      out[i] = Number.NaN;
      continue;
    }
    s = weight * s + (1 - weight) * v;
    n++;
    out[i] = s / (1 - weight ** n);
  }
  return out;
}

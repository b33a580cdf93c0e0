// The scale m of each heatmap cell: the colormap shows [−m, m] (diverging) or [0, m] (sequential).
// m is a percentile of |relevance| over a group of cells — the cell itself, its image's row, its
// method's column, or the whole grid — so a few extreme pixels do not wash out the rest.

export type NormMode = 'cell' | 'image' | 'method' | 'global';

export const normModes: readonly { id: NormMode; label: string }[] = [
  { id: 'cell', label: 'Per cell' },
  { id: 'image', label: 'Per image (across methods)' },
  { id: 'method', label: 'Per method (across images)' },
  { id: 'global', label: 'Global' },
];

/** A grid of heatmaps: cell(image, method) is H×W raw relevance, or null while it is not loaded. */
export interface CellSource {
  images: number;
  methods: number;
  cell(image: number, method: number): Float32Array | null;
}

/** The k-th smallest of a[lo..hi] (in place, Hoare's quickselect with a median-of-three pivot). */
function select(a: Float32Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // Median of three, so sorted input does not degrade to quadratic time.
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

function swap(a: Float32Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/**
 * The p-th percentile (0–100) of |v| over the finite values of the arrays, interpolated linearly
 * between order statistics (numpy.percentile's default); 0 when there are none.
 */
export function percentileAbs(arrays: readonly Float32Array[], p: number): number {
  let total = 0;
  for (const a of arrays) total += a.length;
  // One pass: magnitudes of the finite values (NaN and ±Infinity fail the bound).
  const abs = new Float32Array(total);
  let n = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = Math.abs(a[i]!);
      if (v <= Number.MAX_VALUE) abs[n++] = v;
    }
  }
  if (n === 0) return 0;
  if (p >= 100) {
    let max = 0;
    for (let i = 0; i < n; i++) if (abs[i]! > max) max = abs[i]!;
    return max;
  }
  return selectPercentile(abs.subarray(0, n), p);
}

function selectPercentile(abs: Float32Array, p: number): number {
  const n = abs.length;
  const pos = (Math.max(0, p) / 100) * (n - 1);
  const k = Math.floor(pos);
  const low = select(abs, k);
  if (pos === k) return low;
  // After selecting k, everything above index k is ≥ a[k]: the next order statistic is their minimum.
  let next = Infinity;
  for (let i = k + 1; i < n; i++) if (abs[i]! < next) next = abs[i]!;
  return low + (pos - k) * (next - low);
}

/**
 * m for every cell, [images × methods] row-major; NaN for cells not loaded. Cells of one group
 * share one m, taken over the group's loaded cells.
 */
export function cellScales(source: CellSource, mode: NormMode, percentile: number): Float64Array {
  const { images, methods } = source;
  const out = new Float64Array(images * methods).fill(Number.NaN);
  const cells = (imgs: number[], meths: number[]) => {
    const list: Float32Array[] = [];
    for (const i of imgs) for (const m of meths) {
      const c = source.cell(i, m);
      if (c) list.push(c);
    }
    return list;
  };
  const assign = (imgs: number[], meths: number[]) => {
    const list = cells(imgs, meths);
    if (list.length === 0) return;
    const m = percentileAbs(list, percentile);
    for (const i of imgs) for (const j of meths) if (source.cell(i, j)) out[i * methods + j] = m;
  };
  const all = (n: number) => Array.from({ length: n }, (_, i) => i);
  if (mode === 'global') assign(all(images), all(methods));
  else if (mode === 'image') for (let i = 0; i < images; i++) assign([i], all(methods));
  else if (mode === 'method') for (let j = 0; j < methods; j++) assign(all(images), [j]);
  else for (let i = 0; i < images; i++) for (let j = 0; j < methods; j++) assign([i], [j]);
  return out;
}

// The scale m of each heatmap cell: the colormap shows [−m, m] (diverging) or [min, m] (sequential,
// see colour-scale.ts).
// m is a percentile of |relevance| over a group of cells — the cell itself, its image's row, its
// method's column, or the whole grid — so a few extreme pixels do not wash out the rest. A grid of
// several models adds two groups: one method's columns across the models (its maps on one scale,
// model against model), and one image's cells within each model (models whose relevance differs in
// size each keep their own range).

export type NormMode = 'cell' | 'image' | 'image-model' | 'method' | 'method-models' | 'global';

export const normModes: readonly { id: NormMode; label: string; models?: true }[] = [
  { id: 'cell', label: 'Per cell' },
  { id: 'image', label: 'Per image (across methods)' },
  { id: 'image-model', label: 'Per image within each model', models: true },
  { id: 'method', label: 'Per method (across images)' },
  { id: 'method-models', label: 'Per method across models', models: true },
  { id: 'global', label: 'Global' },
];

/** The mode a grid of one model uses for a mode that only a grid of several models offers (they agree there). */
export function singleModelMode(mode: NormMode): NormMode {
  return mode === 'image-model' ? 'image' : mode === 'method-models' ? 'method' : mode;
}

/** A grid of heatmaps: cell(image, method) is H×W raw relevance, or null while it is not loaded. */
export interface CellSource {
  images: number;
  methods: number;
  cell(image: number, method: number): Float32Array | null;
  /** Per column, which method it shows (the same key for one method of different models); each column its own when left out. */
  methodKeys?: readonly string[];
  /** Per column, which model it shows; one model when left out. */
  modelKeys?: readonly (string | number)[];
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
  // Pass 1: how many finite values, and the largest magnitude (NaN and ±Infinity fail the bound).
  let n = 0;
  let max = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = Math.abs(a[i]!);
      if (v <= Number.MAX_VALUE) {
        n++;
        if (v > max) max = v;
      }
    }
  }
  if (n === 0) return 0;
  if (p >= 100 || max === 0) return max;
  const pos = (Math.max(0, p) / 100) * (n - 1);
  const k = Math.floor(pos);
  const wanted = pos === k ? [k] : [k, k + 1];
  // Pass 2: a histogram of magnitudes finds the bins holding the wanted order statistics; pass 3
  // selects among the values of those bins only — no copy of the whole grid (millions of values).
  const bins = Math.min(65536, Math.max(1, n >> 4));
  const scale = bins / max;
  const bin = (v: number) => Math.min(bins - 1, Math.floor(v * scale));
  const counts = new Uint32Array(bins);
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = Math.abs(a[i]!);
      if (v <= Number.MAX_VALUE) counts[bin(v)]!++;
    }
  }
  let first = -1;
  let last = -1;
  let before = 0;
  for (let b = 0, seen = 0; b < bins; b++) {
    if (first < 0 && seen + counts[b]! > wanted[0]!) {
      first = b;
      before = seen;
    }
    if (seen + counts[b]! > wanted[wanted.length - 1]!) {
      last = b;
      break;
    }
    seen += counts[b]!;
  }
  let size = 0;
  for (let b = first; b <= last; b++) size += counts[b]!;
  const pool = new Float32Array(size);
  let o = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = Math.abs(a[i]!);
      if (v <= Number.MAX_VALUE) {
        const b = bin(v);
        if (b >= first && b <= last) pool[o++] = v;
      }
    }
  }
  const low = select(pool, k - before);
  if (pos === k) return low;
  // After selecting, everything above that index is ≥ it: the next order statistic is their minimum.
  let next = Infinity;
  for (let i = k - before + 1; i < size; i++) if (pool[i]! < next) next = pool[i]!;
  return low + (pos - k) * (next - low);
}

// A cell's own percentile, by its array and the percentile: heatmaps never change once loaded, so
// new rows or columns, filtering or switching back to per-cell scales recompute only new cells.
const ownScales = new WeakMap<Float32Array, Map<number, number>>();

function ownScale(cell: Float32Array, percentile: number): number {
  let byP = ownScales.get(cell);
  if (!byP) ownScales.set(cell, (byP = new Map()));
  let m = byP.get(percentile);
  if (m === undefined) byP.set(percentile, (m = percentileAbs([cell], percentile)));
  return m;
}

/** The smallest finite value of the arrays; Infinity when there is none. */
export function minimum(arrays: readonly Float32Array[]): number {
  let min = Infinity;
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (a[i]! < min && a[i]! > -Infinity) min = a[i]!;
  return min;
}

const ownMinima = new WeakMap<Float32Array, number>();

function ownMinimum(cell: Float32Array): number {
  let v = ownMinima.get(cell);
  if (v === undefined) ownMinima.set(cell, (v = minimum([cell])));
  return v;
}

/** One number per group of loaded cells, written to every cell of the group; NaN for cells not loaded. */
function perGroup(source: CellSource, mode: NormMode, ofGroup: (cells: Float32Array[]) => number, ofCell: (cell: Float32Array) => number): Float64Array {
  const { images, methods } = source;
  const out = new Float64Array(images * methods).fill(Number.NaN);
  const assign = (imgs: number[], meths: number[]) => {
    const list: Float32Array[] = [];
    for (const i of imgs) for (const m of meths) {
      const c = source.cell(i, m);
      if (c) list.push(c);
    }
    if (list.length === 0) return;
    const v = ofGroup(list);
    for (const i of imgs) for (const j of meths) if (source.cell(i, j)) out[i * methods + j] = v;
  };
  const all = (n: number) => Array.from({ length: n }, (_, i) => i);
  /** Columns grouped by a key, in order of first appearance. */
  const columnsBy = (keys: readonly (string | number)[] | undefined): number[][] => {
    if (keys === undefined) return all(methods).map((j) => [j]);
    const groups = new Map<string | number, number[]>();
    for (let j = 0; j < methods; j++) groups.set(keys[j]!, [...(groups.get(keys[j]!) ?? []), j]);
    return [...groups.values()];
  };
  if (mode === 'global') assign(all(images), all(methods));
  else if (mode === 'image') for (let i = 0; i < images; i++) assign([i], all(methods));
  else if (mode === 'image-model') {
    const models = source.modelKeys === undefined ? [all(methods)] : columnsBy(source.modelKeys);
    for (let i = 0; i < images; i++) for (const cols of models) assign([i], cols);
  } else if (mode === 'method') for (let j = 0; j < methods; j++) assign(all(images), [j]);
  else if (mode === 'method-models') for (const cols of columnsBy(source.methodKeys)) assign(all(images), cols);
  else
    for (let i = 0; i < images; i++)
      for (let j = 0; j < methods; j++) {
        const c = source.cell(i, j);
        if (c) out[i * methods + j] = ofCell(c);
      }
  return out;
}

/**
 * m for every cell, [images × methods] row-major; NaN for cells not loaded. Cells of one group
 * share one m, taken over the group's loaded cells.
 */
export function cellScales(source: CellSource, mode: NormMode, percentile: number): Float64Array {
  return perGroup(source, mode, (list) => percentileAbs(list, percentile), (c) => ownScale(c, percentile));
}

/** The smallest value of each cell's group, laid out as cellScales: whether the group is signed picks its colour scale. */
export function cellMinima(source: CellSource, mode: NormMode): Float64Array {
  // A group's minimum is the minimum of its cells' (kept per cell, as heatmaps never change).
  return perGroup(source, mode, (list) => list.reduce((min, c) => Math.min(min, ownMinimum(c)), Infinity), ownMinimum);
}

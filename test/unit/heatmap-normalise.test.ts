import { describe, expect, it } from 'vitest';
import { cellScales, percentileAbs, type CellSource } from '../../shared/heatmap/normalise.js';
import { colourBarScale, formatValue } from '../../shared/heatmap/colour-bar.js';

const f = (...v: number[]) => new Float32Array(v);

// 2 images × 2 methods of 2×2 pixels; hand-picked so every group has a different max |v|.
const cells = [
  [f(1, -2, 0.5, 0), f(0.1, 0.2, -0.3, 0.05)],
  [f(4, 0, 0, -1), f(0, 0, 0, 0)],
];
const source: CellSource = { images: 2, methods: 2, cell: (i, m) => cells[i]![m]! };

describe('percentileAbs', () => {
  it('is the largest magnitude at 100 %', () => {
    expect(percentileAbs([f(1, -7, 3)], 100)).toBe(7);
  });

  it('interpolates between order statistics like numpy.percentile', () => {
    // |v| sorted: 0, 1, 2, 3, 4 → the 50th percentile is 2; the 90th is 3 + 0.6·(4 − 3) = 3.6.
    expect(percentileAbs([f(-4, 3, 0, -1, 2)], 50)).toBe(2);
    expect(percentileAbs([f(-4, 3, 0), f(-1, 2)], 90)).toBeCloseTo(3.6, 6);
    // numpy.percentile(abs([1..200]), 99.5) = 199 + 0.005·(200 − 199)… computed: pos = 0.995·199 = 198.005.
    const many = f(...Array.from({ length: 200 }, (_, i) => (i % 2 ? -(i + 1) : i + 1)));
    expect(percentileAbs([many], 99.5)).toBeCloseTo(199.005, 3);
  });

  it('ignores values that are not finite and is 0 with nothing left', () => {
    expect(percentileAbs([f(Number.NaN, 2, Number.POSITIVE_INFINITY)], 100)).toBe(2);
    expect(percentileAbs([f(Number.NaN)], 99.5)).toBe(0);
    expect(percentileAbs([], 50)).toBe(0);
  });

  it('selects correctly from sorted, reversed and repeated values', () => {
    const sorted = f(...Array.from({ length: 1001 }, (_, i) => i));
    expect(percentileAbs([sorted], 50)).toBe(500);
    expect(percentileAbs([f(...Array.from(sorted).reverse())], 10)).toBe(100);
    expect(percentileAbs([f(2, 2, 2, 2, 5)], 50)).toBe(2);
  });
});

describe('cellScales', () => {
  it('scales each cell by its own largest magnitude per cell', () => {
    expect(Array.from(cellScales(source, 'cell', 100))).toEqual([2, 0.3, 4, 0].map(Math.fround));
  });

  it('shares one scale per image across methods', () => {
    expect(Array.from(cellScales(source, 'image', 100))).toEqual([2, 2, 4, 4]);
  });

  it('shares one scale per method across images', () => {
    expect(Array.from(cellScales(source, 'method', 100))).toEqual([4, Math.fround(0.3), 4, Math.fround(0.3)]);
  });

  it('shares one scale over the whole grid', () => {
    expect(Array.from(cellScales(source, 'global', 100))).toEqual([4, 4, 4, 4]);
  });

  it('clips at a percentile of the group', () => {
    // Image 0's 8 magnitudes sorted: 0, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2; at 50 %: pos 3.5 → 0.25.
    expect(cellScales(source, 'image', 50)[0]).toBeCloseTo(0.25, 6);
  });

  it('leaves cells that are not loaded without a scale', () => {
    const partial: CellSource = { images: 1, methods: 2, cell: (_, m) => (m === 0 ? f(3) : null) };
    const out = cellScales(partial, 'global', 100);
    expect(out[0]).toBe(3);
    expect(out[1]).toBeNaN();
  });
});

describe('colourBarScale', () => {
  it('spans [−m, m] with round ticks for diverging maps', () => {
    const bar = colourBarScale(2, 'diverging');
    expect([bar.min, bar.max]).toEqual([-2, 2]);
    expect(bar.ticks.map((t) => t.value)).toEqual([-2, -1, 0, 1, 2]);
    expect(bar.ticks.find((t) => t.value === 0)?.at).toBe(0.5);
  });

  it('spans [0, m] for sequential maps and places ticks by value', () => {
    const bar = colourBarScale(0.037, 'sequential');
    expect([bar.min, bar.max]).toEqual([0, 0.037]);
    expect(bar.ticks.map((t) => t.value)).toEqual([0, 0.01, 0.02, 0.03]);
    expect(bar.ticks[1]!.at).toBeCloseTo(0.01 / 0.037, 9);
  });

  it('has a single tick for a zero scale', () => {
    expect(colourBarScale(0, 'diverging').ticks).toEqual([{ value: -0, at: 0, label: '0' }]);
  });

  it('prints values with three significant digits', () => {
    expect(formatValue(0.0123456)).toBe('0.0123');
    expect(formatValue(-0.00001234)).toBe('-1.23e-5');
    expect(formatValue(150)).toBe('150');
  });
});

describe('paintCell', () => {
  it('colours by the scale, blends over the image and draws the contour on top', async () => {
    const { paintCell, contourOf } = await import('../../shared/heatmap/paint.js');
    const { colourScale } = await import('../../shared/heatmap/colour-scale.js');
    const scale = colourScale('bwr', 1, -1);
    const alone = paintCell(f(-1, 0, 1, 5), { scale, base: null, opacity: 0.5, contour: null, contourRgb: [0, 255, 0] });
    expect(Array.from(alone)).toEqual([0, 0, 255, 255, 255, 255, 255, 255, 255, 0, 0, 255, 255, 0, 0, 255]);
    const base = new Uint8ClampedArray([0, 0, 0, 255, 100, 100, 100, 255, 0, 0, 0, 255, 0, 0, 0, 255]);
    const over = paintCell(f(1, 0, 0, 0), { scale, base, opacity: 0.5, contour: new Uint8Array([0, 0, 0, 1]), contourRgb: [0, 255, 0] });
    expect(Array.from(over.slice(0, 8))).toEqual([128, 0, 0, 255, 178, 178, 178, 255]);
    expect(Array.from(over.slice(12, 16))).toEqual([0, 255, 0, 255]);
    // A 3×3 square inside 5×5: its ring is the contour, its centre is not.
    const mask = new Uint8Array(25);
    for (const i of [6, 7, 8, 11, 12, 13, 16, 17, 18]) mask[i] = 1;
    expect(Array.from(contourOf(mask, 5, 5)).flatMap((v, i) => (v ? [i] : []))).toEqual([6, 7, 8, 11, 13, 16, 17, 18]);
  });
});

describe('percentileAbs on many values', () => {
  it('agrees with sorting, whichever bins the order statistics fall in', () => {
    // A seeded mix of a heavy tail, repeats, zeros and non-finite values.
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const a = new Float32Array(50_000).map((_, i) => (i % 97 === 0 ? 0 : i % 101 === 0 ? 3.5 : (random() - 0.5) * (random() < 0.01 ? 1000 : 1)));
    a[5] = Number.NaN;
    a[6] = Number.NEGATIVE_INFINITY;
    const sorted = Array.from(a).filter(Number.isFinite).map(Math.abs).sort((x, y) => x - y);
    const reference = (p: number) => {
      const pos = (p / 100) * (sorted.length - 1);
      const k = Math.floor(pos);
      return sorted[k]! + (pos - k) * ((sorted[Math.min(k + 1, sorted.length - 1)] ?? 0) - sorted[k]!);
    };
    for (const p of [0, 1, 37.3, 50, 99, 99.5, 99.99]) expect(percentileAbs([a.subarray(0, 20_000), a.subarray(20_000)], p)).toBeCloseTo(reference(p), 5);
    expect(percentileAbs([a], 100)).toBe(sorted.at(-1));
  });
});

import { describe, expect, it } from 'vitest';
import { colourScale, describeScale, resolveColormap } from '../../shared/heatmap/colour-scale.js';
import { LUT_SIZE, lutIndex } from '../../shared/heatmap/colormaps.js';
import { cellMinima, cellScales, percentileAbs, type CellSource } from '../../shared/heatmap/normalise.js';
import { paintCell } from '../../shared/heatmap/paint.js';

const f = (...v: number[]) => new Float32Array(v);
/** The scale 'auto' gives one map on its own (per-cell normalisation, clipping at the maximum). */
const autoOf = (map: Float32Array) => {
  const source: CellSource = { images: 1, methods: 1, cell: () => map };
  return colourScale('auto', cellScales(source, 'cell', 100)[0]!, cellMinima(source, 'cell')[0]!);
};
const lut = (s: ReturnType<typeof autoOf>, v: number) => lutIndex(v, s.hi, s.cmap.kind, s.lo);

describe('the colour scale chosen from a map’s values', () => {
  it('shows an all-positive map (RISE-like, 0.48–0.52) on a sequential map stretched over [min, max], using the whole colour range', () => {
    const s = autoOf(f(0.48, 0.5, 0.52));
    expect(s.cmap.id).toBe('viridis');
    expect([s.lo, s.hi]).toEqual([Math.fround(0.48), Math.fround(0.52)]);
    expect(lut(s, Math.fround(0.48))).toBe(0);
    expect(lut(s, Math.fround(0.52))).toBe(LUT_SIZE - 1);
    // On [0, max] the same map would use only the top 8 % of the colours: the uniform wash.
    expect(lutIndex(Math.fround(0.48), Math.fround(0.52), 'sequential')).toBeGreaterThan(0.9 * (LUT_SIZE - 1));
    expect(describeScale(s)).toBe('sequential, min … max of these values: 0.48 … 0.52');
  });

  it('shows a signed map on a diverging map centred on 0 over ±max|a|', () => {
    const s = autoOf(f(-1, 0.25, 2));
    expect(s.cmap.id).toBe('RdBu');
    expect([s.lo, s.hi]).toEqual([-2, 2]);
    expect(lut(s, 0)).toBe((LUT_SIZE - 1) / 2);
    expect(describeScale(s)).toBe('diverging, centred on 0, ±2');
  });

  it('keeps an all-negative map on the diverging map, so negative evidence still reads as negative', () => {
    const s = autoOf(f(-3, -1, -2));
    expect(s.cmap.kind).toBe('diverging');
    expect([s.lo, s.hi]).toEqual([-3, 3]);
    expect(lut(s, -3)).toBe(0);
  });

  it('paints a constant positive map in one colour and says it has no structure', () => {
    const s = autoOf(f(0.5, 0.5, 0.5));
    expect(s.cmap.kind).toBe('sequential');
    expect([s.lo, s.hi]).toEqual([0.5, 0.5]);
    expect(new Set([0.5, 0.5].map((v) => lut(s, v)))).toEqual(new Set([0]));
    expect(describeScale(s)).toBe('sequential, every value 0.5 (no structure to show)');
  });

  it('treats an all-zero map as non-negative and constant', () => {
    const s = autoOf(f(0, 0, 0));
    expect(s.cmap.kind).toBe('sequential');
    expect([s.lo, s.hi]).toEqual([0, 0]);
    expect(lut(s, 0)).toBe(0);
    expect(describeScale(s)).toBe('sequential, every value 0 (no structure to show)');
  });

  it('lets a chosen diverging colormap win: a non-negative map is centred on 0 over ±max', () => {
    const s = colourScale('bwr', 0.52, 0.48);
    expect(s.cmap.id).toBe('bwr');
    expect([s.lo, s.hi]).toEqual([-0.52, 0.52]);
  });

  it('lets a chosen sequential colormap win: non-negative maps stretch over [min, max], signed maps keep 0 at the low end and say so', () => {
    expect(colourScale('inferno', 0.52, 0.48)).toMatchObject({ lo: 0.48, hi: 0.52, clipsNegative: false });
    const signed = colourScale('inferno', 2, -1);
    expect(signed).toMatchObject({ lo: 0, hi: 2, clipsNegative: true });
    expect(describeScale(signed)).toBe('sequential, 0 … max: 0 … 2, negative values show as the lowest colour');
  });

  it('decides once per normalisation group, so cells sharing a scale share a colormap', () => {
    // Image 0: a positive cell and a signed one; image 1: two positive cells.
    const cells = [
      [f(0.4, 0.6), f(-1, 1)],
      [f(0.2, 0.3), f(0.5, 0.9)],
    ];
    const source: CellSource = { images: 2, methods: 2, cell: (i, m) => cells[i]![m]! };
    expect(Array.from(cellMinima(source, 'cell')).map(Math.fround)).toEqual([0.4, -1, 0.2, 0.5].map(Math.fround));
    expect(Array.from(cellMinima(source, 'image'))).toEqual([-1, -1, Math.fround(0.2), Math.fround(0.2)]);
    const m = cellScales(source, 'image', 100);
    const mins = cellMinima(source, 'image');
    expect(Array.from(m, (v, k) => resolveColormap('auto', mins[k]!))).toEqual(['RdBu', 'RdBu', 'viridis', 'viridis']);
    expect(colourScale('auto', m[2]!, mins[2]!)).toMatchObject({ lo: Math.fround(0.2), hi: Math.fround(0.9) });
  });

  it('clips the top of a sequential scale at the chosen percentile, as the diverging one', () => {
    const map = f(...Array.from({ length: 101 }, (_, i) => 1 + i / 100));
    const source: CellSource = { images: 1, methods: 1, cell: () => map };
    const s = colourScale('auto', cellScales(source, 'cell', 90)[0]!, cellMinima(source, 'cell')[0]!);
    expect(s.lo).toBe(1);
    expect(s.hi).toBeCloseTo(percentileAbs([map], 90), 6);
  });

  it('paints the lowest value of a stretched map in the colormap’s first colour', () => {
    const s = autoOf(f(0.48, 0.52));
    const out = paintCell(f(0.48, 0.52), { scale: s, base: null, opacity: 1, contour: null, contourRgb: [0, 0, 0] });
    expect(Array.from(out.slice(0, 3))).toEqual(Array.from(s.cmap.lut.slice(0, 3)));
    expect(Array.from(out.slice(4, 7))).toEqual(Array.from(s.cmap.lut.slice((LUT_SIZE - 1) * 4, (LUT_SIZE - 1) * 4 + 3)));
  });
});

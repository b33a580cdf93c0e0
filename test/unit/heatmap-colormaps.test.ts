import { describe, expect, it } from 'vitest';
import {
  bwrAnchors,
  colormap,
  colormaps,
  infernoAnchors,
  LUT_SIZE,
  lutIndex,
  luminance,
  rdBuAnchors,
  viridisAnchors,
} from '../../shared/heatmap/colormaps.js';

const entry = (id: Parameters<typeof colormap>[0], i: number) => Array.from(colormap(id).lut.slice(i * 4, i * 4 + 3));
const byte = (rgb: readonly number[]) => rgb.map((v) => Math.round(v * 255));

describe('colormaps', () => {
  it('start and end at matplotlib’s published colours', () => {
    expect(entry('viridis', 0)).toEqual(byte(viridisAnchors[0]!));
    expect(entry('viridis', LUT_SIZE - 1)).toEqual(byte([0.993248, 0.906157, 0.143936]));
    expect(entry('inferno', 0)).toEqual(byte([0.001462, 0.000466, 0.013866]));
    expect(entry('inferno', LUT_SIZE - 1)).toEqual(byte(infernoAnchors[16]!));
    expect(entry('RdBu', 0)).toEqual([0x05, 0x30, 0x61]);
    expect(entry('RdBu', LUT_SIZE - 1)).toEqual([0x67, 0x00, 0x1f]);
    expect(entry('bwr', 0)).toEqual(byte(bwrAnchors[0]!));
    expect(entry('hot', 0)).toEqual(byte([0.0416, 0, 0]));
    expect(entry('hot', LUT_SIZE - 1)).toEqual([255, 255, 255]);
    expect(entry('grey', 0)).toEqual([0, 0, 0]);
  });

  it('pass through viridis’s and inferno’s middle entry (index 128 of 256) at 128/255', () => {
    // LUT entry i sits at x = i / 256; 128/255 lies between entries 128 and 129, within one 8-bit step.
    const i = Math.round((128 / 255) * (LUT_SIZE - 1));
    for (const [id, anchors] of [['viridis', viridisAnchors], ['inferno', infernoAnchors]] as const) {
      const got = entry(id, i);
      byte(anchors[8]!).forEach((v, c) => expect(Math.abs(got[c]! - v)).toBeLessThanOrEqual(1));
    }
  });

  it('rise monotonically in lightness for every sequential map', () => {
    for (const cmap of colormaps.filter((c) => c.kind === 'sequential')) {
      let last = -1;
      for (let i = 0; i < LUT_SIZE; i++) {
        const [r, g, b] = entry(cmap.id, i);
        const y = luminance(r!, g!, b!);
        // 8-bit rounding may repeat a value; it must never go down.
        expect(y, `${cmap.id} at ${i}`).toBeGreaterThanOrEqual(last - 1e-3);
        last = Math.max(last, y);
      }
    }
  });

  it('map zero to the neutral centre of diverging maps', () => {
    for (const cmap of colormaps.filter((c) => c.kind === 'diverging')) {
      const centre = lutIndex(0, 3.7, 'diverging');
      expect(centre).toBe((LUT_SIZE - 1) / 2);
      const [r, g, b] = entry(cmap.id, centre);
      expect(Math.max(r!, g!, b!) - Math.min(r!, g!, b!), cmap.id).toBeLessThanOrEqual(1);
      expect(r!).toBeGreaterThan(240);
    }
    expect(entry('RdBu', (LUT_SIZE - 1) / 2)).toEqual(byte(rdBuAnchors[5]!));
  });

  it('show positive values red and negative ones blue in the diverging maps', () => {
    for (const id of ['RdBu', 'bwr'] as const) {
      const [pr, , pb] = entry(id, lutIndex(1, 1, 'diverging'));
      const [nr, , nb] = entry(id, lutIndex(-1, 1, 'diverging'));
      expect(pr!).toBeGreaterThan(pb!);
      expect(nb!).toBeGreaterThan(nr!);
    }
  });

  it('clamp values outside the range and treat a zero scale as no signal', () => {
    expect(lutIndex(5, 1, 'diverging')).toBe(LUT_SIZE - 1);
    expect(lutIndex(-5, 1, 'diverging')).toBe(0);
    expect(lutIndex(-5, 1, 'sequential')).toBe(0);
    expect(lutIndex(0.5, 1, 'sequential')).toBe(128);
    expect(lutIndex(0.3, 0, 'diverging')).toBe((LUT_SIZE - 1) / 2);
    expect(lutIndex(Number.NaN, 1, 'sequential')).toBe(0);
  });
});

// 16-bit images are shown stretched from 0 to each image's brightest value: a 16-bit file
// holding 0–255 (scaled from 0–65535 it was black) shows its full contrast.
import { describe, expect, it } from 'vitest';
import { displayScale, type Pixels } from '../../renderer/lib/pixels.js';

const batch = (dtype: Pixels['dtype'], values: number[][], c = 1): Pixels => {
  const per = values[0]!.length;
  const data = dtype === 'uint16' ? Uint16Array.from(values.flat()) : Uint8Array.from(values.flat());
  return { shape: [values.length, 1, per / c, c], dtype, data };
};

describe('displayScale', () => {
  it('shows a 16-bit image holding 0–255 with its full contrast', () => {
    const pixels = batch('uint16', [[0, 64, 128, 255]]);
    const scale = displayScale(pixels, 0);
    expect(Array.from(pixels.data, (v) => Math.round(v * scale))).toEqual([0, 64, 128, 255]);
    // The old fixed ÷257 made every one of these values 0 or 1: black.
    expect(Array.from(pixels.data, (v) => Math.round(v / 257))).toEqual([0, 0, 0, 1]);
  });

  it('stretches each image by its own brightest sample, across channels, keeping black at 0', () => {
    const pixels = batch('uint16', [[0, 1000, 4095, 10, 20, 30], [65535, 0, 0, 0, 0, 0]], 3);
    expect(displayScale(pixels, 0) * 4095).toBeCloseTo(255);
    expect(displayScale(pixels, 1) * 65535).toBeCloseTo(255);
  });

  it('leaves 8-bit images and all-black 16-bit images as stored', () => {
    expect(displayScale(batch('uint8', [[0, 3, 9, 12]]), 0)).toBe(1);
    expect(displayScale(batch('uint16', [[0, 0, 0, 0]]), 0)).toBe(1);
  });
});

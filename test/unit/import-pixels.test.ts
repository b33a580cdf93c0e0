// The pixel rules of an import on hand-computed values: alpha on black, BT.601 luma, 8→16 bit,
// and where pad and crop put a tiny image.
import { describe, expect, it } from 'vitest';
import { fitToSize } from '../../main/data/import/fit.js';
import { flattenOnBlack, toChannels, toDtype, toFormat, type Raster } from '../../main/workspace/images/raster.js';

const raster = (width: number, height: number, channels: number, values: number[], sixteen = false): Raster => ({
  width,
  height,
  channels,
  data: sixteen ? Uint16Array.from(values) : Uint8Array.from(values),
});

/** A 4×2 grey image with distinct values 1–8, row-major. */
const wide = raster(4, 2, 1, [1, 2, 3, 4, 5, 6, 7, 8]);

describe('pixel conversions', () => {
  it('composites alpha on black: colour times alpha over the maximum, rounded', () => {
    const rgba = raster(3, 1, 4, [200, 100, 50, 255, 200, 100, 50, 128, 200, 100, 50, 0]);
    expect([...flattenOnBlack(rgba).data]).toEqual([200, 100, 50, 100, 50, 25, 0, 0, 0]);
    const greyAlpha16 = raster(1, 1, 2, [60000, 32768], true);
    expect([...flattenOnBlack(greyAlpha16).data]).toEqual([Math.round((60000 * 32768) / 65535)]);
  });

  it('turns RGB into grey with the BT.601 luma 0.299 R + 0.587 G + 0.114 B', () => {
    const rgb = raster(4, 1, 3, [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    expect([...toChannels(rgb, 1).data]).toEqual([76, 150, 29, 18]);
  });

  it('repeats grey into three channels and scales 8-bit to 16-bit by 257', () => {
    expect([...toChannels(raster(2, 1, 1, [7, 255]), 3).data]).toEqual([7, 7, 7, 255, 255, 255]);
    const sixteen = toDtype(raster(3, 1, 1, [0, 1, 255]), 'uint16');
    expect(sixteen.data).toBeInstanceOf(Uint16Array);
    expect([...sixteen.data]).toEqual([0, 257, 65535]);
  });

  it('applies alpha, channels and bit depth together', () => {
    const out = toFormat(raster(1, 1, 4, [255, 0, 0, 255]), { channels: 1, dtype: 'uint16' });
    expect([...out.data]).toEqual([76 * 257]);
  });
});

describe('fitToSize', () => {
  it('pads a 4×2 image into 4×4 centred on zeros', async () => {
    const out = await fitToSize(wide, { width: 4, height: 4, mode: 'pad' }, 'lanczos3');
    expect([...out.data]).toEqual([0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0]);
  });

  it('gives the odd leftover row of padding to the bottom', async () => {
    const out = await fitToSize(raster(4, 1, 1, [1, 2, 3, 4]), { width: 4, height: 4, mode: 'pad' }, 'lanczos3');
    expect([...out.data]).toEqual([0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('crops the centre of a 4×2 image to 2×2 and of a 5×2 one leaving the odd column on the right', async () => {
    expect([...(await fitToSize(wide, { width: 2, height: 2, mode: 'crop' }, 'lanczos3')).data]).toEqual([2, 3, 6, 7]);
    const five = raster(5, 2, 1, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect([...(await fitToSize(five, { width: 2, height: 2, mode: 'crop' }, 'lanczos3')).data]).toEqual([2, 3, 7, 8]);
  });

  it('scales before padding and cropping, keeping a constant image constant', async () => {
    const flat = raster(8, 4, 3, new Array<number>(8 * 4 * 3).fill(200));
    const padded = await fitToSize(flat, { width: 4, height: 4, mode: 'pad' }, 'lanczos3');
    expect(padded.channels).toBe(3);
    const rows = Array.from({ length: 4 }, (_, y) => [...padded.data.subarray(y * 12, (y + 1) * 12)]);
    expect(rows).toEqual([new Array(12).fill(0), new Array(12).fill(200), new Array(12).fill(200), new Array(12).fill(0)]);
    const cropped = await fitToSize(flat, { width: 2, height: 2, mode: 'crop' }, 'lanczos3');
    expect([...cropped.data]).toEqual(new Array(12).fill(200));
  });

  it('stretches with nearest neighbour without inventing values, and keeps 16-bit samples', async () => {
    const mask = await fitToSize(raster(2, 2, 1, [0, 1, 2, 3]), { width: 4, height: 4, mode: 'stretch' }, 'nearest');
    expect([...mask.data]).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3]);
    const deep = await fitToSize(raster(2, 2, 1, [0, 1000, 40000, 65535], true), { width: 4, height: 4, mode: 'stretch' }, 'nearest');
    expect(deep.data).toBeInstanceOf(Uint16Array);
    expect([...deep.data.subarray(0, 4)]).toEqual([0, 0, 1000, 1000]);
  });
});

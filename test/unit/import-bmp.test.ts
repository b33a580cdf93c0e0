// Heatlab's BMP decoder on files built byte by byte: palette depths, 16/24/32-bit, BI_RGB and
// BI_BITFIELDS, bottom-up and top-down rows, the old 12-byte core header, and refusals.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeBmp, readBmpHeader } from '../../main/workspace/images/bmp.js';
import { bmpFile, removeTempDirs, tempDir, writeFile } from '../fixtures/import-fixtures.js';

afterEach(removeTempDirs);

const values = (bytes: Buffer) => {
  const r = decodeBmp(bytes);
  return { width: r.width, height: r.height, channels: r.channels, values: [...r.data] };
};

describe('decodeBmp', () => {
  it('reads 1-, 4- and 8-bit palette images', () => {
    const palette = [255, 0, 0, 0, 255, 0, 0, 0, 255];
    // 1-bit: pixels 1 0 1 in one byte (101xxxxx).
    expect(values(bmpFile({ width: 3, height: 1, bpp: 1, rows: [[0b10100000]], palette: palette.slice(0, 6) }))).toEqual({
      width: 3,
      height: 1,
      channels: 3,
      values: [0, 255, 0, 255, 0, 0, 0, 255, 0],
    });
    // 4-bit: pixels 2 1 0 → 0x21, 0x00.
    expect(values(bmpFile({ width: 3, height: 1, bpp: 4, rows: [[0x21, 0x00]], palette })).values).toEqual([0, 0, 255, 0, 255, 0, 255, 0, 0]);
    expect(values(bmpFile({ width: 2, height: 2, bpp: 8, rows: [[0, 1], [2, 0]], palette })).values).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 0, 0]);
  });

  it('reads an 8-bit image with a grey palette as one grey channel', () => {
    const greys = [0, 0, 0, 128, 128, 128, 255, 255, 255];
    expect(values(bmpFile({ width: 3, height: 1, bpp: 8, rows: [[2, 1, 0]], palette: greys }))).toEqual({ width: 3, height: 1, channels: 1, values: [255, 128, 0] });
    const dir = tempDir();
    const file = writeFile(join(dir, 'g.bmp'), bmpFile({ width: 3, height: 1, bpp: 8, rows: [[2, 1, 0]], palette: greys }));
    expect(readBmpHeader(file)).toEqual({ width: 3, height: 1, channels: 1, bits: 8 });
  });

  it('reads 24-bit rows bottom-up and top-down to the same pixels, skipping row padding', () => {
    // Stored B, G, R; width 3 → 9 bytes padded to 12.
    const rows = [
      [3, 2, 1, 6, 5, 4, 9, 8, 7],
      [30, 20, 10, 60, 50, 40, 90, 80, 70],
    ];
    const expected = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30, 40, 50, 60, 70, 80, 90];
    expect(values(bmpFile({ width: 3, height: 2, bpp: 24, rows }))).toEqual({ width: 3, height: 2, channels: 3, values: expected });
    expect(values(bmpFile({ width: 3, height: -2, bpp: 24, rows })).values).toEqual(expected);
  });

  it('ignores the unused fourth byte of 32-bit BI_RGB pixels', () => {
    const r = values(bmpFile({ width: 2, height: 1, bpp: 32, rows: [[3, 2, 1, 0, 6, 5, 4, 77]] }));
    expect(r).toEqual({ width: 2, height: 1, channels: 3, values: [1, 2, 3, 4, 5, 6] });
  });

  it('reads BI_BITFIELDS 32-bit pixels with an alpha mask, and all-zero alpha as opaque', () => {
    const masks: [number, number, number, number] = [0x00ff0000, 0x0000ff00, 0x000000ff, 0xff000000];
    const withAlpha = bmpFile({ width: 2, height: 1, bpp: 32, compression: 3, headerSize: 108, masks, rows: [[3, 2, 1, 128, 6, 5, 4, 255]] });
    expect(values(withAlpha)).toEqual({ width: 2, height: 1, channels: 4, values: [1, 2, 3, 128, 4, 5, 6, 255] });
    const zeroAlpha = bmpFile({ width: 1, height: 1, bpp: 32, compression: 3, headerSize: 124, masks, rows: [[3, 2, 1, 0]] });
    expect(values(zeroAlpha).values).toEqual([1, 2, 3, 255]);
  });

  it('reads 16-bit 5-6-5 BI_BITFIELDS and 5-5-5 BI_RGB pixels scaled to 0–255', () => {
    // 5-6-5: R=31, G=0, B=0 → 0xF800; R=0, G=63, B=16 → 0x07F0.
    const rgb565 = bmpFile({ width: 2, height: 1, bpp: 16, compression: 3, masks: [0xf800, 0x07e0, 0x001f, 0], rows: [[0x00, 0xf8, 0xf0, 0x07]] });
    expect(values(rgb565).values).toEqual([255, 0, 0, 0, 255, Math.round((16 * 255) / 31)]);
    // 5-5-5: R=0, G=0, B=31 → 0x001F.
    expect(values(bmpFile({ width: 1, height: 1, bpp: 16, rows: [[0x1f, 0x00]] })).values).toEqual([0, 0, 255]);
  });

  it('reads the 12-byte OS/2 core header with its 3-byte palette entries', () => {
    const r = values(bmpFile({ width: 2, height: 1, bpp: 8, headerSize: 12, rows: [[1, 0]], palette: [10, 20, 30, 40, 50, 60] }));
    expect(r).toEqual({ width: 2, height: 1, channels: 3, values: [40, 50, 60, 10, 20, 30] });
  });

  it('refuses compressed and truncated BMPs with a reason', () => {
    const rle = bmpFile({ width: 2, height: 1, bpp: 8, rows: [[0, 0]], palette: [0, 0, 0] });
    rle.writeUInt32LE(1, 30); // BI_RLE8
    expect(() => decodeBmp(rle)).toThrow(/compressed/);
    const whole = bmpFile({ width: 4, height: 4, bpp: 24, rows: Array.from({ length: 4 }, () => new Array<number>(12).fill(9)) });
    expect(() => decodeBmp(whole.subarray(0, whole.length - 10))).toThrow(/shorter than its header says/);
    expect(() => decodeBmp(Buffer.from('BMnot really'))).toThrow();
  });
});

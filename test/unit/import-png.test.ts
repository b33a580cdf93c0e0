// Heatlab's PNG decoder: every colour type and bit depth on files built byte by byte (so the
// expected pixels are the ones written), agreement with sharp on files sharp writes, and the
// reasons it gives for damaged files.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { readFileSync } from 'node:fs';
import { decodePng, readPngHeader } from '../../main/workspace/images/png.js';
import { decodeImage } from '../../main/workspace/images/image-file.js';
import { pattern, pngFile, removeTempDirs, tempDir, writeFile, writeImage } from '../fixtures/import-fixtures.js';

afterEach(removeTempDirs);

const pixels = (png: Buffer) => {
  const r = decodePng(png);
  if (r === null) throw new Error('Expected a decoded image.');
  return { ...r, values: [...r.data] };
};

describe('decodePng', () => {
  it('decodes 8-bit grey rows written with every filter type', () => {
    const rows = [
      [10, 20, 30],
      [200, 100, 0],
      [5, 250, 5],
      [1, 2, 3],
      [255, 255, 254],
    ];
    const png = pngFile({ width: 3, height: 5, depth: 8, colourType: 0, rows, filters: [0, 1, 2, 3, 4] });
    expect(pixels(png)).toMatchObject({ width: 3, height: 5, channels: 1, values: rows.flat() });
  });

  it('scales 1-, 2- and 4-bit grey to 0–255 and reads 16-bit grey big-endian', () => {
    // 2-bit samples 0, 1, 3 packed as 00 01 11 (00): 0x1C.
    expect(pixels(pngFile({ width: 3, height: 1, depth: 2, colourType: 0, rows: [[0x1c]] })).values).toEqual([0, 85, 255]);
    // 1-bit 1 0 1 1 0 0 0 0 0 (9 pixels): 0b10110000, 0b00000000.
    expect(pixels(pngFile({ width: 9, height: 1, depth: 1, colourType: 0, rows: [[0xb0, 0x00]] })).values).toEqual([255, 0, 255, 255, 0, 0, 0, 0, 0]);
    expect(pixels(pngFile({ width: 2, height: 1, depth: 4, colourType: 0, rows: [[0xf1]] })).values).toEqual([255, 17]);
    const sixteen = decodePng(pngFile({ width: 2, height: 1, depth: 16, colourType: 0, rows: [[0x12, 0x34, 0xff, 0xff]] }))!;
    expect(sixteen.data).toBeInstanceOf(Uint16Array);
    expect([...sixteen.data]).toEqual([0x1234, 0xffff]);
  });

  it('keeps RGB, RGBA and grey+alpha samples interleaved as stored', () => {
    const rgb = [
      [1, 2, 3, 4, 5, 6],
      [7, 8, 9, 250, 251, 252],
    ];
    expect(pixels(pngFile({ width: 2, height: 2, depth: 8, colourType: 2, rows: rgb, filters: [1, 4] }))).toMatchObject({ channels: 3, values: rgb.flat() });
    const rgba = [[9, 8, 7, 128, 1, 1, 1, 255]];
    expect(pixels(pngFile({ width: 2, height: 1, depth: 8, colourType: 6, rows: rgba, filters: [3] }))).toMatchObject({ channels: 4, values: rgba.flat() });
    expect(pixels(pngFile({ width: 2, height: 1, depth: 8, colourType: 4, rows: [[50, 0, 60, 255]] }))).toMatchObject({ channels: 2, values: [50, 0, 60, 255] });
  });

  it('expands palette images to RGB, to grey when every entry is grey, and adds alpha from tRNS', () => {
    // 4-bit indices 1, 0, 1 → 0x10, 0x10.
    const colour = pngFile({ width: 3, height: 1, depth: 4, colourType: 3, rows: [[0x10, 0x10]], palette: [255, 0, 0, 0, 0, 255] });
    expect(pixels(colour)).toMatchObject({ channels: 3, values: [0, 0, 255, 255, 0, 0, 0, 0, 255] });
    const grey = pngFile({ width: 2, height: 1, depth: 8, colourType: 3, rows: [[1, 0]], palette: [7, 7, 7, 99, 99, 99] });
    expect(pixels(grey)).toMatchObject({ channels: 1, values: [99, 7] });
    const transparent = pngFile({ width: 2, height: 1, depth: 8, colourType: 3, rows: [[1, 0]], palette: [7, 7, 7, 99, 99, 99], trns: [0] });
    expect(pixels(transparent)).toMatchObject({ channels: 2, values: [99, 255, 7, 0] });
  });

  it('makes the tRNS colour of a grey image transparent', () => {
    const png = pngFile({ width: 3, height: 1, depth: 8, colourType: 0, rows: [[5, 9, 5]], trns: [0, 5] });
    expect(pixels(png)).toMatchObject({ channels: 2, values: [5, 0, 9, 255, 5, 0] });
  });

  it('reads the header without the image data, grey for grey palettes', () => {
    const dir = tempDir();
    const file = writeFile(join(dir, 'p.png'), pngFile({ width: 2, height: 1, depth: 8, colourType: 3, rows: [[1, 0]], palette: [7, 7, 7, 99, 99, 99] }));
    expect(readPngHeader(file)).toEqual({ width: 2, height: 1, channels: 1, bits: 8 });
    const rgb16 = writeFile(join(dir, 'c.png'), pngFile({ width: 1, height: 1, depth: 16, colourType: 2, rows: [[0, 1, 0, 2, 0, 3]] }));
    expect(readPngHeader(rgb16)).toEqual({ width: 1, height: 1, channels: 3, bits: 16 });
  });

  it('agrees with sharp on grey, RGB, RGBA and 16-bit PNGs that sharp writes', async () => {
    const dir = tempDir();
    const cases: [Uint8Array | Uint16Array, 1 | 3 | 4][] = [
      [Uint8Array.from(pattern(13 * 7, 1)), 1],
      [Uint8Array.from(pattern(13 * 7 * 3, 2)), 3],
      [Uint8Array.from(pattern(13 * 7 * 4, 3)), 4],
      [Uint16Array.from(pattern(13 * 7, 4, 65536)), 1],
    ];
    for (const [k, [data, channels]] of cases.entries()) {
      const file = await writeImage(join(dir, `${k}.png`), data, 13, 7, channels, 'png');
      const ours = decodePng(readFileSync(file))!;
      expect(ours.channels).toBe(channels);
      expect([...ours.data]).toEqual([...data]);
    }
  });

  it('leaves interlaced PNGs to sharp, which decodes them to the same pixels', async () => {
    const dir = tempDir();
    const data = Uint8Array.from(pattern(9 * 9, 5));
    const file = join(dir, 'interlaced.png');
    await sharp(data, { raw: { width: 9, height: 9, channels: 1 } }).toColourspace('b-w').png({ progressive: true }).toFile(file);
    expect(decodePng(readFileSync(file))).toBeNull();
    const decoded = await decodeImage(file);
    expect(decoded.channels).toBe(1);
    expect([...decoded.data]).toEqual([...data]);
  });

  it('refuses truncated and garbled PNGs with a reason', () => {
    const good = pngFile({ width: 4, height: 4, depth: 8, colourType: 0, rows: Array.from({ length: 4 }, (_, y) => pattern(4, y)) });
    expect(() => decodePng(good.subarray(0, good.length - 20))).toThrow(/ends in the middle of a chunk|truncated/);
    const badCrc = Buffer.from(good);
    badCrc[good.indexOf('IDAT') + 6]! ^= 0xff;
    expect(() => decodePng(badCrc)).toThrow(/IDAT chunk fails its checksum/);
    expect(() => decodePng(Buffer.from('not a png at all'))).toThrow(/not a PNG file/);
  });
});

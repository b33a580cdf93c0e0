// Decompression bombs: a 2 MB PNG declaring 16383×16383 16-bit RGBA (under the pixel limit, 2 GiB
// of samples) is refused from its header, in one sentence naming the limit, before any image data
// is inflated — so memory stays flat — and a folder import goes on without it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importOptionsSchema } from '../../shared/datasets.js';
import { readBmpHeader } from '../../main/workspace/images/bmp.js';
import { decodeImage, readImageHeader, unreadableReason } from '../../main/workspace/images/image-file.js';
import { DecodeBudget, MAX_DECODED_BYTES } from '../../main/workspace/images/image-limits.js';
import { runImport } from '../../main/data/import/index.js';
import { decodePng, readPngHeader } from '../../main/workspace/images/png.js';
import { pngBomb } from '../fixtures/hostile-files.js';
import { bmpFile, fakeContext, pngFile, removeTempDirs, tempDir, writeFile } from '../fixtures/import-fixtures.js';

afterEach(removeTempDirs);

const refusal = 'it is 16383×16383 with 4 channels of 16 bits, 2 GiB once decoded; Heatlab decodes images up to 512 MiB';
const rss = () => process.memoryUsage().rss;

describe('a PNG decompression bomb', () => {
  const bomb = pngBomb();

  it('is a valid PNG of zeros, a few megabytes long (the same construction decodes at a small size)', () => {
    expect(bomb.length).toBeLessThan(4 << 20);
    const small = decodePng(pngBomb(300, 200))!;
    expect(small).toMatchObject({ width: 300, height: 200, channels: 4 });
    expect(small.data.every((v) => v === 0)).toBe(true);
  });

  it('is refused from its header by the header reader and the decoder, with memory flat', async () => {
    const path = writeFile(join(tempDir(), 'bomb.png'), bomb);
    expect(() => readPngHeader(path)).toThrow(refusal);
    const before = rss();
    expect(() => decodePng(bomb)).toThrow(refusal);
    await expect(decodeImage(path)).rejects.toThrow(refusal);
    // Inflating would have taken 2 GiB at once; the refusal comes before the first byte of IDAT is inflated.
    expect(rss() - before).toBeLessThan(64 << 20);
    const err = await readImageHeader(path).catch((e: unknown) => e);
    expect(unreadableReason(err)).toBe('It is 16383×16383 with 4 channels of 16 bits, 2 GiB once decoded; Heatlab decodes images up to 512 MiB.');
  });

  it('is skipped by a folder import with --resize 32x32, which imports the other images with bounded memory', async () => {
    const src = tempDir();
    const grey = (path: string, v: number) => writeFile(path, pngFile({ width: 4, height: 4, depth: 8, colourType: 0, rows: Array.from({ length: 4 }, () => [v, v, v, v]) }));
    grey(join(src, 'a', 'one.png'), 10);
    grey(join(src, 'b', 'two.png'), 20);
    grey(join(src, 'b', 'three.png'), 30);
    writeFileSync(join(src, 'a', 'bomb.png'), bomb);
    const before = rss();
    const staged = await runImport(importOptionsSchema.parse({ path: src, size: { policy: 'resize', width: 32, height: 32, mode: 'stretch' } }), fakeContext(tempDir('heatlab-ws-')));
    expect(rss() - before).toBeLessThan(256 << 20);
    expect(staged.count).toBe(3);
    expect(staged.report!.skipped).toEqual([{ file: 'a/bomb.png', reason: 'It is 16383×16383 with 4 channels of 16 bits, 2 GiB once decoded; Heatlab decodes images up to 512 MiB.' }]);
  });
});

describe('the decoded-bytes limit', () => {
  it('refuses a BMP whose header declares more than the limit, from the header alone', () => {
    const bmp = bmpFile({ width: 1, height: 1, bpp: 32, rows: [[0, 0, 0, 0]] });
    bmp.writeInt32LE(16000, 18);
    bmp.writeInt32LE(16000, 22);
    const path = writeFile(join(tempDir(), 'big.bmp'), bmp);
    expect(() => readBmpHeader(path)).toThrow('it is 16000×16000 with 4 channels of 8 bits, 977 MiB once decoded; Heatlab decodes images up to 512 MiB');
  });

  it('keeps the images decoding side by side within the budget, a large one alone', async () => {
    const budget = new DecodeBudget(100);
    let inFlight = 0;
    let most = 0;
    const order: number[] = [];
    const work = (bytes: number, k: number) =>
      budget.use(bytes, async () => {
        inFlight += Math.min(bytes, 100);
        most = Math.max(most, inFlight);
        await new Promise((done) => setTimeout(done, 5));
        order.push(k);
        inFlight -= Math.min(bytes, 100);
      });
    await Promise.all([work(40, 0), work(40, 1), work(500, 2), work(30, 3), work(30, 4)]);
    expect(most).toBeLessThanOrEqual(100);
    // First come, first served: the large image is not overtaken by the small ones behind it.
    expect(order.indexOf(2)).toBeLessThan(order.indexOf(3));
    expect(MAX_DECODED_BYTES).toBe(512 * 2 ** 20);
  });
});

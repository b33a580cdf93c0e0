// Importing folders of class sub-folders end to end: runImport on real small files made here,
// each test with its own source folder and workspace; the staged arrays are read back and
// compared with the pixels the test wrote.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importOptionsSchema, splitCodes, type StagedDataset } from '../../shared/datasets.js';
import { HeatlabError } from '../../shared/errors.js';
import { runImport, SOURCES_FILE } from '../../main/data/import/index.js';
import { bmpFile, fakeContext, pattern, pngFile, readArray, removeTempDirs, stagingDir, tempDir, writeFile, writeImage } from '../fixtures/import-fixtures.js';

afterEach(removeTempDirs);

const options = (path: string, extra: Record<string, unknown> = {}) => importOptionsSchema.parse({ path, ...extra });

/** A grey PNG of `width`×`height` whose pixels are pattern(…, seed). */
const greyPng = (path: string, width: number, height: number, seed: number) =>
  writeFile(path, pngFile({ width, height, depth: 8, colourType: 0, rows: Array.from({ length: height }, (_, y) => pattern(width, seed * 31 + y)) }));
const greyValues = (width: number, height: number, seed: number) => Array.from({ length: height }, (_, y) => pattern(width, seed * 31 + y)).flat();

async function importFolder(path: string, extra: Record<string, unknown> = {}) {
  const workspace = tempDir('heatlab-ws-');
  const ctx = fakeContext(workspace);
  const staged = await runImport(options(path, extra), ctx);
  const dir = join(workspace, staged.stagingDir);
  const array = (role: string) => readArray(join(dir, staged.files.find((f) => f.role === role)!.path));
  return { staged, dir, workspace, ctx, images: array('images'), labels: array('labels'), splits: array('splits') };
}

async function failure(path: string, extra: Record<string, unknown> = {}): Promise<{ error: HeatlabError; workspace: string }> {
  const workspace = tempDir('heatlab-ws-');
  const error = await runImport(options(path, extra), fakeContext(workspace)).then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(HeatlabError);
  expect(existsSync(stagingDir(workspace, 7))).toBe(false);
  return { error: error as HeatlabError, workspace };
}

const image = (staged: StagedDataset, data: ArrayLike<number>, k: number) => {
  const n = staged.width * staged.height * staged.channels;
  return [...Array.prototype.slice.call(data, k * n, (k + 1) * n)] as number[];
};

describe('runImport on a folder', () => {
  it('imports grey PNGs in sorted class and file order with labels, splits and source files', async () => {
    const src = tempDir();
    greyPng(join(src, 'dogs', 'b.png'), 3, 2, 1);
    greyPng(join(src, 'dogs', 'a.png'), 3, 2, 2);
    greyPng(join(src, 'cats', 'z.png'), 3, 2, 3);
    greyPng(join(src, 'cats', 'nested', 'y.png'), 3, 2, 4);
    const { staged, dir, images, labels, splits } = await importFolder(src);
    expect(staged).toMatchObject({ name: src.split('/').pop(), source: 'imported', count: 4, width: 3, height: 2, channels: 1, dtype: 'uint8', classNames: ['cats', 'dogs'] });
    expect(images.shape).toEqual([4, 2, 3, 1]);
    expect(images.dtype).toBe('uint8');
    expect([0, 1, 2, 3].map((k) => image(staged, images.data, k))).toEqual([greyValues(3, 2, 4), greyValues(3, 2, 3), greyValues(3, 2, 2), greyValues(3, 2, 1)]);
    expect([...labels.data]).toEqual([0, 0, 1, 1]);
    expect(labels.dtype).toBe('int32');
    expect(splits.dtype).toBe('uint8');
    expect([...splits.data].every((s) => s <= splitCodes.test)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, SOURCES_FILE), 'utf8'))).toEqual(['cats/nested/y.png', 'cats/z.png', 'dogs/a.png', 'dogs/b.png']);
    expect(staged.report).toMatchObject({ source: src, format: 'folder', imported: 4, skipped: [], resized: 0, hidden: 0, masksMatched: null, annotationSetId: null });
    expect(staged.files.map((f) => f.role).sort()).toEqual(['images', 'labels', 'splits']);
    expect(staged.annotation).toBeNull();
  });

  it('reads JPEG, TIFF, WebP and BMP files next to PNGs as RGB', async () => {
    const src = tempDir();
    const rgb = (seed: number) => Uint8Array.from(pattern(4 * 3 * 3, seed));
    await writeImage(join(src, 'a', '1.png'), rgb(1), 4, 3, 3, 'png');
    await writeImage(join(src, 'a', '2.tif'), rgb(2), 4, 3, 3, 'tiff');
    await writeImage(join(src, 'b', '3.webp'), rgb(3), 4, 3, 3, 'webp');
    await writeImage(join(src, 'b', '4.jpg'), new Uint8Array(4 * 3 * 3).fill(120), 4, 3, 3, 'jpeg');
    // BMP rows are stored B, G, R (padded to 4 bytes): the same pixels as rgb(5).
    const bgr = Array.from({ length: 3 }, (_, y) => [...rgb(5).subarray(y * 12, y * 12 + 12)].map((_, i, row) => row[i - (i % 3) + 2 - (i % 3)]!));
    writeFile(join(src, 'b', '5.bmp'), bmpFile({ width: 4, height: 3, bpp: 24, rows: bgr }));
    const { staged, images } = await importFolder(src);
    expect(staged).toMatchObject({ count: 5, channels: 3, classNames: ['a', 'b'] });
    expect(image(staged, images.data, 0)).toEqual([...rgb(1)]);
    expect(image(staged, images.data, 1)).toEqual([...rgb(2)]);
    expect(image(staged, images.data, 2)).toEqual([...rgb(3)]);
    expect(image(staged, images.data, 3).every((v) => Math.abs(v - 120) <= 3)).toBe(true);
    expect(image(staged, images.data, 4)).toEqual([...rgb(5)]);
  });

  it('keeps grey when every image is grey and expands grey images to RGB when one is in colour', async () => {
    const src = tempDir();
    greyPng(join(src, 'a', 'g.png'), 2, 1, 1);
    await writeImage(join(src, 'b', 'c.png'), Uint8Array.from([255, 0, 0, 0, 0, 255]), 2, 1, 3, 'png');
    const { staged, images } = await importFolder(src);
    expect(staged.channels).toBe(3);
    const [g0, g1] = greyValues(2, 1, 1);
    expect(image(staged, images.data, 0)).toEqual([g0, g0, g0, g1, g1, g1]);
    expect(image(staged, images.data, 1)).toEqual([255, 0, 0, 0, 0, 255]);
  });

  it('forces one channel with the BT.601 luma and flattens transparency on black', async () => {
    const src = tempDir();
    await writeImage(join(src, 'a', 'c.png'), Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]), 4, 1, 3, 'png');
    // Grey + alpha: opaque 200, half-transparent 200, invisible 90, opaque 10.
    writeFile(join(src, 'b', 't.png'), pngFile({ width: 4, height: 1, depth: 8, colourType: 4, rows: [[200, 255, 200, 128, 90, 0, 10, 255]] }));
    const { staged, images } = await importFolder(src, { channels: 'grey' });
    expect(staged.channels).toBe(1);
    expect(image(staged, images.data, 0)).toEqual([76, 150, 29, 18]);
    expect(image(staged, images.data, 1)).toEqual([200, 100, 0, 10]);
  });

  it('keeps 16-bit TIFF and PNG samples as uint16', async () => {
    const src = tempDir();
    const deep = Uint16Array.from([0, 1000, 40000, 65535]);
    await writeImage(join(src, 'a', 'd.tif'), deep, 2, 2, 1, 'tiff');
    await writeImage(join(src, 'b', 'd.png'), Uint16Array.from([1, 2, 3, 4]), 2, 2, 1, 'png');
    const { staged, images } = await importFolder(src);
    expect(staged).toMatchObject({ dtype: 'uint16', channels: 1 });
    expect(images.dtype).toBe('uint16');
    expect(image(staged, images.data, 0)).toEqual([0, 1000, 40000, 65535]);
    expect(image(staged, images.data, 1)).toEqual([1, 2, 3, 4]);
  });

  it('scales 8-bit images by 257 when they are imported with 16-bit ones', async () => {
    const src = tempDir();
    await writeImage(join(src, 'a', 'd.tif'), Uint16Array.from([0, 1000, 40000, 65535]), 2, 2, 1, 'tiff');
    writeFile(join(src, 'b', 'e.png'), pngFile({ width: 2, height: 2, depth: 8, colourType: 0, rows: [[0, 1], [128, 255]] }));
    const { staged, images } = await importFolder(src);
    expect(staged.dtype).toBe('uint16');
    expect(image(staged, images.data, 1)).toEqual([0, 257, 128 * 257, 65535]);
  });

  it('refuses mixed sizes under require-equal, naming the odd files and the size most images have', async () => {
    const src = tempDir();
    for (const k of [1, 2, 3]) greyPng(join(src, k === 1 ? 'a' : 'b', `${k}.png`), 4, 4, k);
    greyPng(join(src, 'a', 'odd.png'), 2, 3, 4);
    greyPng(join(src, 'b', 'odd.png'), 5, 5, 5);
    const { error } = await failure(src);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe('2 of 5 images are not 4×4, the size most images have: a/odd.png (2×3), b/odd.png (5×5); choose the resize size policy to bring them to one size.');
  });

  it('pads, crops and stretches odd sizes to the target and counts the images it resized', async () => {
    const src = tempDir();
    writeFile(join(src, 'a', 'big.png'), pngFile({ width: 4, height: 4, depth: 8, colourType: 0, rows: Array.from({ length: 4 }, () => [100, 100, 100, 100]) }));
    const wide = Array.from({ length: 4 }, (_, y) => Array.from({ length: 8 }, (_, x) => 8 * y + x + 1));
    writeFile(join(src, 'b', 'wide.png'), pngFile({ width: 8, height: 4, depth: 8, colourType: 0, rows: wide }));
    // pad 8×8: the 4×4 image is scaled ×2 (constant stays constant), the 8×4 one is centred unscaled.
    const padded = await importFolder(src, { size: { policy: 'resize', width: 8, height: 8, mode: 'pad' } });
    expect(padded.staged.report!.resized).toBe(2);
    expect(image(padded.staged, padded.images.data, 0)).toEqual(new Array(64).fill(100));
    expect(image(padded.staged, padded.images.data, 1)).toEqual([...new Array(16).fill(0), ...wide.flat(), ...new Array(16).fill(0)]);
    // crop 4×4: the 8×4 image keeps its height and loses two columns on each side.
    const cropped = await importFolder(src, { size: { policy: 'resize', width: 4, height: 4, mode: 'crop' } });
    expect(cropped.staged.report!.resized).toBe(1);
    expect(image(cropped.staged, cropped.images.data, 0)).toEqual(new Array(16).fill(100));
    expect(image(cropped.staged, cropped.images.data, 1)).toEqual(wide.flatMap((row) => row.slice(2, 6)));
    const stretched = await importFolder(src, { size: { policy: 'resize', width: 4, height: 4, mode: 'stretch' } });
    expect(stretched.staged.report!.resized).toBe(1);
    expect(stretched.images.shape).toEqual([2, 4, 4, 1]);
    expect(image(stretched.staged, stretched.images.data, 0)).toEqual(new Array(16).fill(100));
  });

  it('matches masks by relative path or base name, fits them with nearest neighbour and reports the rest', async () => {
    const src = tempDir();
    const masks = tempDir();
    greyPng(join(src, 'a', '1.png'), 4, 2, 1);
    greyPng(join(src, 'a', '2.png'), 4, 4, 2);
    writeFile(join(src, 'b', '3.bmp'), bmpFile({ width: 4, height: 4, bpp: 24, rows: Array.from({ length: 4 }, () => new Array<number>(12).fill(50)) }));
    greyPng(join(src, 'b', '4.png'), 4, 4, 4);
    writeFile(join(masks, 'a', '1.png'), pngFile({ width: 4, height: 2, depth: 8, colourType: 0, rows: [[0, 1, 2, 3], [4, 5, 6, 7]] }));
    // Colour marks count by their strongest channel.
    const marks = [[0, 0, 0, 9, 0, 0, 0, 30, 0, 0, 0, 0], ...Array.from({ length: 3 }, () => new Array<number>(12).fill(0))];
    writeFile(join(masks, '3.png'), pngFile({ width: 4, height: 4, depth: 8, colourType: 2, rows: marks }));
    writeFile(join(masks, 'b', '4.png'), pngFile({ width: 2, height: 2, depth: 8, colourType: 0, rows: [[1, 1], [1, 1]] }));
    writeFile(join(masks, 'a', '.2.png'), pngFile({ width: 4, height: 4, depth: 8, colourType: 0, rows: Array.from({ length: 4 }, () => [1, 1, 1, 1]) }));
    const { staged, dir } = await importFolder(src, { masksPath: masks, size: { policy: 'resize', width: 4, height: 4, mode: 'pad' } });
    expect(staged.annotation).toMatchObject({ matched: 2, file: { role: 'masks', path: 'masks.npy', dtype: 'uint8', shape: [4, 4, 4] } });
    expect(staged.report!.masksMatched).toBe(2);
    const maskArray = readArray(join(dir, 'masks.npy'));
    const mask = (k: number) => [...maskArray.data.subarray(k * 16, (k + 1) * 16)];
    expect(mask(0)).toEqual([0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0]);
    expect(mask(1)).toEqual(new Array(16).fill(0));
    expect(mask(2)).toEqual([0, 9, 30, 0, ...new Array(12).fill(0)]);
    expect(mask(3)).toEqual(new Array(16).fill(0));
    expect(staged.report!.skipped).toEqual([{ file: 'b/4.png', reason: 'The mask b/4.png was not used: the mask is 2×2 but its image is 4×4. The image was imported without a mask.' }]);
    expect(staged.count).toBe(4);
  });

  it('refuses a mask folder that does not exist', async () => {
    const src = tempDir();
    greyPng(join(src, 'a', '1.png'), 2, 2, 1);
    greyPng(join(src, 'b', '2.png'), 2, 2, 2);
    const { error } = await failure(src, { masksPath: join(src, 'no-such-masks') });
    expect(error.message).toBe('The mask folder does not exist.');
  });

  it('passes over hidden files and folders at any depth and ignores files it does not read', async () => {
    const src = tempDir();
    greyPng(join(src, 'a', 'ok.png'), 2, 2, 1);
    greyPng(join(src, 'b', 'deep', 'ok.png'), 2, 2, 2);
    greyPng(join(src, 'a', '.hidden.png'), 2, 2, 3);
    greyPng(join(src, 'a', '.thumbs', 'x.png'), 2, 2, 4);
    greyPng(join(src, 'b', 'deep', '.DS_Store'), 2, 2, 5);
    greyPng(join(src, '.git', 'y.png'), 2, 2, 6);
    greyPng(join(src, '__MACOSX', 'a', 'ok.png'), 2, 2, 7);
    writeFile(join(src, 'a', 'notes.txt'), 'not an image');
    writeFile(join(src, 'loose.png'), 'at the top, in no class');
    const { staged } = await importFolder(src);
    expect(staged.count).toBe(2);
    expect(staged.classNames).toEqual(['a', 'b']);
    expect(staged.report!.hidden).toBe(5);
  });

  it('skips a truncated and a garbled file, lists each with a reason and imports the rest', async () => {
    const src = tempDir();
    greyPng(join(src, 'a', '1.png'), 2, 2, 1);
    greyPng(join(src, 'b', '2.png'), 2, 2, 2);
    const good = pngFile({ width: 2, height: 2, depth: 8, colourType: 0, rows: [[1, 2], [3, 4]] });
    writeFile(join(src, 'a', 'truncated.png'), good.subarray(0, good.length - 16));
    const garbled = Buffer.from(good);
    garbled.fill(0x5a, good.indexOf('IDAT') + 4, good.indexOf('IDAT') + 10);
    writeFile(join(src, 'b', 'garbled.png'), garbled);
    writeFile(join(src, 'b', 'text.jpg'), 'this is not a JPEG');
    const { staged, images } = await importFolder(src);
    expect(staged.count).toBe(2);
    expect(image(staged, images.data, 0)).toEqual(greyValues(2, 2, 1));
    const skipped = staged.report!.skipped;
    expect(skipped.map((s) => s.file).sort()).toEqual(['a/truncated.png', 'b/garbled.png', 'b/text.jpg']);
    for (const s of skipped) expect(s.reason).toMatch(/^[A-Z].*\.$/);
  });

  it('writes byte-identical files for the same options, and another split for another seed', async () => {
    const src = tempDir();
    for (let k = 0; k < 40; k++) greyPng(join(src, k % 3 === 0 ? 'x' : 'y', `${k}.png`), 4, 4, k);
    const first = await importFolder(src, { seed: 3 });
    const second = await importFolder(src, { seed: 3 });
    expect(second.staged.files).toEqual(first.staged.files);
    expect(readFileSync(join(second.dir, SOURCES_FILE))).toEqual(readFileSync(join(first.dir, SOURCES_FILE)));
    const other = await importFolder(src, { seed: 4 });
    const sha = (s: StagedDataset, role: string) => s.files.find((f) => f.role === role)!.sha256;
    expect(sha(other.staged, 'images')).toBe(sha(first.staged, 'images'));
    expect(sha(other.staged, 'splits')).not.toBe(sha(first.staged, 'splits'));
  });

  it('splits every class by the requested fractions', async () => {
    const src = tempDir();
    for (let k = 0; k < 30; k++) greyPng(join(src, k < 20 ? 'a' : 'b', `${k}.png`), 2, 2, k);
    const { staged } = await importFolder(src, { split: { train: 0.5, validation: 0.2, test: 0.3 } });
    expect(staged.classCountsBySplit).toEqual({ train: [10, 5], validation: [4, 2], test: [6, 3] });
  });

  it('reports progress up to the number of images', async () => {
    const src = tempDir();
    for (let k = 0; k < 6; k++) greyPng(join(src, k % 2 ? 'a' : 'b', `${k}.png`), 2, 2, k);
    const { ctx } = await importFolder(src);
    const last = ctx.progressCalls.at(-1)!;
    expect([last.done, last.total]).toEqual([6, 6]);
  });
});

describe('runImport refusals on a folder', () => {
  it('refuses an empty folder in one sentence and leaves nothing behind', async () => {
    const { error } = await failure(tempDir());
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe('The folder is empty.');
  });

  it('refuses a folder with a single class', async () => {
    const src = tempDir();
    greyPng(join(src, 'cats', 'a.png'), 2, 2, 1);
    const { error } = await failure(src);
    expect(error.message).toBe('The folder has only one class sub-folder (cats); an import needs at least two classes.');
  });

  it('refuses a folder without a single readable image', async () => {
    const src = tempDir();
    writeFile(join(src, 'a', 'x.png'), 'garbage');
    writeFile(join(src, 'b', 'y.png'), 'more garbage');
    const { error } = await failure(src);
    expect(error.message).toBe('No readable images were found.');
  });

  it('refuses when the images that decode all belong to one class, after writing had begun', async () => {
    const src = tempDir();
    greyPng(join(src, 'a', 'x.png'), 2, 2, 1);
    const good = pngFile({ width: 2, height: 2, depth: 8, colourType: 0, rows: [[1, 2], [3, 4]] });
    // The header is fine, so the file passes the first look and fails only when decoded.
    writeFile(join(src, 'b', 'y.png'), good.subarray(0, good.length - 16));
    const { error } = await failure(src);
    expect(error.message).toBe('Only one class (a) has readable images; an import needs at least two classes.');
  });

  it('leaves no staging folder when cancelled in the middle of writing', async () => {
    const src = tempDir();
    const png = pngFile({ width: 4, height: 4, depth: 8, colourType: 0, rows: Array.from({ length: 4 }, (_, y) => pattern(4, y)) });
    for (let k = 0; k < 1100; k++) writeFile(join(src, k % 2 ? 'a' : 'b', `${String(k).padStart(4, '0')}.png`), png);
    const workspace = tempDir('heatlab-ws-');
    // Three checkpoints while reading headers (512 files each), then the first one after a written batch.
    const ctx = fakeContext(workspace, { cancelAfter: 3 });
    const error = await runImport(options(src), ctx).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(HeatlabError);
    expect((error as HeatlabError).code).toBe('cancelled');
    expect(ctx.stagingSeenAtCancel).toBe(true);
    expect(existsSync(stagingDir(workspace, 7))).toBe(false);
  });
});

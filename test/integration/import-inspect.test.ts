// The quick look before an import: plans of folders and array files built here, and the
// problems that stop an import, each one sentence, never a thrown error.
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { inspectImport } from '../../main/data/import/index.js';
import { encodeNpy } from '../../main/workspace/npy.js';
import { idxFile, pngFile, removeTempDirs, tempDir, writeFile, writeImage } from '../fixtures/import-fixtures.js';

afterEach(removeTempDirs);

const grey = (width: number, height: number) => pngFile({ width, height, depth: 8, colourType: 0, rows: Array.from({ length: height }, () => new Array<number>(width).fill(9)) });

describe('inspectImport', () => {
  it('describes a folder: classes and counts, sizes, channels, bit depths, hidden and ignored files', async () => {
    const src = tempDir();
    writeFile(join(src, 'cats', 'a.png'), grey(4, 4));
    writeFile(join(src, 'cats', 'b.png'), grey(4, 4));
    writeFile(join(src, 'cats', 'deep', 'c.png'), grey(8, 6));
    await writeImage(join(src, 'dogs', 'd.tif'), Uint16Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), 2, 2, 3, 'tiff');
    writeFile(join(src, 'dogs', '.e.png'), grey(4, 4));
    writeFile(join(src, 'dogs', 'notes.txt'), 'ignored');
    writeFile(join(src, 'dogs', 'broken.png'), 'not a png');
    const plan = await inspectImport(src);
    expect(plan).toEqual({
      path: src,
      format: 'folder',
      classes: [
        { name: 'cats', count: 3 },
        { name: 'dogs', count: 1 },
      ],
      sizes: [
        { width: 4, height: 4, count: 2 },
        { width: 2, height: 2, count: 1 },
        { width: 8, height: 6, count: 1 },
      ],
      channels: [1, 3],
      bitDepths: [8, 16],
      total: 4,
      hidden: 1,
      ignored: 1,
      passedOver: [],
      skipped: [{ path: 'dogs/broken.png', reason: 'Its contents are not in an image format Heatlab reads.' }],
      result: {
        dtype: 'uint16',
        channels: 3,
        reason:
          'uint16, because 1 of 4 images is 16-bit: one 16-bit image makes the whole dataset 16-bit (8-bit values are scaled by 257); RGB, because 1 of 4 images is in colour: one colour image makes the whole dataset RGB (grey values repeated in three channels) unless you convert to grey.',
        mixed: true,
      },
      problems: [],
    });
  });

  it('lists a text file named .png among the files the import will skip, with why, and does not count it', async () => {
    const src = tempDir();
    writeFile(join(src, 'cats', 'a.png'), grey(4, 4));
    writeFile(join(src, 'dogs', 'b.png'), grey(4, 4));
    writeFile(join(src, 'dogs', 'readme.png'), 'These are dogs.\n');
    const plan = await inspectImport(src);
    expect(plan.total).toBe(2);
    expect(plan.classes).toEqual([
      { name: 'cats', count: 1 },
      { name: 'dogs', count: 1 },
    ]);
    expect(plan.skipped).toEqual([{ path: 'dogs/readme.png', reason: 'Its contents are not in an image format Heatlab reads.' }]);
    expect(plan.result).toEqual({ dtype: 'uint8', channels: 1, reason: 'uint8, as every image is 8-bit; grey, as every image is grey.', mixed: false });
  });

  it('states that mixed bit depths make the whole dataset 16-bit', async () => {
    const src = tempDir();
    writeFile(join(src, 'a', 'x.png'), grey(2, 2));
    writeFile(join(src, 'a', 'y.png'), grey(2, 2));
    await writeImage(join(src, 'b', 'z.png'), Uint16Array.from([0, 100, 200, 255]), 2, 2, 1, 'png');
    const plan = await inspectImport(src);
    expect(plan.result?.dtype).toBe('uint16');
    expect(plan.result?.channels).toBe(1);
    expect(plan.result?.reason).toMatch(/^uint16, because 1 of 3 images is 16-bit: one 16-bit image makes the whole dataset 16-bit/);
  });

  it('resolves a relative path to an absolute one', async () => {
    const src = tempDir();
    const plan = await inspectImport(relative(process.cwd(), src));
    expect(plan.path).toBe(src);
  });

  it.each([
    ['a path that does not exist', (dir: string) => join(dir, 'missing'), 'The path does not exist.'],
    ['an empty folder', (dir: string) => dir, 'The folder is empty.'],
    [
      'a folder with one class',
      (dir: string) => (writeFile(join(dir, 'cats', 'a.png'), grey(2, 2)), dir),
      'The folder has only one class sub-folder (cats); an import needs at least two classes.',
    ],
    [
      'a folder of loose images',
      (dir: string) => (writeFile(join(dir, 'a.png'), grey(2, 2)), dir),
      'The folder has no class sub-folders with images; an import needs one sub-folder of images per class.',
    ],
    [
      'a folder without readable images',
      (dir: string) => (writeFile(join(dir, 'a', 'x.png'), 'x'), writeFile(join(dir, 'b', 'y.jpg'), 'y'), dir),
      'No readable images were found.',
    ],
    [
      'a single image file',
      (dir: string) => writeFile(join(dir, 'photo.png'), grey(2, 2)),
      'photo.png is not something Heatlab imports; pick a folder with one sub-folder per class, an IDX file (MNIST format, also .gz), or a .npy or .npz file of images.',
    ],
  ])('names the problem with %s in one sentence', async (_, make, problem) => {
    const plan = await inspectImport(make(tempDir()));
    expect(plan.problems).toEqual([problem]);
  });

  it('describes an IDX pair with classes named by label', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'train-images-idx3-ubyte'), idxFile([5, 3, 2], new Uint8Array(30)));
    writeFile(join(dir, 'train-labels-idx1-ubyte'), idxFile([5], Uint8Array.from([0, 1, 1, 3, 3])));
    const plan = await inspectImport(join(dir, 'train-images-idx3-ubyte'));
    expect(plan).toMatchObject({
      format: 'idx',
      classes: [
        { name: '0', count: 1 },
        { name: '1', count: 2 },
        { name: '2', count: 0 },
        { name: '3', count: 2 },
      ],
      sizes: [{ width: 2, height: 3, count: 5 }],
      channels: [1],
      bitDepths: [8],
      total: 5,
      problems: [],
    });
  });

  it('names the arrays an .npz holds when none pair up as images and labels', async () => {
    const file = writeFile(join(tempDir(), 'odd.npz'), zipSync({ 'weights.npy': encodeNpy(new Float32Array(2), [2]), 'x.npy': encodeNpy(new Uint8Array(8), [2, 2, 2]) }));
    const plan = await inspectImport(file);
    expect(plan.format).toBe('npz');
    expect(plan.problems).toEqual(['The archive odd.npz holds no pair of images and labels named like x/y, images/labels or x_train/y_train; it holds weights, x.']);
  });

  it('reports an IDX file that is damaged instead of throwing', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'train-images-idx3-ubyte'), Buffer.from([0, 0, 8, 3, 0, 0]));
    writeFile(join(dir, 'train-labels-idx1-ubyte'), idxFile([1], Uint8Array.from([0])));
    const plan = await inspectImport(join(dir, 'train-images-idx3-ubyte'));
    expect(plan.problems).toEqual(['The file train-images-idx3-ubyte has a truncated IDX header.']);
  });
});

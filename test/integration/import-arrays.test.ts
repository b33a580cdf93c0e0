// Importing arrays end to end: MNIST-style IDX pairs (plain and gzipped), .npy images with a
// sibling labels file, and .npz archives, each made here; the staged arrays are read back.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { importOptionsSchema, splitCodes } from '../../shared/datasets.js';
import { HeatlabError } from '../../shared/errors.js';
import { runImport, SOURCES_FILE } from '../../main/data/import/index.js';
import { encodeNpy } from '../../main/workspace/npy.js';
import { fakeContext, idxFile, npyBytes, pattern, readArray, removeTempDirs, stagingDir, tempDir, writeFile } from '../fixtures/import-fixtures.js';

afterEach(removeTempDirs);

async function importPath(path: string, extra: Record<string, unknown> = {}) {
  const workspace = tempDir('heatlab-ws-');
  const staged = await runImport(importOptionsSchema.parse({ path, ...extra }), fakeContext(workspace));
  const dir = join(workspace, staged.stagingDir);
  const array = (role: string) => readArray(join(dir, staged.files.find((f) => f.role === role)!.path));
  return { staged, dir, images: array('images'), labels: array('labels'), splits: array('splits') };
}

async function refusal(path: string, extra: Record<string, unknown> = {}): Promise<string> {
  const workspace = tempDir('heatlab-ws-');
  const error = await runImport(importOptionsSchema.parse({ path, ...extra }), fakeContext(workspace)).catch((err: unknown) => err);
  expect(error).toBeInstanceOf(HeatlabError);
  expect((error as HeatlabError).code).toBe('invalid_request');
  expect(existsSync(stagingDir(workspace, 7))).toBe(false);
  return (error as HeatlabError).message;
}

const trainImages = Uint8Array.from(pattern(20 * 4 * 4, 1));
const trainLabels = Uint8Array.from({ length: 20 }, (_, k) => k % 3);
const testImages = Uint8Array.from(pattern(6 * 4 * 4, 2));
const testLabels = Uint8Array.from([2, 2, 1, 0, 2, 1]);

function writeMnist(dir: string, gz: boolean): string {
  const pack = (b: Buffer) => (gz ? gzipSync(b) : b);
  const ext = gz ? '.gz' : '';
  writeFile(join(dir, `train-labels-idx1-ubyte${ext}`), pack(idxFile([20], trainLabels)));
  writeFile(join(dir, `t10k-images-idx3-ubyte${ext}`), pack(idxFile([6, 4, 4], testImages)));
  writeFile(join(dir, `t10k-labels-idx1-ubyte${ext}`), pack(idxFile([6], testLabels)));
  return writeFile(join(dir, `train-images-idx3-ubyte${ext}`), pack(idxFile([20, 4, 4], trainImages)));
}

describe('runImport on arrays', () => {
  it('imports an IDX pair with its t10k sibling as test and carves validation from train', async () => {
    const { staged, dir, images, labels, splits } = await importPath(writeMnist(tempDir(), false), { split: { train: 0.6, validation: 0.2, test: 0.2 } });
    expect(staged).toMatchObject({ name: 'train-images-idx3-ubyte', count: 26, width: 4, height: 4, channels: 1, dtype: 'uint8', classNames: ['0', '1', '2'] });
    expect(images.shape).toEqual([26, 4, 4, 1]);
    expect([...images.data]).toEqual([...trainImages, ...testImages]);
    expect([...labels.data]).toEqual([...trainLabels, ...testLabels]);
    expect([...splits.data.subarray(20)]).toEqual(new Array(6).fill(splitCodes.test));
    // Train per class 7, 7, 6 → validation round(·0.25) = 2 each.
    expect(staged.classCountsBySplit).toEqual({ train: [5, 5, 4], validation: [2, 2, 2], test: [1, 2, 3] });
    expect(staged.report).toMatchObject({ format: 'idx', imported: 26, skipped: [], hidden: 0, masksMatched: null });
    expect(JSON.parse(readFileSync(join(dir, SOURCES_FILE), 'utf8'))).toBeNull();
  });

  it('reads gzipped IDX files to the same bytes, whichever file of the family is picked', async () => {
    const plain = await importPath(writeMnist(tempDir(), false));
    const gzDir = tempDir();
    writeMnist(gzDir, true);
    const gz = await importPath(join(gzDir, 't10k-labels-idx1-ubyte.gz'));
    expect(gz.staged.files).toEqual(plain.staged.files);
  });

  it('imports a .npy of images with a sibling labels file of int64 and splits it by the seed', async () => {
    const dir = tempDir();
    const images = Uint8Array.from(pattern(12 * 3 * 5, 3));
    const labels = BigInt64Array.from({ length: 12 }, (_, k) => BigInt(k % 2 === 0 ? 0 : 2));
    writeFile(join(dir, 'images.npy'), encodeNpy(images, [12, 3, 5]));
    writeFile(join(dir, 'labels.npy'), npyBytes('<i8', [12], new Uint8Array(labels.buffer)));
    const { staged, images: out, labels: outLabels } = await importPath(join(dir, 'images.npy'), { split: { train: 0.5, validation: 0, test: 0.5 } });
    expect(staged).toMatchObject({ name: 'images', count: 12, width: 5, height: 3, channels: 1, classNames: ['0', '1', '2'] });
    expect([...out.data]).toEqual([...images]);
    expect([...outLabels.data]).toEqual(Array.from({ length: 12 }, (_, k) => (k % 2 === 0 ? 0 : 2)));
    expect(staged.classCountsBySplit).toEqual({ train: [3, 0, 3], validation: [0, 0, 0], test: [3, 0, 3] });
  });

  it('imports an .npz with x_train, y_train, x_test, y_test keeping its split, and forces RGB to grey', async () => {
    const rgb = Uint8Array.from({ length: 4 * 2 * 2 * 3 }, (_, k) => [255, 0, 0][k % 3]!);
    const archive = zipSync({
      'x_train.npy': encodeNpy(rgb, [4, 2, 2, 3]),
      'y_train.npy': encodeNpy(Int32Array.from([0, 1, 0, 1]), [4]),
      'x_test.npy': encodeNpy(rgb.subarray(0, 24), [2, 2, 2, 3]),
      'y_test.npy': encodeNpy(Int32Array.from([1, 0]), [2]),
    });
    const file = writeFile(join(tempDir(), 'data.npz'), archive);
    const colour = await importPath(file, { split: { train: 1, validation: 0, test: 0 } });
    expect(colour.staged).toMatchObject({ name: 'data', count: 6, channels: 3, classNames: ['0', '1'] });
    expect(colour.staged.classCountsBySplit).toEqual({ train: [2, 2], validation: [0, 0], test: [1, 1] });
    expect(colour.staged.report!.format).toBe('npz');
    const grey = await importPath(file, { channels: 'grey' });
    expect(grey.images.shape).toEqual([6, 2, 2, 1]);
    expect([...grey.images.data]).toEqual(new Array(24).fill(76));
  });

  it('reads float images in [0, 1] as round(255·v) and keeps uint16 images as uint16', async () => {
    const floats = Float32Array.from([0, 0.5, 1, 0.2, 0.25, 0.75, 0.4, 0.8]);
    const file = writeFile(join(tempDir(), 'f.npz'), zipSync({ 'x.npy': encodeNpy(floats, [2, 2, 2]), 'y.npy': encodeNpy(Int32Array.from([0, 1]), [2]) }));
    const float = await importPath(file);
    expect(float.staged.dtype).toBe('uint8');
    expect([...float.images.data]).toEqual([0, 128, 255, 51, 64, 191, 102, 204]);
    const dir = tempDir();
    writeFile(join(dir, 'x.npy'), encodeNpy(Uint16Array.from([0, 300, 65535, 7]), [2, 1, 2, 1]));
    writeFile(join(dir, 'y.npy'), encodeNpy(Int32Array.from([1, 0]), [2]));
    const deep = await importPath(join(dir, 'x.npy'));
    expect(deep.staged.dtype).toBe('uint16');
    expect([...deep.images.data]).toEqual([0, 300, 65535, 7]);
  });

  it('resizes array images under the resize policy and counts them', async () => {
    const { staged, images } = await importPath(writeMnist(tempDir(), false), { size: { policy: 'resize', width: 8, height: 8, mode: 'stretch' } });
    expect(images.shape).toEqual([26, 8, 8, 1]);
    expect(staged.report!.resized).toBe(26);
  });
});

describe('runImport refusals on arrays', () => {
  it('refuses float images outside [0, 1] in one sentence and leaves nothing behind', async () => {
    const file = writeFile(join(tempDir(), 'f.npz'), zipSync({ 'x.npy': encodeNpy(Float32Array.from([0, 2, 0, 0]), [2, 1, 2]), 'y.npy': encodeNpy(Int32Array.from([0, 1]), [2]) }));
    expect(await refusal(file)).toBe('The array f.npz: x holds the value 2 in image 0; float images must have values in [0, 1].');
  });

  it('refuses images without a labels file beside them', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'images.npy'), encodeNpy(new Uint8Array(8), [2, 2, 2]));
    expect(await refusal(join(dir, 'images.npy'))).toBe(
      'No labels file was found beside images.npy; Heatlab pairs files named x/y, images/labels or targets (e.g. x_train.npy with y_train.npy).',
    );
  });

  it('refuses labels that do not match the images in number', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'x.npy'), encodeNpy(new Uint8Array(8), [2, 2, 2]));
    writeFile(join(dir, 'y.npy'), encodeNpy(Int32Array.from([0, 1, 1]), [3]));
    expect(await refusal(join(dir, 'x.npy'))).toBe('The array y.npy holds 3 labels for 2 images.');
  });

  it('refuses a single class and masks with an array source', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'x.npy'), encodeNpy(new Uint8Array(8), [2, 2, 2]));
    writeFile(join(dir, 'y.npy'), encodeNpy(Int32Array.from([1, 1]), [2]));
    expect(await refusal(join(dir, 'x.npy'))).toBe('Every image has the label 1; an import needs at least two classes.');
    expect(await refusal(join(dir, 'x.npy'), { masksPath: dir })).toBe('Masks can only be imported with a folder of images, not with IDX or array files.');
  });

  it('refuses images of an unreadable shape or type', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'x.npy'), encodeNpy(new Uint8Array(16), [2, 2, 2, 2]));
    writeFile(join(dir, 'y.npy'), encodeNpy(Int32Array.from([0, 1]), [2]));
    expect(await refusal(join(dir, 'x.npy'))).toBe('The array x.npy has shape (2, 2, 2, 2); Heatlab reads images of shape (N, H, W) or (N, H, W, C) with C = 1 or 3, channels last, or flat rows (N, H·W).');
    writeFile(join(dir, 'images.npy'), encodeNpy(new Int32Array(8), [2, 2, 2]));
    writeFile(join(dir, 'labels.npy'), encodeNpy(Int32Array.from([0, 1]), [2]));
    expect(await refusal(join(dir, 'images.npy'))).toBe('The array images.npy holds int32 values; Heatlab reads images stored as uint8, uint16, or float with values in [0, 1].');
  });
});

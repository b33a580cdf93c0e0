// The pieces of array imports and of the import's output: array names, the zip reader, IDX
// headers, the growing .npy writer and the stratified splits.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { splitCodes } from '../../shared/datasets.js';
import { classifyArrayName } from '../../main/data/import/array-names.js';
import { readPrefix } from '../../main/data/import/byte-stream.js';
import { GrowingNpyWriter } from '../../main/data/import/growing-npy.js';
import { parseIdxHeader } from '../../main/data/import/idx.js';
import { fileSystemProblem } from '../../main/data/import/source-problem.js';
import { carveValidation, stratifiedSplits } from '../../main/data/import/splits.js';
import { openZipEntry, readZipEntries } from '../../main/data/import/zip.js';
import { encodeNpy } from '../../main/workspace/npy.js';
import { idxFile, pattern, removeTempDirs, tempDir, writeFile } from '../fixtures/import-fixtures.js';

afterEach(removeTempDirs);

describe('array names', () => {
  it.each([
    ['x_train', 'images', 'train', ''],
    ['y_test.npy', 'labels', 'test', ''],
    ['images', 'images', 'all', ''],
    ['labels', 'labels', 'all', ''],
    ['X', 'images', 'all', ''],
    ['train-images-idx3-ubyte.gz', 'images', 'train', ''],
    ['t10k-labels-idx1-ubyte', 'labels', 'test', ''],
    ['train-images.idx3-ubyte', 'images', 'train', ''],
    ['mnist_val_targets', 'labels', 'validation', 'mnist'],
    ['xtrain', 'images', 'train', ''],
    ['emnist-balanced-test-images-idx3-ubyte', 'images', 'test', 'emnist-balanced'],
  ])('reads %s as %s of part %s', (name, role, part, stem) => {
    expect(classifyArrayName(name)).toEqual({ role, part, stem });
  });

  it('recognises no role in names without an images or labels word', () => {
    expect(classifyArrayName('weights')).toBeNull();
    expect(classifyArrayName('constructor')).toBeNull();
  });
});

describe('zip entries', () => {
  it('streams stored and deflated entries, also behind a local extra field', async () => {
    const a = Uint8Array.from(pattern(5000, 1));
    const b = new TextEncoder().encode('labels '.repeat(100));
    const archive = zipSync({
      'a.npy': [a, { level: 0 }],
      'dir/b.npy': [b, { level: 6, extra: { 1: new Uint8Array(16) } }],
    });
    const file = writeFile(join(tempDir(), 'x.npz'), archive);
    const entries = readZipEntries(file);
    expect(entries.map((e) => [e.name, e.method, e.size])).toEqual([
      ['a.npy', 0, 5000],
      ['dir/b.npy', 8, b.length],
    ]);
    expect(new Uint8Array(await readPrefix(openZipEntry(file, entries[0]!), Number.MAX_SAFE_INTEGER))).toEqual(a);
    expect(new Uint8Array(await readPrefix(openZipEntry(file, entries[1]!), Number.MAX_SAFE_INTEGER))).toEqual(b);
  });

  it('refuses a file that is not a zip archive', () => {
    const file = writeFile(join(tempDir(), 'x.npz'), 'definitely not a zip');
    expect(() => readZipEntries(file)).toThrow(/not a zip archive/);
  });
});

describe('IDX headers', () => {
  it('reads the type, dimensions and data offset of an MNIST images file', () => {
    const header = parseIdxHeader(idxFile([2, 28, 28], new Uint8Array(0)), 'f');
    expect(header).toEqual({ shape: [2, 28, 28], type: 'u1', littleEndian: false, dataOffset: 16 });
  });

  it('refuses a wrong magic number and an unknown type code', () => {
    expect(() => parseIdxHeader(Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 1]), 'f')).toThrow(/magic number/);
    expect(() => parseIdxHeader(Uint8Array.from([0, 0, 7, 1, 0, 0, 0, 1]), 'f')).toThrow(/type code 0x7/);
  });
});

describe('GrowingNpyWriter', () => {
  it('writes the same bytes as the whole-array encoder once it knows the row count', () => {
    const dir = tempDir();
    const data = Uint16Array.from(pattern(3 * 4 * 5 * 2, 3, 65536));
    const writer = new GrowingNpyWriter(join(dir, 'a.npy'), 'uint16', [4, 5, 2]);
    writer.append(data.subarray(0, 40));
    writer.append(data.subarray(40));
    const written = writer.finish();
    const expected = encodeNpy(data, [3, 4, 5, 2]);
    expect(new Uint8Array(readFileSync(join(dir, 'a.npy')))).toEqual(expected);
    expect(written.shape).toEqual([3, 4, 5, 2]);
    expect(written.bytes).toBe(expected.length);
  });

  it('refuses a partial row', () => {
    const writer = new GrowingNpyWriter(join(tempDir(), 'a.npy'), 'uint8', [2, 2]);
    expect(() => writer.append(new Uint8Array(3))).toThrow(/whole number of rows/);
    writer.abort();
  });
});

describe('splits', () => {
  const labels = Int32Array.from({ length: 100 }, (_, k) => (k < 60 ? 0 : 1));
  const split = { train: 0.7, validation: 0.1, test: 0.2 };
  const count = (splits: Uint8Array, label: number, code: number) => labels.filter((l, k) => l === label && splits[k] === code).length;

  it('cuts every class by the fractions and is the same for the same seed', () => {
    const splits = stratifiedSplits(labels, 2, split, 5);
    expect([0, 1, 2].map((code) => count(splits, 0, code))).toEqual([42, 6, 12]);
    expect([0, 1, 2].map((code) => count(splits, 1, code))).toEqual([28, 4, 8]);
    expect(stratifiedSplits(labels, 2, split, 5)).toEqual(splits);
    expect(stratifiedSplits(labels, 2, split, 6)).not.toEqual(splits);
  });

  it('carves validation from train by validation / (train + validation), leaving test alone', () => {
    const own = Uint8Array.from({ length: 100 }, (_, k) => (k % 5 === 0 ? splitCodes.test : splitCodes.train));
    const carved = carveValidation(labels, own, 2, { train: 0.6, validation: 0.2, test: 0.2 }, 1);
    // Class 0: 48 train rows → round(48 · 0.25) = 12; class 1: 32 → 8.
    expect(count(carved, 0, splitCodes.validation)).toBe(12);
    expect(count(carved, 1, splitCodes.validation)).toBe(8);
    expect(carved.filter((s, k) => s === splitCodes.test && own[k] !== splitCodes.test).length).toBe(0);
    expect(carved.filter((s) => s === splitCodes.test).length).toBe(20);
  });
});

describe('file-system problems', () => {
  it('names the path and the reason of a file-system error, and leaves other errors alone', () => {
    const missing = join(tempDir(), 'gone');
    let thrown: unknown;
    try {
      readdirSync(missing);
    } catch (err) {
      thrown = err;
    }
    expect(fileSystemProblem(thrown)?.message).toBe(`Heatlab cannot read ${missing}: it is gone.`);
    expect(fileSystemProblem(new Error('a bug'))).toBeNull();
  });
});

// Reading user-given files: only regular files, each kind within its cap, refused in one sentence
// before a byte is read — /dev/zero, a FIFO, a folder, a link to a device, a sparse file past the cap.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkRegularFile, FileRefused, fileKinds, formatSize, readRegularFile, regularFileStream } from '../../main/workspace/read-regular-file.js';
import { fifo, link, sparseFile } from '../fixtures/hostile-files.js';
import { removeTempDirs, tempDir } from '../fixtures/import-fixtures.js';

afterEach(removeTempDirs);

const refusal = (read: () => unknown): FileRefused => {
  try {
    read();
  } catch (err) {
    expect(err).toBeInstanceOf(FileRefused);
    return err as FileRefused;
  }
  throw new Error('the file was read');
};

describe('readRegularFile', () => {
  it('refuses /dev/zero as a device in one sentence', () => {
    expect(refusal(() => readRegularFile('/dev/zero', fileKinds.onnx)).message).toBe('/dev/zero is a character device, not a regular file; Heatlab reads only regular files.');
  });

  it('refuses a FIFO without waiting for a writer', () => {
    const path = fifo(join(tempDir(), 'pipe.onnx'));
    expect(refusal(() => readRegularFile(path, fileKinds.labels)).message).toBe(`${path} is a named pipe (FIFO), not a regular file; Heatlab reads only regular files.`);
  });

  it('refuses a folder', () => {
    const dir = tempDir();
    expect(refusal(() => readRegularFile(dir, fileKinds.image)).message).toBe(`${dir} is a folder, not a regular file; Heatlab reads only regular files.`);
  });

  it('follows a symbolic link only to a regular file', () => {
    const dir = tempDir();
    const zero = link('/dev/zero', join(dir, 'zero.onnx'));
    expect(refusal(() => readRegularFile(zero, fileKinds.onnx)).message).toBe(`${zero} is a character device, not a regular file; Heatlab reads only regular files.`);
    writeFileSync(join(dir, 'names.txt'), 'cat\ndog\n');
    expect(readRegularFile(link(join(dir, 'names.txt'), join(dir, 'labels.txt')), fileKinds.labels).toString()).toBe('cat\ndog\n');
  });

  it('refuses a file over its kind cap by its size, saying which limit was hit', () => {
    const dir = tempDir();
    const labels = sparseFile(join(dir, 'labels.txt'), Math.floor(3.1 * 2 ** 30));
    const e = refusal(() => readRegularFile(labels, fileKinds.labels));
    expect(e.message).toBe(`${labels} is 3.1 GiB; Heatlab reads labels files up to 1 MiB.`);
    expect(e.reason).toBe('it is 3.1 GiB; Heatlab reads labels files up to 1 MiB');
    expect(e.details).toMatchObject({ bytes: Math.floor(3.1 * 2 ** 30), limit: 2 ** 20 });
    const model = sparseFile(join(dir, 'big.onnx'), 2 ** 31);
    expect(refusal(() => checkRegularFile(model, fileKinds.onnx)).message).toBe(`${model} is 2147483648 bytes; Heatlab reads ONNX files up to 2 GiB.`);
    expect(refusal(() => regularFileStream(sparseFile(join(dir, 'x.npy'), 65 * 2 ** 30), fileKinds.array)).message).toMatch(/x\.npy is 65 GiB; Heatlab reads array files up to 64 GiB\.$/);
  });

  it('reads a regular file within the cap whole, and a missing one fails with its file-system code', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'a.txt'), 'x'.repeat(1000));
    expect(readRegularFile(join(dir, 'sub', 'a.txt'), fileKinds.labels).length).toBe(1000);
    expect(() => readRegularFile(join(dir, 'missing.txt'), fileKinds.labels)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});

describe('formatSize', () => {
  it('says sizes in binary units with at most one decimal', () => {
    expect([formatSize(900), formatSize(1536), formatSize(2 ** 20), formatSize(3.14 * 2 ** 30), formatSize(2 ** 31 - 1)]).toEqual(['900 bytes', '1.5 KiB', '1 MiB', '3.1 GiB', '2 GiB']);
  });
});

import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveFile } from '../../main/workspace/save-file.js';

let folder: string;
beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'heatlab-save-'))));
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('saveFile', () => {
  it('writes the bytes into the chosen folder and numbers a second file of the same name', () => {
    expect(saveFile(folder, 'grid.png', new Uint8Array([1, 2, 3]))).toEqual({ path: join(folder, 'grid.png') });
    expect(saveFile(folder, 'grid.png', new Uint8Array([4]))).toEqual({ path: join(folder, 'grid (2).png') });
    expect(Array.from(readFileSync(join(folder, 'grid.png')))).toEqual([1, 2, 3]);
    expect(readdirSync(folder).sort()).toEqual(['grid (2).png', 'grid.png']);
  });

  it('refuses names that would leave the folder, hidden names and folders that are not there', () => {
    const bytes = new Uint8Array(1);
    expect(() => saveFile(folder, '../escape.png', bytes)).toThrow(/not a plain file name/);
    expect(() => saveFile(folder, 'a\\b.png', bytes)).toThrow(/not a plain file name/);
    expect(() => saveFile(folder, '.hidden', bytes)).toThrow(/not a plain file name/);
    expect(() => saveFile('relative/folder', 'x.png', bytes)).toThrow(/not an absolute path/);
    expect(() => saveFile(join(folder, 'missing'), 'x.png', bytes)).toThrow(/is not a folder/);
    expect(readdirSync(folder)).toEqual([]);
  });
});

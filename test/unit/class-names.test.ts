// Class names a model is imported with: each distinct and not empty, from any source.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLabelsFile } from '../../main/onnx/import/labels.js';
import { classNamesProblem } from '../../shared/model-import.js';

const folder = mkdtempSync(join(tmpdir(), 'heatlab-labels-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const labelsFile = (name: string, text: string) => {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
};

describe('class names', () => {
  it('accepts distinct names, telling case apart', () => {
    expect(classNamesProblem(['cat', 'dog', 'Cat'])).toBeNull();
  });

  it('refuses a name given twice, naming it and its classes', () => {
    expect(classNamesProblem(['a', 'a'])).toBe('Class names must be distinct; "a" is given twice (classes 0 and 1).');
    expect(classNamesProblem(['x', 'crane', 'y', 'crane', 'crane'])).toBe('Class names must be distinct; "crane" is given 3 times (classes 1, 3 and 4).');
  });

  it('refuses an empty name', () => {
    expect(classNamesProblem(['a', ' ', 'b'])).toBe('Class names must not be empty; class 1 has none.');
  });

  it('tells a labels file’s repeated names apart by their class numbers, as ImageNet’s two "crane" classes need', () => {
    expect(readLabelsFile(labelsFile('twice.txt', 'crane\nheron\ncrane\n'))).toEqual(['crane (class 0)', 'heron', 'crane (class 2)']);
    expect(readLabelsFile(labelsFile('twice.json', '["a", "b", "a"]'))).toEqual(['a (class 0)', 'b', 'a (class 2)']);
    // Told apart, a name must still not collide with one the file already has.
    expect(() => readLabelsFile(labelsFile('clash.txt', 'a\na\na (class 1)\n'))).toThrow('The labels file clash.txt cannot be used: class names must be distinct; "a (class 1)" is given twice (classes 1 and 2).');
  });

  it('refuses a labels file with an empty name in its JSON list', () => {
    expect(() => readLabelsFile(labelsFile('empty.json', '["a", " ", "b"]'))).toThrow('The labels file empty.json cannot be used: name 2 is empty.');
  });
});

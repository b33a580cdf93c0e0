// `models inspect` names what a file's output holds: a LogSoftmax head gives log-probabilities,
// not logits (the import still takes it off, so the stored model explains logits).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outputWords } from '../../main/app/cli-import.js';
import { inspectOnnx } from '../../main/onnx/import/inspect.js';
import { pytorchStyleCnn, pytorchViewCnn, residualGroupedCnn } from '../fixtures/onnx-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'heatlab-inspect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const inspect = (name: string, bytes: Uint8Array) => {
  writeFileSync(join(dir, name), bytes);
  return inspectOnnx(join(dir, name), []);
};

describe('models inspect', () => {
  it('says a LogSoftmax output holds log-probabilities, a Softmax output probabilities, and any other output logits', () => {
    const logSoftmax = inspect('log.onnx', pytorchViewCnn().bytes);
    expect(logSoftmax).toMatchObject({ outputHolds: 'log-probabilities', outputKind: 'logits' });
    expect(outputWords(logSoftmax)).toBe('log-probabilities (after a LogSoftmax, which the import takes off for the logits)');
    const softmax = inspect('soft.onnx', pytorchStyleCnn().bytes);
    expect(softmax).toMatchObject({ outputHolds: 'probabilities', outputKind: 'probabilities' });
    expect(outputWords(softmax)).toBe('probabilities');
    const plain = inspect('plain.onnx', residualGroupedCnn().bytes);
    expect(plain).toMatchObject({ outputHolds: 'logits', outputKind: 'logits' });
    expect(outputWords(plain)).toBe('logits');
  });
});

// `heatlab models inspect` and `heatlab models import`, run from the built command line as a user
// would, with HEATLAB_HOME pointing at a fresh temporary workspace.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OnnxInspection } from '../../shared/model-import.js';
import type { Model, ModelSummary } from '../../shared/models.js';
import { ownStderr, runCli, type Run } from '../fixtures/cli-runner.js';
import { kerasMadeCnn, pytorchMadeCnn } from '../fixtures/foreign-onnx.js';
import { pytorchViewCnn } from '../fixtures/onnx-fixtures.js';

let home: string;
let files: string;

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'heatlab-cli-import-'));
  files = mkdtempSync(join(tmpdir(), 'heatlab-cli-onnx-'));
  writeFileSync(join(files, 'torch.onnx'), pytorchMadeCnn().bytes);
  writeFileSync(join(files, 'keras.onnx'), kerasMadeCnn().bytes);
  writeFileSync(join(files, 'log-softmax.onnx'), pytorchViewCnn().bytes);
  writeFileSync(join(files, 'readme.onnx'), 'not a model\n');
});

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(files, { recursive: true, force: true });
});

const heatlab = (...args: string[]): Promise<Run> => runCli(home, ...args);

describe('heatlab models inspect', () => {
  it('describes a PyTorch-made file as JSON and in words', async () => {
    const json = await heatlab('models', 'inspect', join(files, 'torch.onnx'), '--json');
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout) as OnnxInspection).toMatchObject({ fileName: 'torch.onnx', producer: { name: 'pytorch' }, opset: 13, imageInput: 'input.1', layout: 'NCHW', classes: 2 });
    const text = await heatlab('models', 'inspect', join(files, 'keras.onnx'));
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('keras.onnx');
    expect(text.stdout).toMatch(/^Input {3}input_1 \[unk__18, 32, 32, 3\] float32 {2}image input, NHWC$/m);
    expect(text.stdout).toMatch(/^Output {2}dense \[unk__19, 3\] float32 {2}probabilities, 3 classes$/m);
    expect(text.stdout).toContain('Graph methods: every op is supported.');
  });

  it('calls a LogSoftmax output log-probabilities, not logits', async () => {
    const text = await heatlab('models', 'inspect', join(files, 'log-softmax.onnx'));
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^Output {2}log_probs \[N, 3\] float32 {2}log-probabilities \(after a LogSoftmax, which the import takes off for the logits\), 3 classes$/m);
  });
});

describe('heatlab models import', () => {
  it('imports a PyTorch-made file with typed class names and lists it', async () => {
    const run = await heatlab('models', 'import', join(files, 'torch.onnx'), '--name', 'Torch CNN', '--classes', 'square,triangle', '--json');
    expect(run.code, run.stderr).toBe(0);
    const model = JSON.parse(run.stdout) as Model;
    expect(model).toMatchObject({ name: 'Torch CNN', source: 'imported', classNames: ['square', 'triangle'] });
    const listed = JSON.parse((await heatlab('models', 'list', '--json')).stdout) as ModelSummary[];
    expect(listed.map((m) => [m.id, m.source])).toEqual([[model.id, 'imported']]);
  });

  it('imports an NHWC file with ImageNet preprocessing and reports it in words', async () => {
    const run = await heatlab('models', 'import', join(files, 'keras.onnx'), '--layout', 'nhwc', '--scale', '255', '--mean', '0.485,0.456,0.406', '--std', '0.229,0.224,0.225', '--classes', 'a,b,c');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Imported model \d+ "keras": ONNX from tf2onnx 1\.16\.1 15c810, [\d,]+ parameters, 3 classes \(a, b, c\)\.$/m);
    expect(run.stdout).toMatch(/^Input 3×32×32 \(source NHWC, RGB\); stored scores are logits and agree with the source to /m);
  });

  it('exits 2 for usage mistakes without touching the workspace', async () => {
    const before = readdirSync(join(home, 'data', 'models')).length;
    for (const args of [
      ['models', 'import'],
      ['models', 'import', join(files, 'torch.onnx'), '--layout', 'chwn'],
      ['models', 'import', join(files, 'torch.onnx'), '--mean', '0.5,x'],
      ['models', 'import', join(files, 'torch.onnx'), '--classes', 'a,b', '--labels', join(files, 'labels.txt')],
      ['models', 'inspect', join(files, 'torch.onnx'), join(files, 'keras.onnx')],
    ]) {
      const run = await heatlab(...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(ownStderr(run)).toMatch(/^[\w-][^\n]*\.$/);
    }
    expect(readdirSync(join(home, 'data', 'models'))).toHaveLength(before);
  });

  it('refuses class names given twice with exit code 1 and one sentence, and an empty one as a usage mistake', async () => {
    const before = readdirSync(join(home, 'data', 'models')).length;
    const twice = await heatlab('models', 'import', join(files, 'torch.onnx'), '--classes', 'a,a');
    expect(twice.code).toBe(1);
    expect(ownStderr(twice)).toBe('heatlab: Class names must be distinct; "a" is given twice (classes 0 and 1).');
    const empty = await heatlab('models', 'import', join(files, 'torch.onnx'), '--classes', 'a,');
    expect(empty.code).toBe(2);
    expect(ownStderr(empty)).toBe('heatlab: --classes takes names separated by commas, and class 1 in "a," has none. See `heatlab help`.');
    expect(readdirSync(join(home, 'data', 'models'))).toHaveLength(before);
  });

  it('accepts a negative mean, as the model was trained with it', async () => {
    const run = await heatlab('models', 'import', join(files, 'torch.onnx'), '--classes', 'square,triangle', '--scale', '1', '--mean', '-0.5', '--std', '2', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as Model).preprocessing).toMatchObject({ scale: 1, mean: [-0.5], std: [2] });
  });

  it('exits 1 with one sentence for a file that is not ONNX', async () => {
    const run = await heatlab('models', 'import', join(files, 'readme.onnx'));
    expect(run.code).toBe(1);
    expect(ownStderr(run)).toMatch(/^heatlab: The file readme\.onnx is not an ONNX model[^\n]*\.$/);
  });
});

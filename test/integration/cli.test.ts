// The built command line (dist/main/cli.cjs, rebuilt by the test setup), run as a user would run it,
// with HEATLAB_HOME pointing at a fresh temporary workspace.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppInfo } from '../../shared/api.js';
import type { EngineCheckResult } from '../../shared/engine.js';
import type { Job } from '../../shared/jobs.js';
import { appRoot } from '../../main/app/paths.js';
import { ownStderr, runCli, type Run } from '../fixtures/cli-runner.js';

let home: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'heatlab-cli-'));
});

afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

const heatlab = (...args: string[]): Promise<Run> => runCli(home, ...args);

/** One line, capitalised, ending with a full stop, with no second sentence inside. */
function expectOneSentence(message: string): void {
  expect(message).toMatch(/^[A-Z][^\n]*\.$/);
  expect(message).not.toMatch(/[.!?]\s+[A-Z]/);
}

/** The error line, which reads "heatlab: <one sentence>". */
function errorSentence(run: Run): string {
  const line = ownStderr(run);
  expect(line).toMatch(/^heatlab: /);
  const message = line.replace(/^heatlab: /, '');
  expectOneSentence(message);
  return message;
}

describe('the heatlab command', () => {
  it('prints info as JSON naming the workspace from HEATLAB_HOME', async () => {
    const run = await heatlab('info', '--json');
    expect(run.code).toBe(0);
    const info = JSON.parse(run.stdout) as AppInfo;
    expect(info.name).toBe('Heatlab');
    expect(info.mode).toBe('cli');
    expect(info.workspace).toBe(home);
    expect(info.catalogue.path).toBe(join(home, 'catalogue.sqlite'));
    expect(info.catalogue.schemaVersion).toBeGreaterThanOrEqual(1);
    expect(info.version).toBe((JSON.parse(readFileSync(join(appRoot(), 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('runs the engine check to a passing result, and then lists it among the jobs', async () => {
    const check = await heatlab('engine-check', '--json');
    expect(check.code).toBe(0);
    const result = JSON.parse(check.stdout) as EngineCheckResult;
    expect(result.passed).toBe(true);
    expect(result.tfjs.maxAbsError).toBeLessThan(1e-3);
    expect(result.ort.maxAbsError).toBeLessThan(1e-4);

    const listed = await heatlab('jobs', '--json');
    expect(listed.code).toBe(0);
    const jobs = JSON.parse(listed.stdout) as Job[];
    expect(jobs.map((j) => [j.kind, j.status])).toEqual([['engine.check', 'done']]);
    expect(jobs[0]!.result).toEqual(result);

    const text = await heatlab('jobs');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^#${jobs[0]!.id}\\s+Engine check\\s+done\\s`, 'm'));
  });

  it('says so when there are no jobs yet', async () => {
    const run = await heatlab('jobs');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('No jobs yet.');
  });

  it('exits 2 with one line pointing to heatlab help for an unknown command', async () => {
    const run = await heatlab('frobnicate');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('heatlab: Unknown command "frobnicate". See `heatlab help`.\n');
    expect(readdirSync(home)).toEqual([]);
  });

  it('prints the usage for heatlab help, and on stderr when no command is given', async () => {
    const help = await heatlab('help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: heatlab <command>');
    const none = await heatlab();
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: heatlab <command>');
  });

  it('exits 1 with one sentence naming the field for a bad --status', async () => {
    const run = await heatlab('jobs', '--status', 'bogus');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const message = errorSentence(run);
    expect(message).toContain('"status.0"');
    expect(message).toContain('"failed"');
  });

  it('reports the same error as JSON with its code under --json', async () => {
    const run = await heatlab('jobs', '--status', 'bogus', '--json');
    expect(run.code).toBe(1);
    const { error } = JSON.parse(ownStderr(run)) as { error: { code: string; message: string; details?: { issues?: { path: string }[] } } };
    expect(error.code).toBe('invalid_request');
    expect(error.details?.issues?.[0]?.path).toBe('status.0');
  });

  it('refuses a workspace whose catalogue is corrupt with one sentence and leaves the file as it was', async () => {
    const path = join(home, 'catalogue.sqlite');
    writeFileSync(path, Buffer.from('SQLite format 3\0'.padEnd(4096, '\u00a5'), 'latin1'));
    const bytes = readFileSync(path);
    const mtimeMs = statSync(path).mtimeMs;

    const run = await heatlab('jobs');
    expect(run.code).toBe(1);
    const message = errorSentence(run);
    expect(message).toContain(path);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(statSync(path).mtimeMs).toBe(mtimeMs);
    expect(readdirSync(home)).toEqual(['catalogue.sqlite']);
  });
});

describe('heatlab data', () => {
  it('generates, lists and removes a dataset, with JSON output that names it', async () => {
    const generated = await heatlab('data', 'generate', 'triangles-squares', '--n', '120', '--seed', '5', '--name', 'tiny shapes', '--json');
    expect(generated.code).toBe(0);
    const dataset = JSON.parse(generated.stdout) as { id: number; name: string; count: number; seed: number; classNames: string[] };
    expect(dataset).toMatchObject({ name: 'tiny shapes', count: 120, seed: 5, classNames: ['square', 'triangle'] });

    const listed = await heatlab('data', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`#${dataset.id}  tiny shapes`);

    const removed = await heatlab('data', 'rm', String(dataset.id));
    expect(removed.code).toBe(0);
    expect(removed.stdout.trim()).toBe(`Deleted dataset ${dataset.id} and its files.`);
    expect(readdirSync(join(home, 'data', 'datasets'))).toEqual([]);
    expect((await heatlab('data', 'list')).stdout).toContain('No datasets yet.');
  });

  it('passes generator settings through --set and refuses a bad one as a usage error', async () => {
    const ok = await heatlab('data', 'generate', 'counting-circles', '--n', '30', '--set', 'maxCircles=3', '--json');
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { classNames: string[] }).classNames).toEqual(['1', '2', '3']);
    const bad = await heatlab('data', 'generate', 'counting-circles', '--set', 'maxCircles=99');
    expect(bad.code).toBe(2);
    expect(ownStderr(bad)).toContain('maxCircles');
  });

  it('says which generators exist when the name is wrong', async () => {
    const run = await heatlab('data', 'generate', 'hexagons');
    expect(run.code).toBe(2);
    expect(ownStderr(run)).toContain('triangles-squares, triangles-squares-scaled, counting-circles, circles-triangles');
  });

  it('refuses to import a folder with a single class, in one sentence, leaving no dataset', async () => {
    const source = mkdtempSync(join(tmpdir(), 'heatlab-cli-src-'));
    try {
      mkdirSync(join(source, 'cats'));
      writeFileSync(join(source, 'cats', 'a.npy'), 'not an image');
      const run = await heatlab('data', 'import', source);
      expect(run.code).toBe(1);
      expectOneSentence(errorSentence(run));
      expect((await heatlab('data', 'list')).stdout).toContain('No datasets yet.');
    } finally {
      rmSync(source, { recursive: true, force: true });
    }
  });
});

describe('heatlab train and heatlab models', () => {
  it('trains on a generated dataset, lists the model and exports its ONNX file to a folder', async () => {
    expect((await heatlab('data', 'generate', 'triangles-squares', '--n', '300', '--seed', '2')).code).toBe(0);
    const trained = await heatlab('train', '--dataset', '1', '--arch', 'mlp', '--epochs', '2', '--batch', '32', '--json');
    expect(trained.code, trained.stderr).toBe(0);
    const model = JSON.parse(trained.stdout) as { id: number; architecture: string; epochs: unknown[]; test: { count: number } };
    expect(model).toMatchObject({ architecture: 'mlp', test: { count: 90 } });
    expect(model.epochs).toHaveLength(2);
    expect((await heatlab('models', 'list')).stdout).toContain(`#${model.id}  `);
    const folder = mkdtempSync(join(tmpdir(), 'heatlab-export-'));
    try {
      const exported = await heatlab('models', 'export', String(model.id), folder);
      expect(exported.code).toBe(0);
      const written = readdirSync(folder);
      expect(written).toHaveLength(1);
      expect(written[0]).toMatch(/\.onnx$/);
      expect(exported.stdout.trim()).toBe(`Wrote ${join(folder, written[0]!)}.`);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('says train needs a dataset', async () => {
    const run = await heatlab('train');
    expect(run.code).toBe(2);
    expect(ownStderr(run)).toContain('train needs --dataset ID');
  });
});

describe('heatlab explain', () => {
  it('lists the methods with their defaults, explains a model with two methods, deletes a run and refuses an unknown parameter', async () => {
    expect((await heatlab('data', 'generate', 'triangles-squares', '--n', '200', '--seed', '2')).code).toBe(0);
    expect((await heatlab('train', '--dataset', '1', '--arch', 'mlp', '--epochs', '1')).code).toBe(0);
    const methods = await heatlab('explain', 'methods');
    expect(methods.code).toBe(0);
    expect(methods.stdout).toMatch(/^rise\s+RISE \(perturbation, seeded, ranked by signed value\): masks=1000 resolution=8 pKeep=0\.5 batchSize=64 output="probability"$/m);
    expect(methods.stdout).toMatch(/^sensitivity\s+Sensitivity \(Simonyan et al\. 2014\) \(graph, ranked by magnitude\): norm="max-abs"$/m);
    expect(methods.stdout).toMatch(/^gradient\s+Gradient \(signed\) \(graph, ranked by magnitude\): reduction="sum"$/m);
    const run = await heatlab('explain', '--model', '1', '--dataset', '1', '--n', '4', '--methods', 'gradient,rise', '--set', 'rise.masks=20', '--target', 'true', '--json');
    expect(run.code, run.stderr).toBe(0);
    const runs = JSON.parse(run.stdout) as { id: number; method: string; count: number; params: { masks?: number }; target: unknown }[];
    expect(runs.map((r) => [r.method, r.count, r.target])).toEqual([
      ['gradient', 4, 'true'],
      ['rise', 4, 'true'],
    ]);
    expect(runs[1]!.params.masks).toBe(20);
    expect((await heatlab('explain', 'list')).stdout).toContain('RISE · first 4 of test split · true class');
    expect((await heatlab('explain', 'rm', String(runs[0]!.id))).stdout.trim()).toBe(`Deleted explanation run ${runs[0]!.id}.`);
    expect((await heatlab('explain', 'list')).stdout).not.toContain('Gradient (signed) ·');
    // Images of one class that the model gets right, named in the run.
    const chosen = await heatlab('explain', '--model', '1', '--dataset', '1', '--n', '3', '--random', '--class', '0', '--outcome', 'correct', '--confidence', '0.5-1', '--methods', 'gradient', '--json');
    expect(chosen.code, chosen.stderr).toBe(0);
    const [recorded] = JSON.parse(chosen.stdout) as { selection: { label: number; outcome: string; confidence: { min: number; max: number } } }[];
    expect(recorded!.selection).toMatchObject({ label: 0, outcome: 'correct', confidence: { min: 0.5, max: 1 } });
    expect((await heatlab('explain', 'list')).stdout).toMatch(/Gradient \(signed\) · 3 random of test split, class \w+, predicted right, confidence 0\.5–1 \(seed 1\)/);
    const wrong = await heatlab('explain', '--model', '1', '--dataset', '1', '--methods', 'occlusion', '--set', 'occlusion.size=3');
    expect(wrong.code).toBe(1);
    expect(errorSentence(wrong)).toBe('Occlusion has no parameter "size" (it takes window, stride, baseline, batchSize).');
  });

  it('says what explain needs as a usage error', async () => {
    const missing = await heatlab('explain', '--model', '1');
    expect(missing.code).toBe(2);
    expect(ownStderr(missing)).toContain('explain needs --model ID and --dataset ID');
    const noMethods = await heatlab('explain', '--model', '1', '--dataset', '1');
    expect(noMethods.code).toBe(2);
    expect(ownStderr(noMethods)).toContain('explain needs --methods');
    const badRange = await heatlab('explain', '--model', '1', '--dataset', '1', '--methods', 'gradient', '--confidence', '0.9-0.2');
    expect(badRange.code).toBe(2);
    expect(ownStderr(badRange)).toContain('--confidence takes a range of probabilities such as 0.4-0.6, not "0.9-0.2".');
  });

});

describe('bad input on the command line', () => {
  /** Exit code 2, one line on stderr (the sentence and a hint, no usage dump), nothing written to the workspace. */
  async function usageMistake(args: string[]): Promise<string> {
    const run = await heatlab(...args);
    expect(run.code, args.join(' ')).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr).not.toContain('Usage:');
    expect(readdirSync(home)).toEqual([]);
    return ownStderr(run);
  }

  it('names an option given without a value and what it takes, at the end or before another option', async () => {
    expect(await usageMistake(['explain', '--model', '1', '--dataset', '1', '--methods', 'gradient', '--n'])).toBe('heatlab: --n needs a value: a number of images. See `heatlab help`.');
    expect(await usageMistake(['jobs', '--limit', '--json'])).toBe('heatlab: --limit needs a value: a number of jobs. See `heatlab help`.');
  });

  it('reads a value that starts with "-" as the value, and says why a negative one is wrong', async () => {
    expect(await usageMistake(['data', 'generate', 'triangles-squares', '--seed', '-1'])).toBe('heatlab: --seed takes a whole number from 0 to 4294967295, not "-1". See `heatlab help`.');
    expect(await usageMistake(['explain', '--model', '1', '--dataset', '1', '--methods', 'gradient', '--confidence', '-0.1-0.5'])).toBe(
      'heatlab: --confidence takes a range of probabilities such as 0.4-0.6, not "-0.1-0.5". See `heatlab help`.',
    );
    expect(await usageMistake(['data', 'rm', '-1'])).toBe('heatlab: data rm needs one dataset id, such as `heatlab data rm 3`.');
  });

  it('takes whole numbers in decimal digits only: no hex, exponent, fraction, empty value or infinity', async () => {
    for (const value of ['0x10', '1e3', '1.5', '', 'Infinity']) {
      expect(await usageMistake(['data', 'generate', 'triangles-squares', '--n', value])).toBe(`heatlab: --n takes a whole number from 1, not "${value}". See \`heatlab help\`.`);
    }
    expect(await usageMistake(['evaluate', '--runs', '0x10', '--metrics', 'sparseness'])).toBe('heatlab: --runs takes ids separated by commas, not "0x10". See `heatlab help`.');
    expect(await usageMistake(['train', '--dataset', '1', '--lr', '0x1'])).toBe('heatlab: --lr takes a number, not "0x1". See `heatlab help`.');
  });

  it('names an option that does not exist', async () => {
    expect(await usageMistake(['jobs', '--frobnicate'])).toBe('heatlab: There is no option --frobnicate. See `heatlab help`.');
  });

  it('explains all the images of the split when --n asks for more, and says so', async () => {
    const generated = await heatlab('data', 'generate', 'triangles-squares', '--n', '100', '--seed', '3', '--json');
    const test = (JSON.parse(generated.stdout) as { splitCounts: { test: number } }).splitCounts.test;
    expect((await heatlab('train', '--dataset', '1', '--arch', 'mlp', '--epochs', '1')).code).toBe(0);
    const run = await heatlab('explain', '--model', '1', '--dataset', '1', '--methods', 'gradient', '--n', '100000', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(ownStderr(run)).toBe(`The test split has ${test} images, so all ${test} were explained, not 100000.`);
    const [recorded] = JSON.parse(run.stdout) as { count: number; name: string; selection: { n: number } }[];
    expect(recorded).toMatchObject({ count: test, name: `Gradient (signed) · all ${test} of test split · predicted class`, selection: { n: 100000 } });
    const enough = await heatlab('explain', '--model', '1', '--dataset', '1', '--methods', 'gradient', '--n', '2');
    expect(ownStderr(enough)).toBe('');
  });
});

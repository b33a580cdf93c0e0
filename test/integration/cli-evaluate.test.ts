// `heatlab evaluate` as a user runs it (dist/main/cli.cjs), on a fresh temporary workspace.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownStderr, runCli, type Run } from '../fixtures/cli-runner.js';

let home: string;
const heatlab = (...args: string[]): Promise<Run> => runCli(home, ...args);

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'heatlab-cli-evaluate-'));
  expect((await heatlab('data', 'generate', 'triangles-squares', '--n', '120', '--seed', '2')).code).toBe(0);
  expect((await heatlab('train', '--dataset', '1', '--arch', 'mlp', '--epochs', '1')).code).toBe(0);
});

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('heatlab evaluate', () => {
  it('scores two runs against a generated ground truth, prints the table with the baseline, shows, lists and deletes it', async () => {
    const run = await heatlab('explain', '--model', '1', '--dataset', '1', '--n', '6', '--methods', 'gradient,random', '--json');
    expect(run.code, run.stderr).toBe(0);
    const ids = (JSON.parse(run.stdout) as { id: number }[]).map((r) => r.id);
    const scored = await heatlab('evaluate', '--runs', ids.join(','), '--metrics', 'relevance-mass-accuracy,sparseness', '--ground-truth', 'object', '--resamples', '200');
    expect(scored.code, scored.stderr).toBe(0);
    const lines = scored.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Evaluation 1 ".*": 6 images, ground truth generated "object" masks, seed 1, 95 % bootstrap CIs \(200 resamples\)/);
    expect(lines[1]).toMatch(/^\s+Relevance mass accuracy ↑\s+Sparseness.* ↑\s*$/);
    expect(lines.find((l) => l.startsWith('Random map (baseline)'))).toMatch(/n=6/);
    expect(lines.filter((l) => / n=6\b/.test(l))).toHaveLength(3);
    expect(scored.stdout).toMatch(/^Relevance mass accuracy: .+ > .+ > .+; \d of 3 pairs differ/m);
    expect((await heatlab('evaluate', 'list')).stdout).toMatch(/^ {3}1 {2}.* \(runs \d+, \d+, 6 images/m);
    expect((await heatlab('evaluate', 'show', '1')).stdout.split('\n')[0]).toBe(lines[0]);
    expect((await heatlab('evaluate', 'rm', '1')).stdout.trim()).toBe('Deleted evaluation 1.');
    expect((await heatlab('evaluate', 'list')).stdout.trim()).toBe('No evaluations yet.');
    const noTruth = await heatlab('evaluate', '--runs', String(ids[0]), '--metrics', 'pointing-game');
    expect(noTruth.code).toBe(1);
    expect(ownStderr(noTruth)).toBe('heatlab: Pointing game needs a ground truth: choose a generated mask kind or an annotation set.');
  });

  it('says what evaluate needs as a usage error', async () => {
    expect(ownStderr(await heatlab('evaluate', '--metrics', 'sparseness'))).toContain('evaluate needs --runs ID,ID');
    expect(ownStderr(await heatlab('evaluate', '--runs', '1'))).toContain('evaluate needs --metrics');
    const badTruth = await heatlab('evaluate', '--runs', '2', '--metrics', 'pointing-game', '--ground-truth', 'everything');
    expect(badTruth.code).toBe(2);
    expect(ownStderr(badTruth)).toContain('--ground-truth takes a generated kind');
    const unknown = await heatlab('evaluate', '--runs', '99', '--metrics', 'sparseness');
    expect(unknown.code).toBe(1);
    expect(ownStderr(unknown)).toBe('heatlab: There is no explanation run 99.');
  });
});

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
  it('scores a run against a generated ground truth with the Random map run as the one baseline, prints the table and the evidence, shows, lists and deletes it', async () => {
    const run = await heatlab('explain', '--model', '1', '--dataset', '1', '--n', '6', '--methods', 'gradient,random', '--json');
    expect(run.code, run.stderr).toBe(0);
    const ids = (JSON.parse(run.stdout) as { id: number }[]).map((r) => r.id);
    const scored = await heatlab('evaluate', '--runs', ids.join(','), '--metrics', 'relevance-mass-accuracy,sparseness', '--ground-truth', 'object', '--resamples', '200');
    expect(scored.code, scored.stderr).toBe(0);
    const lines = scored.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Evaluation 1 ".*": 6 images, ground truth generated "object" masks, seed 1, 95 % bootstrap CIs \(200 resamples\)/);
    expect(lines[1]).toMatch(/^\s+Relevance mass accuracy ↑\s+Sparseness.* ↑\s*$/);
    // The Random map run is the baseline: it is not shown a second time as the built-in one.
    expect(lines.find((l) => l.startsWith('Random map (baseline)'))).toMatch(/n=6/);
    expect(lines.filter((l) => / n=6\b/.test(l))).toHaveLength(2);
    expect(scored.stdout).toMatch(/^Relevance mass accuracy: .+ > .+; [01] of 1 pair differs/m);
    expect(scored.stdout).toMatch(/^ {2}(Better than|Not distinguishable from|Worse than) a random map: Gradient \(signed\)\./m);
    expect(scored.stdout).toContain('How reliable are the rankings? (Tomsett et al. 2020)');
    expect(scored.stdout).toMatch(/Relevance mass accuracy ranks the method against the random baseline \(Krippendorff's α = /);
    expect((await heatlab('evaluate', 'list')).stdout).toMatch(/^ {3}1 {2}.* \(runs \d+, \d+, 6 images/m);
    const faithful = await heatlab('evaluate', '--runs', ids.join(','), '--metrics', 'region-perturbation', '--resamples', '200');
    expect(faithful.code, faithful.stderr).toBe(0);
    expect(faithful.stdout).toContain('Is the perturbation a removal? (seeded sample of the evaluated images, before scoring)');
    expect(faithful.stdout).toMatch(/^ {2}Noisy linear imputation \(ROAD\) in 1×1-px grid regions: (behaves|does NOT behave) as removal for this model — region-perturbation$/m);
    expect(faithful.stdout).toMatch(/^ {4}Everything perturbed: predicted square \d+, triangle \d+; confidence /m);
    expect((await heatlab('evaluate', 'rm', '2')).code).toBe(0);
    expect((await heatlab('evaluate', 'show', '1')).stdout.split('\n')[0]).toBe(lines[0]);
    expect((await heatlab('evaluate', 'rm', '1')).stdout.trim()).toBe('Deleted evaluation 1.');
    expect((await heatlab('evaluate', 'list')).stdout.trim()).toBe('No evaluations yet.');
    const noTruth = await heatlab('evaluate', '--runs', String(ids[0]), '--metrics', 'pointing-game');
    expect(noTruth.code).toBe(1);
    expect(ownStderr(noTruth)).toBe('heatlab: Pointing game needs a ground truth: choose a generated mask kind or an annotation set.');
  });

  it('compares evaluations of two models on the same images as tables with a sentence per paired test, as JSON and as CSV', async () => {
    expect((await heatlab('train', '--dataset', '1', '--arch', 'mlp', '--epochs', '1', '--seed', '7', '--name', 'second')).code).toBe(0);
    const evaluations: number[] = [];
    for (const model of ['1', '2']) {
      const run = await heatlab('explain', '--model', model, '--dataset', '1', '--n', '8', '--methods', 'gradient', '--json');
      expect(run.code, run.stderr).toBe(0);
      const ids = (JSON.parse(run.stdout) as { id: number }[]).map((r) => r.id);
      const scored = await heatlab('evaluate', '--runs', ids.join(','), '--metrics', 'sparseness', '--resamples', '200', '--json');
      expect(scored.code, scored.stderr).toBe(0);
      evaluations.push((JSON.parse(scored.stdout) as { id: number }).id);
    }
    const compared = await heatlab('evaluate', 'compare', evaluations.join(','));
    expect(compared.code, compared.stderr).toBe(0);
    const lines = compared.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Models compared on ".*": 8 images, predicted class, ground truth none, 95 % bootstrap CIs \(200 resamples\)/);
    expect(lines[2]).toMatch(/^ {2}second: evaluation \d+ /);
    expect(lines).toContain('Sparseness (Gini) ↑');
    expect(compared.stdout).toMatch(/^Gradient \(signed\) +\S+ \[\S+, \S+\] n=8 (> chance|≈ chance|< chance) +\S+ \[\S+, \S+\] n=8/m);
    expect(compared.stdout).toMatch(/^ {2}On sparseness \(Gini\), Gradient \(signed\) (on \S+ .*beats .* on the same 8 images, p [=<] \S+ \(Holm\)|is not distinguishable between .* on the same 8 images, p = \S+ \(Holm\)|shows no non-zero differences)/m);
    const json = await heatlab('evaluate', 'compare', evaluations.join(','), '--json');
    expect((JSON.parse(json.stdout) as { models: { evaluationId: number }[] }).models.map((m) => m.evaluationId)).toEqual(evaluations);
    const csv = await heatlab('evaluate', 'compare', evaluations.join(','), '--csv');
    expect(csv.stdout.split('\n')[0]).toMatch(/^metric,metric_label,higher_is_better,params,method,method_label,baseline,model_a,/);
    // Gradient and the random baseline, one pair of models each.
    expect(csv.stdout.trim().split('\n')).toHaveLength(3);
    expect(ownStderr(await heatlab('evaluate', 'compare', String(evaluations[0])))).toContain('evaluate compare takes two or more evaluation ids');
    const refused = await heatlab('evaluate', 'compare', `${evaluations[0]},${evaluations[0]}`);
    expect(refused.code).toBe(1);
    expect(ownStderr(refused)).toBe(`heatlab: Evaluation ${evaluations[0]} is listed twice.`);
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

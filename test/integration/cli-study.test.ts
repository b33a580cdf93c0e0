// `heatlab study` as a user runs it (dist/main/cli.cjs), every command with --json: a study made
// from a study file, killed mid-pipeline (the process, not a cancel), shown as interrupted, run
// again to its end without redoing what was done, listed, shown and deleted with its results; a
// bad plan is one sentence; a template is written out as a study file to edit.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Study, StudyDeletion, StudyPlanInput, StudyProgress, StudySummary } from '../../shared/studies.js';
import { appRoot } from '../../main/app/paths.js';
import { ownStderr, runCli, type Run } from '../fixtures/cli-runner.js';

let home: string;
const heatlab = (...args: string[]): Promise<Run> => runCli(home, ...args);
const json = <T>(run: Run): T => {
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T;
};

const plan: StudyPlanInput = {
  name: 'CLI study',
  datasets: [
    {
      kind: 'generate',
      generator: 'triangles-squares',
      params: { count: 160, size: 16, minContrast: 0.3 },
      seed: 3,
      models: [{ kind: 'train', training: { epochs: 2, batchSize: 32, seed: 2 } }],
    },
  ],
  methods: [{ id: 'gradient' }, { id: 'random' }],
  images: { n: 5 },
  groundTruths: [{ kind: 'generated', mask: 'object' }],
  metrics: [{ id: 'relevance-mass-accuracy' }, { id: 'sparseness' }],
  resamples: 200,
};

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'heatlab-cli-study-'));
  writeFileSync(join(home, 'plan.json'), JSON.stringify(plan));
  writeFileSync(join(home, 'bad.json'), JSON.stringify({ ...plan, metrics: [{ id: 'pointing-game' }], groundTruths: [] }));
});

afterAll(() => rmSync(home, { recursive: true, force: true }));

/** `study run ID --json`, killed with SIGKILL once the catalogue shows its first step done. */
function runAndKill(id: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, HEATLAB_HOME: home };
    const child = spawn(process.execPath, [join(appRoot(), 'dist', 'main', 'cli.cjs'), 'study', 'run', String(id), '--json'], { env, stdio: 'ignore' });
    const db = new BetterSqlite3(join(home, 'catalogue.sqlite'), { readonly: true });
    const timer = setInterval(() => {
      const row = db.prepare('SELECT status, progress FROM studies WHERE id = ?').get(id) as { status: string; progress: string | null };
      const progress = row.progress === null ? null : (JSON.parse(row.progress) as StudyProgress);
      if (row.status === 'running' && progress !== null && progress.done >= 1) {
        clearInterval(timer);
        child.kill('SIGKILL');
      }
    }, 20);
    child.on('error', reject);
    child.on('exit', () => {
      clearInterval(timer);
      db.close();
      resolve();
    });
  });
}

describe('heatlab study', () => {
  it('makes a study from a file, survives a kill mid-pipeline as interrupted, resumes it, lists, shows and deletes it with its results', async () => {
    const made = json<Study>(await heatlab('study', 'new', '--file', join(home, 'plan.json'), '--json'));
    expect(made).toMatchObject({ id: 1, name: 'CLI study', status: 'new', steps: { done: 0, total: 4 } });

    await runAndKill(made.id);
    const killed = json<Study>(await heatlab('study', 'show', '1', '--json'));
    expect(killed.status).toBe('interrupted');
    expect(killed.steps.done).toBeGreaterThanOrEqual(1);
    expect(killed.steps.done).toBeLessThan(4);

    const done = json<Study>(await heatlab('study', 'run', '1', '--json'));
    expect(done).toMatchObject({ status: 'done', steps: { done: 4, total: 4 }, error: null });
    // The dataset made before the kill was not made again.
    expect(json<unknown[]>(await heatlab('data', 'list', '--json'))).toHaveLength(1);
    expect(json<unknown[]>(await heatlab('models', 'list', '--json'))).toHaveLength(1);

    expect(json<StudySummary[]>(await heatlab('study', 'list', '--json')).map((s) => [s.id, s.status])).toEqual([[1, 'done']]);
    const shown = await heatlab('study', 'show', '1');
    expect(shown.stdout).toMatch(/^Study 1 "CLI study": done, 4 of 4 steps done\.$/m);
    expect(shown.stdout).toMatch(/^✓ Generate Triangles & Squares \(160 images, seed 3\) → dataset 1$/m);

    const deleted = json<StudyDeletion>(await heatlab('study', 'rm', '1', '--with-results', '--json'));
    expect(deleted.deleted).toBe(1);
    expect(deleted.removed.map((e) => e.kind)).toEqual(['evaluation', 'run', 'run', 'model', 'dataset']);
    expect(deleted.kept).toEqual([]);
    expect(json<unknown[]>(await heatlab('data', 'list', '--json'))).toEqual([]);
    expect(json<unknown[]>(await heatlab('study', 'list', '--json'))).toEqual([]);
  });

  it('refuses a bad plan with one sentence on stderr, as JSON with --json', async () => {
    const run = await heatlab('study', 'new', '--file', join(home, 'bad.json'), '--json');
    expect(run.code).toBe(1);
    expect(JSON.parse(ownStderr(run))).toEqual({
      error: {
        code: 'invalid_request',
        message: 'Study plan: metrics[0] "pointing-game" needs a ground truth; add one to groundTruths (a generated mask kind, an annotation set, or the masks imported with the dataset).',
        details: { path: 'metrics[0]' },
      },
    });
    expect(ownStderr(await heatlab('study', 'new', '--file', join(home, 'missing.json')))).toBe(`heatlab: The study file ${join(home, 'missing.json')} cannot be read: it does not exist.`);
    const usage = await heatlab('study', 'new', '--template', 'samek2017', '--size', 'huge');
    expect(usage.code).toBe(2);
    expect(ownStderr(usage)).toBe('heatlab: --size takes small or full for a study, not "huge". See `heatlab help`.');
  });

  it('writes a template out as a study file to edit', async () => {
    const template = JSON.parse((await heatlab('study', 'template', 'your-data', '--size', 'small')).stdout) as StudyPlanInput;
    expect(template.template).toMatchObject({ id: 'your-data', size: 'small' });
    expect(template.datasets[0]).toMatchObject({ kind: 'import', path: '/path/to/your/images' });
  });
});

// What a clumsy user or a crash can do to a workspace, and what Heatlab says: an unusable
// workspace path is one sentence and a prompt non-zero exit (never a spin); folders a crash left
// without a catalogue row are swept at start-up and never block a later create; and deleting
// something a queued or running job uses is refused with a sentence naming the job.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api.js';
import type { JobProgressEvent } from '../../shared/jobs.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { runCliWithin } from '../fixtures/cli-runner.js';
import { failure, ok } from '../fixtures/results.js';
import { catalogueHealth, leftovers } from '../fixtures/workspace-state.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(prefix = 'heatlab-robust-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('an unusable workspace path', () => {
  const expectOneSentence = (run: { code: number | null; stderr: string; timedOut: boolean }, path: string) => {
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^heatlab: The workspace (folder|path) ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} [^\\n]*; choose a folder you can write to with --workspace or HEATLAB_HOME\\.$`));
  };

  it.each(['/proc/nope', '/proc/nope/deeper/still', '/proc', '/sys/nope'])('refuses %s in one sentence, exits 1 and returns promptly instead of spinning', async (path) => {
    const run = await runCliWithin(20_000, tempDir(), 'info', '--workspace', path);
    expectOneSentence(run, path);
  });

  it('refuses a workspace path that is a file, and one beneath a file', async () => {
    const dir = tempDir();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    expectOneSentence(await runCliWithin(20_000, dir, 'data', 'list', '--workspace', file), file);
    expectOneSentence(await runCliWithin(20_000, dir, 'data', 'list', '--workspace', join(file, 'workspace')), join(file, 'workspace'));
  });

  it('refuses a workspace on a read-only file system (which even root cannot write), naming it', async () => {
    const mountPoint = tempDir('heatlab-ro-');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    } catch (err) {
      throw new Error(`This test mounts a read-only tmpfs and needs root (as CI runs) to do so: ${String(err)}`);
    }
    cleanups.push(() => void execFileSync('umount', ['-l', mountPoint]));
    const run = await runCliWithin(20_000, mountPoint, 'info', '--workspace', mountPoint);
    expectOneSentence(run, mountPoint);
    expect(run.stderr).toContain('read-only');
    const deeper = join(mountPoint, 'workspace');
    expectOneSentence(await runCliWithin(20_000, mountPoint, 'info', '--workspace', deeper), deeper);
  });
});

/** A workspace with a dataset, a model, an explanation run and an evaluation, copied for each test. */
let base: string;
let ids: { datasetId: number; modelId: number; runId: number; evaluationId: number };

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'heatlab-robust-base-'));
  const heatlab = openHeatlab({ workspaceDir: base, mode: 'cli' });
  const api = createInProcessApi(heatlab.router, heatlab.events);
  try {
    const data = await heatlab.jobs.waitFor(ok(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 600, seed: 3 } })).id);
    const datasetId = (data.result as { datasetId: number }).datasetId;
    const trained = await heatlab.jobs.waitFor(ok(await api['models.train']({ datasetId, training: { epochs: 1, batchSize: 32, seed: 1 } })).id);
    expect(trained.status, trained.error?.message).toBe('done');
    const modelId = (trained.result as { modelId: number }).modelId;
    const explained = await heatlab.jobs.waitFor(ok(await api['explain.start']({ modelId, datasetId, images: { split: 'test', pick: 'first', n: 8, seed: 1 }, methods: [{ id: 'gradient', params: {} }] })).id);
    expect(explained.status, explained.error?.message).toBe('done');
    const runId = (explained.result as { runIds: number[] }).runIds[0]!;
    const evaluated = await heatlab.jobs.waitFor(ok(await api['evaluate.start']({ runIds: [runId], metrics: [{ id: 'pointing-game' }], groundTruth: { kind: 'generated', mask: 'object' } })).id);
    expect(evaluated.status, evaluated.error?.message).toBe('done');
    ids = { datasetId, modelId, runId, evaluationId: (evaluated.result as { evaluationId: number }).evaluationId };
  } finally {
    await heatlab.close();
  }
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

function copyOfBase(): string {
  const dir = tempDir();
  cpSync(base, dir, { recursive: true });
  return dir;
}

function open(dir: string): { heatlab: Heatlab; api: Api } {
  const heatlab = openHeatlab({ workspaceDir: dir, mode: 'cli' });
  cleanups.push(() => heatlab.close());
  return { heatlab, api: createInProcessApi(heatlab.router, heatlab.events) };
}

/** A folder as a crash between moving it into place and committing its row leaves it. */
function leaveOrphan(dir: string, kind: string, id: number): string {
  const folder = join(dir, 'data', kind, String(id));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'images.npy'), 'half of something');
  return folder;
}

describe('folders a crash left without a catalogue row', () => {
  it('are swept at start-up for every entity kind, and the creates after them succeed', async () => {
    const dir = copyOfBase();
    const orphans = [leaveOrphan(dir, 'datasets', ids.datasetId + 1), leaveOrphan(dir, 'models', ids.modelId + 1), leaveOrphan(dir, 'explanations', ids.runId + 1), leaveOrphan(dir, 'evaluations', ids.evaluationId + 1)];
    const { heatlab, api } = open(dir);
    for (const folder of orphans) expect(existsSync(folder), folder).toBe(false);
    expect(leftovers(dir, heatlab.workspace.catalogue.db)).toEqual([]);
    // The folders that belong to rows are untouched.
    expect(ok(await api['datasets.images']({ id: ids.datasetId, indices: [0] })).data.length).toBe(32 * 32);

    const generated = await heatlab.jobs.waitFor(ok(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 100, seed: 8 } })).id);
    expect(generated.status, generated.error?.message).toBe('done');
    expect((generated.result as { datasetId: number }).datasetId).toBe(ids.datasetId + 1);
    const trained = await heatlab.jobs.waitFor(ok(await api['models.train']({ datasetId: ids.datasetId, training: { epochs: 1, batchSize: 64, seed: 3 } })).id);
    expect(trained.status, trained.error?.message).toBe('done');
    expect((trained.result as { modelId: number }).modelId).toBe(ids.modelId + 1);
    expect(catalogueHealth(heatlab.workspace.catalogue.db)).toEqual({ integrity: 'ok', foreignKeyProblems: [] });
  });

  it('never cost a finished result: one appearing at the id while Heatlab runs is replaced by the new entity instead of failing with ENOTEMPTY', async () => {
    const dir = copyOfBase();
    const { heatlab, api } = open(dir);
    const orphan = leaveOrphan(dir, 'datasets', ids.datasetId + 1);
    leaveOrphan(dir, 'models', ids.modelId + 1);
    const generated = await heatlab.jobs.waitFor(ok(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 100, seed: 8 } })).id);
    expect(generated.status, generated.error?.message).toBe('done');
    const dataset = ok(await api['datasets.get']({ id: ids.datasetId + 1 }));
    expect(dataset.files.every((f) => f.path.startsWith(`data/datasets/${ids.datasetId + 1}/`))).toBe(true);
    expect(readFileSync(join(orphan, 'images.npy')).subarray(0, 6).toString('latin1')).toBe('\x93NUMPY'); // the new array, not the leftover
    expect(ok(await api['datasets.images']({ id: ids.datasetId + 1, indices: [99] })).data.length).toBe(32 * 32);
    const trained = await heatlab.jobs.waitFor(ok(await api['models.train']({ datasetId: ids.datasetId, training: { epochs: 1, batchSize: 64, seed: 3 } })).id);
    expect(trained.status, trained.error?.message).toBe('done');
    expect(ok(await api['models.get']({ id: ids.modelId + 1 })).source).toBe('trained');
    expect(leftovers(dir, heatlab.workspace.catalogue.db)).toEqual([]);
  });
});

describe('deleting what a job uses', () => {
  const started = (api: Api, jobId: number) =>
    new Promise<void>((resolve) => {
      const off = api.on('job.progress', (p: JobProgressEvent) => {
        if (p.jobId !== jobId) return;
        off();
        resolve();
      });
    });

  it('is refused for the dataset, model, explanation run and annotation set of running and queued jobs, naming the job, and allowed once they end', async () => {
    const dir = copyOfBase();
    const { heatlab, api } = open(dir);
    const set = ok(await api['annotations.create']({ datasetId: ids.datasetId, name: 'objects', annotator: 'ada', labels: ['object'] }));
    // A slow explanation (occlusion at every pixel of many images), and an evaluation queued behind it.
    const slow = ok(await api['explain.start']({ modelId: ids.modelId, datasetId: ids.datasetId, images: { split: 'test', pick: 'first', n: 150, seed: 1 }, methods: [{ id: 'occlusion', params: { window: 2, stride: 1 } }] }));
    const queued = ok(await api['evaluate.start']({ runIds: [ids.runId], metrics: [{ id: 'pointing-game' }], groundTruth: { kind: 'set', id: set.id } }));
    await started(api, slow.id);
    expect(ok(await api['jobs.get']({ id: slow.id })).status).toBe('running');

    expect(failure(await api['datasets.delete']({ id: ids.datasetId }))).toBe(`Dataset ${ids.datasetId} is in use by the running explanation job ${slow.id}; cancel it or wait.`);
    expect(failure(await api['models.delete']({ id: ids.modelId }))).toBe(`Model ${ids.modelId} is in use by the running explanation job ${slow.id}; cancel it or wait.`);
    expect(failure(await api['explanations.delete']({ id: ids.runId }))).toBe(`Explanation run ${ids.runId} is in use by the queued evaluation job ${queued.id}; cancel it or wait.`);
    expect(failure(await api['annotations.delete']({ id: set.id }))).toBe(`Annotation set ${set.id} is in use by the queued evaluation job ${queued.id}; cancel it or wait.`);
    const refused = await api['datasets.delete']({ id: ids.datasetId });
    expect(refused.ok ? null : refused.error.code).toBe('conflict');

    ok(await api['jobs.cancel']({ id: queued.id }));
    ok(await api['jobs.cancel']({ id: slow.id }));
    expect((await heatlab.jobs.waitFor(slow.id)).status).toBe('cancelled');
    ok(await api['annotations.delete']({ id: set.id }));
    ok(await api['explanations.delete']({ id: ids.runId }));
    ok(await api['models.delete']({ id: ids.modelId }));
    ok(await api['datasets.delete']({ id: ids.datasetId }));
    expect(catalogueHealth(heatlab.workspace.catalogue.db)).toEqual({ integrity: 'ok', foreignKeyProblems: [] });
    expect(leftovers(dir, heatlab.workspace.catalogue.db)).toEqual([]);
  });

  it('is refused for the dataset a training job is running on, and the training then finishes', async () => {
    const dir = copyOfBase();
    const { heatlab, api } = open(dir);
    const training = ok(await api['models.train']({ datasetId: ids.datasetId, training: { epochs: 3, batchSize: 16, seed: 5 } }));
    await started(api, training.id);
    expect(failure(await api['datasets.delete']({ id: ids.datasetId }))).toBe(`Dataset ${ids.datasetId} is in use by the running training job ${training.id}; cancel it or wait.`);
    const done = await heatlab.jobs.waitFor(training.id);
    expect(done.status, done.error?.message).toBe('done');
    ok(await api['datasets.delete']({ id: ids.datasetId }));
  });
});

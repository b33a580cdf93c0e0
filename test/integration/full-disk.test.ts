// A full disk at every place Heatlab writes — the arrays and staging folders the compute host
// writes, the atomic write of an import's sources.json, main's move of a result into place, the
// ground-truth masks main writes for an evaluation, and the catalogue itself (max_page_count) —
// fails the job (or the request) with one sentence naming the workspace's disk. Main lives on, the
// catalogue passes integrity_check and foreign_key_check, the job's row says failed, and data/
// holds no partial file. ENOSPC is injected (test/fixtures/full-disk.cjs) rather than met on a
// filled disk, except for one test on a real, tiny tmpfs.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api.js';
import type { Job } from '../../shared/jobs.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { hostEntry } from '../../main/app/paths.js';
import { forkHostLauncher } from '../../main/jobs/host-launcher.js';
import { fillDisk, fullDiskEnv, type FullDiskRule } from '../fixtures/full-disk.js';
import { pattern, pngFile } from '../fixtures/import-fixtures.js';
import { failure, ok } from '../fixtures/results.js';
import { catalogueHealth, fillCatalogue, fillCatalogueOn, jobRowStatus, leftovers } from '../fixtures/workspace-state.js';

/** A workspace with a dataset, a trained model and two explanation runs, copied for each test. */
let base: string;
let ids: { datasetId: number; modelId: number; runIds: number[] };
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'heatlab-full-base-'));
  const heatlab = openHeatlab({ workspaceDir: base, mode: 'cli' });
  const api = createInProcessApi(heatlab.router, heatlab.events);
  try {
    const data = await heatlab.jobs.waitFor(ok(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 200, seed: 3 } })).id);
    const datasetId = (data.result as { datasetId: number }).datasetId;
    const trained = await heatlab.jobs.waitFor(ok(await api['models.train']({ datasetId, training: { epochs: 1, batchSize: 32, seed: 1 } })).id);
    expect(trained.status, trained.error?.message).toBe('done');
    const modelId = (trained.result as { modelId: number }).modelId;
    const explained = await heatlab.jobs.waitFor(ok(await api['explain.start']({ modelId, datasetId, images: { split: 'test', pick: 'first', n: 8, seed: 1 }, methods: [{ id: 'gradient', params: {} }, { id: 'random', params: {} }] })).id);
    expect(explained.status, explained.error?.message).toBe('done');
    ids = { datasetId, modelId, runIds: (explained.result as { runIds: number[] }).runIds };
  } finally {
    await heatlab.close();
  }
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A copy of the base workspace, opened with a compute host whose writes matching `hostRule` find the disk full. */
function start(hostRule?: FullDiskRule): { heatlab: Heatlab; api: Api; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'heatlab-full-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(base, dir, { recursive: true });
  const launcher = hostRule === undefined ? undefined : forkHostLauncher(hostEntry(), fullDiskEnv(hostRule));
  const heatlab = openHeatlab({ workspaceDir: dir, mode: 'cli', launcher });
  cleanups.push(() => heatlab.close());
  return { heatlab, api: createInProcessApi(heatlab.router, heatlab.events), dir };
}

const diskFullSentence = (dir: string) => new RegExp(`^The disk holding the workspace ${dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is full: [^\\n]*\\.$`);

/** The job failed with the sentence; its row says so; the catalogue is sound; nothing half-made is left; and main still answers. */
async function expectCleanFailure(heatlab: Heatlab, api: Api, job: Job): Promise<void> {
  const dir = heatlab.workspace.dir;
  expect(job.status).toBe('failed');
  expect(job.error?.code).toBe('workspace');
  expect(job.error?.message).toMatch(diskFullSentence(dir));
  const db = heatlab.workspace.catalogue.db;
  expect(jobRowStatus(db, job.id)).toBe('failed');
  expect(catalogueHealth(db)).toEqual({ integrity: 'ok', foreignKeyProblems: [] });
  expect(leftovers(dir, db)).toEqual([]);
  expect(ok(await api['datasets.list']({})).length).toBeGreaterThan(0);
}

/** Runs a small generation to its end: the host has finished whatever it was doing, and the next job works. */
async function nextJobWorks(heatlab: Heatlab, api: Api): Promise<void> {
  const job = await heatlab.jobs.waitFor(ok(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 20, seed: 9 } })).id);
  expect(job.status, job.error?.message).toBe('done');
  expect(leftovers(heatlab.workspace.dir, heatlab.workspace.catalogue.db)).toEqual([]);
}

const generate = async (heatlab: Heatlab, api: Api) => heatlab.jobs.waitFor(ok(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 300, seed: 4 } })).id);
const train = async (heatlab: Heatlab, api: Api) => heatlab.jobs.waitFor(ok(await api['models.train']({ datasetId: ids.datasetId, training: { epochs: 1, batchSize: 32, seed: 2 } })).id);
const explain = async (heatlab: Heatlab, api: Api) =>
  heatlab.jobs.waitFor(ok(await api['explain.start']({ modelId: ids.modelId, datasetId: ids.datasetId, images: { split: 'test', pick: 'first', n: 8, seed: 1 }, methods: [{ id: 'gradient', params: {} }, { id: 'occlusion', params: { window: 8, stride: 8 } }] })).id);
const evaluate = async (heatlab: Heatlab, api: Api) =>
  heatlab.jobs.waitFor(ok(await api['evaluate.start']({ runIds: ids.runIds, metrics: [{ id: 'pointing-game' }], groundTruth: { kind: 'generated', mask: 'object' } })).id);

describe('a full disk while the compute host writes', () => {
  it('fails a generation whose images fill the disk with the sentence, and leaves no partial file', async () => {
    const { heatlab, api } = start({ match: 'images.npy', after: 20_000 });
    await expectCleanFailure(heatlab, api, await generate(heatlab, api));
  });

  it('fails a generation whose staging folder cannot be made with the sentence', async () => {
    const { heatlab, api } = start({ match: '.staging-job-' });
    await expectCleanFailure(heatlab, api, await generate(heatlab, api));
  });

  it('fails an import whose sources.json (an atomic write) finds the disk full with the sentence, not by blaming the source', async () => {
    const { heatlab, api } = start({ match: 'sources.json', after: 10 });
    const source = mkdtempSync(join(tmpdir(), 'heatlab-full-source-'));
    cleanups.push(() => rmSync(source, { recursive: true, force: true }));
    for (const name of ['a', 'b']) {
      mkdirSync(join(source, name));
      for (let k = 0; k < 4; k++) writeFileSync(join(source, name, `${k}.png`), pngFile({ width: 8, height: 8, depth: 8, colourType: 0, rows: Array.from({ length: 8 }, (_, y) => pattern(8, k * 31 + y + (name === 'a' ? 0 : 500))) }));
    }
    const job = await heatlab.jobs.waitFor(ok(await api['datasets.import']({ path: source })).id);
    expect(job.error?.message).not.toMatch(/source|cannot read/i);
    await expectCleanFailure(heatlab, api, job);
  });

  it('fails an import whose images array fills the disk with the sentence', async () => {
    const { heatlab, api } = start({ match: 'images.npy', after: 200 });
    const source = mkdtempSync(join(tmpdir(), 'heatlab-full-source-'));
    cleanups.push(() => rmSync(source, { recursive: true, force: true }));
    for (const name of ['a', 'b']) {
      mkdirSync(join(source, name));
      for (let k = 0; k < 8; k++) writeFileSync(join(source, name, `${k}.png`), pngFile({ width: 16, height: 16, depth: 8, colourType: 0, rows: Array.from({ length: 16 }, (_, y) => pattern(16, k * 31 + y)) }));
    }
    await expectCleanFailure(heatlab, api, await heatlab.jobs.waitFor(ok(await api['datasets.import']({ path: source })).id));
  });

  it("fails a training whose ONNX export finds the disk full with the sentence, and keeps no model folder", async () => {
    const { heatlab, api } = start({ match: 'model.onnx', after: 1000 });
    await expectCleanFailure(heatlab, api, await train(heatlab, api));
  });

  it('fails an explanation whose heatmaps fill the disk with the sentence', async () => {
    const { heatlab, api } = start({ match: 'heatmaps.npy', after: 4000 });
    const job = await explain(heatlab, api);
    await expectCleanFailure(heatlab, api, job);
    // The first method's run may have been recorded while the job went on; it is complete, so it stays.
    expect(ok(await api['explanations.list']({})).length).toBeGreaterThanOrEqual(2);
  });

  it('fails an evaluation whose arrays find the disk full with the sentence', async () => {
    const { heatlab, api } = start({ match: 'evaluations/.staging-job-' });
    await expectCleanFailure(heatlab, api, await evaluate(heatlab, api));
  });
});

describe('a full disk while main records a result', () => {
  it.each([
    ['generation', 'datasets', generate],
    ['training', 'models', train],
    ['explanation', 'explanation_runs', explain],
    ['evaluation', 'evaluations', evaluate],
  ] as const)('fails a %s the full catalogue cannot record with the sentence, its row failed, and keeps no folder for it', async (_kind, table, run) => {
    const { heatlab, api } = start();
    const lists = async () => [ok(await api['datasets.list']({})).length, ok(await api['models.list']({})).length, ok(await api['explanations.list']({})).length, ok(await api['evaluations.list']({})).length];
    const before = await lists();
    const roomy = fillCatalogueOn(heatlab.workspace.catalogue.db, table);
    const job = await run(heatlab, api);
    roomy();
    await nextJobWorks(heatlab, api); // the host is idle again, so nothing it held is counted as left over
    await expectCleanFailure(heatlab, api, job);
    const after = await lists();
    expect(after.slice(1)).toEqual(before.slice(1));
    expect(after[0]).toBe(before[0]! + 1); // only nextJobWorks's dataset
  });

  it("fails a generation whose folder cannot be moved into place with the sentence, and rolls its rows back", async () => {
    const { heatlab, api } = start();
    const undo = fillDisk({ match: join('data', 'datasets', '2') });
    cleanups.push(undo);
    const job = await generate(heatlab, api);
    undo();
    await expectCleanFailure(heatlab, api, job);
    expect(ok(await api['datasets.list']({})).map((d) => d.id)).toEqual([ids.datasetId]);
  });

  it('refuses an evaluation whose ground-truth masks main cannot write with the sentence, leaving no input folder', async () => {
    const { heatlab, api } = start();
    const undo = fillDisk({ match: 'masks.npy', after: 300 });
    cleanups.push(undo);
    const message = failure(await api['evaluate.start']({ runIds: ids.runIds, metrics: [{ id: 'pointing-game' }], groundTruth: { kind: 'generated', mask: 'object' } }));
    undo();
    expect(message).toMatch(diskFullSentence(heatlab.workspace.dir));
    expect(leftovers(heatlab.workspace.dir, heatlab.workspace.catalogue.db)).toEqual([]);
  });

  it('refuses a job the full catalogue cannot even queue with the sentence, and no job row is left behind', async () => {
    const { heatlab, api } = start();
    const jobs = ok(await api['jobs.list']({})).length;
    const roomy = fillCatalogue(heatlab.workspace.catalogue.db);
    // Fill the last free room of the jobs table's page, as a disk with 0 bytes free would leave it.
    const message = await (async () => {
      for (let k = 0; k < 200; k++) {
        const result = await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 10 }, name: 'x'.repeat(200) });
        if (!result.ok) return result.error.message;
        await heatlab.jobs.waitFor(result.value.id);
      }
      return 'never refused';
    })();
    roomy();
    expect(message).toMatch(diskFullSentence(heatlab.workspace.dir));
    expect(ok(await api['jobs.list']({ limit: 1000 })).every((j) => j.status !== 'queued' && j.status !== 'running')).toBe(true);
    expect(ok(await api['jobs.list']({ limit: 1000 })).length).toBeGreaterThan(jobs);
    expect(catalogueHealth(heatlab.workspace.catalogue.db)).toEqual({ integrity: 'ok', foreignKeyProblems: [] });
  });
});

describe('a real disk with 0 bytes free (a 2 MiB tmpfs)', () => {
  it('refuses to open the workspace, and to generate, with the sentence instead of blaming the catalogue or "Cannot read properties of null"', async () => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'heatlab-tmpfs-'));
    cleanups.push(() => rmSync(mountPoint, { recursive: true, force: true }));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    } catch (err) {
      throw new Error(`This test mounts a 2 MiB tmpfs and needs root (as CI runs) to do so: ${String(err)}`);
    }
    cleanups.push(() => void execFileSync('umount', ['-l', mountPoint]));
    const fill = () => {
      try {
        execFileSync('dd', ['if=/dev/zero', `of=${join(mountPoint, `filler-${Date.now()}`)}`, 'bs=4k'], { stdio: 'pipe' });
      } catch {
        // dd stops when the disk is full, which is the point
      }
    };
    const dir = join(mountPoint, 'workspace');
    await openHeatlab({ workspaceDir: dir, mode: 'cli' }).close();
    fill();
    // Not "the catalogue cannot be read as a SQLite database (disk I/O error)… restore it from a backup".
    expect(() => openHeatlab({ workspaceDir: dir, mode: 'cli' })).toThrow(diskFullSentence(dir));
    for (const file of readdirSync(mountPoint)) if (file.startsWith('filler-')) rmSync(join(mountPoint, file));
    const heatlab = openHeatlab({ workspaceDir: dir, mode: 'cli' });
    const api = createInProcessApi(heatlab.router, heatlab.events);
    try {
      fill();
      const message = failure(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 50 } }));
      expect(message).toMatch(diskFullSentence(dir));
      expect(ok(await api['jobs.list']({}))).toEqual([]);
    } finally {
      await heatlab.close();
    }
  });
});

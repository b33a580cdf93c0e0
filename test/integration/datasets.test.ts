import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api.js';
import type { Job } from '../../shared/jobs.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { readNpy } from '../../main/workspace/npy.js';
import { ok } from '../fixtures/results.js';

let workspace: string;
let heatlab: Heatlab;
let api: Api;

async function generate(request: Parameters<Api['datasets.generate']>[0]): Promise<Job> {
  const job = ok(await api['datasets.generate'](request));
  return heatlab.jobs.waitFor(job.id);
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'heatlab-datasets-'));
  heatlab = openHeatlab({ workspaceDir: workspace, mode: 'cli' });
  api = createInProcessApi(heatlab.router, heatlab.events);
});

afterEach(async () => {
  await heatlab.close();
  rmSync(workspace, { recursive: true, force: true });
});

describe('dataset generation', () => {
  it('records a generated dataset with its files, checksums, balanced classes and splits', async () => {
    const job = await generate({ generator: 'triangles-squares', params: { count: 300, seed: 7 } });
    expect(job.status).toBe('done');
    const { datasetId } = job.result as { datasetId: number };
    const dataset = ok(await api['datasets.get']({ id: datasetId }));
    expect(dataset).toMatchObject({ source: 'generated', generator: 'triangles-squares', count: 300, height: 32, width: 32, channels: 1, dtype: 'uint8', seed: 7 });
    expect(dataset.classNames).toEqual(['square', 'triangle']);
    expect(dataset.splitCounts).toEqual({ train: 150, validation: 60, test: 90 });
    expect(dataset.classCountsBySplit).toEqual({ train: [75, 75], validation: [30, 30], test: [45, 45] });
    for (const file of dataset.files) {
      const path = join(workspace, file.path);
      expect(sha256(path)).toBe(file.sha256);
      expect(readNpy(path).shape).toEqual(file.shape);
    }
    expect(readdirSync(join(workspace, 'data', 'datasets'))).toEqual([String(datasetId)]);
  });

  it('makes byte-identical files from the same seed and different ones from another seed', async () => {
    const checksums = async (seed: number) => {
      const job = await generate({ generator: 'counting-circles', params: { count: 64, seed } });
      const dataset = ok(await api['datasets.get']({ id: (job.result as { datasetId: number }).datasetId }));
      return Object.fromEntries(dataset.files.map((f) => [f.role, f.sha256]));
    };
    const a = await checksums(3);
    const b = await checksums(3);
    const c = await checksums(4);
    expect(b).toEqual(a);
    expect(c.images).not.toBe(a.images);
  });

  it('returns images, masks and parameters for any selection, matching the preview', async () => {
    const params = { count: 40, seed: 11 };
    const job = await generate({ generator: 'triangles-squares-scaled', params });
    const id = (job.result as { datasetId: number }).datasetId;
    const indices = [5, 0, 39, 6];
    const images = ok(await api['datasets.images']({ id, indices }));
    expect(images.shape).toEqual([4, 64, 64, 1]);
    const preview = ok(await api['datasets.preview']({ generator: 'triangles-squares-scaled', params, count: 40 }));
    indices.forEach((index, k) => {
      expect(Array.from(images.data.subarray(k * 4096, (k + 1) * 4096))).toEqual(Array.from(preview.images.data.subarray(index * 4096, (index + 1) * 4096)));
    });
    const masks = ok(await api['datasets.masks']({ id, kind: 'object', indices }));
    indices.forEach((index, k) => {
      expect(Array.from(masks.data.subarray(k * 4096, (k + 1) * 4096))).toEqual(Array.from(preview.masks.object!.subarray(index * 4096, (index + 1) * 4096)));
    });
    const items = ok(await api['datasets.items']({ id, indices }));
    expect(items.columns).toEqual(['theta', 'radius', 'centerRow', 'centerCol', 'foreground', 'background']);
    expect(items.rows.length).toBe(4 * 6);
    const index = ok(await api['datasets.index']({ id }));
    expect(Array.from(items.labels)).toEqual(indices.map((i) => index.labels[i]));
  });

  it('refuses an image index past the end with a sentence naming the range', async () => {
    const job = await generate({ generator: 'triangles-squares', params: { count: 10 } });
    const id = (job.result as { datasetId: number }).datasetId;
    const result = await api['datasets.images']({ id, indices: [10] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toBe(`Image 10 is outside dataset ${id}, which has 10 images (0–9).`);
  });

  it('names the offending generator parameter in a bad request', async () => {
    const result = await api['datasets.generate']({ generator: 'counting-circles', params: { count: 1 } });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_request');
      expect(result.error.message).toContain('"params.count"');
    }
  });

  it('leaves nothing behind when generation is cancelled', async () => {
    const job = ok(await api['datasets.generate']({ generator: 'triangles-squares-scaled', params: { count: 200_000 } }));
    await new Promise<void>((resolve) => {
      const off = api.on('job.progress', (e) => {
        if (e.jobId === job.id && e.progress.done > 0) {
          off();
          resolve();
        }
      });
    });
    ok(await api['jobs.cancel']({ id: job.id }));
    const ended = await heatlab.jobs.waitFor(job.id);
    expect(ended.status).toBe('cancelled');
    expect(ok(await api['datasets.list']({}))).toEqual([]);
    expect(readdirSync(join(workspace, 'data', 'datasets'))).toEqual([]);
  });

  it('deletes the row and then the files', async () => {
    const job = await generate({ generator: 'circles-triangles', params: { count: 20 } });
    const id = (job.result as { datasetId: number }).datasetId;
    const folder = join(workspace, 'data', 'datasets', String(id));
    expect(existsSync(folder)).toBe(true);
    ok(await api['datasets.delete']({ id }));
    expect(existsSync(folder)).toBe(false);
    const after = await api['datasets.get']({ id });
    expect(after.ok).toBe(false);
    if (!after.ok) expect(after.error.code).toBe('not_found');
  });
});

describe('dataset import through the API', () => {
  async function writePng(path: string, pixels: Uint8Array, size: number): Promise<void> {
    const sharp = (await import('sharp')).default;
    mkdirSync(dirname(path), { recursive: true });
    await sharp(Buffer.from(pixels), { raw: { width: size, height: size, channels: 1 } }).toColourspace('b-w').png().toFile(path);
  }

  it('imports a class folder with masks into a dataset and an annotation set whose masks line up', async () => {
    const source = mkdtempSync(join(tmpdir(), 'heatlab-import-src-'));
    try {
      const size = 8;
      for (const [c, cls] of ['cats', 'dogs'].entries()) {
        for (let k = 0; k < 3; k++) {
          const pixels = new Uint8Array(size * size).fill(40 * (k + 1) + c);
          const mask = new Uint8Array(size * size);
          mask[k * size + c] = 255; // one marked pixel, different per image
          await writePng(join(source, 'images', cls, `${k}.png`), pixels, size);
          await writePng(join(source, 'masks', cls, `${k}.png`), mask, size);
        }
      }
      const plan = ok(await api['datasets.inspect']({ path: join(source, 'images') }));
      expect(plan.problems).toEqual([]);
      expect(plan.classes).toEqual([
        { name: 'cats', count: 3 },
        { name: 'dogs', count: 3 },
      ]);
      const job = ok(await api['datasets.import']({ path: join(source, 'images'), masksPath: join(source, 'masks'), name: 'pets' }));
      const done = await heatlab.jobs.waitFor(job.id);
      expect(done.status).toBe('done');
      const { datasetId, annotationSetId } = done.result as { datasetId: number; annotationSetId: number };
      const dataset = ok(await api['datasets.get']({ id: datasetId }));
      expect(dataset).toMatchObject({ name: 'pets', source: 'imported', count: 6, height: 8, width: 8, channels: 1, classNames: ['cats', 'dogs'] });
      expect(dataset.report).toMatchObject({ imported: 6, masksMatched: 6, annotationSetId });
      const sets = ok(await api['annotations.list']({ datasetId }));
      expect(sets.map((s) => s.id)).toEqual([annotationSetId]);
      const items = ok(await api['datasets.items']({ id: datasetId, indices: [0, 1, 2, 3, 4, 5] }));
      const masks = ok(await api['annotations.masks']({ id: annotationSetId, indices: [0, 1, 2, 3, 4, 5] }));
      items.files.forEach((file, i) => {
        const [cls, name] = file!.split('/') as [string, string];
        const k = Number(name.replace('.png', ''));
        const c = cls === 'cats' ? 0 : 1;
        const marked = Array.from(masks.data.subarray(i * 64, (i + 1) * 64)).flatMap((v, p) => (v ? [p] : []));
        expect(marked).toEqual([k * size + c]);
      });
      // Deleting the dataset takes the annotation set with it.
      ok(await api['datasets.delete']({ id: datasetId }));
      const gone = await api['annotations.masks']({ id: annotationSetId, indices: [0] });
      expect(gone.ok).toBe(false);
    } finally {
      rmSync(source, { recursive: true, force: true });
    }
  });
});

describe('staging folders at start-up', () => {
  it('removes what crashed jobs left, but keeps the folder of a job another live process is running', async () => {
    await heatlab.close();
    const { openCatalogue } = await import('../../main/catalogue/database.js');
    const { JobsRepository } = await import('../../main/catalogue/jobs-repository.js');
    const catalogue = openCatalogue(join(workspace, 'catalogue.sqlite'));
    const running = new JobsRepository(catalogue.db).create('engine.check', { seconds: 0 }, process.pid);
    catalogue.close();
    const orphan = join(workspace, 'data', 'models', '.staging-job-999');
    const live = join(workspace, 'data', 'datasets', `.staging-job-${running.id}`);
    mkdirSync(orphan, { recursive: true });
    mkdirSync(live, { recursive: true });
    heatlab = openHeatlab({ workspaceDir: workspace, mode: 'cli' });
    api = createInProcessApi(heatlab.router, heatlab.events);
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});

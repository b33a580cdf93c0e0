// Annotation sets through the API on a temporary workspace: created empty or seeded from a
// generated ground truth, one image's mask saved at a time (and still there after the app is
// closed and opened again, as after a reload or a crash), reverted to the seed, refused in one
// sentence when wrong, and deleted with their files. Masks also travel over the WebSocket as binary.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api.js';
import { connectWebSocketApi, type WebSocketConstructor } from '../../shared/ws-client.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { startServer } from '../../main/app/serve.js';
import { failure, ok } from '../fixtures/results.js';

let workspace: string;
let heatlab: Heatlab;
let api: Api;
let datasetId: number;

function open(): void {
  heatlab = openHeatlab({ workspaceDir: workspace, mode: 'cli' });
  api = createInProcessApi(heatlab.router, heatlab.events);
}

/** A 32×32 mask with a filled square of `label` at (x, y). */
function square(x: number, y: number, size: number, label = 1): Uint8Array {
  const mask = new Uint8Array(32 * 32);
  for (let r = y; r < y + size; r++) mask.fill(label, r * 32 + x, r * 32 + x + size);
  return mask;
}

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'heatlab-annotations-'));
  open();
  const job = await heatlab.jobs.waitFor(ok(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 40, seed: 4 } })).id);
  datasetId = (job.result as { datasetId: number }).datasetId;
});

afterAll(async () => {
  await heatlab.close();
  rmSync(workspace, { recursive: true, force: true });
});

describe('annotation sets', () => {
  it('starts empty, saves one image’s mask, and keeps it when the app is closed and opened again', async () => {
    const set = ok(await api['annotations.create']({ datasetId, name: 'corners by hand', annotator: 'ada', labels: ['corner', 'edge'] }));
    expect(set).toMatchObject({ source: 'empty', seed: { kind: 'empty' }, total: 40, labels: ['corner', 'edge'] });
    expect(Array.from(set.annotated)).toEqual([]);
    expect(ok(await api['annotations.masks']({ id: set.id, indices: [3] })).data.every((v) => v === 0)).toBe(true);

    const mask = square(4, 5, 6, 2);
    mask.fill(1, 0, 3);
    const saved = ok(await api['annotations.save']({ id: set.id, index: 3, mask }));
    expect(saved).toMatchObject({ setId: set.id, index: 3, annotated: 1 });
    ok(await api['annotations.save']({ id: set.id, index: 7, mask: square(0, 0, 2) }));

    await heatlab.close();
    open();
    const reopened = ok(await api['annotations.get']({ id: set.id }));
    expect(Array.from(reopened.annotated)).toEqual([3, 7]);
    const masks = ok(await api['annotations.masks']({ id: set.id, indices: [7, 3, 4] }));
    expect(masks.shape).toEqual([3, 32, 32]);
    expect(Array.from(masks.data.subarray(1024, 2048))).toEqual(Array.from(mask));
    expect(Array.from(masks.data.subarray(0, 1024))).toEqual(Array.from(square(0, 0, 2)));
    expect(masks.data.subarray(2048).every((v) => v === 0)).toBe(true);
  });

  it('starts from a generated ground truth, lets a saved mask override it, and reverts to it', async () => {
    const set = ok(await api['annotations.create']({ datasetId, name: 'objects', annotator: 'ada', labels: ['object'], seed: { kind: 'generated', mask: 'object' } }));
    expect(set.source).toBe('generated');
    const generated = ok(await api['datasets.masks']({ id: datasetId, kind: 'object', indices: [0, 1, 2] }));
    expect(Array.from(ok(await api['annotations.masks']({ id: set.id, indices: [0, 1, 2] })).data)).toEqual(Array.from(generated.data));
    ok(await api['annotations.save']({ id: set.id, index: 1, mask: new Uint8Array(1024) }));
    const edited = ok(await api['annotations.masks']({ id: set.id, indices: [1] })).data;
    expect(edited.every((v) => v === 0)).toBe(true);
    expect(ok(await api['annotations.revert']({ id: set.id, index: 1 })).annotated).toBe(0);
    expect(Array.from(ok(await api['annotations.masks']({ id: set.id, indices: [1] })).data)).toEqual(Array.from(generated.data.subarray(1024, 2048)));
  });

  it('refuses wrong masks, images, labels and seeds in one sentence, saving nothing', async () => {
    const set = ok(await api['annotations.create']({ datasetId, name: 'checks', annotator: 'ada', labels: ['region'] }));
    expect(failure(await api['annotations.save']({ id: set.id, index: 0, mask: new Uint8Array(100) }))).toBe('A mask for this dataset holds 32×32 = 1024 values, not 100.');
    expect(failure(await api['annotations.save']({ id: set.id, index: 0, mask: square(1, 1, 3, 2) }))).toBe('The mask uses label 2, and the set has 1 label (values 0–1).');
    expect(failure(await api['annotations.save']({ id: set.id, index: 40, mask: square(1, 1, 3) }))).toBe(`Image 40 is outside annotation set ${set.id}, whose dataset has 40 images.`);
    expect(failure(await api['annotations.masks']({ id: 999, indices: [0] }))).toBe('There is no annotation set 999.');
    expect(failure(await api['annotations.create']({ datasetId, name: 'twice', annotator: 'ada', labels: ['a', 'a'] }))).toBe('The label "a" is given twice.');
    expect(failure(await api['annotations.create']({ datasetId, name: 'bands', annotator: 'ada', labels: ['a'], seed: { kind: 'generated', mask: 'instances' as 'object' } }))).toMatch(/seed/);
    expect(Array.from(ok(await api['annotations.get']({ id: set.id })).annotated)).toEqual([]);
  });

  it('measures agreement with another annotator on the images both annotated, and with a generated ground truth', async () => {
    const first = ok(await api['annotations.create']({ datasetId, name: 'first', annotator: 'ada', labels: ['x'] }));
    const second = ok(await api['annotations.create']({ datasetId, name: 'second', annotator: 'bob', labels: ['x'] }));
    ok(await api['annotations.save']({ id: first.id, index: 1, mask: square(0, 0, 4) }));
    ok(await api['annotations.save']({ id: first.id, index: 2, mask: square(0, 0, 4) })); // 16 pixels
    ok(await api['annotations.save']({ id: second.id, index: 2, mask: square(2, 0, 4) })); // 16 pixels, 8 shared
    ok(await api['annotations.save']({ id: second.id, index: 3, mask: square(0, 0, 4) }));
    const pair = ok(await api['annotations.agreement']({ id: first.id, with: { kind: 'set', id: second.id } }));
    expect(Array.from(pair.indices)).toEqual([2]);
    expect(pair.iou[0]).toBeCloseTo(8 / 24, 12);
    expect(pair.dice[0]).toBeCloseTo(16 / 32, 12);
    const object = ok(await api['datasets.masks']({ id: datasetId, kind: 'object', indices: [5] })).data;
    ok(await api['annotations.save']({ id: second.id, index: 5, mask: object }));
    const truth = ok(await api['annotations.agreement']({ id: second.id, with: { kind: 'generated', mask: 'object' } }));
    expect(Array.from(truth.indices)).toEqual([2, 3, 5]);
    expect(truth.iou[2]).toBe(1);
    expect(failure(await api['annotations.agreement']({ id: first.id, with: { kind: 'set', id: first.id + 100 } }))).toBe(`There is no annotation set ${first.id + 100}.`);
    const empty = ok(await api['annotations.create']({ datasetId, name: 'empty', annotator: 'cy', labels: ['x'] }));
    expect(failure(await api['annotations.agreement']({ id: empty.id, with: { kind: 'generated', mask: 'object' } }))).toBe(`Annotation set ${empty.id} has no annotated image yet.`);
  });

  it('renames and deletes a set with its saved masks', async () => {
    const set = ok(await api['annotations.create']({ datasetId, name: 'temporary', annotator: 'ada', labels: ['x'] }));
    ok(await api['annotations.save']({ id: set.id, index: 2, mask: square(3, 3, 3) }));
    expect(ok(await api['annotations.rename']({ id: set.id, name: 'kept for now' })).name).toBe('kept for now');
    ok(await api['annotations.delete']({ id: set.id }));
    expect(failure(await api['annotations.get']({ id: set.id }))).toBe(`There is no annotation set ${set.id}.`);
    expect(ok(await api['annotations.list']({ datasetId })).map((s) => s.id)).not.toContain(set.id);
  });

  it('saves and reads masks over the WebSocket as binary', async () => {
    const server = await startServer({ router: heatlab.router, events: heatlab.events, rendererDir: workspace });
    const ws = await connectWebSocketApi(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, WebSocket as unknown as WebSocketConstructor);
    try {
      const set = ok(await ws['annotations.create']({ datasetId, name: 'remote', annotator: 'ada', labels: ['x'] }));
      ok(await ws['annotations.save']({ id: set.id, index: 5, mask: square(10, 10, 4) }));
      const masks = ok(await ws['annotations.masks']({ id: set.id, indices: [5] }));
      expect(masks.data).toBeInstanceOf(Uint8Array);
      expect(Array.from(masks.data)).toEqual(Array.from(square(10, 10, 4)));
    } finally {
      ws.close();
      await server.close();
    }
    expect(existsSync(join(workspace, 'catalogue.sqlite'))).toBe(true);
  });
});

// Exporting an annotation set (palette PNGs, masks.npy with indices.npy, labels.json) into a folder
// the user picked, and importing PNG masks into an existing set — round trip and refusals.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { encodeMaskPng } from '../../main/annotate/mask-png.js';
import { decodePng } from '../../main/workspace/images/png.js';
import { decodeNpy } from '../../main/workspace/npy.js';
import { failure, ok } from '../fixtures/results.js';

let workspace: string;
let out: string;
let heatlab: Heatlab;
let api: Api;
let datasetId: number;

function square(x: number, y: number, size: number, label = 1): Uint8Array {
  const mask = new Uint8Array(32 * 32);
  for (let r = y; r < y + size; r++) mask.fill(label, r * 32 + x, r * 32 + x + size);
  return mask;
}

/** An 8-bit grey PNG of a 32×32 mask, as other tools write them. */
function greyPng(values: Uint8Array): Promise<Buffer> {
  return sharp(Buffer.from(values), { raw: { width: 32, height: 32, channels: 1 } }).png().toBuffer();
}

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'heatlab-annotation-export-'));
  out = mkdtempSync(join(tmpdir(), 'heatlab-annotation-out-'));
  heatlab = openHeatlab({ workspaceDir: workspace, mode: 'cli' });
  api = createInProcessApi(heatlab.router, heatlab.events);
  // As the folder picker does when the user chooses the folder to export into.
  ok(await api['files.grant']({ path: out }));
  const job = await heatlab.jobs.waitFor(ok(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 12, seed: 2 } })).id);
  datasetId = (job.result as { datasetId: number }).datasetId;
});

afterAll(async () => {
  await heatlab.close();
  rmSync(workspace, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describe('annotation export and import', () => {
  it('exports the annotated images as palette PNGs and one .npy with their dataset indices', async () => {
    const set = ok(await api['annotations.create']({ datasetId, name: 'corners/edges by Ada', annotator: 'ada', labels: ['corner', 'edge'] }));
    const a = square(2, 3, 4, 1);
    const b = square(10, 10, 5, 2);
    ok(await api['annotations.save']({ id: set.id, index: 7, mask: a }));
    ok(await api['annotations.save']({ id: set.id, index: 2, mask: b }));

    const result = ok(await api['annotations.export']({ id: set.id, folder: out }));
    expect(result.folder).toBe(join(out, 'corners-edges-by-Ada-masks'));
    expect(result.images).toBe(2);
    expect(readdirSync(result.folder).sort()).toEqual(['00002.png', '00007.png', 'indices.npy', 'labels.json', 'masks.npy']);

    const masks = decodeNpy(readFileSync(join(result.folder, 'masks.npy')));
    expect(masks.shape).toEqual([2, 32, 32]);
    expect(masks.dtype).toBe('uint8');
    expect(Array.from(masks.data.subarray(0, 1024))).toEqual(Array.from(b));
    expect(Array.from(masks.data.subarray(1024))).toEqual(Array.from(a));
    const indices = decodeNpy(readFileSync(join(result.folder, 'indices.npy')));
    expect(indices.dtype).toBe('int32');
    expect(Array.from(indices.data)).toEqual([2, 7]);
    expect(JSON.parse(readFileSync(join(result.folder, 'labels.json'), 'utf8')).labels).toEqual({ '0': '(none)', '1': 'corner', '2': 'edge' });

    // A palette PNG (colour type 3): label 2 shows in the second label colour, unmarked in black.
    const png = readFileSync(join(result.folder, '00002.png'));
    expect(png[25]).toBe(3);
    const decoded = decodePng(png)!;
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([32, 32, 3]);
    expect(Array.from(decoded.data.subarray(0, 3))).toEqual([0, 0, 0]);
    const p = (10 * 32 + 10) * 3;
    expect(Array.from(decoded.data.subarray(p, p + 3))).toEqual([0x56, 0xb4, 0xe9]);

    // A second export does not overwrite the first; "all" exports every image, unsaved ones empty.
    const all = ok(await api['annotations.export']({ id: set.id, folder: out, formats: ['npy'], images: 'all' }));
    expect(all.folder).toBe(join(out, 'corners-edges-by-Ada-masks (2)'));
    expect(all.files).toEqual(['masks.npy', 'indices.npy', 'labels.json']);
    expect(decodeNpy(readFileSync(join(all.folder, 'masks.npy'))).shape).toEqual([12, 32, 32]);

    // The exported PNGs import back into another set with the same labels, value for value.
    const copy = ok(await api['annotations.create']({ datasetId, name: 'copy', annotator: 'bob', labels: ['corner', 'edge'] }));
    const imported = ok(await api['annotations.importMasks']({ id: copy.id, folder: result.folder }));
    expect(imported).toEqual({ imported: 2, annotated: 2, skipped: [] });
    const back = ok(await api['annotations.masks']({ id: copy.id, indices: [2, 7] })).data;
    expect(Array.from(back.subarray(0, 1024))).toEqual(Array.from(b));
    expect(Array.from(back.subarray(1024))).toEqual(Array.from(a));
  });

  it('imports a binary 0/255 mask into a one-label set and says which files it passed over', async () => {
    const set = ok(await api['annotations.create']({ datasetId, name: 'objects', annotator: 'ada', labels: ['object'] }));
    const folder = join(out, 'binary');
    mkdirSync(folder);
    const binary = await greyPng(Uint8Array.from(square(0, 0, 3), (v) => v * 255));
    writeFileSync(join(folder, 'mask_4.png'), binary);
    writeFileSync(join(folder, 'notes.png'), binary);
    writeFileSync(join(folder, '99.png'), binary);
    const result = ok(await api['annotations.importMasks']({ id: set.id, folder }));
    expect(result.imported).toBe(1);
    expect(result.skipped).toEqual([
      { file: '99.png', reason: 'the dataset has no image 99 (it has 12)' },
      { file: 'notes.png', reason: 'its name has no image number' },
    ]);
    expect(Array.from(ok(await api['annotations.masks']({ id: set.id, indices: [4] })).data)).toEqual(Array.from(square(0, 0, 3)));
  });

  it('refuses an export with nothing to write or a folder that is not one, and an import with no mask, in one sentence', async () => {
    const set = ok(await api['annotations.create']({ datasetId, name: 'untouched', annotator: 'ada', labels: ['x', 'y'] }));
    expect(failure(await api['annotations.export']({ id: set.id, folder: out }))).toBe('Annotation set "untouched" has no annotated image yet, so there is nothing to export.');
    expect(failure(await api['annotations.export']({ id: set.id, folder: 'relative/path' }))).toBe('"relative/path" is not an absolute path.');
    expect(failure(await api['annotations.export']({ id: set.id, folder: join(out, 'missing') }))).toBe(`${join(out, 'missing')} is not a folder.`);
    const empty = join(out, 'empty');
    mkdirSync(empty);
    expect(failure(await api['annotations.importMasks']({ id: set.id, folder: empty }))).toBe(`Nothing was imported from ${empty}: it holds no PNG file.`);
    writeFileSync(join(empty, '1.png'), await greyPng(Uint8Array.from(square(0, 0, 2), (v) => v * 255)));
    expect(failure(await api['annotations.importMasks']({ id: set.id, folder: empty }))).toBe('1.png cannot be imported into "untouched": it uses the value 255, and the set has 2 labels (values 0–2).');
    expect(Array.from(ok(await api['annotations.get']({ id: set.id })).annotated)).toEqual([]);
  });
});

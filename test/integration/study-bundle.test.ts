// Reproducibility bundles end to end: a tiny study run and exported through the Api, then
// `heatlab study run bundle.zip` in a fresh workspace recomputes it from the bundle alone and finds
// no differing score, array or model; a bundle whose score CSV or ONNX model was changed after the
// export is caught and the changed file named; and zips that would unpack outside their folder,
// hold a link, or unpack to more than they declare or a bundle may hold are refused in one sentence.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api.js';
import type { BundleManifest, StudyBundleCheck } from '../../shared/study-bundle.js';
import type { Study, StudyPlanInput } from '../../shared/studies.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { BUNDLE_LIMITS, readBundleEntries, unpackBundle } from '../../main/study/bundle/zip-read.js';
import { ownStderr, runCli } from '../fixtures/cli-runner.js';
import { pytorchMadeCnn } from '../fixtures/foreign-onnx.js';
import { pngFile, writeFile } from '../fixtures/import-fixtures.js';
import { failure, ok } from '../fixtures/results.js';

const plan: StudyPlanInput = {
  name: 'Bundle study',
  question: 'Does LRP ε find the shape better than the gradient?',
  datasets: [
    {
      kind: 'generate',
      generator: 'triangles-squares',
      params: { count: 120, size: 16, minContrast: 0.3 },
      seed: 3,
      models: [{ kind: 'train', architecture: { kind: 'preset', preset: 'tiny-cnn' }, training: { epochs: 1, batchSize: 32, learningRate: 0.003, seed: 2 } }],
    },
  ],
  methods: [{ id: 'gradient' }, { id: 'lrp-epsilon' }],
  images: { split: 'test', n: 5, seed: 4 },
  groundTruths: [{ kind: 'generated', mask: 'object' }],
  metrics: [{ id: 'relevance-mass-accuracy' }, { id: 'region-perturbation', params: { regionSize: 4, steps: 3 } }],
  seed: 5,
  resamples: 100,
};

let root: string;
let heatlab: Heatlab;
let api: Api;
let study: Study;
let bundle: string;
/** A fresh workspace where bundles are recomputed. */
let elsewhere: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'heatlab-bundle-'));
  elsewhere = join(root, 'elsewhere');
  heatlab = openHeatlab({ workspaceDir: join(root, 'workspace'), mode: 'cli' });
  api = createInProcessApi(heatlab.router, heatlab.events);
  const created = ok(await api['studies.create']({ plan: plan as Record<string, unknown> }));
  ok(await api['studies.run']({ id: created.id }));
  study = await heatlab.studies.waitFor(created.id);
  expect(study.status).toBe('done');
});

afterAll(async () => {
  await heatlab.close();
  rmSync(root, { recursive: true, force: true });
});

const zipEntries = (path: string) => unzipSync(new Uint8Array(readFileSync(path)));

/** The bundle with `change` applied to its entries (the manifest left as it was), written beside it. */
function tampered(name: string, change: (files: Record<string, Uint8Array>) => void): string {
  const files = zipEntries(bundle);
  change(files);
  const path = join(root, name);
  writeFileSync(path, zipSync(files as Zippable));
  return path;
}

async function runBundle(path: string): Promise<{ code: number | null; check: StudyBundleCheck; stderr: string }> {
  const run = await runCli(elsewhere, 'study', 'run', path, '--json');
  expect(run.stdout, ownStderr(run)).not.toBe('');
  return { code: run.code, check: JSON.parse(run.stdout) as StudyBundleCheck, stderr: ownStderr(run) };
}

describe('study bundles', () => {
  it('exports a finished study as one zip with its plan, manifest, models, arrays, score CSVs and report, and refuses one not done', async () => {
    const folder = join(root, 'out');
    mkdirSync(folder);
    const { folder: granted } = ok(await api['files.grant']({ path: folder }));
    const exported = ok(await api['studies.export']({ id: study.id, folder: granted }));
    bundle = exported.path;
    expect(bundle).toBe(join(granted, `Bundle-study-study-${study.id}-bundle.zip`));
    expect(exported.bytes).toBe(readFileSync(bundle).length);
    const files = zipEntries(bundle);
    const manifest = JSON.parse(strFromU8(files['heatlab-bundle.json']!)) as BundleManifest;
    expect(manifest.software.node).toBe(process.versions.node);
    expect(manifest.software.ort).toMatch(/^\d+\.\d+/);
    expect(manifest.steps.map((s) => s.slot)).toEqual(study.members.map((m) => m.slot));
    const names = Object.keys(files);
    expect(names).toEqual(expect.arrayContaining(['study.json', 'report.html', 'models/datasets-0-models-0.onnx', 'scores/datasets-0-models-0-evaluations-0/scores.csv', 'arrays/datasets-0-models-0-evaluations-0/masks.npy']));
    expect(names.filter((n) => n.startsWith('arrays/datasets-0-models-0-explain-methods-') && n.endsWith('/heatmaps.npy'))).toHaveLength(2);
    // The per-image CSV holds one line per image row and method, a field per metric.
    const evaluation = ok(await api['evaluations.get']({ id: study.members.find((m) => m.kind === 'evaluation')!.id }));
    const csv = strFromU8(files['scores/datasets-0-models-0-evaluations-0/scores.csv']!).trim().split('\n');
    expect(csv[0]).toMatch(/,method,relevance-mass-accuracy,region-perturbation$/);
    expect(csv).toHaveLength(1 + 5 * evaluation.columns.length);
    // The portable plan names only the bundle's own files and its generator seeds.
    expect(JSON.parse(strFromU8(files['study.json']!)).datasets[0]).toMatchObject({ kind: 'generate', seed: 3 });

    const unfinished = ok(await api['studies.create']({ plan: { ...plan, name: 'Not run' } as Record<string, unknown> }));
    expect(failure(await api['studies.export']({ id: unfinished.id, folder: granted }))).toBe(
      `Study ${unfinished.id} is new, not done; run it to its end (heatlab study run ${unfinished.id}) before exporting its bundle.`,
    );
  });

  it('recomputes the study from the bundle the command line exports, alone in a fresh workspace, and finds no score, array or model that differs', async () => {
    await heatlab.close();
    const out = join(root, 'cli-out');
    mkdirSync(out);
    const exported = await runCli(join(root, 'workspace'), 'study', 'export', String(study.id), '--out', out, '--json');
    expect(exported.code, ownStderr(exported)).toBe(0);
    const written = JSON.parse(exported.stdout) as { path: string; bytes: number };
    expect(written).toEqual({ path: join(out, `Bundle-study-study-${study.id}-bundle.zip`), bytes: readFileSync(written.path).length });

    const { code, check } = await runBundle(written.path);
    expect(check.differences).toEqual([]);
    expect(check.altered).toEqual([]);
    expect(check.same).toBe(true);
    expect(code).toBe(0);
    // 5 images × (2 methods + the random baseline) × 2 metrics, every per-image field besides; arrays of the dataset, runs and evaluation; the one model.
    expect(check.compared.scores).toBeGreaterThanOrEqual(5 * 3 * 2);
    expect(check.compared.arrays).toBeGreaterThan(4);
    expect(check.compared.models).toBe(1);
    heatlab = openHeatlab({ workspaceDir: join(root, 'workspace'), mode: 'cli' });
    api = createInProcessApi(heatlab.router, heatlab.events);
  });

  it('names a score CSV changed after the export, and the score that differs', async () => {
    const name = 'scores/datasets-0-models-0-evaluations-0/scores.csv';
    let changed = '';
    const path = tampered('changed-score.zip', (files) => {
      const lines = strFromU8(files[name]!).split('\n');
      const fields = lines[1]!.split(',');
      changed = fields.at(-2)!;
      fields[fields.length - 2] = '0.123456789';
      lines[1] = fields.join(',');
      files[name] = strToU8(lines.join('\n'));
    });
    const { code, check } = await runBundle(path);
    expect(code).toBe(1);
    expect(check.same).toBe(false);
    expect(check.altered).toEqual([{ file: name, how: 'changed' }]);
    expect(check.differences).toEqual([
      { file: name, slot: 'datasets[0].models[0].evaluations[0]', what: expect.stringMatching(/^row 0 \(image \d+\), .+: relevance-mass-accuracy$/), bundle: '0.123456789', recomputed: changed },
    ]);
  });

  it('names an ONNX model changed after the export', async () => {
    const name = 'models/datasets-0-models-0.onnx';
    const path = tampered('changed-model.zip', (files) => {
      const bytes = files[name]!.slice();
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
      files[name] = bytes;
    });
    const run = await runCli(elsewhere, 'study', 'run', path);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`Changed since the export: ${name} (its bytes differ from the checksum the manifest records).`);
    expect(run.stdout).toMatch(new RegExp(`Differs: ${name} \\[datasets\\[0\\]\\.models\\[0\\]\\] the model \\(ONNX\\): bundle sha256 [0-9a-f]{16}…, recomputed sha256 [0-9a-f]{16}…`));
  });
});

describe('bundles of your own data', () => {
  it('carries the imported images, masks and ONNX file, so the study is recomputed after the originals are gone', async () => {
    const source = join(root, 'own-data');
    // Two classes of 32×32 grey images: a bright 8×8 square (its mask) on a dark ground, or the ground only.
    for (let k = 0; k < 24; k++) {
      const bright = k % 2 === 0;
      const [x, y] = [(k * 7) % 24, (k * 11) % 24];
      const inside = (r: number, c: number) => bright && r >= y && r < y + 8 && c >= x && c < x + 8;
      const rows = (value: (r: number, c: number) => number) => Array.from({ length: 32 }, (_, r) => Array.from({ length: 32 }, (_, c) => value(r, c)));
      const name = `${bright ? 'square' : 'plain'}/${k}.png`;
      writeFile(join(source, 'images', name), pngFile({ width: 32, height: 32, depth: 8, colourType: 0, rows: rows((r, c) => (inside(r, c) ? 220 : 20 + ((r * c + k) % 9))) }));
      writeFile(join(source, 'masks', name), pngFile({ width: 32, height: 32, depth: 8, colourType: 0, rows: rows((r, c) => (inside(r, c) ? 1 : 0)) }));
    }
    writeFileSync(join(source, 'net.onnx'), pytorchMadeCnn().bytes);
    const own = {
      name: 'Own data',
      datasets: [{ kind: 'import', path: join(source, 'images'), masksPath: join(source, 'masks'), models: [{ kind: 'onnx', path: join(source, 'net.onnx'), name: 'PyTorch net' }] }],
      methods: [{ id: 'gradient' }],
      images: { split: 'all', pick: 'first', n: 4 },
      groundTruths: [{ kind: 'imported' }],
      metrics: [{ id: 'relevance-mass-accuracy' }],
      resamples: 100,
    };
    const workspace = join(root, 'own-workspace');
    const here = openHeatlab({ workspaceDir: workspace, mode: 'cli' });
    let exported: string;
    try {
      const local = createInProcessApi(here.router, here.events);
      const created = ok(await local['studies.create']({ plan: own }));
      ok(await local['studies.run']({ id: created.id }));
      expect((await here.studies.waitFor(created.id)).status).toBe('done');
      const out = join(root, 'own-out');
      mkdirSync(out);
      exported = ok(await local['studies.export']({ id: created.id, folder: ok(await local['files.grant']({ path: out })).folder })).path;
    } finally {
      await here.close();
    }
    const names = Object.keys(zipEntries(exported));
    expect(names.filter((n) => n.startsWith('inputs/datasets-0/images/'))).toHaveLength(24);
    expect(names.filter((n) => n.startsWith('inputs/datasets-0/masks/'))).toHaveLength(24);
    expect(names).toContain('inputs/models-0-0/net.onnx');
    rmSync(source, { recursive: true });

    const run = await runCli(join(root, 'own-elsewhere'), 'study', 'run', exported, '--json');
    expect(run.code, ownStderr(run)).toBe(0);
    const check = JSON.parse(run.stdout) as StudyBundleCheck;
    expect(check.differences).toEqual([]);
    expect(check.same).toBe(true);
    expect(check.compared.models).toBe(1);
  });
});

describe('reading bundles', () => {
  const zipped = (name: string, files: Zippable) => {
    const path = join(root, name);
    writeFileSync(path, zipSync(files));
    return path;
  };

  it('refuses an entry that would unpack outside the bundle’s folder', () => {
    const path = zipped('traversal.zip', { 'heatlab-bundle.json': strToU8('{}'), '../../evil.sh': strToU8('echo owned') });
    expect(() => readBundleEntries(path)).toThrow(`The bundle's entry "../../evil.sh" would unpack outside the bundle's folder (an absolute path, a backslash or ".."); it is refused.`);
  });

  it('refuses a symbolic link', () => {
    const path = zipped('link.zip', { 'study.json': [strToU8('/etc/passwd'), { os: 3, attrs: (0o120777 << 16) >>> 0 }] });
    expect(() => readBundleEntries(path)).toThrow(`The bundle's entry "study.json" is a symbolic link; a bundle holds only plain files, so it is refused.`);
  });

  it('refuses a zip that declares more than a bundle may hold, and an entry that inflates past the size it declares', async () => {
    // Three entries of 1 GiB of zeros each declare 3 GiB: refused before a byte is unpacked.
    const bomb = Buffer.from(zipSync({ a: new Uint8Array(1024) }));
    // Patch the central directory's uncompressed size to 1 GiB and copy the entry under two more names.
    const declared = (bytes: Buffer, size: number) => {
      const dir = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
      bytes.writeUInt32LE(size, dir + 24);
      return bytes;
    };
    const big = declared(Buffer.from(bomb), 2 ** 30);
    const path = join(root, 'big.zip');
    writeFileSync(path, threeOf(big));
    expect(() => readBundleEntries(path)).toThrow(`The bundle would unpack to more than the ${'2 GiB'} a bundle may hold; it is refused as a possible zip bomb.`);
    expect(BUNDLE_LIMITS.bytes).toBe(2 ** 31);

    // An entry of 1 MiB of zeros that declares 10 bytes: unpacking stops at the 11th.
    const liar = declared(Buffer.from(zipSync({ a: new Uint8Array(2 ** 20) })), 10);
    const liarPath = join(root, 'liar.zip');
    writeFileSync(liarPath, liar);
    const entries = readBundleEntries(liarPath);
    await expect(unpackBundle(liarPath, entries, join(root, 'liar'))).rejects.toThrow(`The bundle's entry "a" inflates to more than the 10 bytes it declares; it is refused as a possible zip bomb.`);
  });
});

/** The one-entry zip `single` as a zip of three entries a, b, c with the same declared sizes. */
function threeOf(single: Buffer): Buffer {
  const local = single.subarray(0, single.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])));
  const dirStart = local.length;
  const eocdAt = single.indexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const central = single.subarray(dirStart, eocdAt);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const name of ['a', 'b', 'c']) {
    const l = Buffer.from(local);
    l.write(name, 30, 'latin1');
    const c = Buffer.from(central);
    c.write(name, 46, 'latin1');
    c.writeUInt32LE(offset, 42);
    locals.push(l);
    centrals.push(c);
    offset += l.length;
  }
  const dir = Buffer.concat(centrals);
  const eocd = Buffer.from(single.subarray(eocdAt));
  eocd.writeUInt16LE(3, 8);
  eocd.writeUInt16LE(3, 10);
  eocd.writeUInt32LE(dir.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, eocd]);
}

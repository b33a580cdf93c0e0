// Reproducibility bundles end to end: a tiny study run and exported through the Api, then
// `heatlab study run bundle.zip` in a fresh workspace recomputes it from the bundle alone and finds
// no differing score, array or model; a bundle whose score CSV or ONNX model was changed after the
// export is caught and the changed file named (test/unit/study-bundle-zip.test.ts checks the zip
// reading's refusals).
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
import { bundleEntries } from '../../main/study/bundle/export-bundle.js';
import type { CallApi } from '../../main/study/ports.js';
import type { Result } from '../../shared/errors.js';
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
    // 5 images × (2 methods + the random baseline) × 2 metrics; the arrays of the dataset, runs and evaluation; the one model.
    expect(check.compared.scores).toBe(5 * 3 * 2);
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
  it('carries the imported images, masks and ONNX file (refusing them past the bundle’s cap), so the study is recomputed after the originals are gone', async () => {
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
      // Past the cap nothing is written, and the sentence says how much the imported files take.
      const call: CallApi = async (method, request) => ok((await local[method](request as never)) as Result<never>);
      const deps = { call, workspace, software: async () => ({ heatlab: '', node: '', platform: '', ort: null, tfjs: null, tfjsBackend: null }), reportHtml: async () => '', maxBytes: 64 * 1024 };
      await expect(bundleEntries(await here.studies.waitFor(created.id), deps)).rejects.toThrow(
        new RegExp(`^The bundle of study ${created.id} would hold [\\d.]+ KiB, [\\d.]+ KiB of it imported images and ONNX files, more than the 64 KiB a bundle may hold; explain fewer images or carry the data another way\\.$`),
      );
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

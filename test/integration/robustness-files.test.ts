// Hostile and broken files through the real entry points — the built command line, the in-process
// API with its compute host — each refused or skipped in one sentence, the process living on and
// no staging folder left behind: special files (/dev/zero, FIFOs, folders, links to devices,
// sparse files past a cap), the PNG bomb, ONNX files ONNX Runtime cannot load, truncated gzip and
// JPEG files, and symbolic links between class folders.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import onnxProto from 'onnx-proto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api.js';
import type { Dataset } from '../../shared/datasets.js';
import type { Job } from '../../shared/jobs.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { GraphBuilder } from '../../main/onnx/graph-builder.js';
import { ownStderr, runCli } from '../fixtures/cli-runner.js';
import { pytorchMadeCnn } from '../fixtures/foreign-onnx.js';
import { fifo, link, pngBomb, sparseFile } from '../fixtures/hostile-files.js';
import { idxFile, pattern, pngFile } from '../fixtures/import-fixtures.js';
import { ok } from '../fixtures/results.js';

let workspace: string;
let cliHome: string;
let files: string;
let heatlab: Heatlab;
let api: Api;

const onlyRegular = 'not a regular file; Heatlab reads only regular files.';

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'heatlab-robust-ws-'));
  cliHome = mkdtempSync(join(tmpdir(), 'heatlab-robust-cli-'));
  files = mkdtempSync(join(tmpdir(), 'heatlab-robust-files-'));
  heatlab = openHeatlab({ workspaceDir: workspace, mode: 'cli' });
  api = createInProcessApi(heatlab.router, heatlab.events);
  writeFileSync(join(files, 'good.onnx'), pytorchMadeCnn().bytes);
});

afterAll(async () => {
  await heatlab.close();
  for (const dir of [workspace, cliHome, files]) rmSync(dir, { recursive: true, force: true });
});

/** A folder of its own under `files`. */
function folder(name: string): string {
  const dir = join(files, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const greyPng = (path: string, v: number) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, pngFile({ width: 4, height: 4, depth: 8, colourType: 0, rows: Array.from({ length: 4 }, (_, y) => [v, v + y, v, v]) }));
};

const noStaging = () => {
  const dir = join(workspace, 'data', 'datasets');
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith('.staging')) : [];
};

async function importDataset(request: Parameters<Api['datasets.import']>[0]): Promise<{ job: Job; dataset: Dataset | null }> {
  const job = await heatlab.jobs.waitFor(ok(await api['datasets.import'](request)).id);
  const dataset = job.status === 'done' ? ok(await api['datasets.get']({ id: (job.result as { datasetId: number }).datasetId })) : null;
  return { job, dataset };
}

/** A model whose input is 3×S×S, pooled to 3 scores; its opset and IR version as given. */
function pooledModel(size: number, opset = 13, irVersion?: number): Uint8Array {
  const g = new GraphBuilder('g');
  const x = g.input('x', 'float32', [1, 3, size, size]);
  g.node('Flatten', [g.op('GlobalAveragePool', [x])], { outputs: ['y'] });
  g.output('y', 'float32', [1, 3]);
  const proto = g.toProto({ opset });
  if (irVersion !== undefined) proto.irVersion = irVersion;
  return onnxProto.onnx.ModelProto.encode(proto).finish();
}

describe('special files through the command line', () => {
  const stderrOf = async (...args: string[]) => {
    const run = await runCli(cliHome, ...args);
    expect(run.code).toBe(1);
    const said = ownStderr(run);
    expect(said.split('\n')).toHaveLength(1);
    return said;
  };

  it('refuses `models inspect /dev/zero` with exit code 1 and one sentence', async () => {
    expect(await stderrOf('models', 'inspect', '/dev/zero')).toBe(`heatlab: /dev/zero is a character device, ${onlyRegular}`);
  });

  it('refuses a FIFO, a folder, a link to /dev/zero and a sparse file past the ONNX cap', async () => {
    const dir = folder('cli-special');
    const pipe = fifo(join(dir, 'pipe.onnx'));
    const zero = link('/dev/zero', join(dir, 'zero.onnx'));
    const big = sparseFile(join(dir, 'big.onnx'), 3 * 2 ** 30);
    expect(await stderrOf('models', 'inspect', pipe)).toBe(`heatlab: ${pipe} is a named pipe (FIFO), ${onlyRegular}`);
    expect(await stderrOf('models', 'inspect', dir)).toBe(`heatlab: ${dir} is a folder, not an ONNX file.`);
    expect(await stderrOf('models', 'inspect', zero)).toBe(`heatlab: ${zero} is a character device, ${onlyRegular}`);
    expect(await stderrOf('models', 'inspect', big)).toBe(`heatlab: ${big} is 3 GiB; Heatlab reads ONNX files up to 2 GiB.`);
  });

  it('refuses `models import good.onnx --labels /dev/zero` and a labels file past its cap', async () => {
    const good = join(files, 'good.onnx');
    expect(await stderrOf('models', 'import', good, '--labels', '/dev/zero')).toBe(`heatlab: The labels file zero cannot be used: it is a character device, ${onlyRegular}`);
    const labels = sparseFile(join(folder('cli-labels'), 'labels.txt'), Math.floor(3.1 * 2 ** 30));
    expect(await stderrOf('models', 'import', good, '--labels', labels)).toBe('heatlab: The labels file labels.txt cannot be used: it is 3.1 GiB; Heatlab reads labels files up to 1 MiB.');
  });

  it('refuses `data import /dev/zero` and a FIFO as import sources', async () => {
    expect(await stderrOf('data', 'import', '/dev/zero')).toBe(`heatlab: /dev/zero is a character device, ${onlyRegular}`);
    const pipe = fifo(join(folder('cli-data'), 'x_train.npy'));
    expect(await stderrOf('data', 'import', pipe)).toBe(`heatlab: ${pipe} is a named pipe (FIFO), ${onlyRegular}`);
  });
});

describe('special files through the API', () => {
  it('answers models.inspectOnnx on /dev/zero with one sentence, and the next call still works', async () => {
    const r = await api['models.inspectOnnx']({ path: '/dev/zero' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_request', message: `/dev/zero is a character device, ${onlyRegular}` } });
    expect(ok(await api['models.inspectOnnx']({ path: join(files, 'good.onnx') })).fileName).toBe('good.onnx');
  });

  it('answers models.import with a FIFO as the labels file at once, without starting a job', async () => {
    const pipe = fifo(join(folder('api-labels'), 'labels.txt'));
    const r = await api['models.import']({ path: join(files, 'good.onnx'), labelsFile: pipe });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_request', message: `The labels file labels.txt cannot be used: it is a named pipe (FIFO), ${onlyRegular}` } });
  });

  it('lists a special file as the plan problem of datasets.inspect', async () => {
    const plan = ok(await api['datasets.inspect']({ path: '/dev/zero' }));
    expect(plan.problems).toEqual([`/dev/zero is a character device, ${onlyRegular}`]);
  });
});

describe('ONNX files ONNX Runtime cannot run, said in one sentence', () => {
  const cases = [
    { name: 'huge-input.onnx', bytes: () => pooledModel(100000), sentence: 'The input x takes 3×100000×100000 images, 112 GiB of float32 per image, too large to run; Heatlab runs models whose input holds up to 256 MiB per image.' },
    { name: 'opset99.onnx', bytes: () => pooledModel(32, 99), sentence: 'This ONNX file uses opset 99; ONNX Runtime 1.30 reads opsets up to 26.' },
    { name: 'ir99.onnx', bytes: () => pooledModel(32, 13, 99), sentence: 'This ONNX file uses IR version 99; ONNX Runtime 1.30 reads IR versions up to 13.' },
  ];

  for (const c of cases) {
    it(`inspects and refuses to import ${c.name}: "${c.sentence}"`, async () => {
      const path = join(files, c.name);
      writeFileSync(path, c.bytes());
      expect(ok(await api['models.inspectOnnx']({ path })).problems).toEqual([c.sentence]);
      expect(await api['models.import']({ path, classNames: ['a', 'b', 'c'] })).toMatchObject({ ok: false, error: { code: 'invalid_request', message: c.sentence } });
      const run = await runCli(cliHome, 'models', 'import', path, '--classes', 'a,b,c');
      expect(run.code).toBe(1);
      expect(ownStderr(run)).toBe(`heatlab: ${c.sentence}`);
    });
  }
});

describe('truncated and damaged dataset files', () => {
  const images = Uint8Array.from(pattern(40 * 28 * 28, 3));
  const labels = Uint8Array.from(pattern(40, 5, 3));

  it('fails the import of a truncated .gz IDX file naming it, with no staging left', async () => {
    const dir = folder('idx-truncated');
    const gz = gzipSync(idxFile([40, 28, 28], images));
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idxFile([40], labels)));
    const { job } = await importDataset({ path: join(dir, 'train-images-idx3-ubyte.gz') });
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'invalid_request', message: 'The file train-images-idx3-ubyte.gz is truncated: its gzip data ends before the array does.' });
    expect(noStaging()).toEqual([]);
  });

  it('lists a truncated .gz labels file as the plan problem', async () => {
    const dir = folder('idx-truncated-labels');
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idxFile([40, 28, 28], images)));
    const gz = gzipSync(idxFile([40], labels));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gz.subarray(0, gz.length - 6));
    const plan = ok(await api['datasets.inspect']({ path: join(dir, 'train-images-idx3-ubyte.gz') }));
    expect(plan.problems).toEqual(['The file train-labels-idx1-ubyte.gz is truncated: its gzip data ends before the array does.']);
  });

  it('skips a truncated JPEG with one sentence, said once, and imports the rest', async () => {
    const dir = folder('jpeg-truncated');
    for (const c of ['a', 'b']) for (let i = 0; i < 3; i++) greyPng(join(dir, c, `${i}.png`), 20 * i + (c === 'a' ? 0 : 100));
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 30 } } }).jpeg().toBuffer();
    writeFileSync(join(dir, 'b', 'cut.jpg'), jpeg.subarray(0, jpeg.length >> 1));
    const { job, dataset } = await importDataset({ path: dir, size: { policy: 'resize', width: 8, height: 8, mode: 'stretch' } });
    expect(job.status, job.error?.message).toBe('done');
    expect(dataset!.count).toBe(6);
    const skipped = dataset!.report!.skipped;
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.file).toBe('b/cut.jpg');
    expect(skipped[0]!.reason).toMatch(/^It is (truncated; its data ends before the image does|damaged or truncated; part of its image data cannot be decoded)\.$/);
  });
});

describe('the PNG bomb through the compute host', () => {
  it('is skipped with a sentence naming the limit, the other images imported, and the host lives on', async () => {
    const dir = folder('bomb');
    for (const c of ['a', 'b']) for (let i = 0; i < 2; i++) greyPng(join(dir, c, `${i}.png`), 30 * i + (c === 'a' ? 0 : 100));
    writeFileSync(join(dir, 'a', 'bomb.png'), pngBomb());
    const { job, dataset } = await importDataset({ path: dir, size: { policy: 'resize', width: 32, height: 32, mode: 'stretch' } });
    expect(job.status, job.error?.message).toBe('done');
    expect(dataset!.count).toBe(4);
    expect(dataset!.report!.skipped).toEqual([{ file: 'a/bomb.png', reason: 'It is 16383×16383 with 4 channels of 16 bits, 2 GiB once decoded; Heatlab decodes images up to 512 MiB.' }]);
    const next = await heatlab.jobs.waitFor(ok(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 20, seed: 1 } })).id);
    expect(next.status).toBe('done');
    expect(noStaging()).toEqual([]);
  });
});

describe('symbolic links in a folder import', () => {
  /** a (5 images) with a/link_to_c -> ../c, b (5), c (15), d -> a folder outside (4), e -> the same outside folder, b/zero.png -> /dev/zero, b/pipe.png a FIFO. */
  function linkedTree(name: string): { root: string; outside: string } {
    const root = folder(`${name}/tree`);
    const outside = folder(`${name}/outside-d`);
    for (let i = 0; i < 5; i++) greyPng(join(root, 'a', `a${i}.png`), i);
    for (let i = 0; i < 5; i++) greyPng(join(root, 'b', `b${i}.png`), 50 + i);
    for (let i = 0; i < 15; i++) greyPng(join(root, 'c', `c${i}.png`), 100 + i);
    for (let i = 0; i < 4; i++) greyPng(join(outside, `d${i}.png`), 200 + i);
    link('../c', join(root, 'a', 'link_to_c'));
    link(outside, join(root, 'd'));
    link(outside, join(root, 'e'));
    link('/dev/zero', join(root, 'b', 'zero.png'));
    fifo(join(root, 'b', 'pipe.png'));
    return { root, outside };
  }

  const passedOver = [
    { path: 'a/link_to_c', reason: 'It links to c, a folder inside the imported folder; Heatlab does not follow such links, so that no image is counted twice or under another class.' },
    { path: 'b/pipe.png', reason: `It is a named pipe (FIFO), ${onlyRegular}` },
    { path: 'b/zero.png', reason: `It links to /dev/zero, which is a character device, ${onlyRegular}` },
    { path: 'e', reason: 'It is the same folder as d, whose images are imported once, under d.' },
  ];

  it('says in the plan which links were not followed and why, and keeps class c whole', async () => {
    const { root } = linkedTree('linked-plan');
    const plan = ok(await api['datasets.inspect']({ path: root }));
    expect(plan.problems).toEqual([]);
    expect(plan.classes).toEqual([
      { name: 'a', count: 5 },
      { name: 'b', count: 5 },
      { name: 'c', count: 15 },
      { name: 'd', count: 4 },
    ]);
    expect(plan.passedOver).toEqual(passedOver);
  });

  it('imports each class under its own name and lists the links among the skipped entries', async () => {
    const { root } = linkedTree('linked-import');
    const { job, dataset } = await importDataset({ path: root });
    expect(job.status, job.error?.message).toBe('done');
    expect(dataset!.classNames).toEqual(['a', 'b', 'c', 'd']);
    const counts = Object.values(dataset!.classCountsBySplit).reduce((sum, row) => sum.map((n, k) => n + row[k]!), [0, 0, 0, 0]);
    expect(counts).toEqual([5, 5, 15, 4]);
    expect(dataset!.report!.skipped).toEqual(passedOver.map((p) => ({ file: p.path, reason: p.reason })));
    const sources = JSON.parse(readFileSync(join(workspace, 'data', 'datasets', String(dataset!.id), 'sources.json'), 'utf8')) as string[];
    expect(sources.filter((s) => s.startsWith('a/'))).toHaveLength(5);
    expect(noStaging()).toEqual([]);
  });
});

// Arrays of flat rows, (N, 784) as many public datasets ship MNIST: cut into 28×28 images by
// an image shape given to the API or the CLI (--shape), or inferred when the row length is a square.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api.js';
import type { Dataset } from '../../shared/datasets.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { readNpy } from '../../main/workspace/npy.js';
import { ownStderr, runCli } from '../fixtures/cli-runner.js';
import { npyBytes, pattern } from '../fixtures/import-fixtures.js';
import { ok } from '../fixtures/results.js';

let home: string;
let source: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'heatlab-flat-'));
  source = mkdtempSync(join(tmpdir(), 'heatlab-flat-src-'));
});

afterEach(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(source, { recursive: true, force: true });
});

const N = 12;

/** x.npy of shape (N, length) uint8 beside y.npy with two classes; returns x.npy's path. */
function writeRows(length: number): string {
  writeFileSync(join(source, 'x.npy'), npyBytes('|u1', [N, length], Uint8Array.from(pattern(N * length, 3))));
  writeFileSync(join(source, 'y.npy'), npyBytes('|u1', [N], Uint8Array.from({ length: N }, (_, k) => k % 2)));
  return join(source, 'x.npy');
}

describe('flat rows through the API', () => {
  let heatlab: Heatlab;
  let api: Api;
  beforeEach(() => {
    heatlab = openHeatlab({ workspaceDir: home, mode: 'cli' });
    api = createInProcessApi(heatlab.router, heatlab.events);
  });
  afterEach(() => heatlab.close());

  async function importRows(request: Parameters<Api['datasets.import']>[0]): Promise<Dataset> {
    const job = await heatlab.jobs.waitFor(ok(await api['datasets.import'](request)).id);
    expect(job.status, job.error?.message).toBe('done');
    return ok(await api['datasets.get']({ id: (job.result as { datasetId: number }).datasetId }));
  }

  it('imports (N, 784) rows as 28×28 grey images, the shape inferred from the square row length', async () => {
    const path = writeRows(784);
    const plan = ok(await api['datasets.inspect']({ path }));
    expect(plan.problems).toEqual([]);
    expect(plan.sizes).toEqual([{ width: 28, height: 28, count: N }]);
    const dataset = await importRows({ path });
    expect([dataset.count, dataset.height, dataset.width, dataset.channels]).toEqual([N, 28, 28, 1]);
    const images = readNpy(join(home, dataset.files.find((f) => f.role === 'images')!.path));
    expect(images.shape).toEqual([N, 28, 28, 1]);
    // Row-major: row 0's value 29 is pixel (1, 1).
    expect(images.data[29]).toBe(pattern(784, 3)[29]);
  });

  it('imports rows with a given shape, 14×56 for rows of 784 values', async () => {
    const path = writeRows(784);
    const dataset = await importRows({ path, shape: { height: 14, width: 56 } });
    expect([dataset.height, dataset.width, dataset.channels]).toEqual([14, 56, 1]);
  });

  it('refuses rows of a length that is not a square, without a shape, in one sentence naming the way out', async () => {
    const path = writeRows(780);
    const plan = ok(await api['datasets.inspect']({ path }));
    expect(plan.problems).toEqual([
      'The array x.npy holds flat rows of 780 values, not a square number, so Heatlab cannot tell the image shape; give it as height×width (--shape HxW, or the form\'s image shape).',
    ]);
  });

  it('refuses a shape that does not fit the rows, and says RGB rows need their shape given', async () => {
    const path = writeRows(3 * 32 * 32);
    const [refusal] = ok(await api['datasets.inspect']({ path })).problems;
    expect(refusal).toContain('give 32x32 to read them as RGB, channels last');
    const [misfit] = ok(await api['datasets.inspect']({ path, shape: { height: 28, width: 28 } })).problems;
    expect(misfit).toBe('The array x.npy holds rows of 3072 values, which are neither 28×28 (784) nor 28×28×3 (2352) values; give the image shape its rows have.');
    const rgb = ok(await api['datasets.inspect']({ path, shape: { height: 32, width: 32 } }));
    expect([rgb.problems, rgb.channels, rgb.sizes]).toEqual([[], [3], [{ width: 32, height: 32, count: N }]]);
  });
});

describe('flat rows through the CLI', () => {
  const heatlab = (...args: string[]) => runCli(home, ...args);

  it('imports (N, 784) rows as 28×28 with --shape 28x28 and by inference', async () => {
    const path = writeRows(784);
    const given = await heatlab('data', 'import', path, '--shape', '28x28');
    expect(given.code, given.stderr).toBe(0);
    expect(given.stdout).toContain(`${N} images 28×28×1 uint8`);
    const inferred = await heatlab('data', 'import', path);
    expect(inferred.code, inferred.stderr).toBe(0);
    expect(inferred.stdout).toContain(`${N} images 28×28×1 uint8`);
  });

  it('refuses a non-square row length without --shape in one sentence, and a malformed --shape as a usage mistake', async () => {
    const path = writeRows(780);
    const run = await heatlab('data', 'import', path);
    expect(run.code).toBe(1);
    expect(ownStderr(run)).toBe(
      "heatlab: The array x.npy holds flat rows of 780 values, not a square number, so Heatlab cannot tell the image shape; give it as height×width (--shape HxW, or the form's image shape).",
    );
    const bad = await heatlab('data', 'import', path, '--shape', '28');
    expect(bad.code).toBe(2);
    expect(ownStderr(bad)).toContain('--shape takes HxW');
  });
});

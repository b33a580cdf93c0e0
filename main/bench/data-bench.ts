// Dataset speed: generation on one core, and a 100,000-image job end to end in its own process
// (so its peak memory is its own).
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateRequestSchema, importOptionsSchema } from '../../shared/datasets.js';
import { generatorSchemas, type GeneratorId, type GeneratorParams } from '../../shared/generators.js';
import { runGenerate } from '../data/generate-job.js';
import { generatorFor } from '../data/generators/index.js';
import { inspectImport, runImport } from '../data/import/index.js';
import { Random } from '../numeric/random.js';
import { labelsAndSplits, quantize, synthesize } from '../data/synthesize.js';
import { quietContext } from './child.js';
import { atLeast, atMost, record } from './table.js';

/** Images per second of synthesis + quantisation alone, in this process (one core). */
function synthesisRate(id: 'triangles-squares' | 'triangles-squares-scaled' | 'counting-circles' | 'circles-triangles', n: number): number {
  const params: GeneratorParams<GeneratorId> = generatorSchemas[id].parse({ count: n });
  const gen = generatorFor(id);
  const { labels } = labelsAndSplits(n, params.split, gen.classNames(params).length, params.seed);
  const pixels = new Float32Array(params.size * params.size);
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < 200; i++) synthesize(gen, params, labels[i]!, params.seed, i, pixels); // warm-up
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    synthesize(gen, params, labels[i]!, params.seed, i, pixels);
    quantize(pixels, out);
  }
  return n / ((performance.now() - start) / 1000);
}

export async function benchData(): Promise<void> {
  record({ area: 'data', measure: 'triangles-squares 32×32 synthesis, one core', value: synthesisRate('triangles-squares', 40_000), unit: 'images/s', target: atLeast(20_000) });
  for (const id of ['triangles-squares-scaled', 'counting-circles', 'circles-triangles'] as const) {
    record({ area: 'data', measure: `${id} 64×64 synthesis, one core`, value: synthesisRate(id, 10_000), unit: 'images/s' });
  }
  const child = await new Promise<{ seconds: number; peakRssMb: number }>((resolve, reject) => {
    const proc = fork(process.argv[1]!, ['--child', 'generate-scaled'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    proc.once('message', (m) => resolve(m as { seconds: number; peakRssMb: number }));
    proc.once('exit', (code) => code !== 0 && reject(new Error(`The generation bench process exited with code ${code}.`)));
  });
  record({ area: 'data', measure: '100,000 triangles-squares-scaled 64×64, job end to end', value: child.seconds, unit: 's', target: atMost(20) });
  record({ area: 'data', measure: 'peak RSS of that job’s process', value: child.peakRssMb, unit: 'MB', target: atMost(300) });

  const imported = await new Promise<{ imagesPerSecond: number; inspectSeconds: number }>((resolve, reject) => {
    const proc = fork(process.argv[1]!, ['--child', 'import-png'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    proc.once('message', (m) => resolve(m as { imagesPerSecond: number; inspectSeconds: number }));
    proc.once('exit', (code) => code !== 0 && reject(new Error(`The import bench process exited with code ${code}.`)));
  });
  record({ area: 'data', measure: 'import of 10,000 PNG files (32×32 grey, 2 classes)', value: imported.imagesPerSecond, unit: 'images/s', target: atLeast(2000) });
  record({ area: 'data', measure: 'inspect of the same folder', value: imported.inspectSeconds, unit: 's' });
}

/** Runs in a child process: writes 10,000 PNGs, then inspects and imports them with the real job. */
export async function childImportPng(): Promise<void> {
  const sharp = (await import('sharp')).default;
  const root = mkdtempSync(join(tmpdir(), 'heatlab-bench-import-'));
  try {
    const source = join(root, 'images');
    const rng = new Random(3);
    for (const cls of ['a', 'b']) mkdirSync(join(source, cls), { recursive: true });
    const pixels = new Uint8Array(32 * 32);
    for (let k = 0; k < 10_000; k++) {
      for (let p = 0; p < pixels.length; p++) pixels[p] = rng.int(256);
      await sharp(Buffer.from(pixels), { raw: { width: 32, height: 32, channels: 1 } }).toColourspace('b-w').png().toFile(join(source, k % 2 ? 'b' : 'a', `${k}.png`));
    }
    const inspectStart = performance.now();
    await inspectImport(source);
    const inspectSeconds = (performance.now() - inspectStart) / 1000;
    const ctx = quietContext(root, 1);
    const start = performance.now();
    const staged = await runImport(importOptionsSchema.parse({ path: source }), ctx);
    process.send!({ imagesPerSecond: staged.count / ((performance.now() - start) / 1000), inspectSeconds });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Runs in a child process: the real generation job, with its files written and flushed. */
export async function childGenerateScaled(): Promise<void> {
  const workspace = mkdtempSync(join(tmpdir(), 'heatlab-bench-gen-'));
  try {
    const ctx = quietContext(workspace, 1);
    const request = generateRequestSchema.parse({ generator: 'triangles-squares-scaled', params: { count: 100_000 } });
    const start = performance.now();
    await runGenerate(request, ctx);
    const seconds = (performance.now() - start) / 1000;
    process.send!({ seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

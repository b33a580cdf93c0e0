// Dataset speed: generation on one core, and a 100,000-image job end to end in its own process
// (so its peak memory is its own).
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateRequestSchema } from '../../shared/datasets.js';
import { generatorSchemas, type GeneratorId, type GeneratorParams } from '../../shared/generators.js';
import { runGenerate } from '../data/generate-job.js';
import { generatorFor } from '../data/generators/index.js';
import { labelsAndSplits, quantize, synthesize } from '../data/synthesize.js';
import type { JobContext } from '../jobs/host/job-context.js';
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
}

/** Runs in a child process: the real generation job, with its files written and flushed. */
export async function childGenerateScaled(): Promise<void> {
  const workspace = mkdtempSync(join(tmpdir(), 'heatlab-bench-gen-'));
  try {
    const ctx: JobContext = { jobId: 1, workspace, progress: () => undefined, checkpoint: async () => undefined, cancelRequested: false, stopRequested: false };
    const request = generateRequestSchema.parse({ generator: 'triangles-squares-scaled', params: { count: 100_000 } });
    const start = performance.now();
    await runGenerate(request, ctx);
    const seconds = (performance.now() - start) / 1000;
    process.send!({ seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

// `npm run bench`: speed and memory of Heatlab's moving parts on this machine. Prints a table and
// writes bench-results/latest.json. Tests never assert timings; this is where they are watched.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { EngineCheckResult } from '../../shared/engine.js';
import { connectWebSocketApi, type WebSocketConstructor } from '../../renderer/lib/ws-api.js';
import { createInProcessApi } from '../api/in-process.js';
import { JobsRepository } from '../catalogue/jobs-repository.js';
import { openHeatlab } from '../app/heatlab.js';
import { appRoot } from '../app/paths.js';
import { startServer } from '../app/serve.js';
import { readNpy, writeNpy } from '../workspace/npy.js';

interface Row {
  area: string;
  measure: string;
  value: number;
  unit: string;
  target?: string;
}

const rows: Row[] = [];
const record = (row: Row) => {
  rows.push(row);
  process.stderr.write(`  ${row.area}: ${row.measure} = ${format(row.value)} ${row.unit}\n`);
};

function format(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  if (value >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

async function timed<T>(body: () => Promise<T> | T): Promise<{ seconds: number; value: T }> {
  const start = performance.now();
  const value = await body();
  return { seconds: (performance.now() - start) / 1000, value };
}

async function main(): Promise<void> {
  const workspaceDir = mkdtempSync(join(tmpdir(), 'heatlab-bench-'));
  try {
    const started = await timed(async () => {
      const heatlab = openHeatlab({ workspaceDir, mode: 'cli' });
      await heatlab.jobs.engines();
      return heatlab;
    });
    const heatlab = started.value;
    record({ area: 'compute host', measure: 'start to engines ready', value: started.seconds * 1000, unit: 'ms' });

    const api = createInProcessApi(heatlab.router, heatlab.events);
    const check = await api['engine.check']({ seconds: 6 });
    if (!check.ok) throw new Error(check.error.message);
    const job = await heatlab.jobs.waitFor(check.value.id);
    const result = job.result as EngineCheckResult;
    record({ area: 'engine check', measure: `tfjs ${result.engines.tfjs.backend} matmul ${result.tfjs.size}²`, value: result.tfjs.gflops, unit: 'GFLOP/s' });
    record({ area: 'engine check', measure: 'ONNX Runtime small CNN 32×32', value: result.ort.imagesPerSecond, unit: 'images/s' });

    const calls = 5000;
    const inProcess = await timed(async () => {
      for (let i = 0; i < calls; i++) await api['jobs.get']({ id: check.value.id });
    });
    record({ area: 'api', measure: 'in-process call (jobs.get)', value: (inProcess.seconds * 1e6) / calls, unit: 'µs/call' });

    const server = await startServer({ router: heatlab.router, events: heatlab.events, rendererDir: join(appRoot(), 'dist', 'renderer') });
    const ws = await connectWebSocketApi(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, WebSocket as unknown as WebSocketConstructor);
    const overWs = await timed(async () => {
      for (let i = 0; i < calls; i++) await ws['jobs.get']({ id: check.value.id });
    });
    record({ area: 'api', measure: 'WebSocket round trip (jobs.get)', value: (overWs.seconds * 1e6) / calls, unit: 'µs/call' });
    ws.close();
    await server.close();

    const repo = new JobsRepository(heatlab.workspace.catalogue.db);
    const inserts = await timed(() => {
      for (let i = 0; i < 2000; i++) repo.create('engine.check', { seconds: 0 });
    });
    record({ area: 'catalogue', measure: 'job rows written (one statement each)', value: 2000 / inserts.seconds, unit: 'rows/s' });
    const listed = await timed(() => {
      for (let i = 0; i < 200; i++) repo.list(100);
    });
    record({ area: 'catalogue', measure: 'list 100 newest jobs', value: (listed.seconds * 1000) / 200, unit: 'ms' });

    const dir = join(workspaceDir, 'data', 'bench');
    mkdirSync(dir, { recursive: true });
    const array = new Float32Array(64 * 1024 * 1024 / 4).map((_, i) => i % 251);
    const mb = array.byteLength / 1e6;
    const written = await timed(() => writeNpy(join(dir, 'a.npy'), array, [array.length]));
    record({ area: 'workspace', measure: `.npy atomic write (${Math.round(mb)} MB, fsync)`, value: mb / written.seconds, unit: 'MB/s' });
    const read = await timed(() => readNpy(join(dir, 'a.npy')));
    record({ area: 'workspace', measure: `.npy read (${Math.round(mb)} MB)`, value: mb / read.seconds, unit: 'MB/s' });

    await heatlab.close();
    record({ area: 'process', measure: 'peak RSS of main during the bench', value: process.resourceUsage().maxRSS / 1024, unit: 'MB' });
  } finally {
    rmSync(workspaceDir, { recursive: true, force: true });
  }

  const width = Math.max(...rows.map((r) => `${r.area}: ${r.measure}`.length));
  console.log(`\n${'measure'.padEnd(width)}  ${'value'.padStart(12)}  unit`);
  for (const r of rows) console.log(`${`${r.area}: ${r.measure}`.padEnd(width)}  ${format(r.value).padStart(12)}  ${r.unit}`);
  const out = join(appRoot(), 'bench-results');
  mkdirSync(out, { recursive: true });
  const report = { date: new Date().toISOString(), node: process.versions.node, platform: `${process.platform}-${process.arch}`, rows };
  writeFileSync(join(out, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nWritten to ${join(out, 'latest.json')}.`);
}

main().catch((err) => {
  console.error(`Bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

// The foundation's speed: compute host start, engine throughput, API round trips, catalogue and
// .npy I/O.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { EngineCheckResult } from '../../shared/engine.js';
import { connectWebSocketApi, type WebSocketConstructor } from '../../shared/ws-client.js';
import { createInProcessApi } from '../api/in-process.js';
import { JobsRepository } from '../catalogue/jobs-repository.js';
import { openHeatlab } from '../app/heatlab.js';
import { appRoot } from '../app/paths.js';
import { record, timed } from './table.js';
import { startServer } from '../app/serve.js';
import { readNpy, writeNpy } from '../workspace/npy.js';

export async function benchCore(): Promise<void> {
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
  } finally {
    rmSync(workspaceDir, { recursive: true, force: true });
  }
}

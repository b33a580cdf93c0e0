// Browser mode under load (issue 14): 20 WebSocket clients call list methods back to back for 30 s
// while a job keeps the compute host busy and its progress events go out to every client. Traffic
// goes only to the server this bench starts on 127.0.0.1, and stops at the deadline.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Result } from '../../shared/errors.js';
import { connectWebSocketApi, type WebSocketApi, type WebSocketConstructor } from '../../shared/ws-client.js';
import { createInProcessApi } from '../api/in-process.js';
import { openHeatlab } from '../app/heatlab.js';
import { startServer } from '../app/serve.js';
import { atMost, record } from './table.js';

const AREA = 'load';
const CLIENTS = 20;
const SECONDS = 30;

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

export async function benchLoad(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'heatlab-bench-load-'));
  mkdirSync(join(root, 'renderer'));
  const heatlab = openHeatlab({ workspaceDir: join(root, 'workspace'), mode: 'browser', warmUp: true });
  const server = await startServer({ router: heatlab.router, events: heatlab.events, rendererDir: join(root, 'renderer') });
  const clients: WebSocketApi[] = [];
  try {
    const local = createInProcessApi(heatlab.router, heatlab.events);
    // Something for datasets.list to list, then a job that runs past the deadline.
    await heatlab.jobs.waitFor(value(await local['datasets.generate']({ generator: 'triangles-squares', params: { count: 500 } })).id);
    const background = value(await local['engine.check']({ seconds: SECONDS + 5 }));

    for (let i = 0; i < CLIENTS; i++) {
      clients.push(await connectWebSocketApi(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, WebSocket as unknown as WebSocketConstructor));
    }
    let events = 0;
    for (const c of clients) c.on('job.progress', () => events++);

    const latencies: number[] = [];
    let errors = 0;
    const deadline = performance.now() + SECONDS * 1000;
    await Promise.all(
      clients.map(async (client, k) => {
        for (let n = k; performance.now() < deadline; n++) {
          const start = performance.now();
          const result = n % 2 === 0 ? await client['datasets.list']({}) : await client['jobs.list']({ limit: 100 });
          latencies.push(performance.now() - start);
          if (!result.ok) errors++;
        }
      }),
    );
    const status = value(await local['jobs.get']({ id: background.id })).status;
    if (status !== 'running') throw new Error(`The background job was ${status} before the load ended, so the figures were not taken with a job running.`);

    latencies.sort((a, b) => a - b);
    const measure = `${CLIENTS} WebSocket clients × ${SECONDS} s of datasets.list / jobs.list, an engine-check job running`;
    record({ area: AREA, measure: `${measure}: p50 latency`, value: quantile(latencies, 0.5), unit: 'ms', target: atMost(20) });
    record({ area: AREA, measure: `${measure}: p99 latency`, value: quantile(latencies, 0.99), unit: 'ms', target: atMost(100) });
    record({ area: AREA, measure: `${measure}: errors`, value: errors, unit: 'calls', target: atMost(0) });
    record({ area: AREA, measure: `${measure}: calls answered`, value: latencies.length / SECONDS, unit: 'calls/s' });
    record({ area: AREA, measure: `${measure}: job progress events delivered`, value: events, unit: 'events' });

    value(await local['jobs.cancel']({ id: background.id }));
    await heatlab.jobs.waitFor(background.id);
  } finally {
    for (const c of clients) c.close();
    await server.close();
    await heatlab.close();
    rmSync(root, { recursive: true, force: true });
  }
}

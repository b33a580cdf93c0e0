// Who gets into browser mode and how much one client may take: the token leaves the URL once traded
// for a cookie named after the port, only 127.0.0.1:PORT and localhost:PORT are accepted as Host,
// and connections and calls in flight are capped with a sentence saying so.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wireLimits } from '../../shared/wire.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { startServer, type RunningServer } from '../../main/app/serve.js';
import { connectWebSocketApi, type WebSocketApi, type WebSocketConstructor } from '../../shared/ws-client.js';
import { rawConnect, text } from '../fixtures/raw-websocket.js';
import { ok } from '../fixtures/results.js';

const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;
let root: string;
let heatlab: Heatlab;
let server: RunningServer;
let rendererDir: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'heatlab-browser-access-'));
  rendererDir = join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Heatlab test renderer</title>');
  heatlab = openHeatlab({ workspaceDir: join(root, 'workspace'), mode: 'browser' });
  server = await startServer({ router: heatlab.router, events: heatlab.events, rendererDir });
});

afterAll(async () => {
  await server.close();
  await heatlab.close();
  rmSync(root, { recursive: true, force: true });
});

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const apiUrl = () => `ws://127.0.0.1:${server.port}/api?token=${server.token}`;

describe('the token in the address', () => {
  it('is traded for a cookie and redirected away, keeping the rest of the address', async () => {
    const res = await get(server.port, `/?token=${server.token}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['set-cookie']?.[0]).toMatch(new RegExp(`^heatlab_token_${server.port}=${server.token}; HttpOnly; SameSite=Strict; Path=/$`));
    expect((await get(server.port, `/index.html?view=grid&token=${server.token}`)).headers.location).toBe('/index.html?view=grid');
    // With the cookie, the address without the token serves the app.
    const page = await get(server.port, res.headers.location!, { cookie: res.headers['set-cookie']![0]!.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Heatlab test renderer');
  });

  it('is not redirected when wrong: the visit is refused with 401 and no cookie', async () => {
    const res = await get(server.port, '/?token=nope');
    expect(res.status).toBe(401);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('lives in a cookie named after the port, so two servers on one machine keep their own', async () => {
    const other = await startServer({ router: heatlab.router, events: heatlab.events, rendererDir });
    try {
      const mine = (await get(server.port, `/?token=${server.token}`)).headers['set-cookie']![0]!.split(';')[0]!;
      const theirs = (await get(other.port, `/?token=${other.token}`)).headers['set-cookie']![0]!.split(';')[0]!;
      expect(mine.split('=')[0]).not.toBe(theirs.split('=')[0]);
      // A browser sends both cookies to both (cookies ignore the port): each server still finds its own.
      const both = `${mine}; ${theirs}`;
      expect((await get(server.port, '/', { cookie: both })).status).toBe(200);
      expect((await get(other.port, '/', { cookie: both })).status).toBe(200);
      // The other server's token under this server's name is refused.
      expect((await get(server.port, '/', { cookie: `heatlab_token_${server.port}=${other.token}` })).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('the Host rule', () => {
  it('accepts exactly 127.0.0.1:PORT and localhost:PORT and refuses [::1] and the rest with 403', async () => {
    const cookie = { cookie: `heatlab_token_${server.port}=${server.token}` };
    expect((await get(server.port, '/', { ...cookie, host: `127.0.0.1:${server.port}` })).status).toBe(200);
    expect((await get(server.port, '/', { ...cookie, host: `localhost:${server.port}` })).status).toBe(200);
    for (const host of [`[::1]:${server.port}`, `LOCALHOST.:${server.port}`, `127.0.0.1:${server.port + 1}`, '127.0.0.1', `0.0.0.0:${server.port}`]) {
      expect((await get(server.port, '/', { ...cookie, host })).status, host).toBe(403);
    }
    await expect(rawConnect(server.port, `/api?token=${server.token}`, { Host: `[::1]:${server.port}` })).rejects.toThrow(/403/);
  });

  it('answers a request line it cannot parse with 400 and keeps serving', async () => {
    const res = await get(server.port, '//[', { cookie: `heatlab_token_${server.port}=${server.token}` });
    expect([400, 404]).toContain(res.status);
    expect((await get(server.port, '/', { cookie: `heatlab_token_${server.port}=${server.token}` })).status).toBe(200);
  });
});

describe('the connection cap', () => {
  it(`accepts ${wireLimits.connections} connections and closes the next with a reason, then admits one once a slot is free`, async () => {
    const open: WebSocketApi[] = [];
    try {
      for (let i = 0; i < wireLimits.connections; i++) open.push(await connectWebSocketApi(apiUrl(), NodeWebSocket));
      await expect(connectWebSocketApi(apiUrl(), NodeWebSocket)).rejects.toThrow(`Heatlab accepts at most ${wireLimits.connections} connections at once; close a tab and reload.`);
      const raw = await rawConnect(server.port, `/api?token=${server.token}`);
      expect(await raw.closed).toEqual({ code: 1013, reason: `Heatlab accepts at most ${wireLimits.connections} connections at once; close a tab and reload.` });
      // Those already in are served all the while.
      expect(ok(await open[0]!['jobs.list']({ limit: 1 }))).toEqual([]);

      const leaving = open.pop()!;
      const gone = new Promise<void>((resolve) => leaving.onStateChange((s) => s === 'closed' && resolve()));
      leaving.close();
      await gone;
      // The server frees the slot when it sees the TCP connection end, a moment after the client does.
      for (let tries = 0; ; tries++) {
        const api = await connectWebSocketApi(apiUrl(), NodeWebSocket).catch((err: Error) => (tries < 40 ? null : Promise.reject(err)));
        if (api !== null) {
          open.push(api);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(ok(await open.at(-1)!['jobs.list']({ limit: 1 }))).toEqual([]);
    } finally {
      for (const api of open) api.close();
    }
  });

  it('does not count refused upgrades: a wrong token never takes a slot', async () => {
    for (let i = 0; i < wireLimits.connections + 5; i++) await expect(rawConnect(server.port, '/api?token=wrong')).rejects.toThrow(/401/);
    const api = await connectWebSocketApi(apiUrl(), NodeWebSocket);
    expect(ok(await api['jobs.list']({ limit: 1 }))).toEqual([]);
    api.close();
  });
});

describe('the cap on calls in flight', () => {
  it(`answers calls past ${wireLimits.inFlight} unanswered ones on one connection with a busy sentence, and keeps the connection`, async () => {
    const raw = await rawConnect(server.port, `/api?token=${server.token}`);
    await raw.next((f) => f.opcode === 1);
    const calls = 100;
    // One write: the server reads every call before it can answer any.
    raw.write(Buffer.concat(Array.from({ length: calls }, (_, id) => text(JSON.stringify({ t: 'call', id, method: 'jobs.list', request: { limit: 1 } })))));
    const results = new Map<number, { ok: boolean; error?: { code: string; message: string } }>();
    while (results.size < calls) {
      const f = await raw.next((x) => x.opcode === 1 && !results.has((JSON.parse(x.payload.toString()) as { id: number }).id) && x.payload.includes('"result"'));
      const m = JSON.parse(f.payload.toString()) as { id: number; result: { ok: boolean; error?: { code: string; message: string } } };
      results.set(m.id, m.result);
    }
    const busy = [...results.values()].filter((r) => !r.ok);
    expect(busy.length).toBe(calls - wireLimits.inFlight);
    expect(new Set(busy.map((r) => `${r.error!.code}: ${r.error!.message}`))).toEqual(new Set([`busy: This connection already has ${wireLimits.inFlight} calls waiting for an answer; send more once some are answered.`]));
    // Answered calls free their places: the same connection is served again.
    raw.write(text(JSON.stringify({ t: 'call', id: 1000, method: 'jobs.list', request: { limit: 1 } })));
    const again = await raw.next((x) => x.opcode === 1 && x.payload.includes('"id":1000'));
    expect(JSON.parse(again.payload.toString())).toMatchObject({ result: { ok: true } });
    raw.socket.destroy();
  });

  it('never trips over the cap with the app’s own client, which queues the rest', async () => {
    const api = await connectWebSocketApi(apiUrl(), NodeWebSocket);
    const results = await Promise.all(Array.from({ length: 300 }, () => api['jobs.list']({ limit: 1 })));
    expect(results.every((r) => r.ok)).toBe(true);
    api.close();
  });

  it('refuses a request over the message limit in the client, with a sentence, before sending it', async () => {
    const api = await connectWebSocketApi(apiUrl(), NodeWebSocket);
    const result = await api['files.save']({ folder: root, name: 'big.npy', data: new Uint8Array(wireLimits.messageBytes + 2 ** 20) });
    expect(result).toEqual({ ok: false, error: { code: 'invalid_request', message: 'This files.save request is 322.0 MiB, more than the 321 MiB browser mode carries in one message.' } });
    expect(api.state).toBe('open');
    api.close();
  });
});

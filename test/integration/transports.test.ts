// One Api, two transports: in-process (CLI, tests) and browser mode (HTTP + WebSocket on
// 127.0.0.1 with a token). Both must answer alike; browser mode must refuse what is not its own.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api.js';
import type { Result } from '../../shared/errors.js';
import type { Job } from '../../shared/jobs.js';
import { decodeMessage, encodeMessage, type ServerMessage } from '../../shared/wire.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { startServer, type RunningServer } from '../../main/app/serve.js';
import { connectWebSocketApi, type WebSocketApi, type WebSocketConstructor } from '../../shared/ws-client.js';

const indexHtml = '<!doctype html><title>Heatlab test renderer</title><script src="/assets/app.js"></script>';
const appJs = 'console.log("renderer");';

let root: string;
let heatlab: Heatlab;
let server: RunningServer;
let local: Api;
const sockets: { close(): void }[] = [];

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'heatlab-transports-'));
  // A tiny renderer, with a secret next to it that must never be served.
  const rendererDir = join(root, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), indexHtml);
  writeFileSync(join(rendererDir, 'assets', 'app.js'), appJs);
  writeFileSync(join(root, 'secret.txt'), 'top secret');
  mkdirSync(join(root, 'renderer-private'));
  writeFileSync(join(root, 'renderer-private', 'key.txt'), 'private key');

  heatlab = openHeatlab({ workspaceDir: join(root, 'workspace'), mode: 'browser' });
  server = await startServer({ router: heatlab.router, events: heatlab.events, rendererDir });
  local = createInProcessApi(heatlab.router, heatlab.events);
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await server.close();
  await heatlab.close();
  rmSync(root, { recursive: true, force: true });
});

const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;

async function remote(url = `ws://127.0.0.1:${server.port}/api?token=${server.token}`): Promise<WebSocketApi> {
  const api = await connectWebSocketApi(url, NodeWebSocket);
  sockets.push(api);
  return api;
}

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A raw GET, so that the path and the Host header go out exactly as written. */
function get(path: string, headers: Record<string, string> = {}, host = '127.0.0.1'): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host, port: server.port, path, method: 'GET', headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The HTTP status with which the server answers a WebSocket upgrade, or 101 if it accepts it. */
function upgradeStatus(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode!);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`Expected success, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

describe('the same Api in process and over the WebSocket', () => {
  it('gives the same app.info and jobs.list', async () => {
    const ws = await remote();
    const [localInfo, remoteInfo] = [value(await local['app.info']({})), value(await ws['app.info']({}))];
    expect(remoteInfo).toEqual(localInfo);
    expect(remoteInfo).toMatchObject({ name: 'Heatlab', mode: 'browser', workspace: join(root, 'workspace') });

    const job = value(await local['engine.check']({}));
    await heatlab.jobs.waitFor(job.id);
    const [localJobs, remoteJobs] = [value(await local['jobs.list']({ limit: 5 })), value(await ws['jobs.list']({ limit: 5 }))];
    expect(remoteJobs).toEqual(localJobs);
    expect(remoteJobs.map((j) => [j.id, j.status])).toEqual([[job.id, 'done']]);
  });

  it('gives the same invalid_request error for the same bad request', async () => {
    const ws = await remote();
    const bad = { limit: 0, colour: 'red' } as unknown as Parameters<Api['jobs.list']>[0];
    const [localError, remoteError] = [await local['jobs.list'](bad), await ws['jobs.list'](bad)];
    expect(remoteError.ok).toBe(false);
    expect(remoteError).toEqual(localError);
    expect(remoteError.ok ? null : remoteError.error.code).toBe('invalid_request');
    expect(await ws['jobs.get']({ id: 424242 })).toEqual(await local['jobs.get']({ id: 424242 }));
  });

  it('answers a call of a method that does not exist with unknown_method', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
    sockets.push(ws);
    const answer = await new Promise<ServerMessage>((resolve, reject) => {
      ws.on('open', () => ws.send(encodeMessage({ t: 'call', id: 5, method: 'jobs.explode', request: {} })));
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        const message = decodeMessage<ServerMessage>(isBinary ? new Uint8Array(data) : data.toString('utf8'));
        if (message.t !== 'hello') resolve(message);
      });
      ws.on('error', reject);
    });
    expect(answer).toEqual({ t: 'result', id: 5, result: { ok: false, error: { code: 'unknown_method', message: 'There is no API method "jobs.explode".' } } });
  });

  it('delivers job events over the WebSocket, in order, ending with job.finished', async () => {
    const ws = await remote();
    const seen: [string, Job | number][] = [];
    ws.on('job.updated', (j) => seen.push(['job.updated', j]));
    ws.on('job.progress', (p) => seen.push(['job.progress', p.jobId]));
    const done = new Promise<Job>((resolve) => ws.on('job.finished', resolve));

    const job = value(await ws['engine.check']({}));
    const finished = await done;
    expect(finished.id).toBe(job.id);
    expect(finished.status).toBe('done');
    expect(finished).toEqual(value(await local['jobs.get']({ id: job.id })));
    const names = seen.map(([name]) => name);
    expect(names.slice(0, 2)).toEqual(['job.updated', 'job.updated']);
    expect(seen.slice(0, 2).map(([, j]) => (j as Job).status)).toEqual(['queued', 'running']);
    expect(names.filter((n) => n === 'job.progress').length).toBeGreaterThan(0);
    expect(seen.filter(([n]) => n === 'job.progress').every(([, id]) => id === job.id)).toBe(true);
  });

  it('answers pending and later calls with interrupted once the server is gone', async () => {
    const ws = await remote();
    const states: string[] = [];
    ws.onStateChange((s) => states.push(s));
    await server.close();
    await new Promise<void>((resolve) => (ws.state === 'closed' ? resolve() : ws.onStateChange((s) => s === 'closed' && resolve())));
    expect(states).toContain('closed');
    const after = await ws['jobs.list']({});
    expect(after.ok ? null : after.error.code).toBe('interrupted');
  });
});

describe('browser mode over HTTP', () => {
  it('refuses a visit without the token with 401', async () => {
    const res = await get('/');
    expect(res.status).toBe(401);
    expect(res.body).not.toContain('Heatlab test renderer');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('trades the token for an HttpOnly SameSite=Strict cookie and sends a Content-Security-Policy', async () => {
    const traded = await get(`/?token=${server.token}`);
    const cookie = traded.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(new RegExp(`^heatlab_token_${server.port}=${server.token};`));
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    const res = await get('/', { cookie: cookie.split(';')[0]! });
    expect(res.status).toBe(200);
    expect(res.body).toBe(indexHtml);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const csp = res.headers['content-security-policy'] ?? '';
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)/);

    const withCookie = await get('/assets/app.js', { cookie: cookie.split(';')[0]! });
    expect(withCookie.status).toBe(200);
    expect(withCookie.body).toBe(appJs);
    expect(withCookie.headers['content-type']).toMatch(/^text\/javascript/);
    expect(withCookie.headers['content-security-policy']).toBe(csp);
  });

  it('refuses a wrong token, in the URL or in the cookie, with 401', async () => {
    const wrong = server.token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    expect((await get(`/?token=${wrong}`)).status).toBe(401);
    expect((await get('/?token=short')).status).toBe(401);
    expect((await get('/?token=')).status).toBe(401);
    expect((await get('/', { cookie: `heatlab_token_${server.port}=${wrong}` })).status).toBe(401);
  });

  it('refuses a foreign Host header with 403, even with the token', async () => {
    expect((await get(`/?token=${server.token}`, { host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get(`/?token=${server.token}`, { host: '127.0.0.1' })).status).toBe(403);
    expect((await get(`/?token=${server.token}`, { host: `localhost:${server.port}` })).status).toBe(303);
  });

  it('refuses a foreign Origin with 403', async () => {
    expect((await get(`/?token=${server.token}`, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(`/?token=${server.token}`, { origin: `http://127.0.0.1:${server.port}` })).status).toBe(303);
  });

  it('serves nothing outside the renderer folder, however the path is written', async () => {
    const auth = { cookie: `heatlab_token_${server.port}=${server.token}` };
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets%2f..%2f..%2fsecret.txt',
      '/..%2frenderer-private/key.txt',
      '/../package.json',
      '/%2e%2e%2f%2e%2e%2fpackage.json',
      '/..%5csecret.txt',
    ]) {
      const res = await get(path, auth);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toMatch(/top secret|private key|"name"/);
    }
  });

  it('answers a path with broken percent-encoding with an error and keeps serving', async () => {
    const auth = { cookie: `heatlab_token_${server.port}=${server.token}` };
    const res = await get('/%E0%A4%A', auth);
    expect([400, 404]).toContain(res.status);
    expect((await get('/', auth)).status).toBe(200);
  });

  it('listens on 127.0.0.1 only', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    const reachable = (host: string) =>
      new Promise<boolean>((resolve) => {
        const socket = connect({ host, port: server.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
    expect(await reachable('127.0.0.1')).toBe(true);
    // Bound to 0.0.0.0 or :: the server would answer on these too.
    expect(await reachable('127.0.0.2')).toBe(false);
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a !== undefined && !a.internal && a.family === 'IPv4')
      .map((a) => a!.address);
    for (const address of external) expect(await reachable(address), address).toBe(false);
  });
});

describe('browser mode WebSocket upgrades', () => {
  it('accepts the token in the URL or in the cookie', async () => {
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/api?token=${server.token}`)).toBe(101);
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/api`, { headers: { cookie: `heatlab_token_${server.port}=${server.token}` } })).toBe(101);
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, { origin: `http://localhost:${server.port}` })).toBe(101);
  });

  it('rejects an upgrade without the token, or with a wrong one, with 401', async () => {
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/api`)).toBe(401);
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/api?token=0000`)).toBe(401);
    await expect(connectWebSocketApi(`ws://127.0.0.1:${server.port}/api`, NodeWebSocket)).rejects.toThrow(/Could not connect to Heatlab/);
  });

  it('rejects an upgrade from a foreign Origin or Host with 403', async () => {
    const url = `ws://127.0.0.1:${server.port}/api?token=${server.token}`;
    expect(await upgradeStatus(url, { origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(url, { origin: `http://127.0.0.1:${server.port + 1}` })).toBe(403);
    expect(await upgradeStatus(url, { headers: { host: `attacker.example:${server.port}` } })).toBe(403);
  });

  it('rejects an upgrade on any path other than the Api with 404', async () => {
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/other?token=${server.token}`)).toBe(404);
  });
});

// Browser mode against a misbehaving client: every malformed WebSocket frame of issue 14, written
// by hand over a raw TCP connection after a real upgrade with the token. Each must close that
// connection only, with a close code (and a reason saying which rule or limit it broke), while the
// server — this very process — goes on answering a well-behaved client and a job started meanwhile
// finishes as done rather than interrupted.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../shared/jobs.js';
import { wireLimits } from '../../shared/wire.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { startServer, type RunningServer } from '../../main/app/serve.js';
import { connectWebSocketApi, type WebSocketApi, type WebSocketConstructor } from '../../shared/ws-client.js';
import { closePayload, frame, rawConnect, text, type FrameSpec } from '../fixtures/raw-websocket.js';
import { ok } from '../fixtures/results.js';

let root: string;
let heatlab: Heatlab;
let server: RunningServer;
let good: WebSocketApi;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'heatlab-ws-robustness-'));
  mkdirSync(join(root, 'renderer'));
  heatlab = openHeatlab({ workspaceDir: join(root, 'workspace'), mode: 'browser' });
  server = await startServer({ router: heatlab.router, events: heatlab.events, rendererDir: join(root, 'renderer') });
  good = await connectWebSocketApi(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, WebSocket as unknown as WebSocketConstructor);
});

afterAll(async () => {
  good.close();
  await server.close();
  await heatlab.close();
  rmSync(root, { recursive: true, force: true });
});

const bytes = (...b: number[]) => new Uint8Array(b);

/** The cases of issue 14 ("Crashes and hangs", 1), each with the close code RFC 6455 gives it. */
const cases: { name: string; frames: () => Buffer[]; code: number; reason: RegExp }[] = [
  { name: 'invalid UTF-8 in a text frame', frames: () => [frame({ opcode: 1, payload: bytes(0x7b, 0xff, 0xfe, 0x7d) })], code: 1007, reason: /not valid UTF-8/ },
  { name: 'a reserved opcode', frames: () => [frame({ opcode: 3, payload: bytes(1, 2) })], code: 1002, reason: /breaks the WebSocket protocol/ },
  { name: 'RSV1 set without a negotiated extension', frames: () => [frame({ opcode: 1, rsv1: true, payload: Buffer.from('{}') })], code: 1002, reason: /breaks the WebSocket protocol/ },
  { name: 'an unmasked client frame', frames: () => [frame({ opcode: 1, masked: false, payload: Buffer.from('{}') })], code: 1002, reason: /breaks the WebSocket protocol/ },
  { name: 'a length of 2^53', frames: () => [frame({ opcode: 2, announcedLength: 2n ** 53n, payload: bytes(0, 0, 0, 0) })], code: 1009, reason: /limited to 321 MiB/ },
  { name: 'a 200-byte ping', frames: () => [frame({ opcode: 9, payload: new Uint8Array(200) })], code: 1002, reason: /breaks the WebSocket protocol/ },
  { name: 'a fragmented control frame', frames: () => [frame({ opcode: 9, fin: false, payload: bytes(1) })], code: 1002, reason: /breaks the WebSocket protocol/ },
  { name: 'a stray continuation frame', frames: () => [frame({ opcode: 0, payload: Buffer.from('{}') })], code: 1002, reason: /breaks the WebSocket protocol/ },
  { name: 'close code 999', frames: () => [frame({ opcode: 8, payload: closePayload(999, 'bye') })], code: 1002, reason: /breaks the WebSocket protocol/ },
  {
    name: 'a message over the limit (announced; the server need not wait for the bytes)',
    frames: () => [frame({ opcode: 2, announcedLength: BigInt(wireLimits.messageBytes + 1), payload: new Uint8Array(64 * 1024) })],
    code: 1009,
    reason: /^Messages to Heatlab are limited to 321 MiB\.$/,
  },
  { name: 'a text message that is not a call', frames: () => [text('{"t":"hello"}')], code: 1003, reason: /^Malformed message\.$/ },
  { name: 'a binary message with a header longer than the frame', frames: () => [frame({ opcode: 2, payload: bytes(0xff, 0xff, 0, 0, 1) })], code: 1003, reason: /^Malformed message\.$/ },
];

async function startJob(): Promise<Job> {
  return ok(await good['engine.check']({}));
}

async function finished(id: number): Promise<Job> {
  return heatlab.jobs.waitFor(id);
}

describe('a malformed WebSocket frame closes its own connection only', () => {
  for (const c of cases) {
    it(`closes the connection that sent ${c.name}, with code ${c.code}, and keeps serving`, async () => {
      const job = await startJob();
      const bad = await rawConnect(server.port, `/api?token=${server.token}`);
      await bad.next((f) => f.opcode === 1 && f.payload.toString().includes('"hello"'));
      for (const f of c.frames()) bad.write(f);

      const closed = await bad.closed;
      expect(closed).toEqual({ code: c.code, reason: expect.stringMatching(c.reason) });
      await bad.ended;

      // The server answers a fresh, well-behaved client and the old one alike.
      const fresh = await connectWebSocketApi(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, WebSocket as unknown as WebSocketConstructor);
      try {
        expect(ok(await fresh['jobs.list']({ limit: 1 }))).toHaveLength(1);
      } finally {
        fresh.close();
      }
      expect(ok(await good['jobs.get']({ id: job.id })).status).not.toMatch(/failed|interrupted/);
      expect((await finished(job.id)).status).toBe('done');
    });
  }

  it('survives a connection reset in the middle of a frame', async () => {
    const job = await startJob();
    const bad = await rawConnect(server.port, `/api?token=${server.token}`);
    await bad.next((f) => f.opcode === 1);
    bad.write(frame({ opcode: 2, payload: new Uint8Array(4096) }).subarray(0, 100));
    bad.socket.resetAndDestroy();
    await bad.ended;
    expect(ok(await good['app.info']({})).mode).toBe('browser');
    expect((await finished(job.id)).status).toBe('done');
  });

  it('answers a close frame with a valid code by closing with the same code', async () => {
    const bad = await rawConnect(server.port, `/api?token=${server.token}`);
    await bad.next((f) => f.opcode === 1);
    bad.write(frame({ opcode: 8, payload: closePayload(1000, 'done') }));
    expect((await bad.closed)?.code).toBe(1000);
    expect(ok(await good['jobs.list']({ limit: 1 })).length).toBeGreaterThan(0);
  });
});

describe('the spec helpers', () => {
  it('writes a masked frame the server reads as a call', async () => {
    const raw = await rawConnect(server.port, `/api?token=${server.token}`);
    await raw.next((f) => f.opcode === 1);
    raw.write(text(JSON.stringify({ t: 'call', id: 7, method: 'jobs.list', request: { limit: 1 } })));
    const answer = await raw.next((f) => f.opcode === 1 && f.payload.toString().includes('"result"'));
    expect(JSON.parse(answer.payload.toString())).toMatchObject({ t: 'result', id: 7, result: { ok: true } });
    raw.write(frame({ opcode: 8, payload: closePayload(1000) } satisfies FrameSpec));
    await raw.ended;
  });
});

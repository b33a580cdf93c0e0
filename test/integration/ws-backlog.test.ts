// A client that sends calls but never reads the answers: main drops its connection once the unread
// answers pass the send backlog, instead of holding them all. A raw TCP client that stops reading
// (its socket paused, so the kernel's buffers fill and ws starts queueing) against the Api socket
// server with a small backlog and a router whose every answer is 256 KiB; a well-behaved client is
// served throughout.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../main/jobs/event-bus.js';
import type { Router } from '../../main/api/router.js';
import { createApiSocketServer, type ApiSocketServer } from '../../main/app/api-socket.js';
import { encodeMessage, wireLimits } from '../../shared/wire.js';
import { rawConnect, text } from '../fixtures/raw-websocket.js';

const ANSWER = 'x'.repeat(256 * 1024);
const BACKLOG = 2 ** 20;

let server: Server;
let sockets: ApiSocketServer;
let port: number;

beforeAll(async () => {
  const router = { dispatch: async () => ({ ok: true, value: ANSWER }) } as unknown as Router;
  sockets = createApiSocketServer(router, new EventBus(), { ...wireLimits, sendBacklogBytes: BACKLOG });
  server = createServer();
  server.on('upgrade', (req, socket, head) => sockets.accept(req, socket, head));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  sockets.close();
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
});

const call = (id: number) => text(encodeMessage({ t: 'call', id, method: 'app.info', request: {} }) as string);

describe('a client that does not read its answers', () => {
  it('is dropped once its unread answers pass the backlog, while a reading client is still answered', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const lazy = await rawConnect(port, '/api');
    lazy.socket.pause();
    // 400 answers of 256 KiB (100 MiB) asked for; only a small part can sit in the kernel's buffers.
    for (let id = 1; id <= 400; id++) {
      lazy.write(call(id));
      if (id % wireLimits.inFlight === 0) await new Promise((done) => setTimeout(done, 20));
    }
    await lazy.ended;
    expect(logged.mock.calls.some(([line]) => /dropped a WebSocket connection that left .* of answers unread \(the limit is 1 MiB\)/.test(String(line)))).toBe(true);
    const reader = await rawConnect(port, '/api');
    reader.write(call(1));
    const answer = await reader.next((f) => f.opcode === 1 && f.payload.includes('"t":"result"'));
    expect(answer.payload.length).toBeGreaterThan(ANSWER.length);
    reader.socket.destroy();
  });
});

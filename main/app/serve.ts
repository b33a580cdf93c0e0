// Browser mode: the same router behind HTTP (the built renderer) and a WebSocket (the Api) on
// 127.0.0.1 only. Like Jupyter, a random token comes with the printed URL; the first visit trades
// it for a same-site cookie. Requests without the token get 401; a foreign Host or Origin, 403.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { eventNames, methodNames } from '../../shared/api.js';
import { decodeMessage, encodeMessage, type ClientMessage, type ServerMessage } from '../../shared/wire.js';
import type { EventBus } from '../api/events.js';
import type { Router } from '../api/router.js';
import { contentTypeOf, rendererFile } from './renderer-files.js';

export const tokenCookie = 'heatlab_token';
export const apiPath = '/api';

export interface ServeOptions {
  router: Router;
  events: EventBus;
  rendererDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  token?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function sameToken(given: string | undefined | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function contentSecurityPolicy(port: number): string {
  const ws = `ws://127.0.0.1:${port} ws://localhost:${port}`;
  return `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ${ws}; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('hex');
  const rendererDir = resolve(options.rendererDir);
  const server = createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 512 * 1024 * 1024 });
  let port = 0;

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  /** null when the request may proceed, else the HTTP status to refuse it with. */
  function refusal(req: IncomingMessage, url: URL): 401 | 403 | null {
    if (!allowedHosts().has(req.headers.host ?? '')) return 403;
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) return 403;
    const given = url.searchParams.get('token') ?? cookieValue(req.headers.cookie, tokenCookie);
    return sameToken(given, token) ? null : 401;
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refused = refusal(req, url);
    if (refused !== null) {
      res.writeHead(refused, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(refused === 401 ? 'Heatlab needs the token printed with its URL.\n' : 'Request refused: foreign host or origin.\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const headers: Record<string, string> = {
      'content-security-policy': contentSecurityPolicy(port),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
    };
    if (url.searchParams.has('token')) {
      headers['set-cookie'] = `${tokenCookie}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    const found = rendererFile(rendererDir, url.pathname);
    if ('problem' in found) {
      // A broken percent escape is a bad request; everything else names no file.
      const [status, text] = found.problem === 'malformed' ? [400, 'Bad request path.\n'] : [404, 'Not found.\n'];
      res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end(text);
      return;
    }
    const { file } = found;
    headers['content-type'] = contentTypeOf(file);
    headers['cache-control'] = file.endsWith('index.html') ? 'no-store' : 'max-age=31536000, immutable';
    res.writeHead(200, headers);
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refused = url.pathname === apiPath ? refusal(req, url) : 404;
    if (refused !== null) {
      const text = refused === 401 ? 'Unauthorized' : refused === 403 ? 'Forbidden' : 'Not Found';
      socket.end(`HTTP/1.1 ${refused} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const send = (ws: WebSocket, message: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeMessage(message));
  };

  wss.on('connection', (ws: WebSocket) => {
    send(ws, { t: 'hello', methods: methodNames });
    const off = options.events.onAny((name, payload) => send(ws, { t: 'event', name, payload }), eventNames);
    ws.on('close', off);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      let message: ClientMessage;
      try {
        message = decodeMessage<ClientMessage>(isBinary ? new Uint8Array(data) : data.toString('utf8'));
        if (message.t !== 'call' || typeof message.id !== 'number') throw new Error('not a call');
      } catch {
        ws.close(1003, 'Malformed message.');
        return;
      }
      void options.router.dispatch(message.method, message.request).then((result) => send(ws, { t: 'result', id: message.id, result }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

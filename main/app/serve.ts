// Browser mode: the same router behind HTTP (the built renderer) and a WebSocket (the Api) on
// 127.0.0.1 only. Like Jupyter, a random token comes with the printed URL; the first visit trades
// it for a same-site cookie and is redirected to the same address without it, so the token leaves
// the address bar and history. Requests without the token get 401; a foreign Host or Origin, 403.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { resolve } from 'node:path';
import type { EventBus } from '../jobs/event-bus.js';
import type { Router } from '../api/router.js';
import { createApiSocketServer } from './api-socket.js';
import { contentTypeOf, rendererFile } from './renderer-files.js';

/** Cookies are not port-scoped: two servers on one machine need names of their own, or each would overwrite the other's. */
export const tokenCookie = (port: number) => `heatlab_token_${port}`;
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

/** The request's URL, or null when its target cannot be parsed (answered 400, never thrown). */
function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    return null;
  }
}

export function contentSecurityPolicy(port: number): string {
  const ws = `ws://127.0.0.1:${port} ws://localhost:${port}`;
  return `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ${ws}; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('hex');
  const rendererDir = resolve(options.rendererDir);
  const server = createServer();
  const sockets = createApiSocketServer(options.router, options.events);
  let port = 0;

  // Exactly the two names of the loopback address the server listens on; [::1] is refused, since
  // nothing listens there and a browser would never send it for this server.
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  /** null when the request may proceed, else the HTTP status to refuse it with. */
  function refusal(req: IncomingMessage, url: URL | null): 400 | 401 | 403 | null {
    if (url === null) return 400;
    if (!allowedHosts().has(req.headers.host ?? '')) return 403;
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) return 403;
    const given = url.searchParams.get('token') ?? cookieValue(req.headers.cookie, tokenCookie(port));
    return sameToken(given, token) ? null : 401;
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = requestUrl(req);
    const refused = refusal(req, url);
    if (refused !== null || url === null) {
      const status = refused ?? 400;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(status === 401 ? 'Heatlab needs the token printed with its URL.\n' : status === 400 ? 'Bad request path.\n' : 'Request refused: foreign host or origin.\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.searchParams.has('token')) {
      // The token has done its work once traded for the cookie: the same address without it (303, so
      // the browser follows with a GET) keeps it out of the address bar and history; the fragment
      // (the view, e.g. #/explain) survives the redirect.
      url.searchParams.delete('token');
      res.writeHead(303, {
        location: `${url.pathname}${url.search}`,
        'set-cookie': `${tokenCookie(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
      res.end();
      return;
    }
    const headers: Record<string, string> = {
      'content-security-policy': contentSecurityPolicy(port),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
    };
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
    // Node's HTTP server drops its own error handling of an upgraded socket: a reset would otherwise end the process.
    socket.on('error', () => socket.destroy());
    const url = requestUrl(req);
    const refused = url !== null && url.pathname !== apiPath ? 404 : refusal(req, url);
    if (refused !== null) {
      const text = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[refused];
      socket.end(`HTTP/1.1 ${refused} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.accept(req, socket, head);
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
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

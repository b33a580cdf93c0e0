// The Electron shell: one window on the app's own `app://heatlab/` origin, IPC handlers for every
// Api method, and every hardening setting in DESIGN.md ("Security and offline promise").
// Electron is passed in, so tests drive this with a fake.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { eventNames, methodNames } from '../../shared/api.js';
import type { Result } from '../../shared/errors.js';
import type { EventBus } from '../jobs/event-bus.js';
import type { Router } from '../api/router.js';
import { describeExit, OutputTail, type HostLauncher } from '../jobs/host-launcher.js';
import type { HostToMain, MainToHost } from '../../shared/host-protocol.js';
import { contentTypeOf, rendererFile } from './renderer-files.js';
import type { BrowserWindowLike, BrowserWindowOptions, ElectronLike, IpcMainInvokeEvent, SessionLike, WebContents } from './electron-types.js';

export const appScheme = 'app';
export const appOrigin = `${appScheme}://heatlab`;
export const eventChannel = (name: string) => `event:${name}`;

/** CSP for every page the app serves: nothing but the app's own origin. */
export const electronCsp =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function isAppUrl(url: string): boolean {
  return url === appOrigin || url.startsWith(`${appOrigin}/`);
}

/** Requests the app may make: its own pages and Chromium's devtools. Everything else is refused. */
export function isAllowedRequest(url: string): boolean {
  return isAppUrl(url) || url.startsWith('devtools://');
}

export function windowOptions(preload: string, dark: boolean): BrowserWindowOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title: 'Heatlab',
    show: false,
    backgroundColor: dark ? '#16181d' : '#f7f7f8',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
    },
  };
}

/** The renderer's files behind `app://heatlab/…`, with the CSP on every response. */
export function rendererResponder(rendererDir: string): (request: { url: string; method: string }) => Response {
  const root = resolve(rendererDir);
  const headers = { 'content-security-policy': electronCsp, 'x-content-type-options': 'nosniff' };
  return (request) => {
    let url: URL | null = null;
    try {
      url = new URL(request.url);
    } catch {
      // a malformed URL names no file
    }
    const found = url?.host === 'heatlab' ? rendererFile(root, url.pathname) : null;
    const file = found !== null && 'file' in found ? found.file : null;
    let body: Buffer<ArrayBuffer> | null = null;
    try {
      body = file === null ? null : readFileSync(file);
    } catch {
      // unreadable: answered as not found
    }
    if (file === null || body === null) return new Response('Not found', { status: 404, headers });
    return new Response(body, { status: 200, headers: { ...headers, 'content-type': contentTypeOf(file) } });
  };
}

export function hardenSession(session: SessionLike): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequest(details.url) }));
}

/** No navigation away from the app, no new windows, no webviews — for every web contents. */
export function hardenWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const stay = (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', stay);
  contents.on('will-redirect', stay);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** One handler per Api method; a call from any frame but the app's own is refused. */
export function registerIpc(ipcMain: ElectronLike['ipcMain'], router: Router): void {
  for (const method of methodNames) {
    ipcMain.handle(method, (event: IpcMainInvokeEvent, request: unknown): Promise<Result<unknown>> | Result<unknown> => {
      if (!isAppUrl(event.senderFrame?.url ?? '')) {
        return { ok: false, error: { code: 'unauthorized', message: 'Only Heatlab’s own window may call its API.' } };
      }
      return router.dispatch(method, request);
    });
  }
}

/** Pushes every event to every open window. */
export function forwardEvents(events: EventBus, windows: () => BrowserWindowLike[]): () => void {
  return events.onAny((name, payload) => {
    for (const w of windows()) if (!w.webContents.isDestroyed()) w.webContents.send(eventChannel(name), payload);
  }, eventNames);
}

/** The compute host as an Electron utility process (same protocol as child_process.fork). */
export function utilityProcessLauncher(utilityProcess: ElectronLike['utilityProcess'], entry: string): HostLauncher {
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'Heatlab compute host', stdio: 'pipe' });
    const tail = new OutputTail();
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        tail.push(chunk);
        process.stderr.write(chunk);
      });
    }
    let exited = false;
    child.once('exit', () => (exited = true));
    return {
      get pid() {
        return child.pid;
      },
      send: (message: MainToHost) => {
        if (!exited) child.postMessage(message);
      },
      onMessage: (listener) => child.on('message', (m) => listener(m as HostToMain)),
      onExit: (listener) => child.once('exit', (code) => listener(describeExit(code, null), tail.toString())),
      kill: () => void child.kill(),
    };
  };
}

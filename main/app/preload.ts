// The preload: one sandbox-compatible CommonJS bundle that exposes `window.heatlab` — one named
// function per Api method plus `on` — and nothing else (no generic invoke).
import { eventNames, isEventName, methodNames, type Api, type ApiMethods } from '../../shared/api.js';
import type { Result } from '../../shared/errors.js';
import type { PreloadElectronLike } from './electron-types.js';

// A plain require: the sandboxed preload may load only `electron`, which esbuild leaves external.
const { contextBridge, ipcRenderer } = require('electron') as PreloadElectronLike;

const methods = Object.fromEntries(
  methodNames.map((method) => [method, (request: unknown) => ipcRenderer.invoke(method, request) as Promise<Result<unknown>>]),
) as unknown as ApiMethods;

const heatlab = {
  ...methods,
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`Unknown Heatlab event ${String(event)}; known: ${eventNames.join(', ')}.`);
    const channel = `event:${event}`;
    const handler = (_event: unknown, payload: unknown) => (listener as (p: unknown) => void)(payload);
    ipcRenderer.on(channel, handler);
    return () => void ipcRenderer.removeListener(channel, handler);
  },
} satisfies Api;

contextBridge.exposeInMainWorld('heatlab', heatlab);

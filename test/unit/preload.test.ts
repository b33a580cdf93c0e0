// The preload bundle (dist/main/preload.cjs, built by the test setup) run as Electron's sandbox runs
// it: a CommonJS function whose `require` knows only 'electron'.
import { existsSync, readFileSync } from 'node:fs';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { methodNames, type Api } from '../../shared/api.js';
import type { PreloadElectronLike } from '../../main/app/electron-types.js';
import { preloadEntry } from '../../main/app/paths.js';

type IpcListener = (event: unknown, ...args: unknown[]) => void;

interface LoadedPreload {
  /** Every module name the bundle asked `require` for. */
  required: string[];
  exposed: { key: string; api: unknown }[];
  invocations: { channel: string; args: unknown[] }[];
  listeners: Map<string, Set<IpcListener>>;
  /** What ipcRenderer.invoke resolves to, per channel. */
  answer: (channel: string) => unknown;
  /** The main process sends `args` on `channel`. */
  emit(channel: string, ...args: unknown[]): void;
  heatlab: Api;
}

function loadPreload(): LoadedPreload {
  const file = preloadEntry();
  if (!existsSync(file)) throw new Error(`${file} is missing; run node main/build/build.mjs --main-only.`);
  const listeners = new Map<string, Set<IpcListener>>();
  const loaded: Omit<LoadedPreload, 'heatlab'> = {
    required: [],
    exposed: [],
    invocations: [],
    listeners,
    answer: (channel) => ({ ok: true, value: `answer from ${channel}` }),
    emit: (channel, ...args) => {
      for (const listener of listeners.get(channel) ?? []) listener({ sender: 'ipc event' }, ...args);
    },
  };
  const electron: PreloadElectronLike = {
    contextBridge: { exposeInMainWorld: (key, api) => void loaded.exposed.push({ key, api }) },
    ipcRenderer: {
      invoke: (channel, ...args) => {
        loaded.invocations.push({ channel, args });
        return Promise.resolve(loaded.answer(channel));
      },
      on: (channel, listener) => {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(listener);
      },
      removeListener: (channel, listener) => void listeners.get(channel)?.delete(listener),
    },
  };
  const sandboxRequire = (name: string): unknown => {
    loaded.required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`module not found: ${name}`);
  };
  // Electron wraps a sandboxed preload in a function of these parameters; there is no Node beyond them.
  const context = vm.createContext({ console });
  const wrapper = vm.runInContext(
    `(function (require, process, Buffer, global, setImmediate, clearImmediate, exports, module) {${readFileSync(file, 'utf8')}\n})`,
    context,
    { filename: file },
  ) as (...args: unknown[]) => void;
  const module = { exports: {} };
  const sandboxProcess = { platform: process.platform, type: 'renderer', sandboxed: true, contextIsolated: true, env: {} };
  wrapper(sandboxRequire, sandboxProcess, Buffer, vm.runInContext('globalThis', context), setImmediate, clearImmediate, module.exports, module);
  const heatlab = loaded.exposed[0]?.api as Api;
  return { ...loaded, heatlab };
}

describe('the preload bundle', () => {
  it('is one CommonJS file that requires nothing but electron', () => {
    const source = readFileSync(preloadEntry(), 'utf8');
    const requires = [...source.matchAll(/\brequire\s*\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
    expect(requires).toEqual(['electron']);
    expect(source).not.toMatch(/^\s*import\s.+from\s/m);
    expect(loadPreload().required).toEqual(['electron']);
  });

  it('exposes window.heatlab through the context bridge, once', () => {
    const { exposed } = loadPreload();
    expect(exposed.map((e) => e.key)).toEqual(['heatlab']);
  });

  it('exposes exactly one function per Api method plus on, and no generic invoke', () => {
    const { heatlab } = loadPreload();
    expect(Object.keys(heatlab).sort()).toEqual([...methodNames, 'on'].sort());
    for (const [key, value] of Object.entries(heatlab)) expect(typeof value, key).toBe('function');
  });

  it('sends each method over ipcRenderer.invoke on the channel named after it, with the request, and returns the answer', async () => {
    const loaded = loadPreload();
    const call = loaded.heatlab as unknown as Record<string, (request: unknown) => Promise<unknown>>;
    for (const [i, method] of methodNames.entries()) {
      const request = { marker: i };
      expect(await call[method]!(request)).toEqual({ ok: true, value: `answer from ${method}` });
      expect(loaded.invocations.at(-1)).toEqual({ channel: method, args: [request] });
    }
    expect(loaded.invocations).toHaveLength(methodNames.length);
  });

  it('keeps typed arrays in a request as they are, for structured clone', async () => {
    const loaded = loadPreload();
    const pixels = new Float32Array([0.25, 0.5]);
    await loaded.heatlab['jobs.list']({ limit: 1, pixels } as never);
    expect((loaded.invocations[0]!.args[0] as { pixels: unknown }).pixels).toBe(pixels);
  });
});

describe('heatlab.on', () => {
  it('subscribes to event:<name> and hands the listener the payload only', () => {
    const loaded = loadPreload();
    const received: unknown[][] = [];
    loaded.heatlab.on('job.progress', (...args: unknown[]) => void received.push(args));
    expect([...loaded.listeners.keys()]).toEqual(['event:job.progress']);
    const payload = { jobId: 3, kind: 'engine.check', progress: { done: 1, total: 2 } };
    loaded.emit('event:job.progress', payload);
    loaded.emit('event:job.finished', { id: 3 });
    expect(received).toEqual([[payload]]);
  });

  it('returns a function that unsubscribes that listener only', () => {
    const loaded = loadPreload();
    const first: unknown[] = [];
    const second: unknown[] = [];
    const off = loaded.heatlab.on('job.updated', (job) => void first.push(job));
    loaded.heatlab.on('job.updated', (job) => void second.push(job));
    loaded.emit('event:job.updated', { id: 1 });
    off();
    loaded.emit('event:job.updated', { id: 2 });
    expect(first).toEqual([{ id: 1 }]);
    expect(second).toEqual([{ id: 1 }, { id: 2 }]);
    expect(loaded.listeners.get('event:job.updated')?.size).toBe(1);
  });

  it('throws for an event that does not exist and subscribes nothing', () => {
    const loaded = loadPreload();
    expect(() => loaded.heatlab.on('no.such.event' as never, () => undefined)).toThrow(/no\.such\.event/);
    expect(loaded.listeners.size).toBe(0);
  });
});

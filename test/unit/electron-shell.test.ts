// The Electron shell (window, scheme, session, IPC, events, start-up and quit) driven through
// startElectronApp with a fake `electron` module; the real compute host runs behind its utilityProcess.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventNames, methodNames, type AppInfo, type ApiEvents } from '../../shared/api.js';
import type { Result } from '../../shared/errors.js';
import type { Job } from '../../shared/jobs.js';
import { startElectronApp, type ElectronApp } from '../../main/app/electron-app.js';
import { electronCsp, rendererResponder, windowOptions } from '../../main/app/electron.js';
import type { Heatlab } from '../../main/app/heatlab.js';
import { appRoot, hostEntry, preloadEntry } from '../../main/app/paths.js';
import { createFakeElectron, FakeWebContents, type FakeElectron } from '../fixtures/fake-electron.js';

const own = 'app://heatlab/';

let tmp: string;
let fake: FakeElectron | null;
let started: ElectronApp | null;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'heatlab-electron-'));
  fake = null;
  started = null;
});

afterEach(async () => {
  await (await started?.ready)?.close();
  await fake?.killForks();
  rmSync(tmp, { recursive: true, force: true });
});

/** Starts the shell on a fresh workspace without making the app ready yet. */
function start(env: NodeJS.ProcessEnv = { HEATLAB_HOME: join(tmp, 'workspace') }, failLoads = false): FakeElectron {
  fake = createFakeElectron({ userData: join(tmp, 'user-data'), failLoads });
  started = startElectronApp(fake, env);
  return fake;
}

/** Starts the shell and waits until it has opened Heatlab. */
async function launch(env?: NodeJS.ProcessEnv): Promise<{ electron: FakeElectron; heatlab: Heatlab }> {
  const electron = start(env);
  electron.makeReady();
  const heatlab = await started!.ready;
  if (heatlab === null) throw new Error(`Heatlab did not start: ${JSON.stringify(electron.errorBoxes)}`);
  return { electron, heatlab };
}

function mainWindow(electron: FakeElectron) {
  expect(electron.windows).toHaveLength(1);
  return electron.windows[0]!;
}

function jobUpdate(id: number): Job {
  return {
    id,
    kind: 'engine.check',
    label: 'Engine check',
    status: 'queued',
    params: { seconds: 0 },
    createdAt: new Date(0).toISOString(),
    startedAt: null,
    finishedAt: null,
    progress: null,
    error: null,
    result: null,
  };
}

describe('the window', () => {
  it('opens one window with context isolation and the sandbox on, Node, webviews and insecure content off', async () => {
    const { electron } = await launch();
    const prefs = mainWindow(electron).options.webPreferences;
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.navigateOnDragDrop).toBe(false);
  });

  it('gives the window the built preload bundle dist/main/preload.cjs', async () => {
    const { electron } = await launch();
    const { preload } = mainWindow(electron).options.webPreferences;
    expect(preload).toBe(join(appRoot(), 'dist', 'main', 'preload.cjs'));
    expect(preload).toBe(preloadEntry());
  });

  it('loads the app’s own origin and shows the window only once it is ready to show', async () => {
    const { electron } = await launch();
    const window = mainWindow(electron);
    expect(window.loadedUrls).toEqual([own]);
    expect(window.shown).toBe(false);
    window.readyToShow();
    expect(window.shown).toBe(true);
  });

  it('takes its background from the system’s dark or light theme', () => {
    expect(windowOptions('/p.cjs', true).backgroundColor).not.toBe(windowOptions('/p.cjs', false).backgroundColor);
  });

  it('does not open a second window on activate while one is open', async () => {
    const { electron } = await launch();
    electron.appEvents.emit('activate');
    expect(electron.windows).toHaveLength(1);
  });
});

describe('the app:// scheme', () => {
  it('registers app:// as a standard, secure, fetch-capable scheme before the app is ready', async () => {
    const electron = start();
    expect(electron.isReady).toBe(false);
    expect(electron.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }) },
    ]);
    electron.makeReady();
    await started!.ready;
    expect(electron.log.indexOf('scheme:registered')).toBeLessThan(electron.log.indexOf('app:ready'));
    expect(electron.log.indexOf('app:ready')).toBeLessThan(electron.log.indexOf('protocol:handled'));
  });

  it('answers every app:// request with the CSP and nosniff, found or not', async () => {
    const { electron } = await launch();
    const urls = [
      own,
      `${own}index.html`,
      `${own}assets/missing.js`,
      `${own}index.html/x`,
      'app://elsewhere/index.html',
      `${own}..%2fpackage.json`,
      `${own}%E0%A4%A`,
      `${own}a%00b`,
    ];
    for (const url of urls) {
      const response = await electron.fetch(url);
      expect([200, 404], url).toContain(response.status);
      expect(response.headers.get('content-security-policy'), url).toBe(electronCsp);
      expect(response.headers.get('x-content-type-options'), url).toBe('nosniff');
    }
    expect(electronCsp).toMatch(/(^|; )default-src 'self'(;|$)/);
    expect(electronCsp).not.toMatch(/https?:|\*|'unsafe-eval'/);
  });

  it('refuses with 404 a request that climbs out of the renderer folder to the app’s package.json', async () => {
    const { electron } = await launch();
    for (const path of ['..%2fpackage.json', '..%2f..%2fpackage.json', '%2e%2e%2f%2e%2e%2fpackage.json', '../../package.json', '..%5c..%5cpackage.json']) {
      const response = await electron.fetch(`${own}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toContain('"name"');
    }
  });

  describe('its responder', () => {
    function rendererFixture() {
      const root = join(tmp, 'renderer');
      mkdirSync(join(root, 'assets'), { recursive: true });
      writeFileSync(join(root, 'index.html'), '<!doctype html><title>Heatlab</title>');
      writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
      mkdirSync(join(tmp, 'renderer-private'));
      writeFileSync(join(tmp, 'renderer-private', 'secret.txt'), 'secret');
      writeFileSync(join(tmp, 'secret.txt'), 'secret');
      return rendererResponder(root);
    }

    it('serves index.html for / and each file with its content type and the CSP', async () => {
      const respond = rendererFixture();
      const index = respond({ url: own, method: 'GET' });
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(index.headers.get('content-security-policy')).toBe(electronCsp);
      expect(index.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await index.text()).toContain('<title>Heatlab</title>');
      const script = respond({ url: `${own}assets/app.js`, method: 'GET' });
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(script.headers.get('content-security-policy')).toBe(electronCsp);
    });

    it('does not serve files beside the renderer folder, even from a folder whose name starts the same', async () => {
      const respond = rendererFixture();
      for (const path of ['..%2fsecret.txt', '%2e%2e/secret.txt', '..%2frenderer-private%2fsecret.txt', 'assets%2f..%2f..%2fsecret.txt']) {
        const response = respond({ url: `${own}${path}`, method: 'GET' });
        expect(response.status, path).toBe(404);
        expect(await response.text(), path).not.toContain('secret');
      }
    });

    it('answers folders, other hosts, malformed escapes and NUL bytes with 404 instead of throwing', () => {
      const respond = rendererFixture();
      const urls = [`${own}assets`, `${own}assets/`, `${own}index.html/x`, 'app://elsewhere/index.html', `${own}%E0%A4%A`, `${own}a%00b`, `${own}%`];
      for (const url of urls) {
        const response = respond({ url, method: 'GET' });
        expect(response.status, url).toBe(404);
        expect(response.headers.get('content-security-policy'), url).toBe(electronCsp);
      }
    });
  });
});

describe('navigation, windows, permissions and the network', () => {
  it('denies window.open, even to the app’s own pages', async () => {
    const { electron } = await launch();
    const contents = mainWindow(electron).webContents;
    expect(contents.openWindow('https://example.com/')).toBe('deny');
    expect(contents.openWindow(`${own}index.html`)).toBe('deny');
  });

  it('prevents navigation and redirects away from the app and allows its own pages', async () => {
    const { electron } = await launch();
    const contents = mainWindow(electron).webContents;
    expect(contents.navigate('https://example.com')).toBe(false);
    expect(contents.navigate('file:///etc/passwd')).toBe(false);
    expect(contents.navigate('app://heatlab.example.com/')).toBe(false);
    expect(contents.redirect('https://example.com/')).toBe(false);
    expect(contents.navigate(`${own}index.html`)).toBe(true);
    expect(contents.navigate(own)).toBe(true);
    expect(contents.redirect(`${own}index.html`)).toBe(true);
  });

  it('prevents attaching a webview', async () => {
    const { electron } = await launch();
    expect(mainWindow(electron).webContents.attachWebview('https://example.com/')).toBe(false);
  });

  it('hardens every web contents Electron creates, not only the main window’s', async () => {
    const { electron } = await launch();
    const other = new FakeWebContents(99);
    electron.appEvents.emit('web-contents-created', {}, other);
    expect(other.openWindow('https://example.com/')).toBe('deny');
    expect(other.navigate('https://example.com/')).toBe(false);
    expect(other.attachWebview('https://example.com/')).toBe(false);
  });

  it('answers every permission request and permission check with false', async () => {
    const { electron } = await launch();
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      expect(await electron.fakeSession.requestPermission(permission), permission).toBe(false);
      expect(electron.fakeSession.checkPermission(permission), permission).toBe(false);
    }
  });

  it('cancels every request that is not for the app’s own origin', async () => {
    const { electron } = await launch();
    const refused = [
      'http://example.com/',
      'https://example.com/model.onnx',
      'ws://127.0.0.1:8080/',
      'wss://example.com/socket',
      'file:///etc/passwd',
      'ftp://example.com/',
      'app://elsewhere/index.html',
      'app://heatlab.example.com/',
    ];
    for (const url of refused) expect(await electron.fakeSession.request(url), url).toEqual({ cancel: true });
    for (const url of [own, `${own}index.html`, `${own}assets/index.js`]) {
      expect(await electron.fakeSession.request(url), url).toEqual({ cancel: false });
    }
  });
});

describe('IPC', () => {
  it('registers exactly one handler per Api method and nothing else', async () => {
    const { electron } = await launch();
    expect([...electron.ipcHandlers.keys()].sort()).toEqual([...methodNames].sort());
  });

  it('refuses a call from a frame that is not the app’s own, or from a frame that is gone', async () => {
    const { electron, heatlab } = await launch();
    const foreign = ['https://example.com/', 'file:///work/main/dist/renderer/index.html', 'app://elsewhere/', 'app://heatlab.example.com/', 'about:blank', null];
    for (const frame of foreign) {
      for (const [method, request] of [['app.info', {}], ['engine.check', { seconds: 0 }]] as const) {
        const result = (await electron.invoke(method, frame, request)) as Result<unknown>;
        expect(result, `${method} from ${frame}`).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      }
    }
    expect(heatlab.jobs.list(100)).toEqual([]);
  });

  it('dispatches a call from the app’s own frame: app.info names the workspace and the compute host behind utilityProcess', async () => {
    const { electron } = await launch();
    const result = (await electron.invoke('app.info', `${own}index.html`, {})) as Result<AppInfo>;
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.workspace).toBe(resolve(tmp, 'workspace'));
    expect(result.value.mode).toBe('electron');
    expect(electron.forks).toHaveLength(1);
    expect(electron.forks[0]!.modulePath).toBe(hostEntry());
    expect(electron.forks[0]!.options).toMatchObject({ stdio: 'pipe' });
    expect(result.value.enginesError).toBeNull();
    expect(result.value.engines?.hostPid).toBe(electron.forks[0]!.child.pid);
  });

  it('answers an invalid request from the app’s own frame with invalid_request', async () => {
    const { electron } = await launch();
    for (const [method, request] of [['jobs.get', { id: 'one' }], ['app.info', { extra: 1 }], ['jobs.list', { limit: 0 }]] as const) {
      const result = (await electron.invoke(method, own, request)) as Result<unknown>;
      expect(result, method).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    }
  });

  it('keeps answering after the compute host is killed, on a restarted host', async () => {
    const { electron } = await launch();
    await electron.invoke('app.info', own, {});
    const first = electron.forks[0]!;
    first.child.kill('SIGKILL');
    await first.exited;
    const result = (await electron.invoke('app.info', own, {})) as Result<AppInfo>;
    if (!result.ok) throw new Error(result.error.message);
    expect(electron.forks).toHaveLength(2);
    expect(result.value.engines?.hostPid).toBe(electron.forks[1]!.child.pid);
  });
});

describe('events', () => {
  it('pushes every event to every open window on event:<name>, and skips closed ones', async () => {
    const { electron, heatlab } = await launch();
    const second = new electron.BrowserWindow(windowOptions(preloadEntry(), false));
    const closed = new electron.BrowserWindow(windowOptions(preloadEntry(), false));
    const closedContents = electron.windows[2]!.webContents;
    electron.windows[2]!.close();
    const payloads: { [E in keyof ApiEvents]: ApiEvents[E] } = {
      'job.updated': jobUpdate(7),
      'job.progress': {
        jobId: 7,
        kind: 'engine.check',
        progress: { done: 1, total: 2, fraction: 0.5, message: 'half', etaSeconds: 1, rate: 1, unit: 'steps' },
      },
      'job.finished': { ...jobUpdate(7), status: 'done' },
      'study.progress': { studyId: 2, status: 'running', done: 1, total: 4, fraction: 0.25, step: null, message: 'Train tiny-cnn' },
    };
    for (const name of eventNames) heatlab.events.emit(name, payloads[name] as never);
    for (const window of [electron.windows[0]!, electron.windows[1]!]) {
      expect(window.webContents.sent).toEqual(eventNames.map((name) => ({ channel: `event:${name}`, args: [payloads[name]] })));
    }
    expect(second.webContents).toBe(electron.windows[1]!.webContents);
    expect(closed.webContents.isDestroyed()).toBe(true);
    expect(closedContents.sent).toEqual([]);
  });

  it('forwards the real compute host’s job events to the window', async () => {
    const { electron, heatlab } = await launch();
    const submitted = (await electron.invoke('engine.check', own, { seconds: 0 })) as Result<Job>;
    if (!submitted.ok) throw new Error(submitted.error.message);
    const finished = await heatlab.jobs.waitFor(submitted.value.id);
    expect(finished.status).toBe('done');
    const sent = mainWindow(electron).webContents.sent;
    const channels = sent.map((m) => m.channel);
    expect(channels).toContain('event:job.updated');
    expect(channels.at(-1)).toBe('event:job.finished');
    expect(sent.at(-1)!.args).toEqual([expect.objectContaining({ id: submitted.value.id, status: 'done' })]);
  });
});

describe('start-up', () => {
  it('puts the workspace in Electron’s userData folder when HEATLAB_HOME is not set', async () => {
    const { heatlab } = await launch({});
    expect(heatlab.workspace.dir).toBe(join(tmp, 'user-data', 'workspace'));
  });

  it('shows one sentence and exits with code 1, opening no window, when the workspace cannot be opened', async () => {
    writeFileSync(join(tmp, 'a-file'), 'not a folder');
    const electron = start({ HEATLAB_HOME: join(tmp, 'a-file', 'workspace') });
    electron.makeReady();
    expect(await started!.ready).toBeNull();
    expect(electron.errorBoxes).toHaveLength(1);
    const { title, content } = electron.errorBoxes[0]!;
    expect(title).toMatch(/Heatlab/);
    expect(content).toContain(join(tmp, 'a-file', 'workspace'));
    expect(content).not.toMatch(/\n/);
    expect(content).toMatch(/^[A-Z].*\.$/);
    expect(content).not.toMatch(/\.\s+[A-Z]/); // one sentence
    expect(electron.exitCodes).toEqual([1]);
    expect(electron.windows).toHaveLength(0);
    expect(electron.forks).toHaveLength(0);
    expect(electron.ipcHandlers.size).toBe(0);
    expect(electron.protocolHandlers.size).toBe(0);
  });

  it('stops the compute host, shows one sentence and exits with code 1 when setting up after the workspace fails', async () => {
    const electron = start();
    electron.ipcMain.handle('app.info', () => 'someone else’s handler');
    electron.makeReady();
    expect(await started!.ready).toBeNull();
    expect(electron.errorBoxes).toHaveLength(1);
    expect(electron.errorBoxes[0]!.content).toMatch(/^[^\n]*app\.info[^\n]*\.$/);
    expect(electron.exitCodes).toEqual([1]);
    expect(electron.windows).toHaveLength(0);
    expect(electron.forks).toHaveLength(1);
    await electron.forks[0]!.exited;
    expect(electron.log.indexOf('host:exited')).toBeLessThan(electron.log.indexOf('app:exit 1'));
  });

  it('reports a window that fails to load in one line instead of leaving the rejection unhandled', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const electron = start(undefined, true);
    electron.makeReady();
    expect(await started!.ready).not.toBeNull();
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toHaveBeenCalledWith(expect.stringMatching(/^Heatlab’s window could not load app:\/\/heatlab\/: ERR_FILE_NOT_FOUND[^\n]*$/));
  });
});

describe('quitting', () => {
  it('closes Heatlab, letting the compute host exit, before the app quits', async () => {
    const { electron, heatlab } = await launch();
    await electron.invoke('app.info', own, {});
    const host = electron.forks[0]!;
    electron.app.quit();
    expect(electron.log).not.toContain('app:quit');
    await electron.quitted;
    expect(host.exitCode).toBe(0);
    expect(electron.log.indexOf('host:exited')).toBeGreaterThan(-1);
    expect(electron.log.indexOf('host:exited')).toBeLessThan(electron.log.indexOf('app:quit'));
    expect(heatlab.workspace.catalogue.db.open).toBe(false);
  });

  it('quits, after closing Heatlab, when the last window is closed', async () => {
    const { electron, heatlab } = await launch();
    mainWindow(electron).close();
    await electron.quitted;
    expect(electron.forks[0]!.exitCode).not.toBeNull();
    expect(electron.log.indexOf('host:exited')).toBeLessThan(electron.log.indexOf('app:quit'));
    expect(heatlab.workspace.catalogue.db.open).toBe(false);
  });
});

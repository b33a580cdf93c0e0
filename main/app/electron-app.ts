// Starts Heatlab as a desktop app with the given Electron module (the real one, or a test fake).
import { resolveWorkspaceDir } from '../workspace/location.js';
import {
  appOrigin,
  appScheme,
  forwardEvents,
  hardenSession,
  hardenWebContents,
  registerIpc,
  rendererResponder,
  utilityProcessLauncher,
  windowOptions,
} from './electron.js';
import type { BrowserWindowLike, ElectronLike } from './electron-types.js';
import { openHeatlab, type Heatlab } from './heatlab.js';
import { hostEntry, preloadEntry, rendererDir } from './paths.js';

export interface ElectronApp {
  ready: Promise<Heatlab | null>;
}

export function startElectronApp(electron: ElectronLike, env: NodeJS.ProcessEnv = process.env): ElectronApp {
  const { app, BrowserWindow } = electron;
  // Must happen before `ready`: the app's origin is a standard, secure scheme with fetch support.
  electron.protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: true } },
  ]);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  const createWindow = (): BrowserWindowLike => {
    const window = new BrowserWindow(windowOptions(preloadEntry(), electron.nativeTheme?.shouldUseDarkColors ?? false));
    window.once('ready-to-show', () => window.show());
    void window.loadURL(`${appOrigin}/`);
    return window;
  };

  const ready = app.whenReady().then(() => {
    let heatlab: Heatlab;
    try {
      heatlab = openHeatlab({
        workspaceDir: resolveWorkspaceDir({ env, electronUserData: app.getPath('userData') }),
        mode: 'electron',
        launcher: utilityProcessLauncher(electron.utilityProcess, hostEntry()),
        warmUp: true,
      });
    } catch (err) {
      electron.dialog.showErrorBox('Heatlab cannot start', err instanceof Error ? err.message : String(err));
      app.exit(1);
      return null;
    }
    hardenSession(electron.session.defaultSession);
    electron.protocol.handle(appScheme, rendererResponder(rendererDir()));
    registerIpc(electron.ipcMain, heatlab.router);
    forwardEvents(heatlab.events, () => BrowserWindow.getAllWindows());
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
    app.on('window-all-closed', () => app.quit());
    let closed = false;
    app.on('before-quit', (event) => {
      if (closed) return;
      event.preventDefault();
      void heatlab.close().finally(() => {
        closed = true;
        app.quit();
      });
    });
    return heatlab;
  });
  return { ready };
}

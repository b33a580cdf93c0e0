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
import { openHeatlab, type Heatlab, type HeatlabOptions } from './heatlab.js';
import { hostEntry, preloadEntry, rendererDir } from './paths.js';

export interface ElectronApp {
  ready: Promise<Heatlab | null>;
}

/** What the desktop app adds to Heatlab from Electron: its PDF printer and Downloads folder. */
export type DesktopExtras = Pick<HeatlabOptions, 'printPdf' | 'downloadsDir'>;

export function startElectronApp(electron: ElectronLike, env: NodeJS.ProcessEnv = process.env, extras: DesktopExtras = {}): ElectronApp {
  const { app, BrowserWindow } = electron;
  // Must happen before `ready`: the app's origin is a standard, secure scheme with fetch support.
  electron.protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: true } },
  ]);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  const createWindow = (): BrowserWindowLike => {
    const window = new BrowserWindow(windowOptions(preloadEntry(), electron.nativeTheme?.shouldUseDarkColors ?? false));
    window.once('ready-to-show', () => window.show());
    // Unhandled, a failed load would become Electron's stack-trace dialog.
    window
      .loadURL(`${appOrigin}/`)
      .catch((err: unknown) => console.error(`Heatlab’s window could not load ${appOrigin}/: ${oneLine(err)}`));
    return window;
  };

  const refuseToStart = (err: unknown): null => {
    electron.dialog.showErrorBox('Heatlab cannot start', sentence(err));
    app.exit(1);
    return null;
  };

  const ready = app.whenReady().then(async () => {
    let heatlab: Heatlab;
    try {
      heatlab = openHeatlab({
        workspaceDir: resolveWorkspaceDir({ env, electronUserData: app.getPath('userData') }),
        mode: 'electron',
        launcher: utilityProcessLauncher(electron.utilityProcess, hostEntry()),
        warmUp: true,
        ...extras,
      });
    } catch (err) {
      return refuseToStart(err);
    }
    try {
      hardenSession(electron.session.defaultSession);
      electron.protocol.handle(appScheme, rendererResponder(rendererDir()));
      registerIpc(electron.ipcMain, heatlab.router);
      forwardEvents(heatlab.events, () => BrowserWindow.getAllWindows());
      createWindow();
    } catch (err) {
      // Never run without the hardening or the window: stop the compute host and say why.
      await heatlab.close().catch(() => undefined);
      return refuseToStart(err);
    }
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
    app.on('window-all-closed', () => app.quit());
    let closed = false;
    app.on('before-quit', (event) => {
      if (closed) return;
      event.preventDefault();
      void heatlab
        .close()
        .catch((err: unknown) => console.error(`Heatlab did not close cleanly: ${oneLine(err)}`))
        .finally(() => {
          closed = true;
          app.quit();
        });
    });
    return heatlab;
  });
  return { ready };
}

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.trim();
}

/** An error as the one sentence the error box shows (never a stack trace). */
function sentence(err: unknown): string {
  const line = oneLine(err) || 'An unknown error occurred';
  return /[.!?]$/.test(line) ? line : `${line}.`;
}

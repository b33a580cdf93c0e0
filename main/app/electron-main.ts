// Entry point of the desktop app (package.json "main"): loads the real Electron module.
import { createRequire } from 'node:module';
import { startElectronApp } from './electron-app.js';
import { printHtmlWithElectron, type PrintElectron } from './electron-pdf.js';
import type { ElectronLike } from './electron-types.js';

type DesktopElectron = ElectronLike & PrintElectron & { app: { getPath(name: 'downloads'): string } };
const electron = createRequire(import.meta.url)('electron') as DesktopElectron;

// Reports print with Electron's own Chromium, and exports without a chosen folder go to the user's Downloads.
startElectronApp(electron, process.env, { printPdf: (html) => printHtmlWithElectron(electron, html), downloadsDir: () => electron.app.getPath('downloads') });

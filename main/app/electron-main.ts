// Entry point of the desktop app (package.json "main"): loads the real Electron module.
import { createRequire } from 'node:module';
import { startElectronApp } from './electron-app.js';
import type { ElectronLike } from './electron-types.js';

startElectronApp(createRequire(import.meta.url)('electron') as ElectronLike);

#!/usr/bin/env node
// `npm start`: build what is missing, then start the desktop app. When Electron cannot start —
// its runtime is downloaded at install time and offline machines cannot get it, or there is no
// display — say so in one line and serve browser mode instead.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildMain, buildRenderer } from './build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    return { path: require('electron') };
  } catch {
    return { reason: 'the Electron runtime is not installed, and its download needs internet access' };
  }
}

function noDisplay() {
  return process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
}

function run(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  return child;
}

function serveBrowserMode(reason) {
  console.log(`Electron cannot start here (${reason}); serving Heatlab in browser mode instead.`);
  const child = run(process.execPath, [join(root, 'dist/main/cli.cjs'), 'serve']);
  child.on('exit', (code) => process.exit(code ?? 0));
}

await buildMain({ quiet: true });
await buildRenderer();

const electron = electronBinary();
if (electron.path === undefined) serveBrowserMode(electron.reason);
else if (noDisplay()) serveBrowserMode('there is no display: DISPLAY and WAYLAND_DISPLAY are unset');
else {
  // Chromium refuses to run as root with its sandbox on; the app's own sandboxing settings stay on.
  const args = ['.', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])];
  const started = Date.now();
  const child = run(electron.path, args);
  child.on('error', (err) => serveBrowserMode(`Electron did not start: ${err.message}`));
  child.on('exit', (code, signal) => {
    // A quick failure means Electron itself could not start (missing libraries, no GPU/display access).
    if (code !== 0 && signal === null && Date.now() - started < 10_000) serveBrowserMode(`Electron exited with code ${code}`);
    else process.exit(code ?? 0);
  });
}

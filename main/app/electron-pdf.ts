// The report as PDF inside the desktop app: Electron's own Chromium prints it (webContents.printToPDF),
// so the app needs no other browser. The page is loaded from a temporary file into a hidden,
// sandboxed window without JavaScript, on an in-memory session that refuses every request but
// that file and the report's own data: images — the report stays offline as the app does.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What printing uses of Electron (its own module satisfies these shapes). */
export interface PrintElectron {
  BrowserWindow: new (options: {
    show: false;
    webPreferences: { partition: string; sandbox: true; contextIsolation: true; nodeIntegration: false; javascript: false };
  }) => {
    loadURL(url: string): Promise<void>;
    webContents: { printToPDF(options: { printBackground: boolean; preferCSSPageSize: boolean }): Promise<Uint8Array> };
    destroy(): void;
  };
  session: {
    fromPartition(partition: string): {
      setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
      webRequest: { onBeforeRequest(listener: (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void): void };
    };
  };
}

/** Without "persist:", Electron keeps the partition in memory: nothing of the print survives it. */
export const PRINT_PARTITION = 'heatlab-print';

export async function printHtmlWithElectron(electron: PrintElectron, html: string): Promise<Uint8Array> {
  const folder = mkdtempSync(join(tmpdir(), 'heatlab-print-'));
  try {
    const file = join(folder, 'report.html');
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    const session = electron.session.fromPartition(PRINT_PARTITION);
    session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: details.url !== url && !details.url.startsWith('data:') }));
    const window = new electron.BrowserWindow({ show: false, webPreferences: { partition: PRINT_PARTITION, sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false } });
    try {
      await window.loadURL(url);
      return await window.webContents.printToPDF({ printBackground: true, preferCSSPageSize: true });
    } finally {
      window.destroy();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

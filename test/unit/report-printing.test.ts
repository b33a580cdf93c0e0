// Printing the report: which Chromium is used (HEATLAB_CHROMIUM first, then the usual places),
// and the desktop app's print through Electron, driven here by a fake of the few calls it makes —
// a hidden sandboxed window without JavaScript on a session that refuses every other request.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../main/study/report/pdf.js';
import { PRINT_PARTITION, printHtmlWithElectron, type PrintElectron } from '../../main/app/electron-pdf.js';

const folder = mkdtempSync(join(tmpdir(), 'heatlab-printing-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function file(name: string, mode: number): string {
  const path = join(folder, name);
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, mode);
  return path;
}

describe('printing the report', () => {
  it('uses HEATLAB_CHROMIUM when set, else the first executable of the usual places, else none', () => {
    const runnable = file('chromium', 0o755);
    const plain = file('not-runnable', 0o644);
    expect(findChromium({ HEATLAB_CHROMIUM: runnable }, [])).toBe(runnable);
    expect(() => findChromium({ HEATLAB_CHROMIUM: plain }, [runnable])).toThrow(`HEATLAB_CHROMIUM is ${plain}, which is not an executable file.`);
    expect(findChromium({}, [join(folder, 'missing'), plain, runnable])).toBe(runnable);
    expect(findChromium({}, [join(folder, 'missing')])).toBeNull();
  });

  it('prints through Electron from a temporary file in a hidden window that runs no script and may load nothing else', async () => {
    const calls: string[] = [];
    let allowed: ((url: string) => boolean) | null = null;
    let loaded = '';
    const electron: PrintElectron = {
      session: {
        fromPartition: (partition) => {
          calls.push(`session ${partition}`);
          return {
            setPermissionRequestHandler: (handler) => handler(null, 'media', (granted) => calls.push(`permission ${granted}`)),
            webRequest: { onBeforeRequest: (listener) => (allowed = (url) => { let cancel = true; listener({ url }, (r) => (cancel = r.cancel)); return !cancel; }) },
          };
        },
      },
      BrowserWindow: class {
        constructor(options: ConstructorParameters<PrintElectron['BrowserWindow']>[0]) {
          calls.push(`window show=${options.show} js=${options.webPreferences.javascript} sandbox=${options.webPreferences.sandbox} partition=${options.webPreferences.partition}`);
        }
        async loadURL(url: string) {
          loaded = url;
          calls.push(`html ${readFileSync(fileURLToPath(url), 'utf8')}`);
        }
        webContents = {
          printToPDF: async (options: { printBackground: boolean; preferCSSPageSize: boolean }) => {
            calls.push(`print background=${options.printBackground} css-size=${options.preferCSSPageSize}`);
            return Buffer.from('%PDF-1.7 fake');
          },
        };
        destroy() {
          calls.push('destroyed');
        }
      },
    };
    const pdf = await printHtmlWithElectron(electron, '<p>report</p>');
    expect(Buffer.from(pdf).toString()).toBe('%PDF-1.7 fake');
    expect(calls).toEqual([
      `session ${PRINT_PARTITION}`,
      'permission false',
      `window show=false js=false sandbox=true partition=${PRINT_PARTITION}`,
      'html <p>report</p>',
      'print background=true css-size=true',
      'destroyed',
    ]);
    expect(allowed!(loaded)).toBe(true);
    expect(allowed!('data:image/png;base64,AAAA')).toBe(true);
    expect(allowed!('https://example.org/')).toBe(false);
    expect(allowed!('file:///etc/passwd')).toBe(false);
    // The temporary page is gone once printed.
    expect(existsSync(fileURLToPath(loaded))).toBe(false);
  });
});

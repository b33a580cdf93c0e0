// HTML to PDF with a Chromium, when the machine has one: headless, offline (no background
// networking; the HTML is self-contained, so the page asks for nothing), with a throwaway profile,
// so printing never touches the user's browser. Without one, printPdf says in one sentence how to
// print the HTML from a browser instead. The app prints through Electron (app/electron-pdf.ts).
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HeatlabError } from '../../../shared/errors.js';

/** Where a Chromium is looked for, after $HEATLAB_CHROMIUM. */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The sentence for a machine without Chromium. */
export const PRINT_FROM_BROWSER =
  'No Chromium was found to print the PDF (install chromium or set HEATLAB_CHROMIUM to its path); open the HTML report in a browser and print it to PDF (Ctrl+P, "Save as PDF"), as its print stylesheet lays out the pages.';

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** A Chromium to print with: $HEATLAB_CHROMIUM when set (it must exist), else the first of the usual places; null when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, candidates: readonly string[] = CHROMIUM_CANDIDATES): string | null {
  const chosen = env.HEATLAB_CHROMIUM;
  if (chosen !== undefined && chosen !== '') {
    if (!executable(chosen)) throw new HeatlabError('invalid_request', `HEATLAB_CHROMIUM is ${chosen}, which is not an executable file.`);
    return chosen;
  }
  return candidates.find(executable) ?? null;
}

const PDF_MAGIC = '%PDF-';

/**
 * Prints `html` with Chromium into a throwaway folder and returns the PDF's bytes, checked to be a
 * PDF; the caller writes them where they belong. Page size and margins come from the HTML's @page rules.
 */
export async function printPdf(html: string, chromium: string, timeoutMs = 120_000): Promise<Uint8Array> {
  const work = mkdtempSync(join(tmpdir(), 'heatlab-print-'));
  try {
    const page = join(work, 'page.html');
    const pdf = join(work, 'page.pdf');
    writeFileSync(page, html);
    const args = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-extensions',
      '--disable-sync',
      '--no-first-run',
      '--no-default-browser-check',
      '--no-pdf-header-footer',
      `--user-data-dir=${join(work, 'profile')}`,
      `--print-to-pdf=${pdf}`,
      pathToFileURL(page).href,
    ];
    await new Promise<void>((resolve, reject) =>
      execFile(chromium, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, _stdout, stderr) => {
        if (err) reject(new HeatlabError('internal', `Chromium (${chromium}) could not print the PDF: ${lastLine(stderr) || err.message}.`));
        else resolve();
      }),
    );
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(pdf);
    } catch {
      throw new HeatlabError('internal', `Chromium (${chromium}) ended without writing a PDF.`);
    }
    if (Buffer.from(bytes.subarray(0, PDF_MAGIC.length)).toString('latin1') !== PDF_MAGIC) throw new HeatlabError('internal', `Chromium (${chromium}) wrote a file that is not a PDF.`);
    return bytes;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function lastLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).at(-1)?.replace(/\.$/, '') ?? '';
}

/** Prints a report's HTML to PDF bytes: Chromium here; the desktop app passes Electron's own printer. */
export type PdfPrinter = (html: string) => Promise<Uint8Array>;

/** The printer of browser mode and the command line: the machine's Chromium, else the sentence saying how to print from a browser. */
export const chromiumPrinter: PdfPrinter = async (html) => {
  const chromium = findChromium();
  if (chromium === null) throw new HeatlabError('engine_unavailable', PRINT_FROM_BROWSER);
  return printPdf(html, chromium);
};

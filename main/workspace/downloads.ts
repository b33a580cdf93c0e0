// The Downloads folder, where exports go when the user names no folder: Electron's own answer in the
// desktop app, else $XDG_DOWNLOAD_DIR when it is an absolute path, else ~/Downloads. It is made
// when missing, as a browser would.
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { HeatlabError } from '../../shared/errors.js';

export function downloadsFolder(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_DOWNLOAD_DIR?.trim();
  return xdg && isAbsolute(xdg) ? xdg : join(homedir(), 'Downloads');
}

/** `folder`, made when missing. */
export function ensureFolder(folder: string): string {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (err) {
    throw new HeatlabError('invalid_request', `The folder ${folder} cannot be made: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
  }
  return folder;
}

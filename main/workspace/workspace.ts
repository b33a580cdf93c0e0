// A workspace is one folder: catalogue.sqlite plus data/ with the large arrays.
import { closeSync, mkdirSync, openSync, rmSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { HeatlabError } from '../../shared/errors.js';
import { openCatalogue, type Catalogue } from '../catalogue/database.js';
import { diskFullError, hasNoSpace, isDiskFull } from './disk-full.js';

export interface Workspace {
  dir: string;
  dataDir: string;
  catalogue: Catalogue;
  close(): void;
}

export const catalogueFileName = 'catalogue.sqlite';

const choose = 'choose a folder you can write to with --workspace or HEATLAB_HOME';

const reasons: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted there',
  EROFS: 'the file system is read-only',
  ENOENT: 'the file system does not allow new files there',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ELOOP: 'its symbolic links go round in a circle',
  ENAMETOOLONG: 'the path is too long',
};

const reason = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === undefined ? String(err) : `${reasons[code] ?? code}`;
};

/** The status of `path`, or null when nothing is there. */
function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * `mkdir -p` one folder at a time. Node's recursive mkdir retries forever where the kernel answers
 * ENOENT for a parent that exists (any path under /proc), so it is not used here.
 */
function createFolders(dir: string): void {
  const missing: string[] = [];
  let at = dir;
  let found = statOrNull(at);
  while (found === null) {
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
    found = statOrNull(at);
  }
  if (found !== null && !found.isDirectory()) throw Object.assign(new Error(`${at} is not a folder`), { code: 'ENOTDIR' });
  for (const folder of missing.reverse()) mkdirSync(folder);
}

/** Writes and removes a small file: the only check that holds for root, read-only mounts and pseudo file systems alike. */
function probeWrite(dir: string): void {
  const probe = join(dir, `.heatlab-probe-${process.pid}`);
  closeSync(openSync(probe, 'w'));
  rmSync(probe, { force: true });
}

function ensureWritableFolder(dir: string): void {
  let existing: Stats | null;
  try {
    existing = statOrNull(dir);
  } catch (err) {
    throw new HeatlabError('workspace', `The workspace folder ${dir} cannot be used (${reason(err)}); ${choose}.`);
  }
  if (existing !== null && !existing.isDirectory()) throw new HeatlabError('workspace', `The workspace path ${dir} is a file, not a folder; ${choose}.`);
  if (existing === null) {
    try {
      createFolders(dir);
    } catch (err) {
      if (isDiskFull(err)) throw diskFullError(dir, 'the workspace folder cannot be created');
      throw new HeatlabError('workspace', `The workspace folder ${dir} cannot be created (${reason(err)}); ${choose}.`);
    }
  }
  try {
    probeWrite(dir);
  } catch (err) {
    if (isDiskFull(err)) throw diskFullError(dir, 'not even a small file can be written');
    throw new HeatlabError('workspace', `The workspace folder ${dir} is not writable (${reason(err)}); ${choose}.`);
  }
}

/** Opens (creating if needed) the workspace; a damaged or newer catalogue is refused unchanged. */
export function openWorkspace(folder: string): Workspace {
  const dir = resolve(folder);
  ensureWritableFolder(dir);
  const catalogue = openCatalogue(join(dir, catalogueFileName));
  const dataDir = join(dir, 'data');
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    catalogue.close();
    if (isDiskFull(err) || hasNoSpace(dir)) throw diskFullError(dir, 'the data folder cannot be created');
    throw new HeatlabError('workspace', `The data folder ${dataDir} cannot be created (${reason(err)}).`);
  }
  return { dir, dataDir, catalogue, close: () => catalogue.close() };
}

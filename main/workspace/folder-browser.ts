// Lists one folder of this machine for the import and export pickers. Browser mode cannot open a
// native file dialog, and the Electron shell uses the same picker so both behave alike.
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { FolderListing } from '../../shared/api.js';
import { HeatlabError } from '../../shared/errors.js';

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOENT' ? 'it does not exist' : (code ?? String(err));
}

function entryOf(dir: string, d: Dirent): FolderListing['entries'][number] | null {
  try {
    const s = statSync(join(dir, d.name)); // follows links, so a link to a folder is a folder
    return { name: d.name, kind: s.isDirectory() ? 'folder' : 'file', bytes: s.isDirectory() ? null : s.size, modified: s.mtime.toISOString() };
  } catch {
    return null; // a dangling link or a file that vanished: nothing the user can open
  }
}

export function browseFolder(path: string | undefined, hidden: boolean, workspace: string): FolderListing {
  const target = resolve(path ?? homedir());
  if (path !== undefined && !isAbsolute(path)) {
    throw new HeatlabError('invalid_request', `"${path}" is not an absolute path.`);
  }
  let dirents: Dirent[];
  try {
    if (!statSync(target).isDirectory()) throw new HeatlabError('invalid_request', `${target} is a file, not a folder.`);
    dirents = readdirSync(target, { withFileTypes: true });
  } catch (err) {
    if (err instanceof HeatlabError) throw err;
    throw new HeatlabError('not_found', `The folder ${target} cannot be opened: ${describe(err)}.`);
  }
  const entries = dirents
    .filter((d) => hidden || !d.name.startsWith('.'))
    .map((d) => entryOf(target, d))
    .filter((e): e is NonNullable<typeof e> => e !== null)
    .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name, undefined, { numeric: true }) : a.kind === 'folder' ? -1 : 1));
  const parent = dirname(target);
  return {
    path: target,
    parent: parent === target ? null : parent,
    entries,
    places: [
      { label: 'Home', path: homedir() },
      { label: 'Computer', path: resolve('/') },
      { label: 'Workspace', path: workspace },
    ],
  };
}

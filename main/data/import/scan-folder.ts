// Walks a folder with one sub-folder per class. Hidden entries (a name starting with ".", and
// macOS's "__MACOSX" zip residue) are passed over at any depth and counted; files without an
// image extension are ignored and counted, as are files lying directly in the top folder (they
// belong to no class). Images may sit at any depth inside their class folder. Everything is
// sorted by code unit (not locale), so the order — and thus the dataset — is the same everywhere.
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { hasImageExtension } from './image-file.js';

export interface ClassFolder {
  name: string;
  /** Relative to the scanned folder, "/"-separated, sorted. */
  files: string[];
}

export interface FolderScan {
  root: string;
  /** Sub-folders holding at least one image file, sorted by name. */
  classes: ClassFolder[];
  hidden: number;
  ignored: number;
  /** Visible sub-folders without any image file (not classes). */
  emptyFolders: string[];
}

export function isHidden(name: string): boolean {
  return name.startsWith('.') || name === '__MACOSX';
}

interface Tally {
  hidden: number;
  ignored: number;
}

/** Whether an entry is a folder or a file, following symbolic links (a broken link is neither). */
function kindOf(dir: string, entry: Dirent): 'dir' | 'file' | null {
  if (entry.isDirectory()) return 'dir';
  if (entry.isFile()) return 'file';
  if (!entry.isSymbolicLink()) return null;
  try {
    const s = statSync(join(dir, entry.name));
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : null;
  } catch {
    return null;
  }
}

function sortedEntries(dir: string): Dirent[] {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Image files under `dir` at any depth, as paths relative to the scan root; linked folders visited once. */
export function collectImages(dir: string, relative: string, tally: Tally, seen: Set<string>, accept = hasImageExtension): string[] {
  const real = realpathSync(dir);
  if (seen.has(real)) return [];
  seen.add(real);
  const files: string[] = [];
  for (const entry of sortedEntries(dir)) {
    if (isHidden(entry.name)) {
      tally.hidden++;
      continue;
    }
    const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
    const kind = kindOf(dir, entry);
    if (kind === 'dir') files.push(...collectImages(join(dir, entry.name), rel, tally, seen, accept));
    else if (kind === 'file' && accept(entry.name)) files.push(rel);
    else tally.ignored++;
  }
  return files.sort();
}

export function scanFolder(root: string): FolderScan {
  const tally: Tally = { hidden: 0, ignored: 0 };
  const seen = new Set<string>([realpathSync(root)]);
  const classes: ClassFolder[] = [];
  const emptyFolders: string[] = [];
  for (const entry of sortedEntries(root)) {
    if (isHidden(entry.name)) {
      tally.hidden++;
      continue;
    }
    const kind = kindOf(root, entry);
    if (kind !== 'dir') {
      tally.ignored++;
      continue;
    }
    const files = collectImages(join(root, entry.name), entry.name, tally, seen);
    if (files.length > 0) classes.push({ name: entry.name, files });
    else emptyFolders.push(entry.name);
  }
  return { root, classes, hidden: tally.hidden, ignored: tally.ignored, emptyFolders };
}

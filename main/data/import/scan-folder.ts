// Walks a folder with one sub-folder per class. Hidden entries (a name starting with ".", and
// macOS's "__MACOSX" zip residue) are passed over at any depth and counted; files without an
// image extension are ignored and counted, as are files lying directly in the top folder (they
// belong to no class). Images may sit at any depth inside their class folder. Everything is
// sorted by code unit (not locale), so the order — and thus the dataset — is the same everywhere.
//
// Symbolic links. A link to a folder inside the imported folder is never followed: following
// a/link_to_c -> ../c would label c's images a and make class c vanish. A class folder that is
// itself a link to a folder outside the imported folder is followed — building a dataset folder
// from links to class folders kept elsewhere is common, and the link names the class — but a
// folder link deeper down is not (it would pour another folder into the class unseen), nor is a
// link to a folder holding the imported folder (a walk of the whole disk). A link to a file is
// followed when it ends at a regular file; links to devices, FIFOs and sockets, and such files
// themselves, are passed over. Every link not followed is listed, with why, in `passedOver`.
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileKinds, refusalOf } from '../../workspace/read-regular-file.js';
import { hasImageExtension } from '../../workspace/images/image-file.js';

export interface ClassFolder {
  name: string;
  /** Relative to the scanned folder, "/"-separated, sorted. */
  files: string[];
}

/** An entry the walk did not follow or read, with the reason as a sentence. */
export interface PassedOver {
  /** Relative to the scanned folder, "/"-separated. */
  path: string;
  reason: string;
}

export interface FolderScan {
  root: string;
  /** Sub-folders holding at least one image file, sorted by name. */
  classes: ClassFolder[];
  hidden: number;
  ignored: number;
  /** Visible sub-folders without any image file (not classes). */
  emptyFolders: string[];
  passedOver: PassedOver[];
}

export function isHidden(name: string): boolean {
  return name.startsWith('.') || name === '__MACOSX';
}

/** One walk's state: its real root, its counts, and each real folder visited with the path that brought it in. */
export class Walk {
  readonly rootReal: string;
  hidden = 0;
  ignored = 0;
  readonly passedOver: PassedOver[] = [];
  readonly #visited = new Map<string, string>();

  constructor(root: string) {
    this.rootReal = realpathSync(root);
    this.#visited.set(this.rootReal, '');
  }

  /** Claims a real folder for `rel`; the path that claimed it first when it was already visited. */
  claim(real: string, rel: string): string | null {
    const first = this.#visited.get(real);
    if (first !== undefined) return first;
    this.#visited.set(real, rel);
    return null;
  }

  inside(real: string): boolean {
    return real === this.rootReal || real.startsWith(this.rootReal + sep);
  }

  holdsRoot(real: string): boolean {
    return this.rootReal.startsWith(real.endsWith(sep) ? real : real + sep);
  }
}

/** Whether to descend into an entry, read it as a file, or pass it over (recorded in the walk with why). */
function kindOf(dir: string, entry: Dirent, rel: string, walk: Walk, classLevel: boolean): 'dir' | 'file' | null {
  if (entry.isDirectory()) return 'dir';
  if (entry.isFile()) return 'file';
  const path = join(dir, entry.name);
  if (!entry.isSymbolicLink()) {
    const stats = statSync(path, { throwIfNoEntry: false });
    const refusal = stats === undefined ? null : refusalOf(stats, fileKinds.image);
    walk.passedOver.push({ path: rel, reason: refusal === null ? 'It is not a file or a folder.' : `It ${refusal.reason.replace(/^it /, '')}.` });
    return null;
  }
  let target;
  let real;
  try {
    target = statSync(path);
    real = realpathSync(path);
  } catch {
    walk.passedOver.push({ path: rel, reason: 'It is a symbolic link to nothing: its target is missing.' });
    return null;
  }
  if (target.isFile()) return 'file';
  if (!target.isDirectory()) {
    const refusal = refusalOf(target, fileKinds.image)!;
    walk.passedOver.push({ path: rel, reason: `It links to ${real}, which ${refusal.reason.replace(/^it /, '')}.` });
    return null;
  }
  if (walk.inside(real)) {
    const to = relative(walk.rootReal, real).split(sep).join('/') || 'the imported folder itself';
    walk.passedOver.push({ path: rel, reason: `It links to ${to}, a folder inside the imported folder; Heatlab does not follow such links, so that no image is counted twice or under another class.` });
    return null;
  }
  if (walk.holdsRoot(real)) {
    walk.passedOver.push({ path: rel, reason: `It links to ${real}, which holds the imported folder itself, so it is not followed.` });
    return null;
  }
  if (!classLevel) {
    walk.passedOver.push({ path: rel, reason: `It links to the folder ${real} outside the imported folder; Heatlab follows such links only as class folders, not inside one.` });
    return null;
  }
  return 'dir';
}

function sortedEntries(dir: string): Dirent[] {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Image files under `dir` at any depth, as paths relative to the scan root; a real folder is walked once. */
function collectImages(dir: string, rel: string, walk: Walk, accept: (name: string) => boolean): string[] {
  const files: string[] = [];
  for (const entry of sortedEntries(dir)) {
    if (isHidden(entry.name)) {
      walk.hidden++;
      continue;
    }
    const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
    const kind = kindOf(dir, entry, path, walk, false);
    if (kind === 'dir') files.push(...descend(join(dir, entry.name), path, walk, accept));
    else if (kind === 'file' && accept(entry.name)) files.push(path);
    else if (kind === 'file') walk.ignored++;
  }
  return files.sort();
}

/** A sub-folder's images, unless its real folder was walked already (two links to one folder bring it in once). */
function descend(dir: string, rel: string, walk: Walk, accept: (name: string) => boolean): string[] {
  const first = walk.claim(realpathSync(dir), rel);
  if (first !== null) {
    walk.passedOver.push({ path: rel, reason: `It is the same folder as ${first}, whose images are imported once, under ${first.split('/')[0]}.` });
    return [];
  }
  return collectImages(dir, rel, walk, accept);
}

/** Files accepted by `accept` under `root`, each top-level sub-folder walked under the rules above (mask folders). */
export function walkFiles(root: string, accept: (name: string) => boolean): { files: string[]; walk: Walk } {
  const walk = new Walk(root);
  const files: string[] = [];
  for (const entry of sortedEntries(root)) {
    if (isHidden(entry.name)) continue;
    const kind = kindOf(root, entry, entry.name, walk, true);
    if (kind === 'dir') files.push(...descend(join(root, entry.name), entry.name, walk, accept));
    else if (kind === 'file' && accept(entry.name)) files.push(entry.name);
  }
  return { files: files.sort(), walk };
}

export function scanFolder(root: string): FolderScan {
  const walk = new Walk(root);
  const classes: ClassFolder[] = [];
  const emptyFolders: string[] = [];
  for (const entry of sortedEntries(root)) {
    if (isHidden(entry.name)) {
      walk.hidden++;
      continue;
    }
    const kind = kindOf(root, entry, entry.name, walk, true);
    if (kind !== 'dir') {
      if (kind === 'file') walk.ignored++;
      continue;
    }
    const files = descend(join(root, entry.name), entry.name, walk, hasImageExtension);
    if (files.length > 0) classes.push({ name: entry.name, files });
    else emptyFolders.push(entry.name);
  }
  return { root, classes, hidden: walk.hidden, ignored: walk.ignored, emptyFolders, passedOver: walk.passedOver };
}

// Folders the user chose to write into. Exports (files.save, models.export, annotations.export)
// write only into a folder granted here, and main grants one only when the folder picker's
// "Choose this folder" asks for it (files.grant). A grant lasts as long as this main process and
// holds for every window and connection: they are all the one user who started Heatlab.
// Never granted: the workspace or anything inside it (its catalogue and arrays are main's alone),
// and hidden folders (a name starting with '.', such as ~/.config or ~/.ssh) or anything inside one,
// where a written file could be run or read as configuration. Links are resolved first, so a link
// cannot lead a write into either.
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { HeatlabError } from '../../shared/errors.js';

export class FolderGrants {
  readonly #workspace: string;
  readonly #granted = new Set<string>();

  constructor(workspaceDir: string) {
    this.#workspace = realFolder(workspaceDir) ?? resolve(workspaceDir);
  }

  /** Records the user's choice of `path` as a folder to write into; returns its real path. */
  grant(path: string): { folder: string } {
    const folder = this.#usable(path);
    this.#granted.add(folder);
    return { folder };
  }

  /** The real path of `path` when it was granted; otherwise a sentence saying why nothing is written. */
  writable(path: string): string {
    const folder = this.#usable(path);
    if (!this.#granted.has(folder)) {
      throw new HeatlabError('invalid_request', `Heatlab writes only into a folder chosen with “Choose this folder”, and ${folder} was not chosen.`);
    }
    return folder;
  }

  /** The real path of a folder Heatlab chose itself (the Downloads folder), checked by every rule but the grant. */
  usable(path: string): string {
    return this.#usable(path);
  }

  /** The folder's real path, after every rule but the grant itself. */
  #usable(path: string): string {
    if (!isAbsolute(path)) throw new HeatlabError('invalid_request', `"${path}" is not an absolute path.`);
    const folder = realFolder(path);
    if (folder === null) throw new HeatlabError('invalid_request', `${resolve(path)} is not a folder.`);
    const inWorkspace = relative(this.#workspace, folder);
    if (inWorkspace === '' || (inWorkspace !== '..' && !inWorkspace.startsWith(`..${sep}`) && !isAbsolute(inWorkspace))) {
      throw new HeatlabError('invalid_request', `Heatlab does not write into its own workspace (${this.#workspace}); choose a folder outside it.`);
    }
    // Both the path as given and where its links lead.
    for (const p of [resolve(path), folder]) {
      const hidden = p.split(sep).find((part) => part.startsWith('.'));
      if (hidden !== undefined) throw new HeatlabError('invalid_request', `Heatlab does not write into hidden folders such as ${hidden}; choose another folder.`);
    }
    return folder;
  }
}

function realFolder(path: string): string | null {
  try {
    const real = realpathSync(path);
    return statSync(real).isDirectory() ? real : null;
  } catch {
    return null;
  }
}

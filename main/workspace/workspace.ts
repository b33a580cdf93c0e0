// A workspace is one folder: catalogue.sqlite plus data/ with the large arrays.
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HeatlabError } from '../../shared/errors.js';
import { openCatalogue, type Catalogue } from '../catalogue/database.js';

export interface Workspace {
  dir: string;
  dataDir: string;
  catalogue: Catalogue;
  close(): void;
}

export const catalogueFileName = 'catalogue.sqlite';

function ensureWritableFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new HeatlabError('workspace', `The workspace folder ${dir} cannot be created (${(err as NodeJS.ErrnoException).code ?? String(err)}); set HEATLAB_HOME to a folder you can write to.`);
  }
  if (!statSync(dir).isDirectory()) {
    throw new HeatlabError('workspace', `The workspace path ${dir} is a file, not a folder; set HEATLAB_HOME to a folder.`);
  }
  try {
    accessSync(dir, constants.W_OK | constants.R_OK | constants.X_OK);
  } catch {
    throw new HeatlabError('workspace', `The workspace folder ${dir} is not writable; set HEATLAB_HOME to a folder you can write to.`);
  }
}

/** Opens (creating if needed) the workspace; a damaged or newer catalogue is refused unchanged. */
export function openWorkspace(dir: string): Workspace {
  ensureWritableFolder(dir);
  const catalogue = openCatalogue(join(dir, catalogueFileName));
  const dataDir = join(dir, 'data');
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    catalogue.close();
    throw new HeatlabError('workspace', `The data folder ${dataDir} cannot be created (${(err as NodeJS.ErrnoException).code ?? String(err)}).`);
  }
  return { dir, dataDir, catalogue, close: () => catalogue.close() };
}

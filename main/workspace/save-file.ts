// Writes an export the renderer made (a figure, heatmaps, metadata) into a folder the user picked.
// Only a plain file name is accepted, so nothing lands outside that folder; an existing file is
// kept and the new one gets a numbered name.
import { existsSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, resolve } from 'node:path';
import { HeatlabError } from '../../shared/errors.js';
import { writeFileAtomic } from './atomic-write.js';

export function saveFile(folder: string, name: string, data: Uint8Array): { path: string } {
  if (!isAbsolute(folder)) throw new HeatlabError('invalid_request', `"${folder}" is not an absolute path.`);
  if (/[/\\\0]/.test(name) || name.startsWith('.') || name.trim() === '') throw new HeatlabError('invalid_request', `"${name}" is not a plain file name.`);
  const target = resolve(folder);
  if (!existsSync(target) || !statSync(target).isDirectory()) throw new HeatlabError('invalid_request', `${target} is not a folder.`);
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  let path = join(target, name);
  for (let k = 2; existsSync(path); k++) path = join(target, `${stem} (${k})${ext}`);
  try {
    writeFileAtomic(path, data);
  } catch (err) {
    throw new HeatlabError('invalid_request', `The file could not be written to ${target}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
  }
  return { path };
}

// Class names from a labels file: a JSON array of names, or one name per line (blank lines and
// surrounding spaces ignored), as torchvision's and DIANNA's label files are written.
import { basename, isAbsolute } from 'node:path';
import { HeatlabError } from '../../../shared/errors.js';
import { classNamesProblem, distinguishRepeatedNames } from '../../../shared/model-import.js';
import { FileRefused, fileKinds, readRegularFile } from '../../workspace/read-regular-file.js';

const unreadable = (path: string, why: string) => new HeatlabError('invalid_request', `The labels file ${basename(path)} cannot be used: ${why}.`);

export function readLabelsFile(path: string): string[] {
  if (!isAbsolute(path)) throw new HeatlabError('invalid_request', `"${path}" is not an absolute path.`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readRegularFile(path, fileKinds.labels));
  } catch (err) {
    if (err instanceof FileRefused) throw unreadable(path, err.reason);
    if (err instanceof HeatlabError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined) throw unreadable(path, 'it is not UTF-8 text');
    throw unreadable(path, code === 'ENOENT' ? 'it does not exist' : code === 'EISDIR' ? 'it is a folder' : code);
  }
  text = text.replace(/^\uFEFF/, '');
  let names: string[];
  if (text.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw unreadable(path, 'it starts like a JSON array but is not valid JSON');
    }
    if (!Array.isArray(parsed) || !parsed.every((n) => typeof n === 'string' || typeof n === 'number')) throw unreadable(path, 'its JSON is not a list of names');
    names = parsed.map((n) => String(n).trim());
  } else {
    names = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  }
  if (names.length === 0) throw unreadable(path, 'it holds no names');
  const empty = names.findIndex((n) => n === '');
  if (empty >= 0) throw unreadable(path, `name ${empty + 1} is empty`);
  if (names.some((n) => n.length > 200)) throw unreadable(path, 'a name is longer than 200 characters');
  const distinct = distinguishRepeatedNames(names);
  // A name that is already "crane (class 134)" in the file could still collide.
  const problem = classNamesProblem(distinct);
  if (problem !== null) throw unreadable(path, problem.charAt(0).toLowerCase() + problem.slice(1, -1));
  return distinct;
}

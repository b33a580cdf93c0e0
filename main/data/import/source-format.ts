// What kind of source a path is: a folder (one sub-folder per class), an IDX file, a .npy file
// or an .npz archive. Told by what the path is and by the file name, then by IDX's magic bytes.
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { ImportFormat } from '../../../shared/datasets.js';
import { FileRefused, fileKinds, readRegularFileRange, refusalOf } from '../../workspace/read-regular-file.js';
import { SourceProblem } from './source-problem.js';
import { looksLikeIdx } from './idx.js';

function startsLikeIdx(path: string): boolean {
  const head = readRegularFileRange(path, fileKinds.array, 0, 4);
  return head.length === 4 && head[0] === 0 && head[1] === 0 && [0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e].includes(head[2]!) && head[3]! > 0;
}

export function detectFormat(path: string): ImportFormat {
  if (path.includes('\0')) throw new SourceProblem('The path is not valid.');
  let stat;
  try {
    stat = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SourceProblem(code === 'EACCES' ? 'Heatlab is not allowed to read the path.' : 'The path does not exist.');
  }
  if (stat.isDirectory()) return 'folder';
  // /dev/zero, a FIFO or an oversized file: said as such, not as an unknown format.
  const refusal = refusalOf(stat, fileKinds.array);
  if (refusal !== null) throw new FileRefused(path, refusal.reason, refusal.details);
  const name = basename(path).toLowerCase();
  if (stat.isFile()) {
    if (name.endsWith('.npz')) return 'npz';
    if (name.endsWith('.npy')) return 'npy';
    if (looksLikeIdx(name) || startsLikeIdx(path)) return 'idx';
  }
  throw new SourceProblem(
    `${basename(path)} is not something Heatlab imports; pick a folder with one sub-folder per class, an IDX file (MNIST format, also .gz), or a .npy or .npz file of images.`,
  );
}

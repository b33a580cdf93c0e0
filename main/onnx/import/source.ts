// The .onnx file a user picked: its bytes, its hash and its graph. Missing files, folders and
// special files (/dev/zero, FIFOs), files over the ONNX cap and files that are not ONNX are
// refused here in one sentence; nothing is written.
import { createHash } from 'node:crypto';
import { basename, isAbsolute, resolve } from 'node:path';
import { HeatlabError } from '../../../shared/errors.js';
import type { IrModel } from '../ir.js';
import { readModel } from '../model-reader.js';
import { FileRefused, fileKinds, readRegularFile } from '../../workspace/read-regular-file.js';

export interface OnnxSource {
  path: string;
  fileName: string;
  bytes: Uint8Array;
  sha256: string;
  ir: IrModel;
}

export function readOnnxSource(path: string): OnnxSource {
  if (!isAbsolute(path)) throw new HeatlabError('invalid_request', `"${path}" is not an absolute path.`);
  const target = resolve(path);
  let bytes: Uint8Array;
  try {
    const read = readRegularFile(target, fileKinds.onnx);
    bytes = new Uint8Array(read.buffer, read.byteOffset, read.byteLength); // a view: a copy would double a 2 GiB model
  } catch (err) {
    if (err instanceof FileRefused && err.details?.type === 'a folder') throw new HeatlabError('invalid_request', `${target} is a folder, not an ONNX file.`);
    if (err instanceof HeatlabError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new HeatlabError('invalid_request', code === 'ENOENT' ? `There is no file ${target}.` : `${target} cannot be read: ${code ?? String(err)}.`);
  }
  let ir: IrModel;
  try {
    ir = readModel(bytes);
  } catch (err) {
    // The reader's sentences say "The file …"; name the file so the user knows which one.
    if (err instanceof HeatlabError) throw new HeatlabError(err.code, err.message.replace(/^The file\b/, `The file ${basename(target)}`), err.details);
    throw err;
  }
  return { path: target, fileName: basename(target), bytes, sha256: createHash('sha256').update(bytes).digest('hex'), ir };
}

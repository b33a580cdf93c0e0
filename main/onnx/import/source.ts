// The .onnx file a user picked: its bytes, its hash and its graph. Missing files, folders and
// files that are not ONNX are refused here in one sentence; nothing is written.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { HeatlabError } from '../../../shared/errors.js';
import type { IrModel } from '../ir.js';
import { readModel } from '../model-reader.js';

export interface OnnxSource {
  path: string;
  fileName: string;
  bytes: Uint8Array;
  sha256: string;
  ir: IrModel;
}

/** Larger than any image classifier Heatlab can explain in memory; protobuf itself stops at 2 GB. */
const MAX_BYTES = 2 ** 31 - 1;

export function readOnnxSource(path: string): OnnxSource {
  if (!isAbsolute(path)) throw new HeatlabError('invalid_request', `"${path}" is not an absolute path.`);
  const target = resolve(path);
  let size: number;
  try {
    const s = statSync(target);
    if (s.isDirectory()) throw new HeatlabError('invalid_request', `${target} is a folder, not an ONNX file.`);
    size = s.size;
  } catch (err) {
    if (err instanceof HeatlabError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new HeatlabError('invalid_request', code === 'ENOENT' ? `There is no file ${target}.` : `${target} cannot be read: ${code ?? String(err)}.`);
  }
  if (size > MAX_BYTES) throw new HeatlabError('invalid_request', `${basename(target)} is larger than 2 GB, the most an ONNX protobuf can hold.`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(target));
  } catch (err) {
    throw new HeatlabError('invalid_request', `${target} cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
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

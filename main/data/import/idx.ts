// IDX files, the format of MNIST (LeCun et al., "THE MNIST DATABASE", file formats section):
// two zero bytes, a type code, the number of dimensions, each dimension as a big-endian uint32,
// then the values, big-endian. Gzipped copies (.gz, told by their magic bytes) are read through
// node:zlib's streaming gunzip.
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { fileKinds, readRegularFileRange, regularFileStream } from '../../workspace/read-regular-file.js';
import type { ArrayHeader, ElementType } from './array-header.js';
import { decompressed } from './byte-stream.js';

const typeCodes: Record<number, ElementType> = { 0x08: 'u1', 0x09: 'i1', 0x0b: 'i2', 0x0c: 'i4', 0x0d: 'f4', 0x0e: 'f8' };

function isGzip(path: string): boolean {
  const head = readRegularFileRange(path, fileKinds.array, 0, 2);
  return head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** The file's bytes, gunzipped when it is gzipped. */
export function openIdx(path: string): Readable {
  const gzipped = isGzip(path);
  const file = regularFileStream(path, fileKinds.array);
  return gzipped ? decompressed(file, createGunzip(), basename(path), 'gzip') : file;
}

/** Throws a reason when the bytes do not start like an IDX file. */
export function parseIdxHeader(bytes: Uint8Array, label: string): ArrayHeader {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new Error(`The file ${label} is not an IDX file (its magic number is wrong)`);
  const type = typeCodes[bytes[2]!];
  if (type === undefined) throw new Error(`The file ${label} has an unknown IDX type code 0x${bytes[2]!.toString(16)}`);
  const dims = bytes[3]!;
  if (dims === 0 || bytes.length < 4 + 4 * dims) throw new Error(`The file ${label} has a truncated IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: dims }, (_, k) => view.getUint32(4 + 4 * k, false));
  return { shape, type, littleEndian: false, dataOffset: 4 + 4 * dims };
}

/** Whether a file name looks like an IDX file (MNIST names them "…-idx3-ubyte", optionally ".gz"). */
export function looksLikeIdx(name: string): boolean {
  return /idx\d+[-_.]u?byte(\.gz)?$/i.test(name) || /\.idx\d+(\.gz)?$/i.test(name);
}

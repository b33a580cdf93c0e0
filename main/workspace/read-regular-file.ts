// Reading a file a user named (an ONNX model, a labels file, an image, an array): only a regular
// file is read, and no larger than its kind's cap. /dev/zero, a FIFO or a socket never end (or
// never start), so they are refused before a byte is read; a symbolic link is followed only to a
// regular file. The type is checked with stat before opening (opening some devices has effects),
// and again with fstat on the open descriptor, so a file swapped in between is caught too.
import { closeSync, constants, createReadStream, fstatSync, openSync, readSync, statSync, type ReadStream, type Stats } from 'node:fs';
import { HeatlabError } from '../../shared/errors.js';

export interface FileKind {
  /** Plural, as the refusal says it: "Heatlab reads labels files up to 1 MiB". */
  name: string;
  maxBytes: number;
}

const MiB = 2 ** 20;
const GiB = 2 ** 30;

export const fileKinds = {
  // protobuf cannot parse a message of 2 GiB or more; larger models keep their weights in external data files.
  onnx: { name: 'ONNX files', maxBytes: 2 * GiB - 1 },
  // 1,000 ImageNet names take 22 KB; a megabyte is 20,000 long names.
  labels: { name: 'labels files', maxBytes: 1 * MiB },
  // The largest image Heatlab decodes holds 512 MiB of samples (image-limits.ts); its file, even uncompressed, fits in 1 GiB.
  image: { name: 'image files', maxBytes: 1 * GiB },
  // Arrays stream row by row, so memory does not bound them; the cap stops a runaway source from filling the workspace's disk.
  array: { name: 'array files', maxBytes: 64 * GiB },
} as const satisfies Record<string, FileKind>;

/** "3.1 GiB", "512 MiB", "12 KiB", "900 bytes": binary units, as the caps are set. */
export function formatSize(bytes: number): string {
  const units: [number, string][] = [
    [2 ** 40, 'TiB'],
    [GiB, 'GiB'],
    [MiB, 'MiB'],
    [2 ** 10, 'KiB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const v = bytes / size;
      return `${v >= 100 ? Math.round(v) : v.toFixed(1).replace(/\.0$/, '')} ${unit}`;
    }
  }
  return `${bytes} byte${bytes === 1 ? '' : 's'}`;
}

/** A refusal of a file Heatlab will not read: `message` names the file, `reason` is the same without the name ("it is a FIFO, …"). */
export class FileRefused extends HeatlabError {
  readonly reason: string;
  constructor(path: string, reason: string, details: Record<string, unknown>) {
    super('invalid_request', `${path} ${reason.replace(/^it /, '')}.`, { file: path, ...details });
    this.name = 'FileRefused';
    this.reason = reason;
  }
}

function typeWords(s: Stats): string | null {
  if (s.isFile()) return null;
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a named pipe (FIFO)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a file';
}

/** Why Heatlab will not read a file with these stats, as a clause starting "it …"; null when it will. */
export function refusalOf(s: Stats, kind: FileKind): { reason: string; details: Record<string, unknown> } | null {
  const type = typeWords(s);
  if (type !== null) return { reason: `it is ${type}, not a regular file; Heatlab reads only regular files`, details: { type } };
  if (s.size > kind.maxBytes) {
    // Just over the cap both round alike: then the exact count says why.
    const size = formatSize(s.size) === formatSize(kind.maxBytes) ? `${s.size} bytes` : formatSize(s.size);
    return { reason: `it is ${size}; Heatlab reads ${kind.name} up to ${formatSize(kind.maxBytes)}`, details: { bytes: s.size, limit: kind.maxBytes } };
  }
  return null;
}

function refuseUnless(path: string, s: Stats, kind: FileKind): void {
  const refusal = refusalOf(s, kind);
  if (refusal !== null) throw new FileRefused(path, refusal.reason, refusal.details);
}

/** O_NONBLOCK: should a FIFO slip in after the stat, opening it must not wait for a writer. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/**
 * Opens a regular file within the kind's cap; the caller closes the descriptor. File-system errors
 * (ENOENT, EACCES, ELOOP, …) are thrown as they are, so callers keep their own words for them.
 */
export function openRegularFile(path: string, kind: FileKind): { fd: number; size: number } {
  refuseUnless(path, statSync(path), kind);
  const fd = openSync(path, OPEN_FLAGS);
  try {
    const s = fstatSync(fd);
    refuseUnless(path, s, kind);
    return { fd, size: s.size };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** The size of a regular file within the kind's cap (for readers that open the file themselves, such as libvips). */
export function checkRegularFile(path: string, kind: FileKind): number {
  const { fd, size } = openRegularFile(path, kind);
  closeSync(fd);
  return size;
}

/** The whole file; never more than the size it had when opened, so a growing file cannot run on. */
export function readRegularFile(path: string, kind: FileKind): Buffer {
  const { fd, size } = openRegularFile(path, kind);
  try {
    const out = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, out, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return got === size ? out : out.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** Up to `length` bytes from `position` (fewer at the end of the file). */
export function readRegularFileRange(path: string, kind: FileKind, position: number, length: number): Buffer {
  const { fd } = openRegularFile(path, kind);
  try {
    const out = Buffer.alloc(length);
    const n = readSync(fd, out, 0, length, position);
    return out.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** A stream of the file (or of bytes start…end inclusive), on the descriptor that was checked. */
export function regularFileStream(path: string, kind: FileKind, range: { start?: number; end?: number } = {}): ReadStream {
  const { fd } = openRegularFile(path, kind);
  return createReadStream(path, { fd, highWaterMark: MiB, ...range });
}

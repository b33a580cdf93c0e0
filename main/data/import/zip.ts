// The entries of a zip file (an .npz is a zip of .npy files) from its central directory
// (PKWARE APPNOTE 6.3: end of central directory, ZIP64 records, which numpy writes with
// force_zip64), and a stream of one entry's bytes: stored entries straight from the file,
// deflated ones through node:zlib's raw inflate — never the whole archive in memory.
import { closeSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { fileKinds, openRegularFile, readRegularFileRange, regularFileStream } from '../../workspace/read-regular-file.js';
import { decompressed } from './byte-stream.js';
import { SourceProblem } from './source-problem.js';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  const got = readSync(fd, out, 0, length, position);
  return out.subarray(0, got);
}

const u64 = (b: Buffer, at: number): number => Number(b.readBigUInt64LE(at));

/** The central directory's offset, size and entry count, through the ZIP64 records when needed. */
function findDirectory(fd: number, fileSize: number): { offset: number; size: number; entries: number } {
  const tailLength = Math.min(fileSize, 22 + 0xffff);
  const tail = readAt(fd, fileSize - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('it is not a zip archive (no end of central directory)');
  let entries = tail.readUInt16LE(eocd + 10);
  let size = tail.readUInt32LE(eocd + 12);
  let offset = tail.readUInt32LE(eocd + 16);
  if (entries === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locatorAt = eocd - 20;
    if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== 0x07064b50) throw new Error('its ZIP64 end of central directory locator is missing');
    const record = readAt(fd, u64(tail, locatorAt + 8), 56);
    if (record.length < 56 || record.readUInt32LE(0) !== 0x06064b50) throw new Error('its ZIP64 end of central directory is damaged');
    entries = u64(record, 32);
    size = u64(record, 40);
    offset = u64(record, 48);
  }
  return { offset, size, entries };
}

/** Every entry of the archive at `path`, in directory order. Throws a reason when it is damaged. */
export function readZipEntries(path: string): ZipEntry[] {
  const { fd, size: fileSize } = openRegularFile(path, fileKinds.array);
  try {
    const { offset, size, entries: count } = findDirectory(fd, fileSize);
    const dir = readAt(fd, offset, size);
    const entries: ZipEntry[] = [];
    for (let at = 0, k = 0; k < count; k++) {
      if (at + 46 > dir.length || dir.readUInt32LE(at) !== 0x02014b50) throw new Error('its central directory is damaged');
      const flags = dir.readUInt16LE(at + 8);
      const nameLength = dir.readUInt16LE(at + 28);
      const extraLength = dir.readUInt16LE(at + 30);
      const commentLength = dir.readUInt16LE(at + 32);
      const entry: ZipEntry = {
        name: dir.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength),
        method: dir.readUInt16LE(at + 10),
        compressedSize: dir.readUInt32LE(at + 20),
        size: dir.readUInt32LE(at + 24),
        localHeaderOffset: dir.readUInt32LE(at + 42),
      };
      if (flags & 1) throw new Error(`its entry ${entry.name} is encrypted`);
      // ZIP64 extended information (id 1): the 64-bit values of the fields that read 0xFFFFFFFF, in this order.
      for (let x = at + 46 + nameLength; x + 4 <= at + 46 + nameLength + extraLength; ) {
        const id = dir.readUInt16LE(x);
        const length = dir.readUInt16LE(x + 2);
        if (id === 1) {
          let f = x + 4;
          if (entry.size === 0xffffffff) (entry.size = u64(dir, f)), (f += 8);
          if (entry.compressedSize === 0xffffffff) (entry.compressedSize = u64(dir, f)), (f += 8);
          if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = u64(dir, f);
        }
        x += 4 + length;
      }
      entries.push(entry);
      at += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}

/** The uncompressed bytes of one entry, as a stream. */
export function openZipEntry(path: string, entry: ZipEntry): Readable {
  if (entry.method !== 0 && entry.method !== 8) throw new SourceProblem(`The archive entry ${entry.name} uses compression method ${entry.method}; Heatlab reads stored and deflated entries.`);
  const local = readRegularFileRange(path, fileKinds.array, entry.localHeaderOffset, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) throw new SourceProblem(`The archive entry ${entry.name} has a damaged local header.`);
  const start = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  if (entry.compressedSize === 0) return Readable.from([]);
  const file = regularFileStream(path, fileKinds.array, { start, end: start + entry.compressedSize - 1 });
  if (entry.method === 0) return file;
  return decompressed(file, createInflateRaw(), `${basename(path)}: ${entry.name}`, 'deflate');
}

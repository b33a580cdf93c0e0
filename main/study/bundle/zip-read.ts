// Reading a bundle someone sent: its zip central directory is checked as a whole before a byte is
// unpacked (PKWARE APPNOTE 6.3), then each entry is inflated as a stream into a fresh folder, never
// past the size it declares. Refused, each with one sentence: entries that would land outside the
// folder (absolute paths, "..", backslashes), symbolic links and other non-files, encryption, ZIP64
// (a bundle never needs it), more entries or more unpacked bytes than a bundle may hold (a zip
// bomb), an entry inflating past its declared size, and a damaged archive.
import { closeSync, createWriteStream, mkdirSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw, crc32 } from 'node:zlib';
import { HeatlabError } from '../../../shared/errors.js';
import { formatSize, openRegularFile } from '../../workspace/read-regular-file.js';

const GiB = 2 ** 30;

/** What a bundle may hold, written and read alike (README, "Studies"). */
export const BUNDLE_LIMITS = {
  /** Unpacked bytes of every entry together. */
  bytes: 2 * GiB,
  entries: 100_000,
} as const;

export interface BundleEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  localHeaderOffset: number;
}

const refuse = (sentence: string): never => {
  throw new HeatlabError('invalid_request', sentence);
};

function readAt(fd: number, position: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, out, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return out.subarray(0, got);
}

/** Whether an entry's name could unpack outside the folder (absolute, a drive, a backslash, NUL, an empty, '.' or '..' part). */
function unsafeName(name: string): boolean {
  if (name === '' || name.startsWith('/') || name.includes('\\') || name.includes('\0') || /^[A-Za-z]:/.test(name)) return true;
  const parts = name.replace(/\/$/, '').split('/');
  return parts.some((p) => p === '' || p === '.' || p === '..');
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/** Every file entry of the bundle at `path`, after checking the whole directory. Folder entries are left out. */
export function readBundleEntries(path: string): BundleEntry[] {
  const { fd, size: fileSize } = openRegularFile(path, { name: 'bundles', maxBytes: BUNDLE_LIMITS.bytes + GiB });
  try {
    const tailLength = Math.min(fileSize, 22 + 0xffff);
    const tail = readAt(fd, fileSize - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    if (eocd < 0) refuse(`${path} is not a zip file (it has no end of central directory), so it is no Heatlab bundle.`);
    const count = tail.readUInt16LE(eocd + 10);
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dirOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff)
      refuse(`The bundle uses ZIP64 records, which only archives past 4 GiB need, and a bundle holds at most ${formatSize(BUNDLE_LIMITS.bytes)}; it is refused.`);
    if (count > BUNDLE_LIMITS.entries) refuse(`The bundle has ${count} entries, more than the ${BUNDLE_LIMITS.entries} a bundle may hold; it is refused as a possible zip bomb.`);
    if (dirOffset + dirSize > fileSize) refuse('The bundle is damaged: its central directory lies past the end of the file.');
    const dir = readAt(fd, dirOffset, dirSize);
    const entries: BundleEntry[] = [];
    const names = new Set<string>();
    let total = 0;
    for (let at = 0, k = 0; k < count; k++) {
      if (at + 46 > dir.length || dir.readUInt32LE(at) !== 0x02014b50) refuse('The bundle is damaged: its central directory does not read as one.');
      const madeBy = dir.readUInt16LE(at + 4) >> 8;
      const flags = dir.readUInt16LE(at + 8);
      const nameLength = dir.readUInt16LE(at + 28);
      const extraLength = dir.readUInt16LE(at + 30);
      const commentLength = dir.readUInt16LE(at + 32);
      const mode = dir.readUInt32LE(at + 38) >>> 16;
      const name = dir.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength);
      const entry: BundleEntry = {
        name,
        method: dir.readUInt16LE(at + 10),
        crc: dir.readUInt32LE(at + 16),
        compressedSize: dir.readUInt32LE(at + 20),
        size: dir.readUInt32LE(at + 24),
        localHeaderOffset: dir.readUInt32LE(at + 42),
      };
      at += 46 + nameLength + extraLength + commentLength;
      if (unsafeName(name)) refuse(`The bundle's entry "${name}" would unpack outside the bundle's folder (an absolute path, a backslash or ".."); it is refused.`);
      // Unix makers (3) and macOS (19) keep the file type in the external attributes' high half.
      const type = madeBy === 3 || madeBy === 19 ? mode & S_IFMT : 0;
      if (type === S_IFLNK) refuse(`The bundle's entry "${name}" is a symbolic link; a bundle holds only plain files, so it is refused.`);
      const folder = name.endsWith('/') || type === S_IFDIR;
      if (type !== 0 && type !== S_IFREG && !folder) refuse(`The bundle's entry "${name}" is not a plain file; a bundle holds only plain files, so it is refused.`);
      if (flags & 1) refuse(`The bundle's entry "${name}" is encrypted; a bundle is never encrypted, so it is refused.`);
      if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff || entry.localHeaderOffset === 0xffffffff)
        refuse(`The bundle's entry "${name}" uses ZIP64 sizes, which a bundle never needs; it is refused.`);
      if (folder) continue;
      if (entry.method !== 0 && entry.method !== 8) refuse(`The bundle's entry "${name}" uses compression method ${entry.method}; bundles are stored or deflated.`);
      if (entry.method === 0 && entry.compressedSize !== entry.size) refuse(`The bundle is damaged: its stored entry "${name}" declares two different sizes.`);
      if (names.has(name)) refuse(`The bundle holds the entry "${name}" twice; it is refused.`);
      names.add(name);
      total += entry.size;
      if (total > BUNDLE_LIMITS.bytes) refuse(`The bundle would unpack to more than the ${formatSize(BUNDLE_LIMITS.bytes)} a bundle may hold; it is refused as a possible zip bomb.`);
      if (entry.localHeaderOffset + 30 + entry.compressedSize > fileSize) refuse(`The bundle is damaged: its entry "${name}" runs past the end of the file.`);
      entries.push(entry);
    }
    return entries;
  } finally {
    closeSync(fd);
  }
}

async function* slices(fd: number, start: number, length: number): AsyncGenerator<Buffer> {
  const CHUNK = 1 << 20;
  for (let at = 0; at < length; at += CHUNK) {
    const piece = readAt(fd, start + at, Math.min(CHUNK, length - at));
    if (piece.length === 0) refuse('The bundle is damaged: an entry ends early.');
    yield piece;
  }
}

/** Unpacks `entries` (from readBundleEntries) into `folder`, which must be new or empty; never more bytes than each declares. */
export async function unpackBundle(path: string, entries: readonly BundleEntry[], folder: string): Promise<void> {
  const { fd } = openRegularFile(path, { name: 'bundles', maxBytes: BUNDLE_LIMITS.bytes + GiB });
  try {
    for (const entry of entries) {
      const local = readAt(fd, entry.localHeaderOffset, 30);
      if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) refuse(`The bundle is damaged: the entry "${entry.name}" has no local header.`);
      const start = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const target = join(folder, ...entry.name.split('/'));
      mkdirSync(dirname(target), { recursive: true });
      let written = 0;
      let crc = 0;
      const guard = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          written += chunk.length;
          if (written > entry.size) done(new HeatlabError('invalid_request', `The bundle's entry "${entry.name}" inflates to more than the ${entry.size} bytes it declares; it is refused as a possible zip bomb.`));
          else {
            crc = crc32(chunk, crc);
            done(null, chunk);
          }
        },
      });
      const source = Readable.from(slices(fd, start, entry.compressedSize));
      try {
        if (entry.method === 8) await pipeline(source, createInflateRaw(), guard, createWriteStream(target, { flags: 'wx' }));
        else await pipeline(source, guard, createWriteStream(target, { flags: 'wx' }));
      } catch (err) {
        if (err instanceof HeatlabError) throw err;
        refuse(`The bundle is damaged: its entry "${entry.name}" does not inflate (${(err as Error).message}).`);
      }
      if (written !== entry.size) refuse(`The bundle is damaged: its entry "${entry.name}" holds ${written} bytes, not the ${entry.size} it declares.`);
      if (crc >>> 0 !== entry.crc >>> 0) refuse(`The bundle is damaged: its entry "${entry.name}" does not match its CRC-32.`);
    }
  } finally {
    closeSync(fd);
  }
}

// A zip file written as a stream (fflate's Zip with DEFLATE entries), so a bundle of large arrays
// never sits in memory whole. It goes to a temporary name beside the target and is renamed once
// complete: a reader never sees half a bundle.
import { closeSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { Zip, ZipDeflate } from 'fflate';
import { temporaryPathFor } from '../../workspace/atomic-write.js';

/** An entry: bytes in memory, or a file on disk read in pieces. */
export type ZipSource = { name: string; data: Uint8Array } | { name: string; file: string };

const CHUNK = 1 << 20;

/** Writes `entries` in order as the zip file `path`; returns its size in bytes. */
export function writeZip(path: string, entries: Iterable<ZipSource>): number {
  const temporary = temporaryPathFor(path);
  const fd = openSync(temporary, 'wx');
  let bytes = 0;
  let failure: Error | null = null;
  try {
    const zip = new Zip((err, chunk) => {
      if (err) failure ??= err;
      else {
        writeSync(fd, chunk);
        bytes += chunk.length;
      }
    });
    for (const entry of entries) {
      // Unix, a plain file readable by all: unpacked bundles hold no links and nothing to run.
      const file = new ZipDeflate(entry.name, { level: 6 });
      file.os = 3;
      file.attrs = (0o100644 << 16) >>> 0;
      zip.add(file);
      if ('data' in entry) file.push(entry.data, true);
      else pushFile(file, entry.file);
      if (failure) throw failure;
    }
    zip.end();
    if (failure) throw failure;
    closeSync(fd);
    renameSync(temporary, path);
    return bytes;
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // Already closed.
    }
    rmSync(temporary, { force: true });
    throw err;
  }
}

function pushFile(file: ZipDeflate, path: string): void {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK);
    for (;;) {
      const got = readSync(fd, buffer, 0, CHUNK, null);
      // An empty read is the end; the last piece is pushed as final only then, so an empty file works too.
      if (got === 0) {
        file.push(new Uint8Array(0), true);
        return;
      }
      file.push(buffer.subarray(0, got).slice(), false);
    }
  } finally {
    closeSync(fd);
  }
}

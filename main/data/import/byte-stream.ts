// Reading array files (IDX, .npy, entries of an .npz) as byte streams, so that an array of any
// size passes through in chunks of whole rows and is never held in memory at once.
import type { Readable } from 'node:stream';
import { SourceProblem } from './source-problem.js';

/** The first `length` bytes of a stream (fewer if it ends sooner); the stream is then closed. */
export async function readPrefix(stream: Readable, length: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  try {
    for await (const chunk of stream) {
      parts.push(chunk as Buffer);
      got += (chunk as Buffer).length;
      if (got >= length) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, length);
}

/** The whole stream in one buffer (for small arrays such as labels). */
export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/**
 * Skips `skip` bytes (the header), then yields `rows` rows of `rowBytes` each, `perChunk` rows at
 * a time. Throws when the stream ends before all rows arrived.
 */
export async function* rowChunks(stream: Readable, skip: number, rowBytes: number, rows: number, perChunk: number, label: string): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let toSkip = skip;
  let left = rows;
  try {
    for await (const raw of stream) {
      let chunk = raw as Buffer;
      if (toSkip > 0) {
        const cut = Math.min(toSkip, chunk.length);
        chunk = chunk.subarray(cut);
        toSkip -= cut;
      }
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (left > 0 && pendingBytes >= Math.min(perChunk, left) * rowBytes) {
        const want = Math.min(perChunk, left) * rowBytes;
        const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
        yield all.subarray(0, want);
        pending = [all.subarray(want)];
        pendingBytes -= want;
        left -= want / rowBytes;
      }
      if (left === 0) return;
    }
  } finally {
    stream.destroy();
  }
  if (left > 0) throw new SourceProblem(`The array ${label} ends after ${rows - left} of its ${rows} rows.`);
}

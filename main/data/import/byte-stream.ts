// Reading array files (IDX, .npy, entries of an .npz) as byte streams, so that an array of any
// size passes through in chunks of whole rows and is never held in memory at once.
import { Readable, type Transform } from 'node:stream';
import { SourceProblem } from './source-problem.js';

/** zlib's complaints ("Unexpected end of file.") as sentences naming the file; other errors as they are. */
function zlibProblem(err: unknown, label: string, format: string): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'Z_BUF_ERROR') return new SourceProblem(`The file ${label} is truncated: its ${format} data ends before the array does.`);
  if (code === 'Z_DATA_ERROR') return new SourceProblem(`The file ${label} is damaged: its ${format} data cannot be decompressed (${(err as Error).message.replace(/\.$/, '')}).`);
  return err;
}

/** `file` through a zlib decompressor, its errors said in sentences; closing the result closes the file. */
export function decompressed(file: Readable, inflater: Transform, label: string, format: string): Readable {
  // A read error of the file must reach whoever reads the decompressed stream.
  file.on('error', (err) => inflater.destroy(err));
  inflater.on('close', () => file.destroy());
  const out = file.pipe(inflater);
  async function* translated(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of out) yield chunk as Buffer;
    } catch (err) {
      throw zlibProblem(err, label, format);
    } finally {
      out.destroy();
    }
  }
  return Readable.from(translated(), { objectMode: false });
}

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

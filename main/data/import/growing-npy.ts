// A .npy writer for arrays whose first dimension is known only at the end: an import learns how
// many images it has only after skipping the unreadable ones. numpy's header keeps spare room for
// the first axis to grow (GROWTH_AXIS_MAX_DIGITS), so the header for N rows has the same length as
// the one for 0 rows and is patched in place when the writer finishes; the file is then hashed by
// reading it back. The result is byte-identical to what NpyWriter would have written for N rows.
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import type { NpyData, NpyDtype } from '../../workspace/npy.js';
import { dtypeOf, npyHeader } from '../../workspace/npy.js';
import type { WrittenFile } from '../../workspace/npy-stream.js';

export class GrowingNpyWriter {
  readonly path: string;
  readonly dtype: NpyDtype;
  /** The shape of one row: all dimensions but the first. */
  readonly rowShape: number[];
  readonly #rowLength: number;
  readonly #fd: number;
  readonly #headerLength: number;
  #values = 0;
  #open = true;

  constructor(path: string, dtype: NpyDtype, rowShape: readonly number[]) {
    this.path = path;
    this.dtype = dtype;
    this.rowShape = [...rowShape];
    this.#rowLength = rowShape.reduce((a, b) => a * b, 1);
    this.#fd = openSync(path, 'wx+'); // read back for the hash
    const header = npyHeader(dtype, [0, ...rowShape]);
    this.#headerLength = header.length;
    this.#write(header, null); // sequential: appends follow it; only finish() writes by position
  }

  #write(bytes: Uint8Array, position: number | null): void {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.#fd, bytes, offset, bytes.length - offset, position === null ? null : position + offset);
  }

  get rows(): number {
    return this.#values / this.#rowLength;
  }

  /** Appends whole rows in C order. */
  append(data: NpyData): void {
    if (!this.#open) throw new Error(`${this.path} is already closed.`);
    if (dtypeOf(data) !== this.dtype) throw new Error(`Appending ${dtypeOf(data)} values to a ${this.dtype} array.`);
    if (data.length % this.#rowLength !== 0) throw new Error(`Appending ${data.length} values, not a whole number of rows of ${this.#rowLength}.`);
    this.#write(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), null);
    this.#values += data.length;
  }

  /** Writes the final header, flushes to disk, closes and hashes the file. */
  finish(): WrittenFile {
    const shape = [this.rows, ...this.rowShape];
    const header = npyHeader(this.dtype, shape);
    if (header.length !== this.#headerLength) {
      this.abort();
      throw new Error(`The .npy header for ${this.rows} rows does not fit the room kept for it.`);
    }
    this.#write(header, 0);
    fsyncSync(this.#fd);
    const hash = createHash('sha256');
    const chunk = new Uint8Array(1 << 22);
    let bytes = 0;
    for (let n; (n = readSync(this.#fd, chunk, 0, chunk.length, bytes)) > 0; bytes += n) hash.update(chunk.subarray(0, n));
    closeSync(this.#fd);
    this.#open = false;
    return { path: this.path, dtype: this.dtype, shape, bytes, sha256: hash.digest('hex') };
  }

  /** Closes and deletes the partial file. */
  abort(): void {
    if (this.#open) {
      closeSync(this.#fd);
      this.#open = false;
    }
    rmSync(this.path, { force: true });
  }
}

// Large .npy arrays without holding them in memory: a writer that streams rows in chunks (and
// hashes what it writes), and a reader that fetches any rows by index with positioned reads.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { HeatlabError } from '../../shared/errors.js';
import { dtypeForDescr, dtypeOf, npyDtypes, npyHeader, parseHeader, type NpyData, type NpyDtype } from './npy.js';

export interface WrittenFile {
  path: string;
  dtype: NpyDtype;
  shape: number[];
  bytes: number;
  sha256: string;
}

/** Streams an array of known shape to `path` (C order). Call finish() or abort(). */
export class NpyWriter {
  readonly path: string;
  readonly dtype: NpyDtype;
  readonly shape: number[];
  readonly #fd: number;
  readonly #hash: Hash = createHash('sha256');
  readonly #expected: number;
  #written = 0;
  #bytes = 0;
  #open = true;

  constructor(path: string, dtype: NpyDtype, shape: readonly number[]) {
    this.path = path;
    this.dtype = dtype;
    this.shape = [...shape];
    this.#expected = shape.reduce((a, b) => a * b, 1);
    this.#fd = openSync(path, 'wx');
    this.#write(npyHeader(dtype, shape));
  }

  #write(bytes: Uint8Array): void {
    this.#hash.update(bytes);
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.#fd, bytes, offset, bytes.length - offset);
    this.#bytes += bytes.length;
  }

  /** Appends values in C order; their type must match the array's dtype. */
  append(data: NpyData): void {
    if (!this.#open) throw new Error(`${this.path} is already closed.`);
    if (dtypeOf(data) !== this.dtype) throw new Error(`Appending ${dtypeOf(data)} values to a ${this.dtype} array.`);
    if (this.#written + data.length > this.#expected) throw new Error(`More values than the shape (${this.shape.join(', ')}) of ${this.path} holds.`);
    this.#write(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    this.#written += data.length;
  }

  /** Checks that every value was written, flushes to disk and closes. */
  finish(): WrittenFile {
    if (this.#written !== this.#expected) {
      this.abort();
      throw new Error(`${this.path} received ${this.#written} of ${this.#expected} values.`);
    }
    fsyncSync(this.#fd);
    closeSync(this.#fd);
    this.#open = false;
    return { path: this.path, dtype: this.dtype, shape: this.shape, bytes: this.#bytes, sha256: this.#hash.digest('hex') };
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

/** Reads rows (slices along the first axis) of a C-order little-endian .npy file by index. */
export class NpyReader {
  readonly path: string;
  readonly dtype: NpyDtype;
  readonly shape: number[];
  /** Values per row: the product of all dimensions but the first. */
  readonly rowLength: number;
  readonly #fd: number;
  readonly #dataOffset: number;

  constructor(path: string) {
    this.path = path;
    try {
      this.#fd = openSync(path, 'r');
    } catch (err) {
      throw new HeatlabError('not_found', `Cannot open ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
    }
    try {
      const head = new Uint8Array(65536 + 12);
      const got = readSync(this.#fd, head, 0, head.length, 0);
      const header = parseHeader(head.subarray(0, got), path);
      const type = dtypeForDescr(header.descr);
      if (type === null || type.swap || header.fortranOrder) {
        throw new HeatlabError('invalid_request', `${path} is not a C-order little-endian array of a type Heatlab stores.`);
      }
      this.dtype = type.dtype;
      this.shape = header.shape;
      this.rowLength = header.shape.slice(1).reduce((a, b) => a * b, 1);
      this.#dataOffset = header.dataOffset;
    } catch (err) {
      closeSync(this.#fd);
      throw err;
    }
  }

  get rows(): number {
    return this.shape[0] ?? 1;
  }

  /** The rows at `indices`, concatenated in that order. Consecutive indices are read together. */
  readRows(indices: readonly number[]): NpyData {
    const { ctor } = npyDtypes[this.dtype];
    const rowBytes = this.rowLength * ctor.BYTES_PER_ELEMENT;
    const out = new Uint8Array(indices.length * rowBytes);
    for (let k = 0; k < indices.length; ) {
      const first = indices[k]!;
      if (!Number.isInteger(first) || first < 0 || first >= this.rows) {
        throw new HeatlabError('invalid_request', `Row ${first} is outside ${this.path}, which has ${this.rows} rows.`);
      }
      let run = 1;
      while (k + run < indices.length && indices[k + run] === first + run && first + run < this.rows) run++;
      const target = out.subarray(k * rowBytes, (k + run) * rowBytes);
      let done = 0;
      while (done < target.length) {
        const n = readSync(this.#fd, target, done, target.length - done, this.#dataOffset + first * rowBytes + done);
        if (n === 0) throw new HeatlabError('internal', `${this.path} is shorter than its header says.`);
        done += n;
      }
      k += run;
    }
    return new ctor(out.buffer, 0, indices.length * this.rowLength) as NpyData;
  }

  /** Rows start .. start+count−1. */
  readRange(start: number, count: number): NpyData {
    return this.readRows(Array.from({ length: count }, (_, k) => start + k));
  }

  close(): void {
    closeSync(this.#fd);
  }
}

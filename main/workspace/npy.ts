// NumPy .npy format, version 1.0 on write (numpy's own default), 1.0–3.0 on read; C order.
// Spec: numpy/lib/format.py — magic "\x93NUMPY", version, little-endian header length, a Python
// dict literal padded with spaces and a final "\n" so that the data starts at a multiple of 64.
import { readFileSync } from 'node:fs';
import { HeatlabError } from '../../shared/errors.js';
import { writeFileAtomic } from './atomic-write.js';

export const npyDtypes = {
  uint8: { descr: '|u1', ctor: Uint8Array },
  uint16: { descr: '<u2', ctor: Uint16Array },
  int32: { descr: '<i4', ctor: Int32Array },
  float32: { descr: '<f4', ctor: Float32Array },
  float64: { descr: '<f8', ctor: Float64Array },
} as const;
export type NpyDtype = keyof typeof npyDtypes;
interface NpyDataTypes {
  uint8: Uint8Array;
  uint16: Uint16Array;
  int32: Int32Array;
  float32: Float32Array;
  float64: Float64Array;
}
export type NpyData<D extends NpyDtype = NpyDtype> = NpyDataTypes[D];

export interface NpyArray<D extends NpyDtype = NpyDtype> {
  dtype: D;
  shape: number[];
  data: NpyData<D>;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64;

export function dtypeOf(data: ArrayBufferView): NpyDtype {
  for (const [name, { ctor }] of Object.entries(npyDtypes)) if (data instanceof ctor) return name as NpyDtype;
  throw new HeatlabError('invalid_request', `Arrays of type ${data.constructor.name} cannot be stored as .npy.`);
}

function shapeLiteral(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/** numpy leaves room for the first axis to grow to this many digits (format.py, GROWTH_AXIS_MAX_DIGITS). */
const GROWTH_AXIS_MAX_DIGITS = 21;

/** The header bytes (magic to final newline) numpy writes for this dtype and shape. */
export function npyHeader(dtype: NpyDtype, shape: readonly number[]): Uint8Array {
  const dict = `{'descr': '${npyDtypes[dtype].descr}', 'fortran_order': False, 'shape': ${shapeLiteral(shape)}, }`;
  // As numpy's _write_array_header and _wrap_header: spare spaces for the growth axis, then 1–64
  // spaces (never 0) and "\n" so that the data starts at a multiple of 64.
  const growth = shape.length > 0 ? GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length : 0;
  const unpadded = MAGIC.length + 2 + 2 + dict.length + growth + 1;
  const total = unpadded + ALIGN - (unpadded % ALIGN);
  const headerText = dict + ' '.repeat(total - MAGIC.length - 4 - dict.length - 1) + '\n';
  if (headerText.length > 0xffff) throw new HeatlabError('invalid_request', 'The array has too many dimensions for a .npy v1.0 header.');
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = headerText.length & 0xff;
  out[9] = headerText.length >> 8;
  for (let i = 0; i < headerText.length; i++) out[10 + i] = headerText.charCodeAt(i);
  return out;
}

function checkShape(shape: readonly number[], length: number): void {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new HeatlabError('invalid_request', `Shape (${shape.join(', ')}) has a dimension that is not a non-negative integer.`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== length) {
    throw new HeatlabError('invalid_request', `Shape (${shape.join(', ')}) holds ${count} values but the data has ${length}.`);
  }
}

/** The complete .npy file as bytes. Data is written little-endian (the platform order here). */
export function encodeNpy(data: NpyData, shape: readonly number[]): Uint8Array {
  checkShape(shape, data.length);
  const header = npyHeader(dtypeOf(data), shape);
  const out = new Uint8Array(header.length + data.byteLength);
  out.set(header, 0);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), header.length);
  return out;
}

export interface ParsedHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  dataOffset: number;
}

export function parseHeader(bytes: Uint8Array, source: string): ParsedHeader {
  const bad = (why: string) => new HeatlabError('invalid_request', `${source} is not a readable .npy file: ${why}.`);
  const magicSeen = bytes.length > 0 && MAGIC.every((b, i) => i >= bytes.length || bytes[i] === b);
  if (!magicSeen) throw bad('it does not start with the NumPy magic bytes');
  if (bytes.length < 10) throw bad('the header is truncated');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let start: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw bad('the header is truncated');
    headerLength = view.getUint32(8, true);
    start = 12;
  } else {
    throw bad(`format version ${major} is not supported`);
  }
  if (start + headerLength > bytes.length) throw bad('the header is truncated');
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw bad('the header dictionary is incomplete');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => Number(s.replace(/L$/, '')));
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw bad(`the shape (${shapeText}) is not valid`);
  return { descr, fortranOrder: fortran === 'True', shape, dataOffset: start + headerLength };
}

export function dtypeForDescr(descr: string): { dtype: NpyDtype; swap: boolean } | null {
  const kind = descr.slice(1);
  const order = descr[0];
  for (const [name, { descr: ours }] of Object.entries(npyDtypes)) {
    if (ours.slice(1) !== kind) continue;
    const size = npyDtypes[name as NpyDtype].ctor.BYTES_PER_ELEMENT;
    return { dtype: name as NpyDtype, swap: order === '>' && size > 1 };
  }
  return null;
}

/** Reverses fortran (column-major) order into C order. */
function toCOrder<D extends NpyDtype>(data: NpyData<D>, shape: number[]): NpyData<D> {
  const out = new (data.constructor as new (n: number) => NpyData<D>)(data.length);
  const n = shape.length;
  const index = new Array<number>(n).fill(0);
  const fStrides = shape.map((_, i) => shape.slice(0, i).reduce((a, b) => a * b, 1));
  for (let c = 0; c < data.length; c++) {
    let f = 0;
    for (let k = 0; k < n; k++) f += index[k]! * fStrides[k]!;
    out[c] = data[f]!;
    for (let k = n - 1; k >= 0; k--) {
      if (++index[k]! < shape[k]!) break;
      index[k] = 0;
    }
  }
  return out;
}

export function decodeNpy(bytes: Uint8Array, source = 'The array'): NpyArray {
  const header = parseHeader(bytes, source);
  const type = dtypeForDescr(header.descr);
  if (type === null) {
    throw new HeatlabError('invalid_request', `${source} holds dtype '${header.descr}'; Heatlab reads uint8, uint16, int32, float32 and float64.`);
  }
  const { ctor } = npyDtypes[type.dtype];
  const count = header.shape.reduce((a, b) => a * b, 1);
  const byteLength = count * ctor.BYTES_PER_ELEMENT;
  if (header.dataOffset + byteLength > bytes.length) {
    throw new HeatlabError('invalid_request', `${source} is truncated: its header promises ${byteLength} bytes of data.`);
  }
  // Copy so that the result is aligned and owns its memory (Buffer#slice would return a view).
  const raw = new Uint8Array(bytes.subarray(header.dataOffset, header.dataOffset + byteLength));
  if (type.swap) {
    const size = ctor.BYTES_PER_ELEMENT;
    for (let i = 0; i < raw.length; i += size) raw.subarray(i, i + size).reverse();
  }
  let data = new ctor(raw.buffer, 0, count) as NpyData;
  if (header.fortranOrder && header.shape.length > 1) data = toCOrder(data, header.shape);
  return { dtype: type.dtype, shape: header.shape, data };
}

export function readNpy(path: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new HeatlabError('not_found', `Cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
  }
  return decodeNpy(bytes, path);
}

/** Writes atomically: a reader never sees a partial file. */
export function writeNpy(path: string, data: NpyData, shape: readonly number[]): void {
  writeFileAtomic(path, encodeNpy(data, shape));
}

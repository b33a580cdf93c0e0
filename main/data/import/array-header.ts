// What an array file (IDX or .npy) holds, in one description both formats map to, and reading
// its values whatever their element type and byte order.
import { parseHeader } from '../../workspace/npy.js';

/** numpy's kind letter and byte size: u1 = uint8, i8 = int64, f4 = float32, b1 = bool. */
export type ElementType = 'u1' | 'i1' | 'u2' | 'i2' | 'u4' | 'i4' | 'u8' | 'i8' | 'f4' | 'f8' | 'b1';

export interface ArrayHeader {
  shape: number[];
  type: ElementType;
  littleEndian: boolean;
  /** Where the values start in the file. */
  dataOffset: number;
}

export const elementBytes = (type: ElementType): number => Number(type.slice(1));

export const dtypeNames: Record<ElementType, string> = {
  u1: 'uint8',
  i1: 'int8',
  u2: 'uint16',
  i2: 'int16',
  u4: 'uint32',
  i4: 'int32',
  u8: 'uint64',
  i8: 'int64',
  f4: 'float32',
  f8: 'float64',
  b1: 'bool',
};

/** The .npy header (numpy/lib/format.py), with the element types labels may have besides Heatlab's own. */
export function parseNpyArrayHeader(bytes: Uint8Array, label: string): ArrayHeader {
  const header = parseHeader(bytes, `The array ${label}`);
  const match = /^([<>|=])([uifb])(\d)$/.exec(header.descr);
  const type = match ? ((match[2]! + match[3]!) as ElementType) : null;
  if (type === null || !(type in dtypeNames)) throw new Error(`The array ${label} holds numpy dtype '${header.descr}', which Heatlab does not read`);
  if (header.fortranOrder && header.shape.length > 1) throw new Error(`The array ${label} is stored in Fortran order; save it in C order (np.ascontiguousarray)`);
  return { shape: header.shape, type, littleEndian: match![1] !== '>', dataOffset: header.dataOffset };
}

/** Every value of a buffer of elements as numbers (int64 beyond 2^53 loses precision, harmless for labels). */
export function readValues(bytes: Uint8Array, type: ElementType, littleEndian: boolean): Float64Array {
  const size = elementBytes(type);
  const count = Math.floor(bytes.length / size);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(count);
  const le = littleEndian;
  for (let k = 0, at = 0; k < count; k++, at += size) {
    switch (type) {
      case 'u1':
      case 'b1':
        out[k] = bytes[at]!;
        break;
      case 'i1':
        out[k] = view.getInt8(at);
        break;
      case 'u2':
        out[k] = view.getUint16(at, le);
        break;
      case 'i2':
        out[k] = view.getInt16(at, le);
        break;
      case 'u4':
        out[k] = view.getUint32(at, le);
        break;
      case 'i4':
        out[k] = view.getInt32(at, le);
        break;
      case 'u8':
        out[k] = Number(view.getBigUint64(at, le));
        break;
      case 'i8':
        out[k] = Number(view.getBigInt64(at, le));
        break;
      case 'f4':
        out[k] = view.getFloat32(at, le);
        break;
      case 'f8':
        out[k] = view.getFloat64(at, le);
        break;
    }
  }
  return out;
}

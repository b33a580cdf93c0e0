// Decoding of onnx-proto's message classes into IR values: tensors, attributes, value shapes.
// protobufjs gives int64 fields as `Long` objects (or numbers); they become numbers (dims,
// attributes) or bigints (int64 tensors) here and nowhere else.
import onnxProto from 'onnx-proto';
import { invalidModel, type Dim, type IrAttribute, type IrTensor } from './ir.js';

const { onnx } = onnxProto;
type TensorProto = import('onnx-proto').onnx.ITensorProto;
type AttributeProto = import('onnx-proto').onnx.IAttributeProto;
type ValueInfoProto = import('onnx-proto').onnx.IValueInfoProto;

const DataType = onnx.TensorProto.DataType;

/** protobufjs's 64-bit integer (the `long` package), by the two methods used here. */
interface Long {
  toNumber(): number;
  toString(): string;
}

/** ONNX element types by enum value, named as Heatlab names typed arrays. */
const elementNames: Record<number, string> = {
  [DataType.FLOAT]: 'float32',
  [DataType.UINT8]: 'uint8',
  [DataType.INT8]: 'int8',
  [DataType.UINT16]: 'uint16',
  [DataType.INT16]: 'int16',
  [DataType.INT32]: 'int32',
  [DataType.INT64]: 'int64',
  [DataType.STRING]: 'string',
  [DataType.BOOL]: 'bool',
  [DataType.FLOAT16]: 'float16',
  [DataType.DOUBLE]: 'float64',
  [DataType.UINT32]: 'uint32',
  [DataType.UINT64]: 'uint64',
  [DataType.COMPLEX64]: 'complex64',
  [DataType.COMPLEX128]: 'complex128',
  [DataType.BFLOAT16]: 'bfloat16',
};

export function elementName(dataType: number | null | undefined): string {
  return elementNames[dataType ?? 0] ?? `type ${dataType ?? 0}`;
}

/** An int64 field as a JavaScript number (dims, attributes: far below 2^53). */
export function int(value: number | Long | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

function bigint(value: number | Long): bigint {
  return typeof value === 'number' ? BigInt(value) : BigInt(value.toString());
}

/**
 * The bytes of raw_data in a fresh, aligned buffer of their own: the decoded field is a view
 * (in Node a Buffer into a shared pool, whose slice() does not copy) at any offset.
 */
function aligned(raw: Uint8Array): ArrayBuffer {
  return new Uint8Array(raw).buffer;
}

/**
 * A TensorProto as an IR tensor. Values live in `raw_data` (little-endian, as every ONNX writer
 * on x86 and ARM hosts stores them) or in the typed repeated fields. Weights stored outside the
 * file (data_location EXTERNAL) cannot be read from one .onnx file.
 */
export function decodeTensor(t: TensorProto, what: string): IrTensor {
  const dims = (t.dims ?? []).map(int);
  const count = dims.reduce((a, b) => a * b, 1);
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw invalidModel(`The ONNX model keeps ${what} in an external data file, which Heatlab cannot read; save the model with its weights inside the .onnx file.`);
  }
  const raw = t.rawData ?? new Uint8Array(0);
  const check = (length: number): void => {
    if (length !== count) throw invalidModel(`The ONNX model's ${what} declares ${count} values but stores ${length}, so the file is damaged.`);
  };
  switch (t.dataType) {
    case DataType.FLOAT: {
      const data = raw.length > 0 ? new Float32Array(aligned(raw)) : Float32Array.from(t.floatData ?? []);
      check(data.length);
      return { type: 'float32', dims, data };
    }
    case DataType.INT64: {
      const data = raw.length > 0 ? new BigInt64Array(aligned(raw)) : BigInt64Array.from((t.int64Data ?? []).map(bigint));
      check(data.length);
      return { type: 'int64', dims, data };
    }
    case DataType.INT32: {
      // Shape-like int32 constants (rare) are widened; the compiler only reads int64 shapes.
      const data = raw.length > 0 ? new Int32Array(aligned(raw)) : Int32Array.from(t.int32Data ?? []);
      check(data.length);
      return { type: 'int64', dims, data: BigInt64Array.from(data, (v) => BigInt(v)) };
    }
    default:
      return { type: 'other', dims, dataType: elementName(t.dataType) };
  }
}

const T = onnx.AttributeProto.AttributeType;

/** The attribute's kind; files from before IR version 2 may leave `type` unset. */
function attributeType(a: AttributeProto): number {
  if (a.type) return a.type;
  if (a.t) return T.TENSOR;
  if (a.g) return T.GRAPH;
  if (a.floats?.length) return T.FLOATS;
  if (a.ints?.length) return T.INTS;
  if (a.strings?.length) return T.STRINGS;
  if (a.s?.length) return T.STRING;
  if (a.f) return T.FLOAT;
  return T.INT;
}

const text = (bytes: Uint8Array | null | undefined) => new TextDecoder().decode(bytes ?? new Uint8Array(0));

export function decodeAttribute(a: AttributeProto, where: string): IrAttribute {
  const type = attributeType(a);
  switch (type) {
    case T.INT:
      return { kind: 'int', value: int(a.i) };
    case T.INTS:
      return { kind: 'ints', value: (a.ints ?? []).map(int) };
    case T.FLOAT:
      return { kind: 'float', value: a.f ?? 0 };
    case T.FLOATS:
      return { kind: 'floats', value: [...(a.floats ?? [])] };
    case T.STRING:
      return { kind: 'string', value: text(a.s) };
    case T.STRINGS:
      return { kind: 'strings', value: (a.strings ?? []).map(text) };
    case T.TENSOR: {
      const t = decodeTensor(a.t!, `attribute ${a.name} of ${where}`);
      return t.type === 'other' ? { kind: 'opaque', type: `${t.dataType} tensor` } : { kind: 'tensor', value: t.data, dims: t.dims };
    }
    default:
      return { kind: 'opaque', type: onnx.AttributeProto.AttributeType[type] ?? `type ${type}` };
  }
}

/** A graph input's or output's element type and shape; unnamed unknown dims get unique names. */
export function decodeValueInfo(v: ValueInfoProto): { name: string; elemType: string; shape: Dim[] | null } {
  const tensor = v.type?.tensorType;
  const shape = tensor?.shape
    ? (tensor.shape.dim ?? []).map((d, axis): Dim => {
        if (d.dimParam) return d.dimParam;
        if (d.dimValue !== null && d.dimValue !== undefined && int(d.dimValue) > 0) return int(d.dimValue);
        return `${v.name}:${axis}`;
      })
    : null;
  return { name: v.name ?? '', elemType: elementName(tensor?.elemType), shape };
}

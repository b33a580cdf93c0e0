// Builds ONNX models through the generated protobuf classes of `onnx-proto` (no hand-written
// protobuf). Used by the engine check, the tfjs→ONNX exporter and the explanation compiler.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
export type OnnxModelProto = InstanceType<typeof onnx.ModelProto>;

export const elementTypes = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  uint8: onnx.TensorProto.DataType.UINT8,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
} as const;
export type ElementType = keyof typeof elementTypes;

export type TensorData = Float32Array | Float64Array | Uint8Array | Int32Array | BigInt64Array;

function elementTypeOf(data: TensorData): ElementType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  return 'uint8';
}

export type Attribute =
  | { kind: 'int'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'float'; value: number }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'string'; value: string }
  | { kind: 'tensor'; value: TensorData; dims: readonly number[] };

/** Attribute constructors, so an integer 1 and a float 1.0 cannot be confused. */
export const attr = {
  int: (value: number): Attribute => ({ kind: 'int', value }),
  ints: (value: readonly number[]): Attribute => ({ kind: 'ints', value }),
  float: (value: number): Attribute => ({ kind: 'float', value }),
  floats: (value: readonly number[]): Attribute => ({ kind: 'floats', value }),
  string: (value: string): Attribute => ({ kind: 'string', value }),
  tensor: (value: TensorData, dims: readonly number[]): Attribute => ({ kind: 'tensor', value, dims }),
};

/** A dimension: a fixed size, or a symbolic name such as 'batch'. */
export type Dim = number | string;

function tensorProto(name: string, data: TensorData, dims: readonly number[]) {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`Tensor ${name}: dims [${dims.join(', ')}] hold ${count} values, data has ${data.length}.`);
  return onnx.TensorProto.create({
    name,
    dims: [...dims],
    dataType: elementTypes[elementTypeOf(data)],
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(),
  });
}

function valueInfo(name: string, type: ElementType, dims: readonly Dim[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: elementTypes[type],
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) =>
            typeof d === 'number'
              ? onnx.TensorShapeProto.Dimension.create({ dimValue: d })
              : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
          ),
        }),
      }),
    }),
  });
}

function attributeProto(name: string, a: Attribute) {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.kind) {
    case 'int':
      return onnx.AttributeProto.create({ name, type: T.INT, i: a.value });
    case 'ints':
      return onnx.AttributeProto.create({ name, type: T.INTS, ints: [...a.value] });
    case 'float':
      return onnx.AttributeProto.create({ name, type: T.FLOAT, f: a.value });
    case 'floats':
      return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: [...a.value] });
    case 'string':
      return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(a.value) });
    case 'tensor':
      return onnx.AttributeProto.create({ name, type: T.TENSOR, t: tensorProto(name, a.value, a.dims) });
  }
}

export interface ModelOptions {
  /** Default-domain opset; Heatlab writes 13 or newer. */
  opset: number;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  /** Stored as metadata_props (e.g. preprocessing, class names). */
  metadata?: Record<string, string>;
}

export class GraphBuilder {
  readonly #name: string;
  readonly #nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  readonly #inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  readonly #outputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  readonly #initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  readonly #names = new Set<string>();
  /** Names handed out by fresh() that no value has taken yet: each may be claimed once. */
  readonly #reserved = new Set<string>();
  #counter = 0;

  constructor(name: string) {
    this.#name = name;
  }

  /** A fresh value name with the given prefix, for a node output or initializer added later. */
  fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${this.#counter++}`;
    while (this.#names.has(name));
    this.#names.add(name);
    this.#reserved.add(name);
    return name;
  }

  #claim(name: string): string {
    if (this.#reserved.delete(name)) return name;
    if (this.#names.has(name)) throw new Error(`Value name ${name} is used twice in graph ${this.#name}.`);
    this.#names.add(name);
    return name;
  }

  input(name: string, type: ElementType, dims: readonly Dim[]): string {
    this.#inputs.push(valueInfo(this.#claim(name), type, dims));
    return name;
  }

  /** Declares an existing value as a graph output. */
  output(name: string, type: ElementType, dims: readonly Dim[]): string {
    this.#outputs.push(valueInfo(name, type, dims));
    return name;
  }

  initializer(name: string, data: TensorData, dims: readonly number[]): string {
    this.#initializers.push(tensorProto(this.#claim(name), data, dims));
    return name;
  }

  /** Adds a node and returns its output names (fresh ones unless given). */
  node(opType: string, inputs: readonly string[], options: { outputs?: number | readonly string[]; attributes?: Record<string, Attribute>; name?: string } = {}): string[] {
    const outputs =
      typeof options.outputs === 'object'
        ? options.outputs.map((o) => (o === '' ? o : this.#claim(o))) // '' omits an optional output
        : Array.from({ length: options.outputs ?? 1 }, () => this.#claim(this.fresh(opType.toLowerCase())));
    this.#nodes.push(
      onnx.NodeProto.create({
        opType,
        name: options.name ?? this.fresh(`${opType}_node`),
        input: [...inputs],
        output: outputs,
        attribute: Object.entries(options.attributes ?? {}).map(([n, a]) => attributeProto(n, a)),
      }),
    );
    return outputs;
  }

  /** A node with one output; returns that output's name. */
  op(opType: string, inputs: readonly string[], attributes?: Record<string, Attribute>): string {
    return this.node(opType, inputs, { attributes })[0]!;
  }

  toProto(options: ModelOptions): OnnxModelProto {
    return onnx.ModelProto.create({
      irVersion: onnx.Version.IR_VERSION,
      producerName: options.producerName ?? 'heatlab',
      producerVersion: options.producerVersion ?? '',
      docString: options.docString ?? '',
      opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: options.opset })],
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => onnx.StringStringEntryProto.create({ key, value })),
      graph: onnx.GraphProto.create({
        name: this.#name,
        node: this.#nodes,
        input: this.#inputs,
        output: this.#outputs,
        initializer: this.#initializers,
      }),
    });
  }

  /** The serialised model, ready for onnxruntime or a file. */
  toBytes(options: ModelOptions): Uint8Array {
    return onnx.ModelProto.encode(this.toProto(options)).finish();
  }
}

// Reading .onnx files into the IR, shape inference with a symbolic batch, and the list of ops the
// explanation compiler cannot handle. Files are built here with GraphBuilder or, where a field
// GraphBuilder never writes is needed (float_data, Constant nodes, initializers listed as
// inputs), with onnx-proto directly. ONNX Runtime is the oracle for output sizes.
import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { HeatlabError } from '../../shared/errors.js';
import { attr, GraphBuilder } from '../../main/onnx/graph-builder.js';
import type { IrModel } from '../../main/onnx/ir.js';
import { readModel } from '../../main/onnx/model-reader.js';
import { loadOrt, type LoadedOrt } from '../../main/onnx/runtime.js';
import { inferShapes } from '../../main/onnx/shape-inference.js';
import { unsupportedOps } from '../../main/onnx/supported-ops.js';
import { autoPads, windowOutput } from '../../main/onnx/window.js';
import { modelWithOp, pytorchStyleCnn, pytorchViewCnn } from '../fixtures/onnx-fixtures.js';

const { onnx } = onnxProto;
let ort: LoadedOrt;

beforeAll(() => {
  ort = loadOrt();
});

/** The thrown HeatlabError, checked to be an invalid request told in exactly one sentence. */
function refusal(run: () => unknown): HeatlabError {
  let error: unknown;
  try {
    run();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(HeatlabError);
  const e = error as HeatlabError;
  expect(e.code).toBe('invalid_request');
  expect(e.message.match(/[.!?](\s|$)/g)).toHaveLength(1);
  return e;
}

/** A small model as a protobuf message, to edit fields GraphBuilder does not write. */
function tinyProto(opset = 13) {
  const g = new GraphBuilder('tiny');
  g.input('x', 'float32', ['batch', 4]);
  g.initializer('w', Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8), [2, 4]);
  g.node('Gemm', ['x', 'w'], { outputs: ['y'], attributes: { transB: attr.int(1), alpha: attr.float(0.5) }, name: 'fc' });
  g.node('Relu', ['y'], { outputs: ['z'], name: 'relu' });
  g.output('z', 'float32', ['batch', 2]);
  return g.toProto({ opset, producerName: 'tests', metadata: { 'heatlab.name': 'tiny' } });
}

const encode = (model: ReturnType<typeof tinyProto>) => onnx.ModelProto.encode(model).finish();

describe('reading an ONNX file', () => {
  it('decodes nodes, typed attributes, initializers, inputs, outputs, opset, producer and metadata', () => {
    const ir = readModel(encode(tinyProto()));
    expect(ir.opset).toBe(13);
    expect(ir.producer.name).toBe('tests');
    expect(ir.metadata).toEqual({ 'heatlab.name': 'tiny' });
    expect(ir.inputs).toEqual([{ name: 'x', elemType: 'float32', shape: ['batch', 4] }]);
    expect(ir.outputs).toEqual([{ name: 'z', elemType: 'float32', shape: ['batch', 2] }]);
    expect(ir.nodes.map((n) => [n.name, n.opType, n.inputs, n.outputs])).toEqual([
      ['fc', 'Gemm', ['x', 'w'], ['y']],
      ['relu', 'Relu', ['y'], ['z']],
    ]);
    expect(ir.nodes[0]!.attributes).toEqual({ transB: { kind: 'int', value: 1 }, alpha: { kind: 'float', value: 0.5 } });
    expect(ir.initializers.get('w')).toEqual({ type: 'float32', dims: [2, 4], data: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8) });
  });

  it('reads float_data and int64_data initializers as well as raw_data', () => {
    const model = tinyProto();
    model.graph!.initializer![0] = onnx.TensorProto.create({ name: 'w', dims: [2, 4], dataType: onnx.TensorProto.DataType.FLOAT, floatData: [8, 7, 6, 5, 4, 3, 2, 1] });
    model.graph!.initializer!.push(onnx.TensorProto.create({ name: 'shape', dims: [2], dataType: onnx.TensorProto.DataType.INT64, int64Data: [-1, 2] }));
    model.graph!.initializer!.push(onnx.TensorProto.create({ name: 'half', dims: [1], dataType: onnx.TensorProto.DataType.FLOAT16, rawData: new Uint8Array(2) }));
    const ir = readModel(encode(model));
    expect(ir.initializers.get('w')).toEqual({ type: 'float32', dims: [2, 4], data: Float32Array.of(8, 7, 6, 5, 4, 3, 2, 1) });
    expect(ir.initializers.get('shape')).toEqual({ type: 'int64', dims: [2], data: BigInt64Array.of(-1n, 2n) });
    expect(ir.initializers.get('half')).toEqual({ type: 'other', dims: [1], dataType: 'float16' });
  });

  it('turns Constant nodes into initializers, whichever value attribute they use', () => {
    const model = tinyProto();
    const constant = (name: string, attribute: InstanceType<typeof onnx.AttributeProto>) => onnx.NodeProto.create({ opType: 'Constant', name: `${name}_node`, output: [name], attribute: [attribute] });
    const T = onnx.AttributeProto.AttributeType;
    model.graph!.node!.unshift(
      constant('c_tensor', onnx.AttributeProto.create({ name: 'value', type: T.TENSOR, t: onnx.TensorProto.create({ dims: [2], dataType: onnx.TensorProto.DataType.FLOAT, floatData: [1.5, -2] }) })),
      constant('c_floats', onnx.AttributeProto.create({ name: 'value_floats', type: T.FLOATS, floats: [3, 4] })),
      constant('c_int', onnx.AttributeProto.create({ name: 'value_int', type: T.INT, i: 7 })),
    );
    const ir = readModel(encode(model));
    expect(ir.nodes.map((n) => n.opType)).toEqual(['Gemm', 'Relu']);
    expect(ir.initializers.get('c_tensor')).toEqual({ type: 'float32', dims: [2], data: Float32Array.of(1.5, -2) });
    expect(ir.initializers.get('c_floats')).toEqual({ type: 'float32', dims: [2], data: Float32Array.of(3, 4) });
    expect(ir.initializers.get('c_int')).toEqual({ type: 'int64', dims: [], data: BigInt64Array.of(7n) });
  });

  it('leaves out initializers that an old exporter also listed as graph inputs', () => {
    const model = tinyProto();
    model.graph!.input!.push(onnx.ValueInfoProto.create({ name: 'w' }));
    expect(readModel(encode(model)).inputs.map((i) => i.name)).toEqual(['x']);
  });

  it('puts nodes in topological order when the file lists them out of order', () => {
    const model = tinyProto();
    model.graph!.node!.reverse();
    expect(readModel(encode(model)).nodes.map((n) => n.name)).toEqual(['fc', 'relu']);
  });

  it('names dims the file leaves unknown after their value and axis', () => {
    const model = tinyProto();
    model.graph!.input![0]!.type!.tensorType!.shape!.dim![0] = onnx.TensorShapeProto.Dimension.create({});
    expect(readModel(encode(model)).inputs[0]!.shape).toEqual(['x:0', 4]);
  });

  it('reads a PyTorch-style file with a softmax head and Identity node', () => {
    const ir = readModel(pytorchStyleCnn().bytes);
    expect(ir.opset).toBe(11);
    expect(ir.inputs).toEqual([{ name: 'input.1', elemType: 'float32', shape: ['batch_size', 3, 9, 9] }]);
    expect(ir.nodes.map((n) => n.opType)).toEqual(['Conv', 'BatchNormalization', 'Relu', 'MaxPool', 'Flatten', 'Identity', 'Gemm', 'Softmax']);
    expect(ir.nodes[0]!.attributes.kernel_shape).toEqual({ kind: 'ints', value: [3, 3] });
    expect(ir.nodes[1]!.attributes.epsilon).toEqual({ kind: 'float', value: expect.closeTo(1e-5, 10) });
    expect(ir.initializers.get('conv1.weight')?.dims).toEqual([6, 3, 3, 3]);
  });
});

describe('refusing files', () => {
  const valid = () => pytorchStyleCnn().bytes;

  it('refuses an empty file', () => {
    expect(refusal(() => readModel(new Uint8Array(0))).message).toMatch(/empty/);
  });

  it('refuses a text file as not an ONNX model', () => {
    expect(refusal(() => readModel(new TextEncoder().encode('label,pixel0,pixel1\n3,0,255\n'))).message).toMatch(/not an ONNX model/);
  });

  it('refuses a PNG image as not an ONNX model', () => {
    const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0);
    expect(refusal(() => readModel(png)).message).toMatch(/not an ONNX model/);
  });

  it('refuses a truncated file, wherever it was cut', () => {
    const bytes = valid();
    for (const share of [0.1, 0.5, 0.9, 0.99]) {
      const e = refusal(() => readModel(bytes.subarray(0, Math.floor(bytes.length * share))));
      expect(e.message).toMatch(/truncated|incomplete/);
    }
  });

  it('refuses a graph without inputs', () => {
    const model = tinyProto();
    model.graph!.input = [];
    expect(refusal(() => readModel(encode(model))).message).toMatch(/no inputs/);
  });

  it('refuses an opset older than 7, naming it', () => {
    expect(refusal(() => readModel(encode(tinyProto(6)))).message).toBe('The ONNX model uses opset 6, older than opset 7, the oldest Heatlab reads.');
  });

  it('refuses weights kept in an external data file', () => {
    const model = tinyProto();
    model.graph!.initializer![0] = onnx.TensorProto.create({ name: 'w', dims: [2, 4], dataType: onnx.TensorProto.DataType.FLOAT, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL });
    expect(refusal(() => readModel(encode(model))).message).toMatch(/external data file/);
  });

  it('refuses a node that reads a value nothing produces', () => {
    const model = tinyProto();
    model.graph!.node![1]!.input = ['missing'];
    expect(refusal(() => readModel(encode(model))).message).toMatch(/reads missing, which no graph input, initializer or node produces/);
  });
});

/** The output shape ONNX Runtime computes for a one-node model on an input of the given shape. */
async function ortShape(op: string, input: number[], attributes: Record<string, ReturnType<typeof attr.int>>, weight?: number[]): Promise<number[]> {
  const g = new GraphBuilder('probe');
  g.input('x', 'float32', input);
  const inputs = ['x'];
  if (weight) inputs.push(g.initializer('w', new Float32Array(weight.reduce((a, b) => a * b, 1)), weight));
  g.node(op, inputs, { outputs: ['y'], attributes });
  g.output('y', 'float32', input.map((_, k) => `d${k}`));
  // ORT's own static shape inference disagrees with its kernels on ceil mode: silence its warning.
  const session = await ort.ort.InferenceSession.create(g.toBytes({ opset: 17 }), { ...ort.sessionOptions, logSeverityLevel: 3 });
  try {
    const out = await session.run({ x: new ort.ort.Tensor('float32', new Float32Array(input.reduce((a, b) => a * b, 1)), input) });
    return [...out.y!.dims];
  } finally {
    await session.release();
  }
}

function oneNode(op: string, inputShape: number[], attributes: Record<string, ReturnType<typeof attr.int>>, weight?: number[]): IrModel {
  const g = new GraphBuilder('probe');
  g.input('x', 'float32', ['batch', ...inputShape.slice(1)]);
  const inputs = ['x'];
  if (weight) inputs.push(g.initializer('w', new Float32Array(weight.reduce((a, b) => a * b, 1)), weight));
  g.node(op, inputs, { outputs: ['y'], attributes });
  g.output('y', 'float32', []);
  return readModel(g.toBytes({ opset: 17 }));
}

describe('shape inference', () => {
  it('infers every value of a PyTorch-style model with a symbolic batch', () => {
    const { shapes } = inferShapes(readModel(pytorchStyleCnn().bytes), ['batch_size', 3, 9, 9]);
    expect(shapes.get('/conv1/Conv_output_0')).toEqual(['batch_size', 6, 9, 9]);
    expect(shapes.get('/pool/MaxPool_output_0')).toEqual(['batch_size', 6, 4, 4]);
    expect(shapes.get('/Flatten_output_0')).toEqual(['batch_size', 96]);
    expect(shapes.get('output')).toEqual(['batch_size', 5]);
  });

  it('splits SAME padding with the odd pixel at the end (SAME_UPPER) or the beginning (SAME_LOWER)', () => {
    expect(autoPads('SAME_UPPER', 7, 4, 1, 1)).toEqual([1, 2]);
    expect(autoPads('SAME_LOWER', 7, 4, 1, 1)).toEqual([2, 1]);
    expect(autoPads('SAME_UPPER', 8, 3, 2, 1)).toEqual([0, 1]);
    expect(autoPads('VALID', 8, 3, 2, 1)).toEqual([0, 0]);
  });

  it('drops a ceil-mode window that would start in the right padding', () => {
    expect(windowOutput(5, 3, 3, 1, 1, 1, true)).toBe(2);
    expect(windowOutput(6, 3, 2, 1, 1, 1, true)).toBe(4);
    expect(windowOutput(5, 2, 2, 1, 0, 0, false)).toBe(2);
  });

  const convCases: { input: number[]; weight: number[]; attributes: Record<string, ReturnType<typeof attr.int>> }[] = [
    { input: [1, 4, 11, 9], weight: [6, 2, 3, 3], attributes: { group: attr.int(2), strides: attr.ints([2, 2]) } },
    { input: [1, 2, 10, 7], weight: [3, 2, 3, 2], attributes: { dilations: attr.ints([2, 3]), pads: attr.ints([1, 0, 2, 3]) } },
    { input: [1, 1, 9, 8], weight: [2, 1, 4, 4], attributes: { auto_pad: attr.string('SAME_UPPER'), strides: attr.ints([2, 3]) } },
    { input: [1, 1, 9, 8], weight: [2, 1, 4, 4], attributes: { auto_pad: attr.string('SAME_LOWER'), strides: attr.ints([3, 2]) } },
    { input: [1, 3, 7, 7], weight: [3, 1, 3, 3], attributes: { auto_pad: attr.string('VALID'), group: attr.int(3), strides: attr.ints([2, 2]) } },
  ];
  it('gives Conv the output sizes ONNX Runtime computes, for strides, dilations, groups and every padding mode', async () => {
    for (const c of convCases) {
      const expected = await ortShape('Conv', c.input, c.attributes, c.weight);
      expect(inferShapes(oneNode('Conv', c.input, c.attributes, c.weight), ['batch', ...c.input.slice(1)]).shapes.get('y')).toEqual(['batch', ...expected.slice(1)]);
    }
  });

  it('gives pooling the output sizes ONNX Runtime computes, ceil mode included', async () => {
    for (const op of ['MaxPool', 'AveragePool'])
      for (const [size, kernel, stride, pad, ceil] of [
        [5, 2, 2, 0, 1],
        [6, 3, 2, 1, 1],
        [7, 3, 2, 0, 1],
        [5, 3, 3, 1, 1],
        [9, 3, 2, 1, 0],
        [8, 2, 2, 0, 0],
      ] as const) {
        const attributes = { kernel_shape: attr.ints([kernel, kernel]), strides: attr.ints([stride, stride]), pads: attr.ints([pad, pad, pad, pad]), ceil_mode: attr.int(ceil) };
        const input = [1, 2, size, size + 1];
        const expected = await ortShape(op, input, attributes);
        expect(inferShapes(oneNode(op, input, attributes), ['batch', 2, size, size + 1]).shapes.get('y')).toEqual(['batch', ...expected.slice(1)]);
      }
  });

  it('evaluates the Shape → Gather → Unsqueeze → Concat computation of a Reshape target', () => {
    const { shapes, values } = inferShapes(readModel(pytorchViewCnn().bytes), ['N', 2, 8, 7]);
    expect(values.get('target')).toEqual(['N', -1]);
    expect(shapes.get('flat')).toEqual(['N', 48]);
    expect(shapes.get('log_probs')).toEqual(['N', 3]);
  });

  it('refuses a Reshape whose target is only known at run time', () => {
    const g = new GraphBuilder('dynamic');
    g.input('x', 'float32', ['batch', 4]);
    g.input('target', 'int64', [2]);
    g.node('Reshape', ['x', 'target'], { outputs: ['y'], name: 'reshape' });
    g.output('y', 'float32', []);
    const ir = readModel(g.toBytes({ opset: 13 }));
    expect(refusal(() => inferShapes(ir, { x: ['batch', 4], target: [2] })).message).toMatch(/^The Reshape node reshape computes its target shape from values only known at run time/);
  });

  it('refuses shapes that cannot work, naming the node', () => {
    const ir = oneNode('Conv', [1, 3, 8, 8], {}, [4, 2, 3, 3]);
    expect(refusal(() => inferShapes(ir, ['batch', 3, 8, 8])).message).toMatch(/expects 2 input channels but gets 3/);
  });
});

describe('unsupported ops', () => {
  it('lists nothing for models made of supported ops, shape computations included', () => {
    expect(unsupportedOps(readModel(pytorchStyleCnn().bytes))).toEqual([]);
    expect(unsupportedOps(readModel(pytorchViewCnn().bytes))).toEqual([]);
  });

  it('names an LSTM and a Resize', () => {
    expect(unsupportedOps(readModel(modelWithOp('LSTM')))).toEqual(['LSTM']);
    expect(unsupportedOps(readModel(modelWithOp('Resize')))).toEqual(['Resize']);
  });

  it('names shape ops that compute data rather than a Reshape target, and ops of other domains with their domain', () => {
    const g = new GraphBuilder('odd');
    g.input('x', 'float32', ['batch', 4]);
    const size = g.op('Cast', [g.op('Shape', ['x'])], { to: attr.int(1) });
    const y = g.op('Add', ['x', size]);
    g.node('FusedGemm', [y], { outputs: ['z'] });
    g.output('z', 'float32', []);
    const proto = g.toProto({ opset: 13 });
    proto.graph!.node!.at(-1)!.domain = 'com.microsoft';
    expect(unsupportedOps(readModel(onnx.ModelProto.encode(proto).finish()))).toEqual(['Shape', 'Cast', 'com.microsoft.FusedGemm']);
  });

  it('makes shape inference refuse the model with a typed error naming the ops', () => {
    const e = refusal(() => inferShapes(readModel(modelWithOp('LSTM')), ['batch', 1, 4, 4]));
    expect(e.message).toBe('The explanation compiler does not support the LSTM op, so graph methods cannot explain this model; forward-only methods still work.');
    expect(e.details).toEqual({ unsupportedOps: ['LSTM'] });
  });
});

// The opset and IR version limits Heatlab states without loading ONNX Runtime must be the bundled
// runtime's own, and the runtime's refusals reach the user without its C++ source paths.
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../main/onnx/graph-builder.js';
import { loadOrt } from '../../main/onnx/runtime.js';
import { ORT_MAX_IR_VERSION, ORT_MAX_OPSET, ORT_VERSION, ortMessage } from '../../main/onnx/runtime-limits.js';

function reluModel(opset: number, irVersion?: number): Uint8Array {
  const g = new GraphBuilder('g');
  g.node('Relu', [g.input('x', 'float32', [1, 3])], { outputs: ['y'] });
  g.output('y', 'float32', [1, 3]);
  const proto = g.toProto({ opset });
  if (irVersion !== undefined) proto.irVersion = irVersion;
  return onnxProto.onnx.ModelProto.encode(proto).finish();
}

const loadError = async (bytes: Uint8Array): Promise<string | null> => {
  const { ort } = loadOrt();
  try {
    await (await ort.InferenceSession.create(bytes)).release();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
};

describe('ONNX Runtime limits', () => {
  it('names the bundled runtime version', () => {
    expect(loadOrt().info.version.startsWith(`${ORT_VERSION}.`)).toBe(true);
  });

  it('loads the newest opset and IR version it states, and refuses the next ones in Heatlab words', async () => {
    expect(await loadError(reluModel(ORT_MAX_OPSET))).toBeNull();
    expect(await loadError(reluModel(13, ORT_MAX_IR_VERSION))).toBeNull();
    expect(ortMessage((await loadError(reluModel(ORT_MAX_OPSET + 1)))!)).toBe(`This ONNX file uses opset ${ORT_MAX_OPSET + 1}; ONNX Runtime ${ORT_VERSION} reads opsets up to ${ORT_MAX_OPSET}.`);
    expect(ortMessage((await loadError(reluModel(13, 99)))!)).toBe(`This ONNX file uses IR version 99; ONNX Runtime ${ORT_VERSION} reads IR versions up to ${ORT_MAX_IR_VERSION}.`);
  });

  it('strips the source path and C++ signature from any other message', () => {
    const raw =
      '/onnxruntime_src/onnxruntime/core/graph/graph.cc:1234 onnxruntime::common::Status onnxruntime::Graph::Resolve(const onnxruntime::Graph::ResolveOptions&) const This is an invalid model. Type Error: Type (tensor(int64)) of input parameter (x) of operator (Relu) in node () is invalid.';
    expect(ortMessage(raw)).toBe('This is an invalid model. Type Error: Type (tensor(int64)) of input parameter (x) of operator (Relu) in node () is invalid.');
    expect(ortMessage('Plain words.')).toBe('Plain words.');
  });
});

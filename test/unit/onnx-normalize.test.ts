// The normalised form of imported models (main/onnx/import/normalize.ts) on graphs that make the
// renaming hard: values already called `input`, `logits` or `probabilities` that are not what
// Heatlab means by them, a LogSoftmax head, an output that holds probabilities without a Softmax
// to take off, and inputs besides the image. Each stored form is run on ONNX Runtime against the
// source file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../main/numeric/random.js';
import { attr, GraphBuilder } from '../../main/onnx/graph-builder.js';
import { normaliseModel } from '../../main/onnx/import/normalize.js';
import { guessLayout, metadataClassNames, planImport, type ImportChoices } from '../../main/onnx/import/plan.js';
import { verificationAgrees, verifyNormalised } from '../../main/onnx/import/verify.js';
import { readModel } from '../../main/onnx/model-reader.js';
import { loadOrt, type LoadedOrt } from '../../main/onnx/runtime.js';
import type { InferenceSession } from 'onnxruntime-node';

let ort: LoadedOrt;
const sessions: InferenceSession[] = [];

beforeAll(() => {
  ort = loadOrt();
});
afterAll(async () => {
  for (const s of sessions) await s.release();
});

const rgb: ImportChoices['preprocessing'] = { scale: 255, channelOrder: 'rgb' };

function weights(graph: GraphBuilder, name: string, dims: number[], seed: number): string {
  const data = new Random(seed).fill(new Float32Array(dims.reduce((a, b) => a * b, 1)), -0.5, 0.5) as Float32Array;
  return graph.initializer(name, data, dims);
}

/** NHWC input called `input`, an intermediate called `logits`, and a LogSoftmax output called `probabilities`. */
function misleadingNames(): Uint8Array {
  const g = new GraphBuilder('misleading');
  const x = g.input('input', 'float32', ['n', 8, 8, 3]);
  const nchw = g.node('Transpose', [x], { outputs: ['nchw'], attributes: { perm: attr.ints([0, 3, 1, 2]) } })[0]!;
  const conv = g.node('Conv', [nchw, weights(g, 'w1', [4, 3, 3, 3], 1)], { outputs: ['logits'], attributes: { kernel_shape: attr.ints([3, 3]) } })[0]!;
  const relu = g.node('Relu', [conv], { outputs: ['relu'] })[0]!;
  const gap = g.node('GlobalAveragePool', [relu], { outputs: ['gap'] })[0]!;
  const flat = g.node('Flatten', [gap], { outputs: ['flat'], attributes: { axis: attr.int(1) } })[0]!;
  const scores = g.node('Gemm', [flat, weights(g, 'w2', [3, 4], 2)], { outputs: ['scores'], attributes: { transB: attr.int(1) } })[0]!;
  g.node('LogSoftmax', [scores], { outputs: ['probabilities'], attributes: { axis: attr.int(1) } });
  g.output('probabilities', 'float32', ['n', 3]);
  return g.toBytes({ opset: 13 });
}

/** A dense net on 1×4×4 images whose output the user says holds probabilities; a second input `bias` feeds a second output only, or the first when `needed`. */
function twoInputs(needed: boolean): Uint8Array {
  const g = new GraphBuilder('two_inputs');
  const x = g.input('image', 'float32', ['n', 1, 4, 4]);
  const extra = g.input('bias', 'float32', ['n', 2]);
  const flat = g.node('Flatten', [x], { outputs: ['flat'], attributes: { axis: attr.int(1) } })[0]!;
  const dense = g.node('Gemm', [flat, weights(g, 'w', [2, 16], 3)], { outputs: ['dense'], attributes: { transB: attr.int(1) } })[0]!;
  const plus = g.node('Add', [dense, extra], { outputs: ['plus'] })[0]!;
  g.node('Sigmoid', [needed ? plus : dense], { outputs: ['p'] });
  g.output('p', 'float32', ['n', 2]);
  g.output('plus', 'float32', ['n', 2]);
  return g.toBytes({ opset: 13 });
}

async function normalisedSession(bytes: Uint8Array): Promise<InferenceSession> {
  const session = await ort.ort.InferenceSession.create(bytes);
  sessions.push(session);
  return session;
}

describe('the normalised model', () => {
  it('renames around values already called input, logits and probabilities, and takes the logits from before a LogSoftmax', async () => {
    const source = misleadingNames();
    const plan = planImport(readModel(source), { preprocessing: rgb }, null);
    expect(plan).toMatchObject({ layout: 'NHWC', softmax: 'LogSoftmax', outputKind: 'logits', classes: 3 });
    const normalised = normaliseModel(source, plan, { 'heatlab.name': 'misleading' });
    expect(normalised).toMatchObject({ outputs: ['logits', 'probabilities'], scores: 'logits' });
    const stored = readModel(normalised.bytes);
    expect(stored.inputs.map((i) => [i.name, i.shape])).toEqual([['input', ['n', 3, 8, 8]]]);
    expect(stored.outputs.map((o) => o.name)).toEqual(['logits', 'probabilities']);
    expect(stored.nodes.map((n) => n.opType)).toEqual(['Transpose', 'Transpose', 'Conv', 'Relu', 'GlobalAveragePool', 'Flatten', 'Gemm', 'Softmax']);
    expect(stored.metadata['heatlab.name']).toBe('misleading');
    const session = await normalisedSession(normalised.bytes);
    const verified = await verifyNormalised(ort, source, session, plan, 'scores', 3);
    expect(verified.classes).toBe(3);
    expect(verificationAgrees(verified)).toBe(true);
    // Its probabilities are the softmax of the source's log-probabilities.
    const images = new Random(2).fill(new Float32Array(2 * 3 * 64)) as Float32Array;
    const out = await session.run({ input: new ort.ort.Tensor('float32', images, [2, 3, 8, 8]) });
    const p = out.probabilities!.data as Float32Array;
    for (let r = 0; r < 2; r++) expect(p[r * 3]! + p[r * 3 + 1]! + p[r * 3 + 2]!).toBeCloseTo(1, 6);
  });

  it('keeps an output that holds probabilities without a Softmax as the only output, and drops an input only another output reads', async () => {
    const source = twoInputs(false);
    const plan = planImport(readModel(source), { preprocessing: rgb, outputKind: 'probabilities' }, null);
    expect(plan).toMatchObject({ input: { name: 'image' }, output: { name: 'p' }, softmax: null, outputKind: 'probabilities' });
    const normalised = normaliseModel(source, plan, {});
    expect(normalised).toMatchObject({ outputs: ['probabilities'], scores: 'probabilities' });
    const stored = readModel(normalised.bytes);
    expect(stored.inputs.map((i) => i.name)).toEqual(['input']);
    expect(stored.nodes.map((n) => n.opType)).toEqual(['Flatten', 'Gemm', 'Sigmoid']);
    const verified = await verifyNormalised(ort, source, await normalisedSession(normalised.bytes), plan, null, 4);
    expect(verified.maxAbsDifference).toBe(0);
  });

  it('refuses an output that needs an input besides the image, naming it', () => {
    const source = twoInputs(true);
    const plan = planImport(readModel(source), { preprocessing: rgb }, null);
    expect(() => normaliseModel(source, plan, {})).toThrow("The ONNX model's output needs its input bias besides the image input, and Heatlab feeds only images.");
  });
});

describe('the import plan', () => {
  it('asks for the image input when there are several, and the layout when the shape does not tell', () => {
    const g = new GraphBuilder('ambiguous');
    const a = g.input('left', 'float32', ['n', 5, 8, 8]);
    const b = g.input('right', 'float32', ['n', 5, 8, 8]);
    const sum = g.node('Add', [a, b], { outputs: ['sum'] })[0]!;
    const gap = g.node('GlobalAveragePool', [sum], { outputs: ['gap'] })[0]!;
    g.node('Flatten', [gap], { outputs: ['scores'], attributes: { axis: attr.int(1) } });
    g.output('scores', 'float32', ['n', 5]);
    const ir = readModel(g.toBytes({ opset: 13 }));
    expect(() => planImport(ir, { preprocessing: rgb }, null)).toThrow('The ONNX model has 2 float inputs of rank 4 (left, right), so the image input must be chosen.');
    expect(() => planImport(ir, { input: 'left', preprocessing: rgb }, null)).toThrow('Heatlab cannot tell whether the input left [n, 5, 8, 8] is NCHW or NHWC, so the layout must be chosen.');
    expect(planImport(ir, { input: 'left', layout: 'NCHW', preprocessing: rgb }, null)).toMatchObject({ channels: 5, height: 8, width: 8, classNames: ['class 0', 'class 1', 'class 2', 'class 3', 'class 4'] });
    expect(() => planImport(ir, { input: 'left', layout: 'NCHW', preprocessing: { ...rgb, mean: [0, 0] } }, null)).toThrow("The mean has 2 values and the model's input has 5 channels.");
    expect(() => planImport(ir, { input: 'left', layout: 'NCHW', preprocessing: { scale: 255, channelOrder: 'bgr' } }, null)).toThrow('The BGR channel order needs a 3-channel input');
  });
});

describe('what a file tells by itself', () => {
  it('reads class names from Heatlab\'s metadata key and from the keys and forms other exporters use', () => {
    expect(metadataClassNames({ metadata: { 'heatlab.classNames': '["square","triangle"]' } })).toEqual(['square', 'triangle']);
    expect(metadataClassNames({ metadata: { classes: '{"1": "dog", "0": "cat"}' } })).toEqual(['cat', 'dog']);
    expect(metadataClassNames({ metadata: { labels: 'zero, one,two' } })).toEqual(['zero', 'one', 'two']);
    expect(metadataClassNames({ metadata: { author: 'someone' } })).toBeNull();
  });

  it('guesses NCHW when dimension 1 holds 1 or 3 channels before larger or symbolic sizes, NHWC when the last does', () => {
    expect(guessLayout(['batch', 3, 224, 224])).toBe('NCHW');
    expect(guessLayout(['N', 1, 'H', 'W'])).toBe('NCHW');
    expect(guessLayout(['unk', 28, 28, 1])).toBe('NHWC');
    expect(guessLayout([1, 224, 224, 3])).toBe('NHWC');
    expect(guessLayout(['n', 5, 8, 8])).toBeNull();
  });
});

// A model as the explanation job sees it: canonical models explain their pre-softmax logits and
// run graph methods; a model with an op the compiler does not support still runs forward-only
// methods on its stored output, and graph methods are refused with the op named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeatlabError } from '../../shared/errors.js';
import { ExplainedModel } from '../../main/explain/run/explained-model.js';
import type { Engines } from '../../main/engines/engines.js';
import { Random } from '../../main/numeric/random.js';
import { loadOrt } from '../../main/onnx/runtime.js';
import { SessionCache } from '../../main/onnx/session-cache.js';
import { modelWithOp, pytorchStyleCnn } from '../fixtures/onnx-fixtures.js';

let engines: Engines;

beforeAll(() => {
  const ort = loadOrt();
  // The job uses only ONNX Runtime and the session cache of the host's engines.
  engines = { ort, sessions: new SessionCache(ort, 4) } as unknown as Engines;
});
afterAll(async () => {
  await engines.sessions.clear();
});

async function direct(bytes: Uint8Array, images: Float32Array, dims: number[], output: string): Promise<Float32Array> {
  const session = await engines.ort.ort.InferenceSession.create(bytes);
  const out = await session.run({ [session.inputNames[0]!]: new engines.ort.ort.Tensor('float32', images, dims) });
  await session.release();
  return out[output]!.data as Float32Array;
}

describe('the explained model', () => {
  it('explains the logits before a softmax head, and its forward pass equals the model’s own pre-softmax output', async () => {
    const fixture = pytorchStyleCnn();
    const model = new ExplainedModel(engines, fixture.bytes, 'cnn:1');
    expect(model.explains).toBe('logits');
    expect(model.shape).toEqual(fixture.image);
    expect(model.classes).toBe(fixture.classes);
    const size = fixture.image.reduce((a, b) => a * b, 1);
    const images = new Random(3).fill(new Float32Array(3 * size)) as Float32Array;
    const logits = await model.withForward((forward) => forward(images, 3));
    const probabilities = await direct(fixture.bytes, images, [3, ...fixture.image], fixture.output);
    // Softmax of the explained logits gives the file's probabilities.
    for (let i = 0; i < 3; i++) {
      const row = Array.from(logits.subarray(i * fixture.classes, (i + 1) * fixture.classes));
      const max = Math.max(...row);
      const total = row.reduce((s, v) => s + Math.exp(v - max), 0);
      row.forEach((v, k) => expect(Math.exp(v - max) / total).toBeCloseTo(probabilities[i * fixture.classes + k]!, 5));
    }
    expect(model.graphRunner(8).classes).toBe(fixture.classes);
  });

  it('runs a model with an unsupported op forward on its stored output and refuses graph methods naming the op', async () => {
    const bytes = modelWithOp('Resize');
    const model = new ExplainedModel(engines, bytes, 'resize:1');
    expect(model.shape).toEqual([1, 4, 4]);
    const images = new Random(4).fill(new Float32Array(2 * 16)) as Float32Array;
    const logits = await model.withForward((forward) => forward(images, 2));
    expect(Array.from(logits)).toEqual(Array.from(await direct(bytes, images, [2, 1, 4, 4], 'logits')));
    let error: unknown;
    try {
      model.graphRunner(8);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(HeatlabError);
    expect((error as Error).message).toBe('The explanation compiler does not support the Resize op, so graph methods cannot explain this model; forward-only methods still work.');
  });

  it('says its forward pass gives probabilities only when the file holds nothing else, so probability-based methods take no second softmax', () => {
    const softmaxHead = pytorchStyleCnn().bytes;
    expect(new ExplainedModel(engines, softmaxHead, 'cnn:2', 'probabilities').scores).toBe('logits');
    const resize = modelWithOp('Resize');
    expect(new ExplainedModel(engines, resize, 'resize:2').scores).toBe('logits');
    expect(new ExplainedModel(engines, resize, 'resize:3', 'probabilities').scores).toBe('probabilities');
  });
});

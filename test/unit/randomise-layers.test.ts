// Layer re-initialisation for the model parameter randomisation test: the weighted layers are
// listed from the output back, only the named ones get fresh weights and biases drawn from
// U(±1/√fan_in) (PyTorch's reset_parameters), a layer's draw depends on the seed and its name only,
// tied weights are copied rather than changed for their other readers, and the original model is
// left as it was.
import { describe, expect, it } from 'vitest';
import { HeatlabError } from '../../shared/errors.js';
import { attr, GraphBuilder } from '../../main/onnx/graph-builder.js';
import type { IrModel } from '../../main/onnx/ir.js';
import { readModel } from '../../main/onnx/model-reader.js';
import { layerNames, randomiseLayers } from '../../main/onnx/randomise-layers.js';
import { denseStack, randomLayers } from '../fixtures/lrp-nets.js';
import { structuredCnn } from '../fixtures/robustness-nets.js';

const tensor = (ir: IrModel, name: string) => {
  const t = ir.initializers.get(name);
  if (t?.type !== 'float32') throw new Error(`no float initializer ${name}`);
  return t.data;
};

const inputOf = (ir: IrModel, node: string, slot: number) => ir.nodes.find((n) => n.name === node)!.inputs[slot]!;

describe('layer randomisation', () => {
  it('lists the Conv, Gemm and MatMul layers from the output back to the input', () => {
    expect(layerNames(readModel(structuredCnn()))).toEqual(['fc', 'conv2', 'conv1']);
    const matmul = readModel(denseStack(randomLayers([4, 3, 2], 1), [1, 2, 2], { dense: 'matmul' }));
    expect(layerNames(matmul)).toHaveLength(2);
    expect(matmul.nodes.find((n) => n.name === layerNames(matmul)[0])!.opType).toBe('MatMul');
  });

  it('redraws only the named layers’ weights and biases, within ±1/√fan_in, and leaves the original model untouched', () => {
    const ir = readModel(structuredCnn());
    const before = new Map([...ir.initializers].map(([k, t]) => [k, t.type === 'float32' ? t.data.slice() : null]));
    const out = randomiseLayers(ir, ['conv2'], 7);
    for (const [name, data] of before) expect(tensor(ir, name)).toEqual(data);
    const w = tensor(out, inputOf(out, 'conv2', 1));
    const b = tensor(out, inputOf(out, 'conv2', 2));
    // conv2's weight is [4, 4, 3, 3]: fan_in = 4·3·3.
    const bound = 1 / Math.sqrt(36);
    for (const v of [...w, ...b]) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.8 * bound);
    expect(w).not.toEqual(tensor(ir, 'conv2.weight'));
    expect(b).not.toEqual(tensor(ir, 'conv2.bias'));
    for (const name of ['conv1.weight', 'conv1.bias', 'fc.weight', 'fc.bias']) expect(tensor(out, name)).toBe(tensor(ir, name));
  });

  it('is deterministic by seed, and gives a layer the same values whichever other layers are randomised with it', () => {
    const ir = readModel(structuredCnn());
    const top = randomiseLayers(ir, ['fc'], 3);
    const both = randomiseLayers(ir, ['fc', 'conv2'], 3);
    expect(tensor(randomiseLayers(ir, ['fc'], 3), 'fc.weight')).toEqual(tensor(top, 'fc.weight'));
    expect(tensor(both, 'fc.weight')).toEqual(tensor(top, 'fc.weight'));
    expect(tensor(randomiseLayers(ir, ['fc'], 4), 'fc.weight')).not.toEqual(tensor(top, 'fc.weight'));
  });

  it('takes the fan-in of a Gemm from transB and redraws the bias Add of a MatMul layer', () => {
    const ir = readModel(denseStack(randomLayers([4, 3, 2], 2), [1, 2, 2], { dense: 'matmul' }));
    const [top] = layerNames(ir);
    const out = randomiseLayers(ir, [top!], 5);
    const matmul = out.nodes.find((n) => n.name === top)!;
    const add = out.nodes.find((n) => n.inputs.includes(matmul.outputs[0]!))!;
    const bias = add.inputs.find((i) => i !== matmul.outputs[0])!;
    expect(tensor(out, bias)).not.toEqual(tensor(ir, bias));
    // The MatMul weight is [in 3, out 2]: fan_in 3.
    for (const v of tensor(out, matmul.inputs[1]!)) expect(Math.abs(v)).toBeLessThanOrEqual(1 / Math.sqrt(3));
    const gemm = readModel(denseStack(randomLayers([4, 5, 2], 2), [1, 2, 2], { dense: 'gemm' }));
    const g = randomiseLayers(gemm, [layerNames(gemm)[0]!], 5);
    // [out 2, in 5] with transB = 1: fan_in is 5, not 2.
    const values = tensor(g, inputOf(g, layerNames(gemm)[0]!, 1));
    for (const v of values) expect(Math.abs(v)).toBeLessThanOrEqual(1 / Math.sqrt(5));
  });

  it('copies a weight another layer also reads, so only the named layer changes', () => {
    const g = new GraphBuilder('tied');
    g.input('input', 'float32', ['batch', 4]);
    const w = g.initializer('tied.weight', Float32Array.from({ length: 16 }, (_, q) => q / 16), [4, 4]);
    const h = g.node('Gemm', ['input', w], { name: 'first', attributes: { transB: attr.int(1) } })[0]!;
    g.node('Gemm', [h, w], { name: 'second', outputs: ['logits'], attributes: { transB: attr.int(1) } });
    g.output('logits', 'float32', ['batch', 4]);
    const ir = readModel(g.toBytes({ opset: 17 }));
    const out = randomiseLayers(ir, ['second'], 1);
    expect(inputOf(out, 'first', 1)).toBe('tied.weight');
    expect(tensor(out, 'tied.weight')).toBe(tensor(ir, 'tied.weight'));
    expect(inputOf(out, 'second', 1)).not.toBe('tied.weight');
    expect(tensor(out, inputOf(out, 'second', 1))).not.toEqual(tensor(ir, 'tied.weight'));
  });

  it('refuses a layer name the model does not have, naming its layers', () => {
    const ir = readModel(structuredCnn());
    expect(() => randomiseLayers(ir, ['conv9'], 1)).toThrow(HeatlabError);
    expect(() => randomiseLayers(ir, ['conv9'], 1)).toThrow('The model has no weighted layer named conv9; its layers are fc, conv2, conv1.');
  });
});

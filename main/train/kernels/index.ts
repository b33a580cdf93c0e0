// Heatlab's wasm kernel pack (DESIGN.md, "Engines"): the gradient kernels a CNN's training step
// needs, built from the wasm backend's own XNNPACK convolutions and data-movement kernels, so
// tfjs-backend-wasm can train CNNs at all (it lacks Conv2DBackpropFilter) and fast. BatchMatMul
// and Sum take over only the cases a dense layer's and a bias's gradients hit, where the stock
// kernels fall back to slow loops, and Add only a bias add.
import type { KernelConfig } from '@tensorflow/tfjs';
import { addKernel } from './add.js';
import { avgPoolGradKernel } from './avg-pool-grad.js';
import { batchMatMulKernel } from './batch-mat-mul.js';
import { conv2dBackpropFilterKernel } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputKernel } from './conv2d-backprop-input.js';
import { maxPoolGradKernel } from './max-pool-grad.js';
import { sumKernel } from './sum.js';
import type { Tfjs } from './wasm-scratch.js';

/** The stock wasm kernels the pack is built from. */
const requiredStockKernels = ['Conv2D', 'DepthwiseConv2dNative', 'Transpose', 'Reshape', 'PadV2', 'Slice', 'BatchMatMul', 'Sum', 'AvgPool', 'AvgPoolGrad', 'Multiply', 'Identity', 'Add'];

const ours = new WeakSet<KernelConfig>();

/** What the pack registers, in the order it registers them. */
export const packKernelNames = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad', 'AvgPoolGrad', 'BatchMatMul', 'Sum', 'Add'];

/**
 * Registers the pack's kernels on the 'wasm' backend, replacing stock ones of the same name, and
 * returns their names. Calling it again (with the same tfjs) changes nothing.
 */
export function registerKernelPack(tf: Tfjs): string[] {
  const missing = requiredStockKernels.filter((name) => tf.getKernel(name, 'wasm') === undefined);
  if (missing.length > 0) {
    throw new Error(`The wasm kernel pack needs @tensorflow/tfjs-backend-wasm loaded first (missing kernels: ${missing.join(', ')}).`);
  }
  // These wrap the stock kernel (taking over only the cases it handles slowly), so they are only
  // built around a stock one.
  const stockMatMul = tf.getKernel('BatchMatMul', 'wasm');
  const stockSum = tf.getKernel('Sum', 'wasm');
  const stockAvgPoolGrad = tf.getKernel('AvgPoolGrad', 'wasm');
  const stockAdd = tf.getKernel('Add', 'wasm');
  const kernels = [
    conv2dBackpropFilterKernel(tf),
    conv2dBackpropInputKernel(tf),
    maxPoolGradKernel(tf),
    ...(ours.has(stockAvgPoolGrad) ? [] : [avgPoolGradKernel(tf, stockAvgPoolGrad)]),
    ...(ours.has(stockMatMul) ? [] : [batchMatMulKernel(tf, stockMatMul)]),
    ...(ours.has(stockSum) ? [] : [sumKernel(tf, stockSum)]),
    ...(ours.has(stockAdd) ? [] : [addKernel(stockAdd)]),
  ];
  for (const kernel of kernels) {
    const current = tf.getKernel(kernel.kernelName, 'wasm');
    if (current !== undefined && ours.has(current)) continue;
    // Unregistering first keeps tfjs from warning that the stock kernel is being replaced.
    if (current !== undefined) tf.unregisterKernel(kernel.kernelName, 'wasm');
    tf.registerKernel(kernel);
    ours.add(kernel);
  }
  return [...packKernelNames];
}

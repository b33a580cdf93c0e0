// Sum over every axis but the last on wasm: the reduction behind every bias gradient
// (dB = Σ_{n,y,x} dY). The stock kernel first transposes the channels to the front, a
// cache-hostile pass that made it a tenth of a CNN training step; XNNPACK's average pooling reads
// dY once instead (window = all rows of one image), and the per-image sums are added afterwards.
// Every other reduction goes to the stock kernel unchanged.
import type { KernelConfig, NamedTensorInfoMap, SumAttrs, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { withScratch, type Tfjs } from './wasm-scratch.js';

export function sumKernel(tf: Tfjs, stock: KernelConfig): KernelConfig {
  return {
    kernelName: 'Sum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => sum(tf, stock, inputs, backend as BackendWasm, attrs as unknown as SumAttrs),
  };
}

/** Below this many rows the transpose is cheap and the stock kernel is as good. */
const MIN_ROWS = 256;

function sum(tf: Tfjs, stock: KernelConfig, inputs: NamedTensorInfoMap, backend: BackendWasm, attrs: SumAttrs): TensorInfo {
  const { x } = inputs as { x: TensorInfo };
  const rank = x.shape.length;
  const axes = [...new Set(tf.util.parseAxisParam(attrs.axis, x.shape))].sort((a, b) => a - b);
  const leading = rank >= 2 && axes.length === rank - 1 && axes.every((axis, i) => axis === i);
  const rows = x.shape.slice(0, -1).reduce((n, d) => n * d, 1);
  const images = rank > 2 ? x.shape[0]! : 1;
  const perImage = rows / images;
  if (x.dtype !== 'float32' || !leading || rows < MIN_ROWS || perImage < 2) {
    return stock.kernelFunc({ inputs, backend, attrs: attrs as unknown as Record<string, never> }) as TensorInfo;
  }
  const channels = x.shape[rank - 1]!;
  return withScratch(tf, backend, (s) => {
    const mean = s.run('AvgPool', { x: s.reshape(x, [images, perImage, 1, channels]) }, { filterSize: [perImage, 1], strides: [perImage, 1], pad: 'valid' });
    const sums = s.run('Multiply', { a: mean, b: s.constant([1], 'float32', new Float32Array([perImage])) });
    const total = images > 1 ? s.call(stock, { x: s.reshape(sums, [images, channels]) }, { axis: [0], keepDims: false }) : sums;
    return s.reshape(total, attrs.keepDims ? [...new Array<number>(rank - 1).fill(1), channels] : [channels]);
  });
}

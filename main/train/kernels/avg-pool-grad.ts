// AvgPoolGrad for the wasm backend, replacing the stock per-pixel loop on all but small tensors.
// Each window spreads dY/(k_h·k_w) over its pixels. Like every tfjs backend, the divisor is the
// full window even where 'same' padding leaves part of a window outside the input.
// - Windows that tile the input exactly (stride = window, the usual 2×2 pooling): one broadcasting
//   XNNPACK multiply writes each dY value, scaled, into its k_h×k_w block.
// - Any other geometry: dY spread onto the stride grid (zeros between) and summed over a
//   k_h×k_w box, a depthwise convolution with a constant filter.
import type { AvgPoolGradAttrs, KernelConfig, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { withScratch, type Tfjs } from './wasm-scratch.js';

export function avgPoolGradKernel(tf: Tfjs, stock: KernelConfig): KernelConfig {
  return {
    kernelName: 'AvgPoolGrad',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => avgPoolGrad(tf, stock, inputs, backend as BackendWasm, attrs as unknown as AvgPoolGradAttrs),
  };
}

/** Below this many dY values the stock loop beats the fixed cost of creating XNNPACK operators. */
const MIN_SIZE = 4096;

function avgPoolGrad(tf: Tfjs, stock: KernelConfig, inputs: NamedTensorInfoMap, backend: BackendWasm, attrs: AvgPoolGradAttrs): TensorInfo {
  const { dy, input: x } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad } = attrs;
  if (dy.shape.reduce((a, b) => a * b, 1) < MIN_SIZE) {
    return stock.kernelFunc({ inputs, backend, attrs: attrs as unknown as Record<string, never> }) as TensorInfo;
  }
  const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize, strides, 1, pad);
  const { batchSize: n, inHeight, inWidth, inChannels: c, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { filterHeight: kh, filterWidth: kw, padInfo } = info;
  const tiles = sh === kh && sw === kw && padInfo.top === 0 && padInfo.left === 0 && oh * kh === inHeight && ow * kw === inWidth;
  if (tiles) {
    return withScratch(tf, backend, (s) => {
      // [N·oh, 1, ow, 1, C] × [1, kh, 1, kw, C] of 1/(kh·kw) = [N·oh, kh, ow, kw, C], which is dX.
      const share = s.constant([1, kh, 1, kw, c], 'float32', new Float32Array(kh * kw * c).fill(1 / (kh * kw)));
      return s.reshape(s.run('Multiply', { a: s.reshape(dy, [n * oh, 1, ow, 1, c]), b: share }), x.shape);
    });
  }
  // dY on the stride grid: row o·s holds dY row o, the s − 1 rows after it are zero.
  const spreadH = oh * sh;
  const spreadW = ow * sw;
  const top = kh - 1 - padInfo.top;
  const bottom = inHeight + padInfo.top - spreadH;
  const left = kw - 1 - padInfo.left;
  const right = inWidth + padInfo.left - spreadW;

  return withScratch(tf, backend, (s) => {
    let spread = dy;
    if (sh > 1) {
      const rows = s.run('PadV2', { x: s.reshape(spread, [n * oh, 1, ow * c]) }, { paddings: [[0, 0], [0, sh - 1], [0, 0]], constantValue: 0 });
      spread = s.reshape(rows, [n, spreadH, ow, c]);
    }
    if (sw > 1) {
      const cols = s.run('PadV2', { x: s.reshape(spread, [n * spreadH * ow, 1, c]) }, { paddings: [[0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
      spread = s.reshape(cols, [n, spreadH, spreadW, c]);
    }
    const cut = s.padOrCrop(spread, [[0, 0], [Math.min(0, top), Math.min(0, bottom)], [Math.min(0, left), Math.min(0, right)], [0, 0]]);
    const box = s.constant([kh, kw, c, 1], 'float32', new Float32Array(kh * kw * c).fill(1 / (kh * kw)));
    return s.run(
      'DepthwiseConv2dNative',
      { x: cut, filter: box },
      {
        strides: [1, 1],
        dilations: [1, 1],
        pad: [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]],
      },
    );
  });
}

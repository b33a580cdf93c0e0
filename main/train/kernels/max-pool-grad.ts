// MaxPoolGrad for the wasm backend, replacing the stock loop, which is slow and wrong: it starts
// its running max at FLT_MIN and lets later ties win, so all-negative windows lose their gradient.
// Routing follows the cpu backend: each window's dY goes to the window's first maximum in
// row-major order (strict >, from −∞; a window of NaN/−∞ routes nothing).
// This is pure data movement, so it runs as one pass over the wasm heap: composed from stock wasm
// kernels (one-hot depthwise im2col, prefix-mask matmul, broadcasts, transposes) it measured
// slower, because the backend's broadcasting and strided kernels are scalar loops.
import type { KernelConfig, MaxPoolGradAttrs, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tfjs } from './wasm-scratch.js';

export function maxPoolGradKernel(tf: Tfjs): KernelConfig {
  return {
    kernelName: 'MaxPoolGrad',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => maxPoolGrad(tf, inputs, backend as BackendWasm, attrs as unknown as MaxPoolGradAttrs),
  };
}

function maxPoolGrad(tf: Tfjs, inputs: NamedTensorInfoMap, backend: BackendWasm, attrs: MaxPoolGradAttrs): TensorInfo {
  const { dy, input: x } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { filterHeight: kh, filterWidth: kw, padInfo } = info;

  // Allocate first: allocation may grow the heap, which detaches earlier views of it.
  const dx = backend.makeOutput(x.shape, 'float32');
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const dys = backend.typedArrayFromHeap(dy) as Float32Array;
  const dxs = backend.typedArrayFromHeap(dx) as Float32Array;
  dxs.fill(0);
  // Running max and its flat position for every channel of one window, so reads stay contiguous.
  const best = new Float32Array(c);
  const at = new Int32Array(c);
  let window = 0;
  for (let n = 0; n < batchSize; n++) {
    for (let y = 0; y < oh; y++) {
      const top = y * sh - padInfo.top;
      const rowFrom = Math.max(0, top);
      const rowTo = Math.min(h, top + kh);
      for (let xo = 0; xo < ow; xo++) {
        const left = xo * sw - padInfo.left;
        const colFrom = Math.max(0, left);
        const colTo = Math.min(w, left + kw);
        best.fill(-Infinity);
        at.fill(-1);
        for (let r = rowFrom; r < rowTo; r++) {
          for (let col = colFrom; col < colTo; col++) {
            const pixel = ((n * h + r) * w + col) * c;
            for (let d = 0; d < c; d++) {
              const v = xs[pixel + d]!;
              if (v > best[d]!) {
                best[d] = v;
                at[d] = pixel + d;
              }
            }
          }
        }
        for (let d = 0; d < c; d++, window++) {
          const i = at[d]!;
          if (i >= 0) dxs[i] = dxs[i]! + dys[window]!;
        }
      }
    }
  }
  return dx;
}

// Conv2DBackpropFilter for the wasm backend, which has none:
//   dW[a, b, i, o] = Σ_{n, y, x} X[n, y·s + a − pad, x·s + b − pad, i] · dY[n, y, x, o]
// A contraction over every pixel of the batch into a tiny result, which XNNPACK can compute in three
// ways; each makes it pack a different operand as "weights", and packing (not arithmetic) is what
// these products cost on wasm, so the kernel picks the way that packs the least:
// - patchProduct: dW = Pᵀ·dY with the patch matrix P from a one-hot depthwise convolution; dY is
//   packed as matrix weights, which is cheap. For few input channels (first layers).
// - imageAsFilter (stride 1): a convolution of dY, as [Co, oh, ow, N], with X, as [H, W, N, Ci];
//   packs X.
// - direct (NHWC, output channels in fours; taken whenever it applies): the pack's own SIMD loop
//   (simd/) sums X·dY along each output row; nothing is packed, transposed or padded.
// - gradientAsFilter: a convolution of X, as [Ci, H, W, N], with dY, as [oh, ow, N, Co], dilated by
//   the stride; packs dY. Works for every geometry.
import type { Conv2DBackpropFilterAttrs, KernelConfig, NamedTensorInfoMap, TensorInfo, backend_util } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdKernels, type SimdKernels } from './simd/index.js';
import { withScratch, type Tfjs, type WasmScratch } from './wasm-scratch.js';

type Conv2DInfo = backend_util.Conv2DInfo;

export function conv2dBackpropFilterKernel(tf: Tfjs): KernelConfig {
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) =>
      conv2dBackpropFilter(tf, inputs, backend as BackendWasm, attrs as unknown as Conv2DBackpropFilterAttrs),
  };
}

function conv2dBackpropFilter(tf: Tfjs, inputs: NamedTensorInfoMap, backend: BackendWasm, attrs: Conv2DBackpropFilterAttrs): TensorInfo {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const nchw = dataFormat === 'NCHW';
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    nchw ? 'channelsFirst' : 'channelsLast',
  );
  const { strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  const taps = filterHeight * filterWidth;
  const xSize = x.shape.reduce((a, b) => a * b, 1);
  const dySize = dy.shape.reduce((a, b) => a * b, 1);
  return withScratch(tf, backend, (s) => {
    // Measured on tiny-cnn's layers (1→16, 16→32, 32→32 at stride 2) the SIMD loop beats every
    // XNNPACK formulation, by 2–3×: they spend most of their time packing a large operand.
    const simd = !nchw && info.outChannels % 4 === 0 && x.dtype === 'float32' && dy.dtype === 'float32' ? simdKernels(backend) : null;
    if (simd !== null) return direct(s, simd, x, dy, info);
    // P is then at most about twice dY, and writing it costs less than packing dY as a filter.
    if (!nchw && info.inChannels * taps <= 2 * info.outChannels) return patchProduct(s, x, dy, info);
    const unitStride = strideHeight === 1 && strideWidth === 1 && padInfo.top < filterHeight && padInfo.left < filterWidth;
    // Ci becomes the product's column count: below XNNPACK's 8-wide tiles the saved packing is lost again.
    if (unitStride && info.inChannels >= 8 && xSize < dySize) return imageAsFilter(s, x, dy, nchw, info);
    return gradientAsFilter(s, x, dy, nchw, info);
  });
}

/** Batch and channels of X swap roles; dY is the filter, dilated by the stride. Packs dY. */
function gradientAsFilter(s: WasmScratch, x: TensorInfo, dy: TensorInfo, nchw: boolean, info: Conv2DInfo): TensorInfo {
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  // Padding the forward pass added comes back as zeros; rows past the last window make the
  // result taller than the filter and are cut from it (cheaper than cutting X).
  const bottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - padInfo.top;
  const right = filterWidth + (outWidth - 1) * strideWidth - inWidth - padInfo.left;
  const xT = s.transpose(x, nchw ? [1, 2, 3, 0] : [3, 1, 2, 0]);
  const dyT = s.transpose(dy, nchw ? [2, 3, 0, 1] : [1, 2, 0, 3]);
  const grad = s.run(
    'Conv2D',
    { x: xT, filter: dyT },
    {
      strides: [1, 1],
      dilations: [strideHeight, strideWidth],
      pad: [[0, 0], [padInfo.top, Math.max(0, bottom)], [padInfo.left, Math.max(0, right)], [0, 0]],
      dataFormat: 'NHWC',
    },
  );
  const cut = s.padOrCrop(grad, [[0, 0], [0, Math.min(0, bottom)], [0, Math.min(0, right)], [0, 0]]);
  return s.transpose(cut, [1, 2, 0, 3]);
}

/**
 * Stride 1 only: the output gradient is the image ([Co, oh, ow, N]) and X the filter ([H, W, N, Ci]);
 * the result comes out as dW flipped in space, [Co, kh, kw, Ci]. Packs X.
 */
function imageAsFilter(s: WasmScratch, x: TensorInfo, dy: TensorInfo, nchw: boolean, info: Conv2DInfo): TensorInfo {
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, padInfo } = info;
  const dyT = s.transpose(dy, nchw ? [1, 2, 3, 0] : [3, 1, 2, 0]);
  const xT = s.transpose(x, nchw ? [2, 3, 0, 1] : [1, 2, 0, 3]);
  const flippedGrad = s.run(
    'Conv2D',
    { x: dyT, filter: xT },
    {
      strides: [1, 1],
      dilations: [1, 1],
      pad: [
        [0, 0],
        [filterHeight - 1 - padInfo.top, inHeight - outHeight + padInfo.top],
        [filterWidth - 1 - padInfo.left, inWidth - outWidth + padInfo.left],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  );
  return s.transpose(s.run('Reverse', { x: flippedGrad }, { dims: [1, 2] }), [1, 2, 3, 0]);
}

/**
 * dW = Pᵀ·dY with P the [M, k_h·k_w·Ci] patch matrix, which a depthwise convolution with one-hot
 * filters writes directly (same stride and padding as the forward pass). XNNPACK packs matrix
 * weights (dY here) several times faster than convolution filters.
 */
function patchProduct(s: WasmScratch, x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  const { batchSize, outHeight, outWidth, inChannels, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
  const taps = filterHeight * filterWidth;
  const rows = batchSize * outHeight * outWidth;
  const oneHot = new Float32Array(taps * inChannels * taps);
  for (let t = 0; t < taps; t++) for (let i = 0; i < inChannels; i++) oneHot[(t * inChannels + i) * taps + t] = 1;
  const patches = s.run(
    'DepthwiseConv2dNative',
    { x, filter: s.constant([filterHeight, filterWidth, inChannels, taps], 'float32', oneHot) },
    {
      strides: [strideHeight, strideWidth],
      dilations: [1, 1],
      pad: [[0, 0], [padInfo.top, padInfo.bottom], [padInfo.left, padInfo.right], [0, 0]],
    },
  );
  const patchRows = s.transpose(s.reshape(patches, [rows, inChannels * taps]), [1, 0]);
  const grad = s.run('BatchMatMul', { a: s.reshape(patchRows, [1, inChannels * taps, rows]), b: s.reshape(dy, [1, rows, outChannels]) }, { transposeA: false, transposeB: false });
  return s.transpose(s.reshape(grad, [inChannels, filterHeight, filterWidth, outChannels]), [1, 2, 0, 3]);
}

/** NHWC, Co a multiple of 4: one SIMD pass over dY, skipping taps that fall into the padding. */
function direct(s: WasmScratch, simd: SimdKernels, x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  const { batchSize, inHeight, inWidth, outHeight, outWidth, inChannels, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
  const dw = s.constant([filterHeight, filterWidth, inChannels, outChannels], 'float32', new Float32Array(filterHeight * filterWidth * inChannels * outChannels));
  simd.conv2dBackpropFilter(
    simd.address(x), simd.address(dy), simd.address(dw), batchSize, outHeight, outWidth, strideHeight, strideWidth,
    filterHeight, filterWidth, inChannels, outChannels, inHeight, inWidth, padInfo.top, padInfo.left,
  );
  return dw;
}

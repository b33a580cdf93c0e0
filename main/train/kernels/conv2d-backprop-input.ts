// Conv2DBackpropInput for the wasm backend, replacing the stock per-pixel loop.
// The input gradient is a transposed convolution. Computed naively it would convolve a dY dilated
// by the stride (mostly zeros); instead each of the s_h·s_w output phases gets its own sub-filter
// (sub-pixel convolution, Shi et al. 2016): with kc = ⌈k/s⌉ and row j = q·s + r of the padded frame,
//   dX[q·s + r − pad] = Σ_{t<kc} dY[q − t] · W[t·s + r]   (W zero beyond k, flipped, in/out swapped)
// so one XNNPACK convolution of the undilated dY with a [kc_h, kc_w, Co, s_h·s_w·Ci] filter yields
// every phase, and a transpose interleaves the phases back into rows and columns.
// With a stride above 1 that convolution also multiplies the zeros past the kernel in each
// sub-filter (2×2 taps of a 3×3 kernel at stride 2: 16 for 9), so NHWC with Ci in fours instead
// takes col2im: cols = dY·Wᵀ (one plain matrix product, W the small operand XNNPACK packs), then
// the pack's SIMD loop adds each tap's row of cols into dX.
import type { Conv2DBackpropInputAttrs, KernelConfig, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdKernels } from './simd/index.js';
import { withScratch, type Tfjs } from './wasm-scratch.js';

export function conv2dBackpropInputKernel(tf: Tfjs): KernelConfig {
  return {
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) =>
      conv2dBackpropInput(tf, inputs, backend as BackendWasm, attrs as unknown as Conv2DBackpropInputAttrs),
  };
}

/** Rows (or columns) of one spatial axis: how dY is padded for the phase convolution. */
function axisPlan(inSize: number, outSize: number, filterSize: number, stride: number, padBefore: number) {
  const taps = Math.ceil(filterSize / stride); // kc: sub-filter length per phase
  const first = Math.floor(padBefore / stride); // q of the first frame row holding dX row 0
  const end = Math.ceil((padBefore + inSize) / stride); // q past the last frame row needed
  // dY rows q − kc + 1 … end − 1 feed frame rows first … end − 1. Where that asks for fewer dY rows
  // than there are (huge explicit padding, or rows no window reaches) the extra frame rows are
  // computed and cut from dX at the end, which is cheaper than cutting dY.
  const before = taps - 1 - first;
  return {
    taps,
    padBefore: Math.max(0, before),
    padAfter: Math.max(0, end - outSize),
    // q of the convolution's first output row, and from it where dX row 0 sits in the frame.
    offset: padBefore - (first + Math.min(0, before)) * stride,
  };
}

/**
 * The sub-filters as one [kc_h, kc_w, Co, s_h·s_w·Ci] filter: F[t, u, o, (r, q, i)] = W[(kc_h−1−t)·s_h + r,
 * (kc_w−1−u)·s_w + q, i, o], zero past the kernel. Built directly: the filter is small, and the
 * equivalent pad/reverse/rank-6 transpose run as slow generic loops on the wasm backend.
 */
function phaseFilter(w: Float32Array, kh: number, kw: number, ci: number, co: number, sh: number, sw: number, th: number, tw: number): Float32Array {
  const out = new Float32Array(th * tw * co * sh * sw * ci);
  let k = 0;
  for (let t = 0; t < th; t++)
    for (let u = 0; u < tw; u++)
      for (let o = 0; o < co; o++)
        for (let r = 0; r < sh; r++)
          for (let q = 0; q < sw; q++) {
            const a = (th - 1 - t) * sh + r;
            const b = (tw - 1 - u) * sw + q;
            if (a >= kh || b >= kw) {
              k += ci;
              continue;
            }
            for (let i = 0; i < ci; i++) out[k++] = w[((a * kw + b) * ci + i) * co + o]!;
          }
  return out;
}

function conv2dBackpropInput(tf: Tfjs, inputs: NamedTensorInfoMap, backend: BackendWasm, attrs: Conv2DBackpropInputAttrs): TensorInfo {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  const nchw = dataFormat === 'NCHW';
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    nchw ? 'channelsFirst' : 'channelsLast',
  );
  const { batchSize, inHeight, inWidth, inChannels, outChannels, outHeight, outWidth, strideHeight: sh, strideWidth: sw } = info;
  const { filterHeight: kh, filterWidth: kw, padInfo } = info;
  const rows = axisPlan(inHeight, outHeight, kh, sh, padInfo.top);
  const cols = axisPlan(inWidth, outWidth, kw, sw, padInfo.left);

  const simd = !nchw && (sh > 1 || sw > 1) && inChannels % 4 === 0 && dy.dtype === 'float32' && filter.dtype === 'float32' ? simdKernels(backend) : null;
  if (simd !== null) {
    return withScratch(tf, backend, (s) => {
      const taps = kh * kw * inChannels;
      const pixels = batchSize * outHeight * outWidth;
      // Wᵀ: [Co, kh·kw·Ci]
      const wT = s.transpose(s.reshape(filter, [taps, outChannels]), [1, 0]);
      const cols = s.run('BatchMatMul', { a: s.reshape(dy, [1, pixels, outChannels]), b: s.reshape(wT, [1, outChannels, taps]) }, { transposeA: false, transposeB: false });
      const dx = s.constant(inputShape, 'float32', new Float32Array(batchSize * inHeight * inWidth * inChannels));
      simd.col2im(simd.address(cols), simd.address(dx), batchSize, outHeight, outWidth, sh, sw, kh, kw, inChannels, inHeight, inWidth, padInfo.top, padInfo.left);
      return dx;
    });
  }
  return withScratch(tf, backend, (s) => {
    const wPhases = s.constant(
      [rows.taps, cols.taps, outChannels, sh * sw * inChannels],
      'float32',
      phaseFilter(backend.typedArrayFromHeap(filter) as Float32Array, kh, kw, inChannels, outChannels, sh, sw, rows.taps, cols.taps),
    );
    const dyNhwc = nchw ? s.transpose(dy, [0, 2, 3, 1]) : dy;
    const phases = s.run(
      'Conv2D',
      { x: dyNhwc, filter: wPhases },
      { strides: [1, 1], dilations: [1, 1], pad: [[0, 0], [rows.padBefore, rows.padAfter], [cols.padBefore, cols.padAfter], [0, 0]], dataFormat: 'NHWC' },
    );
    // [N, U, V, s_h, s_w, Ci] → [N, U, s_h, V, s_w, Ci] = [N, U·s_h, V·s_w, Ci]
    const [, u, v] = phases.shape as [number, number, number, number];
    const frame = s.reshape(s.transpose(s.reshape(phases, [batchSize, u, v, sh, sw, inChannels]), [0, 1, 3, 2, 4, 5]), [batchSize, u * sh, v * sw, inChannels]);
    const dx = s.padOrCrop(frame, [
      [0, 0],
      [-rows.offset, inHeight + rows.offset - u * sh],
      [-cols.offset, inWidth + cols.offset - v * sw],
      [0, 0],
    ]);
    return nchw ? s.transpose(dx, [0, 3, 1, 2]) : dx;
  });
}

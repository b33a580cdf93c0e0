// MaxPoolGrad for the wasm backend, replacing the stock loop, which is slow and wrong: it starts
// its running max at FLT_MIN and lets later ties win, so all-negative windows lose their gradient.
// Routing follows the cpu backend: each window's dY goes to the window's first maximum in
// row-major order (strict >, from −∞; a window of NaN/−∞ routes nothing).
// This is pure data movement, so it runs as one pass over the wasm heap: composed from stock wasm
// kernels (one-hot depthwise im2col, prefix-mask matmul, broadcasts, transposes) it measured
// slower, because the backend's broadcasting and strided kernels are scalar loops.
import type { KernelConfig, MaxPoolGradAttrs, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdKernels } from './simd/index.js';
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
  const inside = padInfo.top === 0 && padInfo.left === 0 && (oh - 1) * sh + kh <= h && (ow - 1) * sw + kw <= w;
  const tiles = kh === 2 && kw === 2 && sh === 2 && sw === 2 && inside;
  const simd = tiles && c % 4 === 0 ? simdKernels(backend) : null;
  if (simd !== null) {
    // Tiling windows write every element they cover, so only a leftover row or column needs zeros.
    if (oh * 2 !== h || ow * 2 !== w) (backend.typedArrayFromHeap(dx) as Float32Array).fill(0);
    simd.maxPoolGrad2x2(simd.address(x), simd.address(dy), simd.address(dx), batchSize, oh, ow, c * 4, w * c * 4, h * w * c * 4);
    return dx;
  }
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const dys = backend.typedArrayFromHeap(dy) as Float32Array;
  const dxs = backend.typedArrayFromHeap(dx) as Float32Array;
  const geometry = { batchSize, h, w, c, oh, ow, sh, sw, kh, kw, top: padInfo.top, left: padInfo.left };
  // Tiling windows write every element they cover, so only a leftover row or column needs zeros.
  if (!tiles || oh * 2 !== h || ow * 2 !== w) dxs.fill(0);
  if (tiles) routeTiles(xs, dys, dxs, geometry);
  else if (kh === 2 && kw === 2 && inside) routeTwoByTwo(xs, dys, dxs, geometry);
  else route(xs, dys, dxs, geometry);
  return dx;
}

interface Geometry {
  batchSize: number;
  h: number;
  w: number;
  c: number;
  oh: number;
  ow: number;
  sh: number;
  sw: number;
  kh: number;
  kw: number;
  top: number;
  left: number;
}

/** Any window, stride and padding; windows are clipped to the input. */
function route(xs: Float32Array, dys: Float32Array, dxs: Float32Array, g: Geometry): void {
  const { batchSize, h, w, c, oh, ow, sh, sw, kh, kw, top, left } = g;
  // Running max and its flat position for every channel of one window, so reads stay contiguous.
  const best = new Float32Array(c);
  const at = new Int32Array(c);
  let window = 0;
  for (let n = 0; n < batchSize; n++) {
    for (let y = 0; y < oh; y++) {
      const rowFrom = Math.max(0, y * sh - top);
      const rowTo = Math.min(h, y * sh - top + kh);
      for (let xo = 0; xo < ow; xo++) {
        const colFrom = Math.max(0, xo * sw - left);
        const colTo = Math.min(w, xo * sw - left + kw);
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
}

/**
 * The common 2×2 window lying wholly inside the input, unrolled, with the winner chosen by
 * arithmetic rather than branches (random data makes those branches unpredictable): ~2× faster.
 */
function routeTwoByTwo(xs: Float32Array, dys: Float32Array, dxs: Float32Array, g: Geometry): void {
  const { batchSize, h, w, c, oh, ow, sh, sw } = g;
  const below = w * c;
  let window = 0;
  for (let n = 0; n < batchSize; n++) {
    for (let y = 0; y < oh; y++) {
      for (let xo = 0; xo < ow; xo++) {
        const corner = ((n * h + y * sh) * w + xo * sw) * c;
        for (let d = 0; d < c; d++, window++) {
          const p0 = corner + d;
          const p1 = p0 + c;
          const p2 = p0 + below;
          const p3 = p2 + c;
          let best = -Infinity;
          let at = -1;
          let v = xs[p0]!;
          let wins = +(v > best);
          at += (p0 - at) * wins;
          best = wins ? v : best;
          v = xs[p1]!;
          wins = +(v > best);
          at += (p1 - at) * wins;
          best = wins ? v : best;
          v = xs[p2]!;
          wins = +(v > best);
          at += (p2 - at) * wins;
          best = wins ? v : best;
          v = xs[p3]!;
          wins = +(v > best);
          at += (p3 - at) * wins;
          if (at >= 0) dxs[at] = dxs[at]! + dys[window]!;
        }
      }
    }
  }
}

/**
 * 2×2 windows with stride 2 lying inside the input: they do not overlap, so each window writes
 * its four dX elements once (its dY at the first maximum, zeros elsewhere) instead of adding into
 * a zeroed dX. The maximum is found first; equality then picks its first position. A window
 * holding NaN takes the exact sequential comparison instead.
 */
function routeTiles(xs: Float32Array, dys: Float32Array, dxs: Float32Array, g: Geometry): void {
  const { batchSize, h, w, c, oh, ow } = g;
  const below = w * c;
  const span = 2 * c;
  const pick = new Float32Array(2);
  const pair = new Float64Array(6);
  let window = 0;
  for (let n = 0; n < batchSize; n++) {
    for (let y = 0; y < oh; y++) {
      let p0 = (n * h + 2 * y) * below;
      for (let xo = 0; xo < ow; xo++, p0 += span - c) {
        for (let d = 0; d < c; d++, p0++, window++) {
          const p1 = p0 + c;
          const p2 = p0 + below;
          const p3 = p2 + c;
          const a = xs[p0]!;
          const b = xs[p1]!;
          const e = xs[p2]!;
          const f = xs[p3]!;
          const dyv = dys[window]!;
          // Pairwise ≥ keeps the earlier element on ties, and the top row beats the bottom on a
          // tie: the first maximum, for non-NaN values (±0 compare equal, as under strict >).
          // Values and dY are selected by index into small arrays, not by branches, which random
          // data makes unpredictable.
          const gab = +(a >= b);
          const gef = +(e >= f);
          pair[0] = b;
          pair[1] = a;
          pair[2] = f;
          pair[3] = e;
          const top = pair[gab]!;
          const bottom = pair[2 + gef]!;
          const gt = +(top >= bottom);
          pair[4] = bottom;
          pair[5] = top;
          const m = pair[4 + gt]!;
          if (m > -Infinity && a === a && b === b && e === e && f === f) {
            pick[1] = dyv;
            dxs[p0] = pick[gt & gab]!;
            dxs[p1] = pick[gt & (1 - gab)]!;
            dxs[p2] = pick[(1 - gt) & gef]!;
            dxs[p3] = pick[(1 - gt) & (1 - gef)]!;
            continue;
          }
          // NaN or −∞ somewhere that matters: strict > from −∞, as the cpu backend does.
          let best = -Infinity;
          let at = -1;
          if (a > best) (best = a), (at = 0);
          if (b > best) (best = b), (at = 1);
          if (e > best) (best = e), (at = 2);
          if (f > best) at = 3;
          dxs[p0] = at === 0 ? dyv : 0;
          dxs[p1] = at === 1 ? dyv : 0;
          dxs[p2] = at === 2 ? dyv : 0;
          dxs[p3] = at === 3 ? dyv : 0;
        }
      }
    }
  }
}

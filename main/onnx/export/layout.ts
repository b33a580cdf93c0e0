// Layout conversions between tfjs (NHWC activations, HWIO convolution kernels, [in, out] dense
// kernels) and ONNX (NCHW activations, OIHW kernels, [out, in] Gemm weights with transB = 1).
// CONVENTIONS.md, "Numerics": every conversion between the two layouts happens here and nowhere
// else in the exporter and its verification.

/** A Conv2D kernel from tfjs HWIO [kh, kw, in, out] to ONNX OIHW [out, in, kh, kw]. */
export function hwioToOihw(kernel: Float32Array, shape: readonly [number, number, number, number]): Float32Array {
  const [kh, kw, cin, cout] = shape;
  if (kernel.length !== kh * kw * cin * cout) throw new Error(`A ${shape.join('×')} kernel needs ${kh * kw * cin * cout} values, got ${kernel.length}.`);
  const out = new Float32Array(kernel.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = kernel[((y * kw + x) * cin + i) * cout + o]!;
  return out;
}

/** A Dense kernel from tfjs [in, out] to the [out, in] matrix ONNX Gemm reads with transB = 1. */
export function inOutToOutIn(kernel: Float32Array, shape: readonly [number, number]): Float32Array {
  const [rows, cols] = shape;
  if (kernel.length !== rows * cols) throw new Error(`A ${rows}×${cols} kernel needs ${rows * cols} values, got ${kernel.length}.`);
  const out = new Float32Array(kernel.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = kernel[r * cols + c]!;
  return out;
}

/** A batch of images from NHWC (tfjs) to NCHW (the ONNX model's input). */
export function nhwcToNchw(images: Float32Array, shape: readonly [number, number, number, number]): Float32Array {
  const [n, h, w, c] = shape;
  if (images.length !== n * h * w * c) throw new Error(`A ${shape.join('×')} batch needs ${n * h * w * c} values, got ${images.length}.`);
  const out = new Float32Array(images.length);
  const plane = h * w;
  for (let b = 0; b < n; b++) {
    const base = b * plane * c;
    for (let p = 0; p < plane; p++) for (let ch = 0; ch < c; ch++) out[base + ch * plane + p] = images[base + p * c + ch]!;
  }
  return out;
}

/**
 * The permutation that takes an NCHW value back to NHWC before Flatten. tfjs flattens NHWC in
 * (h, w, c) order; flattening NCHW directly would give (c, h, w) and scramble the Dense weights
 * that follow.
 */
export const NCHW_TO_NHWC = [0, 2, 3, 1] as const;

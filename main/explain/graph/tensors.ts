// Small NCHW tensor routines the graph methods share: one-hot seeds, channel reduction, and the
// bilinear upsampling Grad-CAM maps need.
import type { ChannelReduction } from './method.js';

/** One-hot rows [n, classes]: the gradient arriving at the logits selects the target's score. */
export function oneHot(targets: Int32Array | readonly number[], classes: number): Float32Array {
  const seed = new Float32Array(targets.length * classes);
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i]!;
    if (!Number.isInteger(t) || t < 0 || t >= classes) throw new RangeError(`Target class ${t} is outside the model's ${classes} classes.`);
    seed[i * classes + t] = 1;
  }
  return seed;
}

/** [n, C, H, W] → [n, H, W] by the named rule. */
export function reduceChannels(values: Float32Array, n: number, channels: number, plane: number, rule: ChannelReduction): Float32Array {
  const out = new Float32Array(n * plane);
  for (let i = 0; i < n; i++) {
    const o = out.subarray(i * plane, (i + 1) * plane);
    for (let c = 0; c < channels; c++) {
      const v = values.subarray((i * channels + c) * plane, (i * channels + c + 1) * plane);
      if (rule === 'sum') for (let p = 0; p < plane; p++) o[p]! += v[p]!;
      else if (rule === 'abs-sum') for (let p = 0; p < plane; p++) o[p]! += Math.abs(v[p]!);
      else for (let p = 0; p < plane; p++) o[p] = Math.max(o[p]!, Math.abs(v[p]!));
    }
  }
  return out;
}

/** a ← a·b elementwise (same length). */
export function multiplyInto(a: Float32Array, b: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) a[i]! *= b[i]!;
  return a;
}

/**
 * Bilinear resize of [n, h, w] planes to [n, H, W] with half-pixel centres and edge clamping
 * (PyTorch `interpolate(align_corners=False)`, OpenCV `resize` INTER_LINEAR — what Grad-CAM
 * implementations use).
 */
export function bilinear(maps: Float32Array, n: number, h: number, w: number, height: number, width: number): Float32Array {
  const out = new Float32Array(n * height * width);
  const axis = (size: number, target: number) =>
    Array.from({ length: target }, (_, o) => {
      const src = Math.min(Math.max((o + 0.5) * (size / target) - 0.5, 0), size - 1);
      const lo = Math.floor(src);
      return { lo, hi: Math.min(lo + 1, size - 1), t: src - lo };
    });
  const ys = axis(h, height);
  const xs = axis(w, width);
  for (let i = 0; i < n; i++) {
    const m = maps.subarray(i * h * w, (i + 1) * h * w);
    const o = out.subarray(i * height * width, (i + 1) * height * width);
    for (let y = 0; y < height; y++) {
      const { lo: y0, hi: y1, t: ty } = ys[y]!;
      for (let x = 0; x < width; x++) {
        const { lo: x0, hi: x1, t: tx } = xs[x]!;
        const top = m[y0 * w + x0]! * (1 - tx) + m[y0 * w + x1]! * tx;
        const bottom = m[y1 * w + x0]! * (1 - tx) + m[y1 * w + x1]! * tx;
        o[y * width + x] = top * (1 - ty) + bottom * ty;
      }
    }
  }
  return out;
}

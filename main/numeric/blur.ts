// Gaussian blur of an image plane: Integrated Gradients' blurred baseline, and the blurred canvas
// and perturbation of the faithfulness metrics (Petsiuk et al. 2018 insert into a blurred image).
/** Separable Gaussian blur of one plane [H, W], truncated at `radius` (default 3σ), edges clamped. */
export function gaussianBlur(plane: Float32Array, height: number, width: number, sigma: number, radius = Math.max(1, Math.ceil(3 * sigma))): Float32Array {
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, k) => Math.exp(-((k - radius) ** 2) / (2 * sigma * sigma)));
  const total = kernel.reduce((a, b) => a + b, 0);
  const pass = (src: Float32Array, along: 'x' | 'y') => {
    const out = new Float32Array(src.length);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        let s = 0;
        for (let k = -radius; k <= radius; k++) {
          const yy = along === 'y' ? Math.min(Math.max(y + k, 0), height - 1) : y;
          const xx = along === 'x' ? Math.min(Math.max(x + k, 0), width - 1) : x;
          s += kernel[k + radius]! * src[yy * width + xx]!;
        }
        out[y * width + x] = s / total;
      }
    return out;
  };
  return pass(pass(plane, 'x'), 'y');
}

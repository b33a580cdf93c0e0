// Concatenation of equally shaped constant tensors along one axis, at compile time: the stacked
// weights (and biases) that let one Conv or Gemm evaluate several copies of an LRP rule's layer.

/** The tensors (each shaped `dims`, row-major) side by side along `axis`. */
export function stackAlong(parts: readonly Float32Array[], dims: readonly number[], axis: number): { data: Float32Array; dims: number[] } {
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = dims.slice(axis).reduce((a, b) => a * b, 1);
  const data = new Float32Array(parts.length * outer * inner);
  let at = 0;
  for (let o = 0; o < outer; o++)
    for (const part of parts) {
      data.set(part.subarray(o * inner, (o + 1) * inner), at);
      at += inner;
    }
  return { data, dims: dims.map((d, k) => (k === axis ? d * parts.length : d)) };
}

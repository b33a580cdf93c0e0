// Lets a kernel-pack kernel call the stock wasm kernels (XNNPACK convolutions, transposes, pads)
// directly on the backend, below the engine: no tape, no tracked tensors. Everything a call makes
// is freed when the kernel finishes, except the TensorInfo it returns.
import type { DataType, KernelConfig, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type Tfjs = typeof import('@tensorflow/tfjs');

/** [before, after] per axis; a negative amount removes that many elements instead of adding. */
export type PadOrCrop = [number, number][];

export class WasmScratch {
  private readonly made: TensorInfo[] = [];

  constructor(
    private readonly tf: Tfjs,
    readonly backend: BackendWasm,
  ) {}

  /** Runs the stock wasm kernel `name`; its output is freed by `finish` unless returned. */
  run(name: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = this.tf.getKernel(name, 'wasm');
    if (kernel === undefined) throw new Error(`The wasm backend has no ${name} kernel, which Heatlab's kernel pack builds on.`);
    return this.call(kernel, inputs, attrs);
  }

  /** Runs a kernel given by its config (e.g. the stock kernel a pack kernel replaced). */
  call(kernel: KernelConfig, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const out = kernel.kernelFunc({ inputs, attrs, backend: this.backend });
    if (Array.isArray(out)) throw new Error(`The wasm ${kernel.kernelName} kernel returned several tensors where the kernel pack expects one.`);
    this.made.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /**
   * Transposes after dropping size-1 axes and merging axes that stay adjacent, so the stock kernel
   * sees the lowest rank possible (it has fast paths up to rank 4 only); a pure reshape costs nothing.
   * Moving the innermost axis of a large tensor goes through cache-sized blocks (see transpose2d).
   */
  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    const outShape = perm.map((axis) => x.shape[axis]!);
    const { shape, perm: reduced } = reducePermutation(x.shape, perm);
    if (reduced.every((axis, i) => axis === i)) return this.reshape(x, outShape);
    const [a, b, c] = shape as [number, number, number];
    let moved: TensorInfo;
    if (reduced.length === 2) moved = this.transpose2d(this.reshape(x, shape), a, b);
    else if (reduced.length === 3 && reduced.join() === '1,2,0') moved = this.transpose2d(this.reshape(x, [a, b * c]), a, b * c);
    else if (reduced.length === 3 && reduced.join() === '2,0,1') moved = this.transpose2d(this.reshape(x, [a * b, c]), a * b, c);
    else if (reduced.length === 3 && reduced.join() === '2,1,0') {
      // [A, B, C] → [B·C, A] → [C, B, A]: the second step keeps A innermost.
      const swapped = this.transpose2d(this.reshape(x, [a, b * c]), a, b * c);
      moved = this.run('Transpose', { x: this.reshape(swapped, [b, c, a]) }, { perm: [1, 0, 2] });
    } else moved = this.run('Transpose', { x: this.reshape(x, shape) }, { perm: reduced });
    return this.reshape(moved, outShape);
  }

  /**
   * [rows, cols] → [cols, rows]. The stock kernel writes the output with a stride of `rows`, which
   * thrashes the cache on large matrices (~10× slower); splitting rows into blocks of a few hundred
   * makes it two cache-friendly passes: [R1, R2, C] → [R1, C, R2] → [C, R1, R2].
   */
  private transpose2d(x: TensorInfo, rows: number, cols: number): TensorInfo {
    const block = rows * cols >= 1 << 14 ? largestDivisorUpTo(rows, 256) : 1;
    if (block < 16 || block === rows) return this.run('Transpose', { x: this.reshape(x, [rows, cols]) }, { perm: [1, 0] });
    const blocks = this.run('Transpose', { x: this.reshape(x, [rows / block, block, cols]) }, { perm: [0, 2, 1] });
    return this.run('Transpose', { x: blocks }, { perm: [1, 0, 2] });
  }

  /** A float32 or int32 tensor holding `values`, written into the wasm heap. */
  constant(shape: number[], dtype: DataType, values: Float32Array | Int32Array): TensorInfo {
    const out = this.backend.makeOutput(shape, dtype, undefined, values);
    this.made.push(out);
    return out;
  }

  /** Pads (positive amounts, filled with `value`) and crops (negative amounts) in one call each. */
  padOrCrop(x: TensorInfo, amounts: PadOrCrop, value = 0): TensorInfo {
    let out = x;
    if (amounts.some(([b, a]) => b < 0 || a < 0)) {
      const begin = amounts.map(([b]) => Math.max(0, -b));
      const size = x.shape.map((n, i) => n - Math.max(0, -amounts[i]![0]) - Math.max(0, -amounts[i]![1]));
      if (size.some((n) => n <= 0)) throw new Error(`Cannot crop a tensor of shape [${x.shape}] by [${amounts.join('; ')}].`);
      out = this.run('Slice', { x: out }, { begin, size });
    }
    if (amounts.some(([b, a]) => b > 0 || a > 0)) {
      const paddings = amounts.map(([b, a]) => [Math.max(0, b), Math.max(0, a)]);
      out = this.run('PadV2', { x: out }, { paddings, constantValue: value });
    }
    return out;
  }

  /** Frees every intermediate except `result`, which must own its data (an input is cloned). */
  finish(result: TensorInfo): TensorInfo {
    if (!this.made.includes(result)) result = this.run('Identity', { x: result });
    for (const t of this.made) if (t !== result) this.backend.disposeData(t.dataId);
    this.made.length = 0;
    return result;
  }

  /** Frees every intermediate (used when the kernel throws). */
  abandon(): void {
    for (const t of this.made) this.backend.disposeData(t.dataId);
    this.made.length = 0;
  }
}

/** Runs `body` with a scratch space whose intermediates are freed whether or not it throws. */
export function withScratch(tf: Tfjs, backend: BackendWasm, body: (s: WasmScratch) => TensorInfo): TensorInfo {
  const scratch = new WasmScratch(tf, backend);
  let result: TensorInfo;
  try {
    result = body(scratch);
  } catch (err) {
    scratch.abandon();
    throw err;
  }
  return scratch.finish(result);
}

/** The smallest-rank (shape, perm) that moves the same elements as `perm` on `shape`. */
export function reducePermutation(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  // Drop size-1 axes, renumbering the rest in input order.
  const kept = perm.filter((axis) => shape[axis] !== 1);
  const rank = [...kept].sort((a, b) => a - b);
  const renumbered = kept.map((axis) => rank.indexOf(axis));
  const keptShape = rank.map((axis) => shape[axis]!);
  // Merge runs of axes that are consecutive both in the input and in the output.
  const groups: number[][] = [];
  for (const axis of renumbered) {
    const last = groups[groups.length - 1];
    if (last !== undefined && last[last.length - 1] === axis - 1) last.push(axis);
    else groups.push([axis]);
  }
  const byInputOrder = [...groups].sort((a, b) => a[0]! - b[0]!);
  return {
    shape: byInputOrder.map((g) => g.reduce((n, axis) => n * keptShape[axis]!, 1)),
    perm: groups.map((g) => byInputOrder.indexOf(g)),
  };
}

function largestDivisorUpTo(n: number, limit: number): number {
  for (let d = Math.min(n, limit); d > 1; d--) if (n % d === 0) return d;
  return 1;
}

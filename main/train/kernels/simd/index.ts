// The kernel pack's own WebAssembly SIMD loops (kernels.wat), instantiated on the tfjs wasm
// backend's memory so they work on tensors in place. For pure data movement that no stock kernel
// does fast (e.g. routing max-pool gradients), where a JavaScript loop over the heap is several
// times slower. Absent (null) when that memory is not reachable or not usable; callers then take
// their JavaScript path.
import type { TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { kernelsWasmBase64 } from './kernels-wasm.js';

export interface SimdKernels {
  /** Byte offset of a tensor's data in the backend's memory. */
  address(t: TensorInfo): number;
  maxPoolGrad2x2(x: number, dy: number, dx: number, n: number, oh: number, ow: number, c4: number, row: number, image: number): void;
  col2im(
    cols: number, dx: number, n: number, oh: number, ow: number, sh: number, sw: number,
    kh: number, kw: number, ci: number, h: number, w: number, top: number, left: number,
  ): void;
  addBias(x: number, bias: number, out: number, rows: number, c4: number): void;
  conv2dBackpropFilter(
    x: number, dy: number, dw: number, n: number, oh: number, ow: number, sh: number, sw: number,
    kh: number, kw: number, ci: number, co: number, h: number, w: number, top: number, left: number,
  ): void;
}

/** The part of the WebAssembly API used here (Heatlab's main tsconfig has no DOM types). */
interface WebAssemblyApi {
  Memory: abstract new (...args: never[]) => { readonly buffer: ArrayBuffer | SharedArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

const instances = new WeakMap<BackendWasm, SimdKernels | null>();

export function simdKernels(backend: BackendWasm): SimdKernels | null {
  let kernels = instances.get(backend);
  if (kernels === undefined) {
    kernels = instantiate(backend);
    instances.set(backend, kernels);
  }
  return kernels;
}

function instantiate(backend: BackendWasm): SimdKernels | null {
  const module = backend.wasm as unknown as { asm?: { memory?: unknown }; wasmMemory?: unknown };
  const memory = module.asm?.memory ?? module.wasmMemory;
  // A shared (threaded) memory would not match the module's import; the loops are single-threaded anyway.
  if (!(memory instanceof wasmApi.Memory) || !(memory.buffer instanceof ArrayBuffer)) return null;
  try {
    const compiled = new wasmApi.Module(Buffer.from(kernelsWasmBase64, 'base64'));
    const instance = new wasmApi.Instance(compiled, { env: { memory } });
    const exports = instance.exports as unknown as Omit<SimdKernels, 'address'>;
    return {
      address: (t) => backend.dataIdMap.get(t.dataId)!.memoryOffset,
      maxPoolGrad2x2: exports.maxPoolGrad2x2,
      conv2dBackpropFilter: exports.conv2dBackpropFilter,
      addBias: exports.addBias,
      col2im: exports.col2im,
    };
  } catch {
    return null; // no SIMD in this engine
  }
}

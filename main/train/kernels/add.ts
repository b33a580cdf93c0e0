// Add for the wasm backend, taking over only a bias add: [..., C] + [C] (either order), C a
// multiple of 4. The stock kernel broadcasts with a scalar loop over the small innermost axis,
// a few percent of a CNN's training step; the pack's SIMD loop (simd/) adds the bias row by row.
// Everything else goes to the stock kernel unchanged.
import type { KernelConfig, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdKernels } from './simd/index.js';

export function addKernel(stock: KernelConfig): KernelConfig {
  return {
    kernelName: 'Add',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => add(stock, inputs, backend as BackendWasm, attrs ?? {}),
  };
}

/** Below this many elements the stock kernel's overhead does not matter. */
const MIN_SIZE = 4096;

const size = (t: TensorInfo) => t.shape.reduce((n, d) => n * d, 1);

/** [x, bias] when one input is a bias over the other's last axis, else null. */
function biasPair(a: TensorInfo, b: TensorInfo): [TensorInfo, TensorInfo] | null {
  for (const [x, bias] of [[a, b], [b, a]] as const) {
    const c = x.shape[x.shape.length - 1] ?? 0;
    if (x.shape.length >= 2 && c > 0 && bias.shape.length === 1 && bias.shape[0] === c && c % 4 === 0 && size(x) >= MIN_SIZE) return [x, bias];
  }
  return null;
}

function add(stock: KernelConfig, inputs: NamedTensorInfoMap, backend: BackendWasm, attrs: object): TensorInfo {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const pair = a.dtype === 'float32' && b.dtype === 'float32' ? biasPair(a, b) : null;
  const simd = pair !== null ? simdKernels(backend) : null;
  if (pair === null || simd === null) {
    return stock.kernelFunc({ inputs, backend, attrs: attrs as Record<string, never> }) as TensorInfo;
  }
  const [x, bias] = pair;
  const c = bias.shape[0]!;
  const out = backend.makeOutput(x.shape, 'float32');
  simd.addBias(simd.address(x), simd.address(bias), simd.address(out), size(x) / c, c * 4);
  return out;
}

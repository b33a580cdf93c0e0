// BatchMatMul for the wasm backend: the stock kernel uses XNNPACK only for a single matrix product
// without transposes and otherwise falls back to a scalar triple loop. A dense layer's backward
// pass needs exactly the transposed products (dX = dY·Wᵀ, dW = Xᵀ·dY), so this kernel transposes
// the operand explicitly (one fast 2-D transpose) and hands the plain product to the stock kernel.
import type { BatchMatMulAttrs, KernelConfig, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { withScratch, type Tfjs } from './wasm-scratch.js';

export function batchMatMulKernel(tf: Tfjs, stock: KernelConfig): KernelConfig {
  return {
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => batchMatMul(tf, stock, inputs, backend as BackendWasm, attrs as unknown as BatchMatMulAttrs),
  };
}

const batchSize = (t: TensorInfo) => t.shape.slice(0, -2).reduce((n, d) => n * d, 1);

function batchMatMul(tf: Tfjs, stock: KernelConfig, inputs: NamedTensorInfoMap, backend: BackendWasm, attrs: BatchMatMulAttrs): TensorInfo {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs;
  // Batched products take the stock path either way; plain products are already fast.
  if ((!transposeA && !transposeB) || batchSize(a) !== 1 || batchSize(b) !== 1 || a.dtype !== 'float32' || b.dtype !== 'float32') {
    return stock.kernelFunc({ inputs, backend, attrs: attrs as unknown as Record<string, never> }) as TensorInfo;
  }
  return withScratch(tf, backend, (s) => {
    const matrix = (t: TensorInfo, transpose: boolean) => {
      const [rows, cols] = t.shape.slice(-2) as [number, number];
      return transpose ? s.transpose(s.reshape(t, [rows, cols]), [1, 0]) : s.reshape(t, [rows, cols]);
    };
    const product = s.call(stock, { a: matrix(a, transposeA), b: matrix(b, transposeB) }, { transposeA: false, transposeB: false });
    const [rows, cols] = product.shape.slice(-2) as [number, number];
    const batchShape = (a.shape.length >= b.shape.length ? a : b).shape.slice(0, -2);
    return s.reshape(product, [...batchShape, rows, cols]);
  });
}

// Conv2DBackpropFilter for the wasm backend, which has none.
// The weight gradient is itself a convolution:
//   dW[a, b, i, o] = Σ_{n, y, x} X[n, y·s + a − pad, x·s + b − pad, i] · dY[n, y, x, o]
// which is a stride-1 convolution of X (channels as the batch, batch as the channels, [Ci, H, W, N])
// with dY as an [oh, ow, N, Co] filter dilated by the forward stride: one XNNPACK call, [Ci, kh, kw, Co].
import type { Conv2DBackpropFilterAttrs, KernelConfig, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { withScratch, type Tfjs } from './wasm-scratch.js';

export function conv2dBackpropFilterKernel(tf: Tfjs): KernelConfig {
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) =>
      conv2dBackpropFilter(tf, inputs, backend as BackendWasm, attrs as unknown as Conv2DBackpropFilterAttrs),
  };
}

function conv2dBackpropFilter(tf: Tfjs, inputs: NamedTensorInfoMap, backend: BackendWasm, attrs: Conv2DBackpropFilterAttrs): TensorInfo {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const nchw = dataFormat === 'NCHW';
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    nchw ? 'channelsFirst' : 'channelsLast',
  );
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  // Rows past the last window are cut; rows the forward pass padded come back as zeros.
  const bottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - padInfo.top;
  const right = filterWidth + (outWidth - 1) * strideWidth - inWidth - padInfo.left;

  return withScratch(tf, backend, (s) => {
    const xT = s.transpose(x, nchw ? [1, 2, 3, 0] : [3, 1, 2, 0]);
    const dyT = s.transpose(dy, nchw ? [2, 3, 0, 1] : [1, 2, 0, 3]);
    const xCut = s.padOrCrop(xT, [[0, 0], [0, Math.min(0, bottom)], [0, Math.min(0, right)], [0, 0]]);
    const grad = s.run(
      'Conv2D',
      { x: xCut, filter: dyT },
      {
        strides: [1, 1],
        dilations: [strideHeight, strideWidth],
        pad: [[0, 0], [padInfo.top, Math.max(0, bottom)], [padInfo.left, Math.max(0, right)], [0, 0]],
        dataFormat: 'NHWC',
      },
    );
    return s.transpose(grad, [1, 2, 0, 3]);
  });
}

// TensorFlow's window padding as explicit ONNX pads. ONNX's `auto_pad: SAME_UPPER` would agree
// with TensorFlow too, but explicit pads are what the explanation compiler and other tools read
// without re-deriving them, so the exporter always writes them.

export type TfPadding = 'same' | 'valid';

/** Padding of one spatial axis: rows (or columns) added before and after the input. */
export interface AxisPadding {
  before: number;
  after: number;
  /** The output size TensorFlow computes for this axis. */
  output: number;
}

/** The window's extent once dilated: k + (k − 1)(d − 1). */
export function effectiveWindow(window: number, dilation = 1): number {
  return window + (window - 1) * (dilation - 1);
}

/**
 * One axis as TensorFlow (and tfjs) pads it. 'same': out = ceil(in / s),
 * total = max((out − 1)·s + k − in, 0), before = floor(total / 2), after = total − before — the
 * odd pixel goes after. 'valid': no padding, out = floor((in − k) / s) + 1.
 */
export function tfAxisPadding(size: number, window: number, stride: number, padding: TfPadding, dilation = 1): AxisPadding {
  const k = effectiveWindow(window, dilation);
  if (padding === 'valid') return { before: 0, after: 0, output: Math.floor((size - k) / stride) + 1 };
  const output = Math.ceil(size / stride);
  const total = Math.max((output - 1) * stride + k - size, 0);
  const before = Math.floor(total / 2);
  return { before, after: total - before, output };
}

/** ONNX `pads` for a 2-D window op: [top, left, bottom, right]. */
export function onnxPads2d(
  input: { height: number; width: number },
  window: readonly [number, number],
  strides: readonly [number, number],
  padding: TfPadding,
  dilations: readonly [number, number] = [1, 1],
): { pads: [number, number, number, number]; height: number; width: number } {
  const h = tfAxisPadding(input.height, window[0], strides[0], padding, dilations[0]);
  const w = tfAxisPadding(input.width, window[1], strides[1], padding, dilations[1]);
  return { pads: [h.before, w.before, h.after, w.after], height: h.output, width: w.output };
}

// Sliding-window arithmetic shared by Conv, MaxPool and AveragePool: output sizes, auto_pad
// resolved to explicit pads, and the ConvTranspose geometry that undoes a window op exactly.
import { describeNode, intAttr, intsAttr, invalidModel, stringAttr, type IrNode } from './ir.js';

/** A window's extent once dilated: (k − 1)·d + 1 (ONNX Conv/MaxPool spec). */
export const effectiveKernel = (kernel: number, dilation: number): number => (kernel - 1) * dilation + 1;

/** One spatial axis of a window op with its padding made explicit. */
export interface WindowAxis {
  input: number;
  kernel: number;
  stride: number;
  dilation: number;
  padBegin: number;
  padEnd: number;
  output: number;
}

/**
 * Output size with explicit pads (ONNX Conv, MaxPool, AveragePool):
 * floor((in + pad_begin + pad_end − ((k − 1)·d + 1)) / s + 1), or ceil(…) with ceil_mode, where
 * "sliding windows that would start in the right padded region are ignored" (the pooling spec;
 * ONNX Runtime's kernels drop that last window too).
 */
export function windowOutput(input: number, kernel: number, stride: number, dilation: number, padBegin: number, padEnd: number, ceil: boolean): number {
  const span = input + padBegin + padEnd - effectiveKernel(kernel, dilation);
  if (span < 0) return 0;
  let out = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceil && (out - 1) * stride >= input + padBegin) out--;
  return out;
}

/**
 * Explicit pads for `auto_pad` (ONNX Conv): SAME_UPPER/SAME_LOWER pad so that
 * out = ceil(in / s), splitting the total padding evenly and putting the odd pixel at the end
 * (SAME_UPPER) or the beginning (SAME_LOWER); VALID pads nothing.
 */
export function autoPads(mode: string, input: number, kernel: number, stride: number, dilation: number): [number, number] {
  if (mode === 'VALID') return [0, 0];
  const out = Math.ceil(input / stride);
  const total = Math.max(0, (out - 1) * stride + effectiveKernel(kernel, dilation) - input);
  const small = Math.floor(total / 2);
  return mode === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
}

/**
 * The window of a Conv, MaxPool or AveragePool node on an input of the given spatial size:
 * every attribute at its spec default, auto_pad resolved. `kernelFromWeight` is Conv's W dims
 * [M, C/group, k1, k2, …], whose spatial part is the kernel when kernel_shape is absent.
 */
export function windowOf(node: IrNode, spatial: readonly number[], kernelFromWeight?: readonly number[]): WindowAxis[] {
  const rank = spatial.length;
  const kernel = intsAttr(node, 'kernel_shape') ?? kernelFromWeight?.slice(2);
  if (kernel === undefined || kernel.length !== rank) throw invalidModel(`The ${describeNode(node)} has a kernel_shape that does not fit its ${rank}-dimensional input.`);
  const strides = intsAttr(node, 'strides', Array(rank).fill(1));
  const dilations = intsAttr(node, 'dilations', Array(rank).fill(1));
  const pads = intsAttr(node, 'pads', Array(2 * rank).fill(0));
  if (strides.length !== rank || dilations.length !== rank || pads.length !== 2 * rank) {
    throw invalidModel(`The ${describeNode(node)} has strides, dilations or pads that do not fit its ${rank}-dimensional input.`);
  }
  const mode = stringAttr(node, 'auto_pad', 'NOTSET');
  const ceil = intAttr(node, 'ceil_mode', 0) === 1;
  return spatial.map((input, i) => {
    const [padBegin, padEnd] = mode === 'NOTSET' || mode === '' ? [pads[i]!, pads[i + rank]!] : autoPads(mode, input, kernel[i]!, strides[i]!, dilations[i]!);
    const output = windowOutput(input, kernel[i]!, strides[i]!, dilations[i]!, padBegin, padEnd, ceil);
    if (output < 1) throw invalidModel(`The ${describeNode(node)} shrinks its input of size ${input} to nothing.`);
    return { input, kernel: kernel[i]!, stride: strides[i]!, dilation: dilations[i]!, padBegin, padEnd, output };
  });
}

/** ONNX `pads` layout: all beginnings, then all ends. */
export function padsOf(axes: readonly WindowAxis[]): number[] {
  return [...axes.map((a) => a.padBegin), ...axes.map((a) => a.padEnd)];
}

/**
 * The ConvTranspose that maps a gradient of the window op's output back onto its input exactly.
 * ConvTranspose gives out = s·(in − 1) + output_padding + ((k − 1)·d + 1) − pad_begin − pad_end
 * (ONNX ConvTranspose); with the forward pads that can differ from the forward input size by the
 * rows the forward op never read (odd sizes, strides) or by a ceil-mode window reaching past the
 * input. Extra rows are cropped by a larger pad_end; missing rows come back as output_padding.
 */
export function transposedWindow(axes: readonly WindowAxis[]): { pads: number[]; outputPadding: number[] } {
  const ends = axes.map((a) => a.stride * (a.output - 1) + effectiveKernel(a.kernel, a.dilation) - a.padBegin - a.input);
  return {
    pads: [...axes.map((a) => a.padBegin), ...ends.map((e) => Math.max(e, 0))],
    outputPadding: ends.map((e) => Math.max(-e, 0)),
  };
}

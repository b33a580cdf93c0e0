// The forward function perturbation methods run on: any model that maps a batch of preprocessed
// NCHW float32 images to logits. ONNX Runtime is one implementation; tests write their own.
import type { InferenceSession } from 'onnxruntime-node';
import type { Ort } from '../onnx/runtime.js';

/** Logits [n, K] for n images in NCHW float32 (already preprocessed). */
export type Forward = (images: Float32Array, n: number) => Promise<Float32Array>;

export interface ImageShape {
  channels: number;
  height: number;
  width: number;
}

export interface ExplainInput {
  /** One image, NCHW without N: [C, H, W]. */
  image: Float32Array;
  shape: ImageShape;
  /** The class whose logit is explained. */
  target: number;
  /** Number of logits the model outputs. */
  classes: number;
  /**
   * What the forward pass returns: logits (default), or probabilities when the model's file holds
   * only those (ExplainedModel.scores) — methods defined on probabilities then take no softmax.
   */
  scores?: 'logits' | 'probabilities';
}

export interface OrtForwardOptions {
  /** The image input's name; the session's first input by default. */
  inputName?: string;
  /** The logits output's name; the session's first output by default. */
  outputName?: string;
  /** The model's batch dimension when it is fixed (e.g. 1): calls are split and padded to it. */
  fixedBatch?: number;
}

/** A Forward backed by an ONNX Runtime session whose input is NCHW [batch, C, H, W]. */
export function ortForward(ort: Ort, session: InferenceSession, shape: ImageShape, options: OrtForwardOptions = {}): Forward {
  const inputName = options.inputName ?? session.inputNames[0];
  const outputName = options.outputName ?? session.outputNames[0];
  if (inputName === undefined || outputName === undefined) throw new Error('The ONNX session has no input or no output to run a forward pass through.');
  const size = shape.channels * shape.height * shape.width;
  const once = async (images: Float32Array, n: number): Promise<Float32Array> => {
    // ORT reads the whole view: pass exactly n images, copied if the view does not start the buffer.
    let data = images.length === n * size ? images : images.subarray(0, n * size);
    if (data.byteOffset !== 0) data = data.slice();
    const feeds = { [inputName]: new ort.Tensor('float32', data, [n, shape.channels, shape.height, shape.width]) };
    const out = await session.run(feeds);
    const logits = out[outputName];
    if (logits === undefined) throw new Error(`The ONNX session produced no output named ${outputName}.`);
    return logits.data as Float32Array;
  };
  const fixed = options.fixedBatch;
  if (fixed === undefined) return once;
  return async (images, n) => {
    const parts: Float32Array[] = [];
    for (let start = 0; start < n; start += fixed) {
      const count = Math.min(fixed, n - start);
      const padded = new Float32Array(fixed * size);
      padded.set(images.subarray(start * size, (start + count) * size));
      const logits = await once(padded, fixed);
      parts.push(logits.subarray(0, (logits.length / fixed) * count));
    }
    const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
    return out;
  };
}

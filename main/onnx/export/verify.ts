// Save-time verification of an export: tfjs and ONNX Runtime run the same images and their logits
// must agree. tfjs gets the images NHWC as they are; ONNX Runtime gets them NCHW, converted in
// layout.ts.
import type * as tfType from '@tensorflow/tfjs';
import type { LoadedOrt } from '../runtime.js';
import { INPUT_NAME, LOGITS_NAME } from './context.js';
import { nhwcToNchw } from './layout.js';

/** The largest |tfjs − ONNX| logit a save accepts; more means the export is wrong. */
export const EXPORT_TOLERANCE = 1e-4;

/** Images per run of each engine. */
export const VERIFY_BATCH = 256;

/**
 * The largest absolute difference between the tfjs model's output (pre-softmax logits in
 * Heatlab's models) and the ONNX model's `logits` on `images` (NHWC, already preprocessed).
 * A NaN or infinite logit on either side, or a shape mismatch, gives Infinity, so it fails
 * any tolerance.
 */
export async function verifyExport(
  tf: typeof tfType,
  model: tfType.LayersModel,
  onnxBytes: Uint8Array,
  images: Float32Array,
  shape: [number, number, number, number],
  ort: LoadedOrt,
): Promise<{ maxAbsDifference: number; maxAbsLogit: number }> {
  const [n, h, w, c] = shape;
  const perImage = h * w * c;
  if (images.length !== n * perImage) throw new Error(`${n} images of ${h}×${w}×${c} need ${n * perImage} values, got ${images.length}.`);
  const session = await ort.ort.InferenceSession.create(onnxBytes, ort.sessionOptions);
  let maxAbsDifference = 0;
  let maxAbsLogit = 0;
  try {
    for (let start = 0; start < n; start += VERIFY_BATCH) {
      const count = Math.min(VERIFY_BATCH, n - start);
      const chunk = images.subarray(start * perImage, (start + count) * perImage);
      const batchShape: [number, number, number, number] = [count, h, w, c];
      const predicted = tf.tidy(() => model.predict(tf.tensor4d(chunk, batchShape), { batchSize: VERIFY_BATCH }) as tfType.Tensor);
      let expected: Float32Array;
      try {
        expected = (await predicted.data()) as Float32Array;
      } finally {
        predicted.dispose();
      }
      const feeds = { [INPUT_NAME]: new ort.ort.Tensor('float32', nhwcToNchw(chunk, batchShape), [count, c, h, w]) };
      const result = await session.run(feeds, [LOGITS_NAME]);
      const logits = result[LOGITS_NAME]!;
      const got = logits.data as Float32Array;
      logits.dispose();
      if (got.length !== expected.length) return { maxAbsDifference: Infinity, maxAbsLogit };
      for (let i = 0; i < got.length; i++) {
        const d = Math.abs(got[i]! - expected[i]!);
        // NaN compares false with everything: count it as the worst case explicitly.
        maxAbsDifference = Number.isNaN(d) ? Infinity : Math.max(maxAbsDifference, d);
        maxAbsLogit = Math.max(maxAbsLogit, Math.abs(expected[i]!));
      }
    }
  } finally {
    await session.release();
  }
  return { maxAbsDifference, maxAbsLogit };
}

/**
 * Whether an export passes: |difference| ≤ EXPORT_TOLERANCE, scaled by the logits' size once they
 * exceed 1 — float32 carries about 7 significant digits, so a model whose logits reach 1e4 cannot
 * agree to 1e-4 in absolute terms even when both engines are exact up to rounding.
 */
export function exportAgrees(result: { maxAbsDifference: number; maxAbsLogit: number }): boolean {
  return result.maxAbsDifference <= EXPORT_TOLERANCE * Math.max(1, result.maxAbsLogit);
}

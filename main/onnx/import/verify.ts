// The normalised model must compute what the source model computes: both run on ONNX Runtime on
// the same random images — NCHW RGB for the normalised model, and the same images turned into
// the source's layout and channel order, independently of the prepended nodes, for the source.
import type { InferenceSession } from 'onnxruntime-node';
import { HeatlabError } from '../../../shared/errors.js';
import { Random } from '../../numeric/random.js';
import type { LoadedOrt } from '../runtime.js';
import { ortMessage } from '../runtime-limits.js';
import { NORMALISED_NAMES, exposeValue } from './normalize.js';
import type { ImportPlan } from './plan.js';

/** Relative to the largest score: float32 rounding in a different graph order stays far below it. */
export const NORMALISE_TOLERANCE = 1e-5;

/** NCHW RGB images as the source model reads them: channels reversed for BGR, NHWC if it is. */
export function toSourceLayout(images: Float32Array, n: number, plan: Pick<ImportPlan, 'channels' | 'height' | 'width' | 'layout' | 'channelOrder'>): Float32Array {
  const { channels: c, height: h, width: w } = plan;
  const out = new Float32Array(images.length);
  const plane = h * w;
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++) {
      const from = plan.channelOrder === 'bgr' ? c - 1 - ch : ch;
      for (let p = 0; p < plane; p++) {
        const v = images[(b * c + from) * plane + p]!;
        out[plan.layout === 'NCHW' ? (b * c + ch) * plane + p : (b * plane + p) * c + ch] = v;
      }
    }
  return out;
}

export interface Verification {
  maxAbsDifference: number;
  maxAbsScore: number;
  /** The class count, read from the run. */
  classes: number;
}

export async function createSession(ort: LoadedOrt, bytes: Uint8Array, what: string): Promise<InferenceSession> {
  try {
    return await ort.ort.InferenceSession.create(bytes, ort.sessionOptions);
  } catch (err) {
    const words = ortMessage((err as Error).message);
    // The version refusals are whole sentences about the file already.
    throw new HeatlabError('invalid_request', /^This ONNX file/.test(words) ? words : `ONNX Runtime cannot load ${what}: ${words.replace(/\.$/, '')}.`);
  }
}

export async function runSession(session: InferenceSession, ort: LoadedOrt, input: string, data: Float32Array, dims: number[], what: string) {
  try {
    return await session.run({ [input]: new ort.ort.Tensor('float32', data, dims) });
  } catch (err) {
    throw new HeatlabError('invalid_request', `ONNX Runtime cannot run ${what}: ${ortMessage((err as Error).message).replace(/\.$/, '')}.`);
  }
}

/**
 * Runs source and normalised model on `n` seeded random images uniform on [0, 1] and compares
 * the scores the normalised model stores: its logits with the source's (pre-softmax) logits, or
 * its probabilities with the source's output.
 */
export async function verifyNormalised(ort: LoadedOrt, source: Uint8Array, normalised: InferenceSession, plan: ImportPlan, logitsInSource: string | null, n: number, seed = 1): Promise<Verification> {
  const { channels, height, width } = plan;
  const images = new Random(seed).fill(new Float32Array(n * channels * height * width)) as Float32Array;
  const compared = logitsInSource ?? plan.output.name;
  const original = await createSession(ort, exposeValue(source, compared, plan.input.name), 'the source model');
  try {
    const sourceDims = plan.layout === 'NCHW' ? [n, channels, height, width] : [n, height, width, channels];
    const expected = (await runSession(original, ort, plan.input.name, toSourceLayout(images, n, plan), sourceDims, 'the source model'))[compared]!;
    const outName = logitsInSource === null ? NORMALISED_NAMES.probabilities : NORMALISED_NAMES.logits;
    const got = (await runSession(normalised, ort, NORMALISED_NAMES.input, images, [n, channels, height, width], 'the normalised model'))[outName]!;
    if (got.dims.length !== 2 || got.dims[0] !== n) throw new HeatlabError('invalid_request', `The ONNX model's scores have shape [${got.dims.join(', ')}] for ${n} images, and Heatlab needs [batch, classes].`);
    const a = expected.data as Float32Array;
    const b = got.data as Float32Array;
    let maxAbsDifference = a.length === b.length ? 0 : Number.POSITIVE_INFINITY;
    let maxAbsScore = 0;
    for (let k = 0; k < Math.min(a.length, b.length); k++) {
      maxAbsDifference = Math.max(maxAbsDifference, Math.abs(a[k]! - b[k]!));
      maxAbsScore = Math.max(maxAbsScore, Math.abs(a[k]!));
    }
    return { maxAbsDifference, maxAbsScore, classes: Number(got.dims[1]) };
  } finally {
    await original.release();
  }
}

export const verificationAgrees = (v: Verification) => v.maxAbsDifference <= NORMALISE_TOLERANCE * Math.max(1, v.maxAbsScore);

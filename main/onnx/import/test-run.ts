// The test run of an import: the first images of the chosen dataset (test split first), turned
// into inputs from raw pixels exactly as for trained models (workspace/dataset-feed.ts's preprocess,
// then NHWC → NCHW), through the normalised model. Accuracy only when the model's class names are
// the dataset's, since otherwise class k of one need not be class k of the other.
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { splitCodes, type DatasetRef } from '../../../shared/datasets.js';
import type { ImportTestRun } from '../../../shared/model-import.js';
import type { Preprocessing, TestMetrics } from '../../../shared/models.js';
import { preprocess } from '../../workspace/dataset-feed.js';
import { argmaxRows, testMetrics } from '../../numeric/classification.js';
import { readNpy } from '../../workspace/npy.js';
import { NpyReader } from '../../workspace/npy-stream.js';
import { nhwcToNchw } from '../export/layout.js';
import type { LoadedOrt } from '../runtime.js';
import { NORMALISED_NAMES } from './normalize.js';
import { runSession } from './verify.js';

/** Up to n dataset indices: the test split in order, then the other images. */
export function testIndices(splits: Uint8Array, n: number): number[] {
  const test: number[] = [];
  const rest: number[] = [];
  for (let k = 0; k < splits.length && test.length < n; k++) (splits[k] === splitCodes.test ? test : rest).push(k);
  return [...test, ...rest].slice(0, n).sort((a, b) => a - b);
}

const sameNames = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((n, k) => n.trim().toLowerCase() === b[k]!.trim().toLowerCase());

export interface TestRunResult {
  run: ImportTestRun;
  metrics: TestMetrics | null;
}

/** `batch`: the model's fixed batch size, if it has one (inputs are padded to it). */
export async function testRun(
  ort: LoadedOrt,
  session: InferenceSession,
  workspace: string,
  dataset: DatasetRef,
  preprocessing: Preprocessing,
  classNames: string[],
  scores: 'logits' | 'probabilities',
  count: number,
  batch: number | null,
): Promise<TestRunResult> {
  const splits = readNpy(join(workspace, dataset.files.splits)).data as Uint8Array;
  const allLabels = readNpy(join(workspace, dataset.files.labels)).data as Int32Array;
  const indices = testIndices(splits, count);
  const reader = new NpyReader(join(workspace, dataset.files.images));
  const { channels: c, height: h, width: w } = preprocessing;
  const size = c * h * w;
  const k = classNames.length;
  const logits = new Float32Array(indices.length * k);
  const probabilities = new Float32Array(indices.length * k);
  try {
    const step = batch ?? 64;
    for (let start = 0; start < indices.length; start += step) {
      const rows = indices.slice(start, start + step);
      const pixels = reader.readRows(rows) as Uint8Array | Uint16Array;
      const x = new Float32Array((batch ?? rows.length) * size);
      x.set(nhwcToNchw(preprocess(pixels, preprocessing), [rows.length, h, w, c]));
      const out = await runSession(session, ort, NORMALISED_NAMES.input, x, [batch ?? rows.length, c, h, w], 'the imported model on the test images');
      const p = out[NORMALISED_NAMES.probabilities]!.data as Float32Array;
      probabilities.set(p.subarray(0, rows.length * k), start * k);
      // Probabilities stand in for logits as their logarithm: softmax(log p) = p.
      const l = scores === 'logits' ? (out[NORMALISED_NAMES.logits]!.data as Float32Array) : p.map((v) => Math.log(Math.max(v, 1e-30)));
      logits.set(l.subarray(0, rows.length * k), start * k);
    }
  } finally {
    reader.close();
  }
  const predicted = Array.from(argmaxRows(logits, k));
  const labels = indices.map((i) => allLabels[i]!);
  const classNamesMatch = sameNames(classNames, dataset.classNames);
  const metrics = classNamesMatch && indices.length > 0 ? testMetrics(logits, Int32Array.from(labels), k) : null;
  return {
    run: {
      datasetId: dataset.id,
      datasetName: dataset.name,
      indices,
      predicted,
      confidence: predicted.map((c, r) => probabilities[r * k + c]!),
      labels,
      allFinite: logits.every(Number.isFinite) && probabilities.every(Number.isFinite),
      classNamesMatch,
      accuracy: metrics?.accuracy ?? null,
    },
    metrics,
  };
}

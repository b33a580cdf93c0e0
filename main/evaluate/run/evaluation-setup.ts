// The parts of an evaluation job: opening what it reads, scoring a range of its images, the
// removal check and the summary at the end. A local job runs them all in turn; a cluster shard
// scores its own image range, and the merge runs the removal check and the summary on the
// assembled scores. Chunks lie on one grid over the images and are seeded by their first row, so
// a range scored on its own draws the same noise as inside a whole run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvaluateJobParams, EvaluatedColumn, EvaluatedMetric, PerturbationValidity, StagedEvaluation } from '../../../shared/evaluations.js';
import { HeatlabError } from '../../../shared/errors.js';
import type { Forward } from '../../explain/forward.js';
import type { InputBounds } from '../../explain/graph/method.js';
import { inputBounds } from '../../explain/run/explain-job.js';
import { ExplainedModel } from '../../explain/run/explained-model.js';
import type { OrtEngine } from '../../onnx/ort-engine.js';
import { Random } from '../../numeric/random.js';
import { stringHash } from '../../numeric/string-hash.js';
import { nhwcToNchw } from '../../onnx/export/layout.js';
import { argmaxRows } from '../../numeric/classification.js';
import { DatasetFeed } from '../../workspace/dataset-feed.js';
import { NpyReader } from '../../workspace/npy-stream.js';
import { readNpy } from '../../workspace/npy.js';
import type { StagingArea } from '../../workspace/staging.js';
import { createExplainer } from '../explainer.js';
import { PROBE_IMAGES, sampleRows } from '../faithfulness/removal-probe.js';
import { checkPerturbation } from '../faithfulness/validity.js';
import type { Explainer, Metric, MetricBatch, PerturbationProbe } from '../metric.js';
import { resolveMetric } from '../metric-catalogue.js';
import { randomMaps } from './random-maps.js';
import { evaluationReliability } from './reliability.js';
import { summariseEvaluation } from './results.js';

/** Heatmaps scored per step (rounded to whole images): the unit of streaming, progress and cancellation. */
const CHUNK = 256;

/** Images per chunk: cluster shards of an evaluation start at multiples of it. */
export const imagesPerChunk = (perImage: number) => Math.max(1, Math.floor(CHUNK / perImage));

/** One seed per metric and chunk, the same for every column: metrics that draw noise perturb every method's images alike, so the pairs stay paired. */
const chunkSeed = (seed: number, metric: number, start: number) => (seed ^ Math.imul(metric + 1, 0x27d4eb2f) ^ Math.imul(start + 1, 0x165667b1)) >>> 0;
/** Metrics that re-explain get the same seed for every chunk: the randomisation test must meet the same random models in every chunk. */
const metricSeed = (seed: number, metric: number, metricObject: Metric, start: number) => chunkSeed(seed, metric, metricObject.needs.explainer === true ? 0 : start);
/** The removal check's own stream, apart from the metrics' noise. */
const validitySeed = (seed: number) => (seed ^ 0x7a11d17e) >>> 0;

type ResolvedMetric = ReturnType<typeof resolveMetric>;

/** What scoring reads, opened once. */
export interface EvaluationSetup {
  params: EvaluateJobParams;
  chosen: ResolvedMetric[];
  columns: EvaluatedColumn[];
  /** Columns × metrics × rows (rows = images × heatmaps per image). */
  C: number;
  M: number;
  rows: number;
  indices: Int32Array;
  targets: Int32Array;
  /** The model's own prediction per image. */
  predicted: Int32Array;
  classes: number;
  feed: DatasetFeed;
  explained: ExplainedModel | null;
  close(): void;
  /** Internal: what scoring a chunk needs. */
  readonly parts: Parts;
}

interface Parts {
  heatmaps: NpyReader[];
  masks: NpyReader | null;
  relevance: ('signed' | 'absolute')[];
  explainers: (Explainer | undefined)[];
  bounds: { low: number[]; high: number[] };
  modelScores: 'logits' | 'probabilities';
}

export function openEvaluation(params: EvaluateJobParams, ws: string, engines: OrtEngine): EvaluationSetup {
  const chosen = params.metrics.map((m) => resolveMetric(m.id, m.params));
  const { dataset, model, count, perImage } = params;
  const { height, width, channels } = dataset;
  const indices = readNpy(join(ws, params.indices)).data as Int32Array;
  const targets = Int32Array.from(readNpy(join(ws, params.targets)).data as Int32Array);
  const logits = readNpy(join(ws, params.logits)).data as Float32Array;
  const needsModel = chosen.some(({ metric }) => metric.needs.model === true || metric.needs.explainer === true);
  const feed = new DatasetFeed(ws, dataset, model.preprocessing);
  const heatmaps = params.runs.map((r) => new NpyReader(join(ws, r.heatmaps)));
  const masks = params.masks === null ? null : new NpyReader(join(ws, params.masks));
  const close = () => {
    feed.close();
    for (const reader of heatmaps) reader.close();
    masks?.close();
  };
  try {
    const explained = needsModel ? new ExplainedModel(engines, readFileSync(join(ws, model.onnx)), `${model.id}:${model.sha256}`, model.scores) : null;
    if (explained !== null && (explained.shape[0] !== channels || explained.shape[1] !== height || explained.shape[2] !== width))
      throw new HeatlabError('invalid_request', `Model "${model.name}" reads ${explained.shape.join('×')} images and dataset "${dataset.name}" has ${channels}×${height}×${width}.`);
    const classes = logits.length / count;
    // One random baseline: the user's Random map run when there is one, else the built-in maps.
    const builtInBaseline = !params.runs.some((r) => r.baseline);
    const columns: EvaluatedColumn[] = [
      ...params.runs.map((r) => ({ runId: r.id, method: r.method, label: r.baseline ? `${r.methodLabel} (baseline)` : r.methodLabel, baseline: r.baseline })),
      ...(builtInBaseline ? [{ runId: null, method: 'random', label: 'Random map (baseline)', baseline: true }] : []),
    ];
    const { low, high } = inputBounds(model.preprocessing, dataset.dtype);
    const bounds = { low: [...low], high: [...high] };
    // The baseline's maps come from no method, so it has no explainer and gets no sanity or robustness score.
    const explainers: (Explainer | undefined)[] = columns.map((_, c) => {
      const run = params.runs[c];
      return run !== undefined && explained !== null && chosen.some(({ metric }) => metric.needs.explainer === true) ? createExplainer(explained, run.method, run.params, bounds as InputBounds, run.seed) : undefined;
    });
    return {
      params,
      chosen,
      columns,
      C: columns.length,
      M: chosen.length,
      rows: count * perImage,
      indices,
      targets,
      predicted: argmaxRows(logits, classes),
      classes,
      feed,
      explained,
      close,
      parts: {
        heatmaps,
        masks,
        relevance: columns.map((_, c) => params.runs[c]?.relevance ?? 'signed'),
        explainers,
        bounds,
        modelScores: explained?.explains === 'probabilities' ? 'probabilities' : 'logits',
      },
    };
  } catch (err) {
    close();
    throw err;
  }
}

/** Runs `use` with the model's forward pass when a metric needs the model, else with none. */
export function withModel<T>(setup: EvaluationSetup, use: (forward: Forward | undefined) => Promise<T>): Promise<T> {
  return setup.explained === null ? use(undefined) : setup.explained.withForward(use);
}

/** Per-heatmap scores [C, M, rows of the range] and each curve metric's curves [C, rows of the range, points]. */
export interface RangeScores {
  scores: Float64Array;
  curves: ({ x: Float64Array; y: Float32Array; axes: { x: string; y: string } } | null)[];
}

export interface ScoreProgress {
  /** Heatmaps × metrics × columns scored so far in this range, and what is being scored. */
  report(done: number, message: string): void;
  checkpoint(): Promise<void>;
}

/** Scores images from … to − 1 (`from` a multiple of imagesPerChunk) with every metric and column. */
export async function scoreImageRange(setup: EvaluationSetup, from: number, to: number, forward: Forward | undefined, progress: ScoreProgress): Promise<RangeScores> {
  const { params, chosen, columns, C, M, indices, targets, feed, parts } = setup;
  const { perImage, dataset } = params;
  const { height, width, channels } = dataset;
  const plane = height * width;
  const rangeRows = (to - from) * perImage;
  const scores = new Float64Array(C * M * rangeRows).fill(NaN);
  const curves: RangeScores['curves'] = chosen.map(() => null);
  const perChunk = imagesPerChunk(perImage);
  let done = 0;
  for (let first = from; first < to; first += perChunk) {
    const images = Math.min(perChunk, to - first);
    const n = images * perImage;
    const start = first * perImage;
    const at = start - from * perImage;
    const rowTargets = targets.subarray(start, start + n);
    const inputs = forward === undefined ? undefined : repeatRows(nhwcToNchw(feed.batch(indices.subarray(first, first + images)).x, [images, height, width, channels]), images, perImage);
    const rowMasks = parts.masks === null ? undefined : repeatRows(parts.masks.readRange(first, images) as Uint8Array, images, perImage);
    for (let c = 0; c < C; c++) {
      const column = columns[c]!;
      const maps = column.runId === null ? randomMaps(indices.subarray(first, first + images), rowTargets, perImage, plane, params.seed) : (parts.heatmaps[c]!.readRange(first, images) as Float32Array);
      const batch: MetricBatch = { n, height, width, heatmaps: maps, targets: rowTargets, masks: rowMasks, images: inputs, channels, forward, scores: parts.modelScores, classes: setup.classes, inputBounds: parts.bounds, explainer: parts.explainers[c], relevance: parts.relevance[c] };
      for (let m = 0; m < M; m++) {
        const { metric, params: metricParams } = chosen[m]!;
        const message = `${metric.label} of ${column.label}`;
        if (metric.needs.explainer === true && batch.explainer === undefined) {
          done += n;
          continue;
        }
        const result = await metric.score(batch, metricParams, new Random(metricSeed(params.seed, m, metric, start)), (d, t) => progress.report(done + (d / t) * n, message));
        scores.set(result.scores, (c * M + m) * rangeRows + at);
        if (result.curves !== undefined) {
          const points = result.curves.x.length;
          const curve = (curves[m] ??= { x: result.curves.x, y: new Float32Array(C * rangeRows * points).fill(NaN), axes: { x: result.curves.xLabel, y: result.curves.yLabel } });
          curve.y.set(result.curves.y, (c * rangeRows + at) * points);
        }
        done += n;
        progress.report(done, message);
        await progress.checkpoint();
      }
    }
  }
  return { scores, curves };
}

/** Before any score: is each perturbation a removal for this model? (faithfulness/validity.ts) */
export async function checkRemoval(setup: EvaluationSetup, forward: Forward, progress: { report(message: string): void; checkpoint(): Promise<void> }): Promise<PerturbationValidity[]> {
  const { params, chosen, targets, predicted, indices, feed, parts, rows } = setup;
  const { perImage, count, dataset } = params;
  const { height, width, channels } = dataset;
  const validity: PerturbationValidity[] = [];
  const probes = new Map<string, { probe: PerturbationProbe; metrics: string[] }>();
  for (const { metric, params: p } of chosen) {
    const probe = metric.probe?.(p, { height, width });
    if (probe === undefined) continue;
    const entry = probes.get(probe.key) ?? { probe, metrics: [] };
    entry.metrics.push(metric.id);
    probes.set(probe.key, entry);
  }
  if (probes.size === 0) return validity;
  // One row per image, the one that explains the model's own prediction: removing another
  // class's evidence may rightly raise the explained score. (Every row when none does.)
  let candidates = Int32Array.from({ length: rows }, (_, r) => r).filter((r) => targets[r] === predicted[Math.floor(r / perImage)]);
  if (candidates.length === 0) candidates = Int32Array.from({ length: count }, (_, i) => i * perImage);
  const sample = sampleRows(candidates, PROBE_IMAGES, new Random(validitySeed(params.seed)));
  const images = Int32Array.from(sample, (r) => indices[Math.floor(r / perImage)]!);
  const inputs = nhwcToNchw(feed.batch(images).x, [sample.length, height, width, channels]);
  const batch: MetricBatch = { n: sample.length, height, width, heatmaps: new Float32Array(0), targets: Int32Array.from(sample, (r) => targets[r]!), images: inputs, channels, forward, scores: parts.modelScores, classes: setup.classes, inputBounds: parts.bounds };
  for (const { probe, metrics } of probes.values()) {
    progress.report(`Checking that ${probe.label} removes information`);
    validity.push({ metrics, ...(await checkPerturbation(batch, probe, new Random((validitySeed(params.seed) ^ stringHash(probe.key)) >>> 0), dataset.classNames)) });
    await progress.checkpoint();
  }
  return validity;
}

/** The table, rankings and evidence of the whole evaluation's scores, and its arrays written into `staging`. */
export function finishEvaluation(setup: EvaluationSetup, all: RangeScores, validity: PerturbationValidity[], staging: StagingArea, engine: { ort: string; threads: number }, seconds: number): StagedEvaluation {
  const { params, chosen, columns, C, rows, indices, targets, predicted, feed } = setup;
  const { perImage } = params;
  const { scores, curves } = all;
  const metricDetails: EvaluatedMetric[] = chosen.map(({ metric, params: p }, m) => ({
    id: metric.id,
    label: metric.label,
    family: metric.family,
    higherIsBetter: metric.higherIsBetter,
    citation: metric.citation,
    params: p,
    curve: curves[m]?.axes ?? null,
  }));
  const { table, rankings } = summariseEvaluation(scores, { columns: C, metrics: metricDetails, rows, baseline: columns.findIndex((c) => c.baseline === true) }, params);
  const perRow = <T extends Int32Array>(values: (image: number) => number) => Int32Array.from({ length: rows }, (_, r) => values(Math.floor(r / perImage))) as T;
  staging.writeArray('scores', 'scores.npy', scores, [C, setup.M, rows]);
  staging.writeArray('indices', 'indices.npy', perRow((i) => indices[i]!), [rows]);
  staging.writeArray('targets', 'targets.npy', targets, [rows]);
  staging.writeArray('labels', 'labels.npy', perRow((i) => feed.labels[indices[i]!]!), [rows]);
  staging.writeArray('predicted', 'predicted.npy', perRow((i) => predicted[i]!), [rows]);
  curves.forEach((curve, m) => {
    if (curve === null) return;
    const id = chosen[m]!.metric.id;
    staging.writeArray(`curve:${id}`, `curve-${id}.npy`, curve.y, [C, rows, curve.x.length]);
    staging.writeArray(`curve-x:${id}`, `curve-x-${id}.npy`, curve.x, [curve.x.length]);
  });
  return {
    request: params,
    columns,
    metricDetails,
    table,
    rankings,
    evidence: { validity, reliability: evaluationReliability(scores, { columns, metrics: metricDetails, rows }) },
    engine,
    seconds,
    stagingDir: staging.relativeDir,
    files: staging.finish(),
  };
}

/** Each of `images` images' data `times` times in a row (one copy per heatmap when every class of an image is explained). */
function repeatRows<T extends Float32Array | Uint8Array>(data: T, images: number, times: number): T {
  if (times === 1) return data;
  const size = data.length / images;
  const out = new (data.constructor as new (length: number) => T)(data.length * times);
  for (let i = 0; i < images; i++) for (let t = 0; t < times; t++) out.set(data.subarray(i * size, (i + 1) * size), (i * times + t) * size);
  return out;
}


// The evaluation job (compute host): every chosen metric on every explanation run of one model and
// image set, and on a random-map baseline, chunk by chunk of heatmaps so 10,000 of them never sit
// in memory at once. Scores are stored per heatmap; the table of means with bootstrap CIs and the
// paired tests between columns are computed at the end from them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvaluateJobParams, EvaluatedColumn, EvaluatedMetric, PerturbationValidity, StagedEvaluation } from '../../../shared/evaluations.js';
import { HeatlabError } from '../../../shared/errors.js';
import { StagingArea } from '../../workspace/staging.js';
import type { Forward } from '../../explain/forward.js';
import { inputBounds } from '../../explain/run/explain-job.js';
import { ExplainedModel } from '../../explain/run/explained-model.js';
import type { OrtEngine } from '../../onnx/ort-engine.js';
import type { JobContext } from '../../jobs/host/job-context.js';
import { Random } from '../../numeric/random.js';
import { stringHash } from '../../numeric/string-hash.js';
import { nhwcToNchw } from '../../onnx/export/layout.js';
import { argmaxRows } from '../../numeric/classification.js';
import { DatasetFeed } from '../../workspace/dataset-feed.js';
import { NpyReader } from '../../workspace/npy-stream.js';
import { readNpy } from '../../workspace/npy.js';
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

/** One seed per metric and chunk, the same for every column: metrics that draw noise perturb every method's images alike, so the pairs stay paired. */
const chunkSeed = (seed: number, metric: number, start: number) => (seed ^ Math.imul(metric + 1, 0x27d4eb2f) ^ Math.imul(start + 1, 0x165667b1)) >>> 0;
/** Metrics that re-explain get the same seed for every chunk: the randomisation test must meet the same random models in every chunk. */
const metricSeed = (seed: number, metric: number, metricObject: Metric, start: number) => chunkSeed(seed, metric, metricObject.needs.explainer === true ? 0 : start);

export async function runEvaluate(params: EvaluateJobParams, ctx: JobContext, engines: OrtEngine): Promise<StagedEvaluation> {
  const started = performance.now();
  const chosen = params.metrics.map((m) => resolveMetric(m.id, m.params));
  const { dataset, model, count, perImage } = params;
  const { height, width, channels } = dataset;
  const plane = height * width;
  const rows = count * perImage;
  const ws = ctx.workspace;
  const indices = readNpy(join(ws, params.indices)).data as Int32Array;
  const targets = Int32Array.from(readNpy(join(ws, params.targets)).data as Int32Array);
  const logits = readNpy(join(ws, params.logits)).data as Float32Array;
  const needsModel = chosen.some(({ metric }) => metric.needs.model === true || metric.needs.explainer === true);
  const feed = new DatasetFeed(ws, dataset, model.preprocessing);
  const heatmaps = params.runs.map((r) => new NpyReader(join(ws, r.heatmaps)));
  const masks = params.masks === null ? null : new NpyReader(join(ws, params.masks));
  const staging = StagingArea.create(ws, 'evaluations', ctx.jobId);
  try {
    const explained = needsModel ? new ExplainedModel(engines, readFileSync(join(ws, model.onnx)), `${model.id}:${model.sha256}`, model.scores) : null;
    if (explained !== null && (explained.shape[0] !== channels || explained.shape[1] !== height || explained.shape[2] !== width))
      throw new HeatlabError('invalid_request', `Model "${model.name}" reads ${explained.shape.join('×')} images and dataset "${dataset.name}" has ${channels}×${height}×${width}.`);
    const classes = logits.length / count;
    // The model's own prediction per image: stored with the scores, and the rows the removal check probes.
    const predicted = argmaxRows(logits, classes);
    const modelScores = explained?.explains === 'probabilities' ? 'probabilities' : 'logits';
    // One random baseline: the user's Random map run when there is one, else the built-in maps.
    const builtInBaseline = !params.runs.some((r) => r.baseline);
    const columns: EvaluatedColumn[] = [
      ...params.runs.map((r) => ({ runId: r.id, method: r.method, label: r.baseline ? `${r.methodLabel} (baseline)` : r.methodLabel, baseline: r.baseline })),
      ...(builtInBaseline ? [{ runId: null, method: 'random', label: 'Random map (baseline)', baseline: true }] : []),
    ];
    const relevance = columns.map((_, c) => params.runs[c]?.relevance ?? 'signed');
    const C = columns.length;
    const M = chosen.length;
    const scores = new Float64Array(C * M * rows).fill(NaN);
    const curves: ({ x: Float64Array; y: Float32Array; axes: { x: string; y: string } } | null)[] = chosen.map(() => null);
    const total = C * M * rows;
    let done = 0;
    const report = (extra: number, message: string) => ctx.progress(done + extra, total, message, 'scores');
    const { low, high } = inputBounds(model.preprocessing, dataset.dtype);
    const bounds = { low: [...low], high: [...high] };
    const imagesPerChunk = Math.max(1, Math.floor(CHUNK / perImage));
    // The baseline's maps come from no method, so it has no explainer and gets no sanity or robustness score.
    const explainers: (Explainer | undefined)[] = columns.map((_, c) => {
      const run = params.runs[c];
      return run !== undefined && explained !== null && chosen.some(({ metric }) => metric.needs.explainer === true) ? createExplainer(explained, run.method, run.params, bounds, run.seed) : undefined;
    });

    const score = async (forward: Forward | undefined) => {
      for (let first = 0; first < count; first += imagesPerChunk) {
        const images = Math.min(imagesPerChunk, count - first);
        const n = images * perImage;
        const start = first * perImage;
        const rowTargets = targets.subarray(start, start + n);
        const inputs = forward === undefined ? undefined : repeatRows(nhwcToNchw(feed.batch(indices.subarray(first, first + images)).x, [images, height, width, channels]), images, perImage);
        const rowMasks = masks === null ? undefined : repeatRows(masks.readRange(first, images) as Uint8Array, images, perImage);
        for (let c = 0; c < C; c++) {
          const column = columns[c]!;
          const maps = column.runId === null ? randomMaps(indices.subarray(first, first + images), rowTargets, perImage, plane, params.seed) : (heatmaps[c]!.readRange(first, images) as Float32Array);
          const batch: MetricBatch = { n, height, width, heatmaps: maps, targets: rowTargets, masks: rowMasks, images: inputs, channels, forward, scores: modelScores, classes, inputBounds: bounds, explainer: explainers[c], relevance: relevance[c] };
          for (let m = 0; m < M; m++) {
            const { metric, params: metricParams } = chosen[m]!;
            const message = `${metric.label} of ${column.label}`;
            if (metric.needs.explainer === true && batch.explainer === undefined) {
              done += n;
              continue;
            }
            const result = await metric.score(batch, metricParams, new Random(metricSeed(params.seed, m, metric, start)), (d, t) => report((d / t) * n, message));
            scores.set(result.scores, (c * M + m) * rows + start);
            if (result.curves !== undefined) {
              const points = result.curves.x.length;
              const curve = (curves[m] ??= { x: result.curves.x, y: new Float32Array(C * rows * points).fill(NaN), axes: { x: result.curves.xLabel, y: result.curves.yLabel } });
              curve.y.set(result.curves.y, (c * rows + start) * points);
            }
            done += n;
            report(0, message);
            await ctx.checkpoint();
          }
        }
      }
    };
    const validity: PerturbationValidity[] = [];
    const checkRemoval = async (forward: Forward) => {
      // Before any score: is each perturbation a removal for this model? (faithfulness/validity.ts)
      const probes = new Map<string, { probe: PerturbationProbe; metrics: string[] }>();
      for (const { metric, params: p } of chosen) {
        const probe = metric.probe?.(p, { height, width });
        if (probe === undefined) continue;
        const entry = probes.get(probe.key) ?? { probe, metrics: [] };
        entry.metrics.push(metric.id);
        probes.set(probe.key, entry);
      }
      if (probes.size === 0) return;
      // One row per image, the one that explains the model's own prediction: removing another
      // class's evidence may rightly raise the explained score. (Every row when none does.)
      let candidates = Int32Array.from({ length: rows }, (_, r) => r).filter((r) => targets[r] === predicted[Math.floor(r / perImage)]);
      if (candidates.length === 0) candidates = Int32Array.from({ length: count }, (_, i) => i * perImage);
      const sample = sampleRows(candidates, PROBE_IMAGES, new Random(validitySeed(params.seed)));
      const images = Int32Array.from(sample, (r) => indices[Math.floor(r / perImage)]!);
      const inputs = nhwcToNchw(feed.batch(images).x, [sample.length, height, width, channels]);
      const batch: MetricBatch = { n: sample.length, height, width, heatmaps: new Float32Array(0), targets: Int32Array.from(sample, (r) => targets[r]!), images: inputs, channels, forward, scores: modelScores, classes, inputBounds: bounds };
      for (const { probe, metrics } of probes.values()) {
        ctx.progress(0, total, `Checking that ${probe.label} removes information`, 'scores');
        validity.push({ metrics, ...(await checkPerturbation(batch, probe, new Random((validitySeed(params.seed) ^ stringHash(probe.key)) >>> 0), dataset.classNames)) });
        await ctx.checkpoint();
      }
    };
    if (explained !== null)
      await explained.withForward(async (forward) => {
        await checkRemoval(forward);
        await score(forward);
      });
    else await score(undefined);

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
    staging.writeArray('scores', 'scores.npy', scores, [C, M, rows]);
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
      engine: { ort: engines.ort.info.version, threads: engines.ort.info.threads },
      seconds: (performance.now() - started) / 1000,
      stagingDir: staging.relativeDir,
      files: staging.finish(),
    };
  } catch (err) {
    staging.discard();
    throw err;
  } finally {
    feed.close();
    for (const reader of heatmaps) reader.close();
    masks?.close();
  }
}

/** The removal check's own stream, apart from the metrics' noise. */
const validitySeed = (seed: number) => (seed ^ 0x7a11d17e) >>> 0;

/** Each of `images` images' data `times` times in a row (one copy per heatmap when every class of an image is explained). */
function repeatRows<T extends Float32Array | Uint8Array>(data: T, images: number, times: number): T {
  if (times === 1) return data;
  const size = data.length / images;
  const out = new (data.constructor as new (length: number) => T)(data.length * times);
  for (let i = 0; i < images; i++) for (let t = 0; t < times; t++) out.set(data.subarray(i * size, (i + 1) * size), (i * times + t) * size);
  return out;
}

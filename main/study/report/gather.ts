// Gathers a report from the catalogue: the entities asked for and everything they rest on (an
// evaluation brings its runs, a run its model and dataset, a model its training dataset), sample
// images with their ground truth, heatmaps of a few images for the figure, and each evaluation's
// curves. Nothing comes from memory: the same catalogue gives the same report.
import { HeatlabError } from '../../../shared/errors.js';
import type { Dataset } from '../../../shared/datasets.js';
import { splitCodes, splitNames } from '../../../shared/datasets.js';
import type { Evaluation } from '../../../shared/evaluations.js';
import type { ExplanationRun } from '../../../shared/explanations.js';
import { maskOptionsSchema, type MaskKind } from '../../../shared/generators.js';
import type { Model } from '../../../shared/models.js';
import type { ReportData, ReportDataset, ReportEvaluation, ReportGroundTruth, ReportImage, ReportRequest } from '../../../shared/study-report.js';
import { gatherGrids } from './gather-grids.js';
import { pictureOf, regionOf } from './pictures.js';
import type { ReportSources } from './sources.js';

/** Images per dataset and figure rows when the request does not say. */
export const DEFAULT_SAMPLES = 4;
/** More would make the figure unreadable at a journal's width. */
export const MAX_SAMPLES = 16;

const unique = <T>(items: Iterable<T>) => [...new Set(items)];

export async function gatherReport(sources: ReportSources, request: ReportRequest, now: () => Date = () => new Date()): Promise<ReportData> {
  const title = request.title.trim();
  if (title === '') throw new HeatlabError('invalid_request', 'A report needs a title.');
  const asked = request.datasetIds.length + request.modelIds.length + request.runIds.length + request.evaluationIds.length;
  if (asked === 0) throw new HeatlabError('invalid_request', 'A report needs at least one dataset, model, explanation run or evaluation to report on.');
  const samples = request.sampleImages ?? DEFAULT_SAMPLES;
  if (!Number.isInteger(samples) || samples < 1 || samples > MAX_SAMPLES) throw new HeatlabError('invalid_request', `A report shows 1 to ${MAX_SAMPLES} sample images per dataset, not ${samples}.`);

  const evaluations: Evaluation[] = [];
  for (const id of unique(request.evaluationIds)) evaluations.push(await sources.evaluations.get(id));
  const runs: ExplanationRun[] = [];
  for (const id of unique([...request.runIds, ...evaluations.flatMap((e) => e.runIds)])) runs.push(await sources.explanations.get(id));
  const models: Model[] = [];
  for (const id of unique([...request.modelIds, ...runs.map((r) => r.modelId), ...evaluations.map((e) => e.modelId)])) models.push(await sources.models.get(id));
  const datasetIds = unique([
    ...request.datasetIds,
    ...runs.map((r) => r.datasetId),
    ...evaluations.map((e) => e.datasetId),
    ...models.flatMap((m) => (m.datasetId === null ? [] : [m.datasetId])),
  ]);
  const datasets: Dataset[] = [];
  for (const id of datasetIds) datasets.push(await sources.datasets.get(id));

  const truths = new Map(datasets.map((d) => [d.id, groundTruthOf(d, evaluations)]));
  const reportDatasets: ReportDataset[] = [];
  for (const dataset of datasets) {
    const groundTruth = truths.get(dataset.id) ?? null;
    reportDatasets.push({ dataset, groundTruth, samples: await sampleImages(sources, dataset, groundTruth, samples) });
  }

  if (request.figureMethods !== undefined) {
    const missing = request.figureMethods.filter((m) => !runs.some((r) => r.method === m));
    if (missing.length > 0) throw new HeatlabError('invalid_request', `The report has no run of ${missing.join(', ')}; its methods are ${unique(runs.map((r) => r.method)).join(', ') || 'none'}.`);
  }
  const grids = await gatherGrids(sources, {
    runs: runs.filter((r) => request.figureMethods === undefined || request.figureMethods.includes(r.method)),
    models,
    datasets,
    rows: request.figureRows,
    count: samples,
    images: (dataset, indices) => imagesOf(sources, dataset, truths.get(dataset.id) ?? null, indices),
    groundTruth: (datasetId) => truths.get(datasetId) ?? null,
  });

  const reportEvaluations: ReportEvaluation[] = [];
  for (const evaluation of evaluations) {
    const curves = [];
    for (const metric of evaluation.metricDetails.filter((m) => m.curve !== null)) {
      const c = await sources.evaluations.curves(evaluation.id, metric.id);
      // The figure draws the means and bands; the per-image curves stay in the workspace.
      curves.push({ ...c, curves: new Float32Array(0) });
    }
    reportEvaluations.push({ evaluation, classNames: datasets.find((d) => d.id === evaluation.datasetId)?.classNames ?? [], curves });
  }

  return {
    title,
    question: request.question.trim(),
    citation: request.citation?.trim() || null,
    generatedAt: now().toISOString(),
    heatlabVersion: sources.version,
    datasets: reportDatasets,
    models,
    runs,
    grids,
    evaluations: reportEvaluations,
  };
}

/**
 * The ground truth a dataset's figures outline: the one its first evaluation scored against, else
 * a generated dataset's first region kind (instances are outlined as their union); none otherwise.
 */
function groundTruthOf(dataset: Dataset, evaluations: readonly Evaluation[]): ReportGroundTruth | null {
  const scored = evaluations.find((e) => e.datasetId === dataset.id && e.groundTruth !== null);
  if (scored?.groundTruth) {
    const gt = scored.groundTruth;
    return { label: scored.groundTruthLabel ?? (gt.kind === 'generated' ? `generated "${gt.mask}" masks` : `annotation set ${gt.id}`), source: gt.kind === 'generated' ? { kind: 'generated', mask: gt.mask } : gt };
  }
  const kind = dataset.maskKinds.find((k) => k !== 'instances') ?? dataset.maskKinds[0];
  return kind === undefined ? null : { label: `generated "${kind}" masks`, source: { kind: 'generated', mask: kind } };
}

/** Images of a dataset with their ground-truth regions. */
async function imagesOf(sources: ReportSources, dataset: Dataset, gt: ReportGroundTruth | null, indices: number[]): Promise<ReportImage[]> {
  if (indices.length === 0) return [];
  const batch = await sources.datasets.images(dataset.id, indices);
  const index = await sources.datasets.index(dataset.id);
  const { height, width } = dataset;
  let masks: ((k: number) => Uint8Array) | null = null;
  if (gt?.source.kind === 'generated') {
    const m = await sources.datasets.masks(dataset.id, gt.source.mask as MaskKind, indices, maskOptionsSchema.parse({}));
    masks = (k) => regionOf(m.data, k, height, width);
  } else if (gt?.source.kind === 'set') {
    const m = await sources.annotations.masks(gt.source.id, indices);
    const label = gt.source.label;
    masks = (k) => regionOf(m.data, k, height, width, label);
  }
  const splitOf = (code: number) => splitNames.find((s) => splitCodes[s] === code) ?? 'test';
  return indices.map((i, k) => ({ index: i, label: index.labels[i]!, split: splitOf(index.splits[i]!), picture: pictureOf(batch, k), mask: masks?.(k) ?? null }));
}

/** `count` test images (all images when there is no test split), taking the classes in turn so each shows. */
async function sampleImages(sources: ReportSources, dataset: Dataset, gt: ReportGroundTruth | null, count: number): Promise<ReportImage[]> {
  const { labels, splits } = await sources.datasets.index(dataset.id);
  const test = splits.some((s) => s === splitCodes.test);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    if (test && splits[i] !== splitCodes.test) continue;
    const list = byClass.get(labels[i]!) ?? [];
    if (list.length < count) byClass.set(labels[i]!, [...list, i]);
  }
  const queues = [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => list);
  const chosen: number[] = [];
  for (let round = 0; chosen.length < count && queues.some((q) => q.length > round); round++)
    for (const q of queues) if (q[round] !== undefined && chosen.length < count) chosen.push(q[round]!);
  return imagesOf(sources, dataset, gt, chosen);
}

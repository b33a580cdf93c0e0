// Evaluations in main: a request is checked against the catalogue before it becomes a job (runs
// of one model on the same images and classes, metrics and their parameters, a ground truth the
// dataset has), the ground-truth masks are written for the compute host (annotation sets live in
// SQLite, which the host never opens), and finished evaluations are recorded with their files
// moved into data/evaluations/<id>/.
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { defaultEvaluationName } from '../../shared/default-names.js';
import { HeatlabError } from '../../shared/errors.js';
import type { Model } from '../../shared/models.js';
import {
  evaluationRoles,
  type EvaluateJobParams,
  type EvaluateRequest,
  type Evaluation,
  type EvaluationCurves,
  type EvaluationScores,
  type EvaluationSummary,
  type GroundTruth,
  type StagedEvaluation,
} from '../../shared/evaluations.js';
import { explanationRoles, type ExplanationRun } from '../../shared/explanations.js';
import { maskOptionsSchema } from '../../shared/generators.js';
import type { AnnotationSets } from '../annotate/annotation-sets.js';
import { evaluationFolder, type EvaluationsRepository } from '../catalogue/evaluations-repository.js';
import type { DatasetsService } from '../data/datasets-service.js';
import type { ExplanationsService } from '../explain/explanations-service.js';
import { NpyWriter } from '../workspace/npy-stream.js';
import { readNpy } from '../workspace/npy.js';
import { recordWithFolders } from '../workspace/entity-folder.js';
import { sweepFolders } from '../workspace/sweep.js';
import { methodById } from '../explain/methods.js';
import { resolveMetric } from './metric-catalogue.js';
import { curveBands } from './run/results.js';
import { compareEvaluations } from './compare/compare-evaluations.js';
import type { ModelComparison } from '../../shared/model-comparison.js';

export const evaluationsFolder = (workspace: string) => join(workspace, 'data', 'evaluations');
/** Folders of ground-truth masks written for a queued or running job. */
export const INPUT_PREFIX = 'input-';
/** Masks read per call while writing them for the host. */
const MASK_CHUNK = 1024;

/** What an evaluation needs of the models domain: a model's catalogue record (the app passes its models service). */
export interface ModelCatalogue {
  get(id: number): Model;
}

export class EvaluationsService {
  readonly #workspace: string;
  readonly #repo: EvaluationsRepository;
  readonly #explanations: ExplanationsService;
  readonly #models: ModelCatalogue;
  readonly #datasets: DatasetsService;
  readonly #annotations: AnnotationSets;
  readonly #version: string;

  constructor(options: {
    workspace: string;
    repo: EvaluationsRepository;
    explanations: ExplanationsService;
    models: ModelCatalogue;
    datasets: DatasetsService;
    annotations: AnnotationSets;
    version: string;
    /** false for a process that only records (a cluster merge): the app's jobs may be using the input folders. */
    sweepInputs?: boolean;
  }) {
    this.#workspace = options.workspace;
    this.#repo = options.repo;
    this.#explanations = options.explanations;
    this.#models = options.models;
    this.#datasets = options.datasets;
    this.#annotations = options.annotations;
    this.#version = options.version;
    // No job runs yet when the service starts, so every input folder is left over.
    this.sweep(options.sweepInputs ?? true);
  }

  /** The job parameters for a request, or the one sentence that says why it cannot run. */
  prepare(request: EvaluateRequest): EvaluateJobParams {
    const twiceRun = request.runIds.find((id, k) => request.runIds.indexOf(id) !== k);
    if (twiceRun !== undefined) throw new HeatlabError('invalid_request', `Explanation run ${twiceRun} is listed twice.`);
    const runs = request.runIds.map((id) => this.#explanations.get(id));
    const first = runs[0]!;
    for (const run of runs.slice(1)) {
      if (run.modelId !== first.modelId || run.datasetId !== first.datasetId)
        throw new HeatlabError('invalid_request', `Runs ${first.id} and ${run.id} explain different models or datasets; an evaluation compares methods on one model and one image set.`);
      if (fileOf(run, explanationRoles.indices).sha256 !== fileOf(first, explanationRoles.indices).sha256 || fileOf(run, explanationRoles.targets).sha256 !== fileOf(first, explanationRoles.targets).sha256)
        throw new HeatlabError('invalid_request', `Runs ${first.id} and ${run.id} explain different images or classes, so their scores cannot be paired; pick runs made on the same images and target.`);
    }
    // One random baseline: a Random map run the user chose stands in for the built-in one.
    const randomRuns = runs.filter((r) => r.method === RANDOM_METHOD);
    if (randomRuns.length > 1)
      throw new HeatlabError('invalid_request', `Runs ${randomRuns[0]!.id} and ${randomRuns[1]!.id} are both Random maps; an evaluation has one random baseline, so choose one of them.`);
    const dataset = this.#datasets.ref(first.datasetId);
    const geometry = { height: dataset.height, width: dataset.width };
    // Parameters that follow the image size are filled here, so the record says what was run.
    const metrics = request.metrics
      .map((m) => resolveMetric(m.id, m.params))
      .map(({ metric, params }) => ({ metric, params: metric.params.parse(metric.fit?.(params, geometry) ?? params) as Record<string, unknown> }));
    const twiceMetric = metrics.find((m, k) => metrics.findIndex((o) => o.metric.id === m.metric.id) !== k);
    if (twiceMetric !== undefined) throw new HeatlabError('invalid_request', `${twiceMetric.metric.label} is asked for twice; an evaluation scores each metric once.`);
    const needMask = metrics.filter((m) => m.metric.needs.mask === true);
    if (needMask.length > 0 && request.groundTruth === undefined)
      throw new HeatlabError('invalid_request', `${needMask[0]!.metric.label} needs a ground truth: choose a generated mask kind or an annotation set.`);
    const groundTruth = needMask.length > 0 ? request.groundTruth! : (request.groundTruth ?? null);
    const groundTruthLabel = groundTruth === null ? null : this.#checkGroundTruth(groundTruth, first.datasetId);
    const model = this.#models.get(first.modelId);
    const masks = needMask.length > 0 ? this.#writeMasks(groundTruth!, first) : null;
    return {
      ...request,
      metrics: metrics.map((m) => ({ id: m.metric.id, params: m.params })),
      groundTruth: groundTruth ?? undefined,
      model: { id: model.id, name: model.name, onnx: model.onnx.path, sha256: model.onnx.sha256, preprocessing: model.preprocessing, scores: model.onnx.imported?.scores ?? 'logits' },
      dataset,
      runs: runs.map((r) => ({
        id: r.id,
        method: r.method,
        methodLabel: r.methodLabel,
        params: r.params,
        seed: r.seed,
        heatmaps: fileOf(r, explanationRoles.heatmaps).path,
        relevance: methodRelevance(r.method),
        baseline: r.method === RANDOM_METHOD,
      })),
      indices: fileOf(first, explanationRoles.indices).path,
      targets: fileOf(first, explanationRoles.targets).path,
      logits: fileOf(first, explanationRoles.logits).path,
      count: first.count,
      perImage: first.perImage,
      masks,
      groundTruthLabel,
    };
  }

  /** Checks a ground truth against the dataset; returns it in words. */
  #checkGroundTruth(gt: GroundTruth, datasetId: number): string {
    const dataset = this.#datasets.get(datasetId);
    if (gt.kind === 'generated') {
      if (!dataset.maskKinds.includes(gt.mask))
        throw new HeatlabError('invalid_request', dataset.maskKinds.length === 0 ? `Dataset "${dataset.name}" has no generated ground truth; annotate it first.` : `Dataset "${dataset.name}" has no "${gt.mask}" ground truth; it has ${dataset.maskKinds.join(', ')}.`);
      return `generated "${gt.mask}" masks`;
    }
    const set = this.#annotations.get(gt.id);
    if (set.datasetId !== datasetId) throw new HeatlabError('invalid_request', `Annotation set "${set.name}" is on another dataset than the runs.`);
    if (gt.label !== undefined && gt.label > set.labels.length) throw new HeatlabError('invalid_request', `Annotation set "${set.name}" has ${set.labels.length} label${set.labels.length === 1 ? '' : 's'}, so it has no label ${gt.label}.`);
    return `annotation set "${set.name}" by ${set.annotator}${gt.label === undefined ? '' : `, label "${set.labels[gt.label - 1]}"`}`;
  }

  /** Writes the runs' images' masks (1 inside, 0 outside) [count, H, W] for the host; returns the workspace-relative path. */
  #writeMasks(gt: GroundTruth, run: ExplanationRun): string {
    const indices = readNpy(join(this.#workspace, fileOf(run, explanationRoles.indices).path)).data as Int32Array;
    const folder = join(evaluationsFolder(this.#workspace), `${INPUT_PREFIX}${randomUUID()}`);
    const path = join(folder, 'masks.npy');
    mkdirSync(folder, { recursive: true });
    let writer: NpyWriter | null = null;
    try {
      writer = new NpyWriter(path, 'uint8', [run.count, run.height, run.width]);
      for (let start = 0; start < indices.length; start += MASK_CHUNK) {
        const chunk = Array.from(indices.subarray(start, start + MASK_CHUNK));
        const data =
          gt.kind === 'generated' ? this.#datasets.masks(run.datasetId, gt.mask, chunk, maskOptionsSchema.parse({})).data : this.#annotations.masks(gt.id, chunk).data;
        const label = gt.kind === 'set' ? gt.label : undefined;
        writer.append(Uint8Array.from(data, (v) => (label === undefined ? (v !== 0 ? 1 : 0) : v === label ? 1 : 0)));
      }
      writer.finish();
    } catch (err) {
      writer?.abort();
      rmSync(folder, { recursive: true, force: true });
      throw err;
    }
    return relative(this.#workspace, path);
  }

  /** Records a finished evaluation, moving its folder into place; returns its id. */
  register(staged: StagedEvaluation, jobId: number | null): number {
    const r = staged.request;
    const id = recordWithFolders((move) => this.#repo.insert(
      {
        name: r.name ?? defaultEvaluationName(staged.metricDetails.map((m) => m.label), r.runs.length, r.count),
        modelId: r.model.id,
        datasetId: r.dataset.id,
        runIds: r.runs.map((run) => run.id),
        groundTruth: r.groundTruth ?? null,
        groundTruthLabel: r.groundTruthLabel,
        count: r.count,
        perImage: r.perImage,
        columns: staged.columns,
        metricDetails: staged.metricDetails,
        table: staged.table,
        rankings: staged.rankings,
        evidence: staged.evidence,
        seed: r.seed,
        resamples: r.resamples,
        level: r.level,
        engine: staged.engine,
        jobId,
        heatlabVersion: this.#version,
        seconds: staged.seconds,
        files: staged.files,
      },
      (id) => move(join(this.#workspace, staged.stagingDir), join(this.#workspace, evaluationFolder(id))),
    ));
    this.forgetJob(r);
    return id;
  }

  /** Removes the masks written for a job, once it has ended either way. */
  forgetJob(params: Pick<EvaluateJobParams, 'masks'>): void {
    if (params.masks !== null) rmSync(join(this.#workspace, dirname(params.masks)), { recursive: true, force: true });
  }

  list(filter: { modelId?: number; datasetId?: number; runId?: number } = {}): EvaluationSummary[] {
    return this.#repo.list(filter);
  }

  get(id: number): Evaluation {
    const evaluation = this.#repo.get(id);
    if (evaluation === null) throw new HeatlabError('not_found', `There is no evaluation ${id}.`);
    return evaluation;
  }

  scores(id: number): EvaluationScores {
    const e = this.get(id);
    const read = <T>(role: string) => readNpy(join(this.#workspace, fileOf(e, role).path)).data as T;
    return {
      evaluationId: id,
      columns: e.columns.length,
      metrics: e.metricDetails.map((m) => m.id),
      rows: e.count * e.perImage,
      scores: read<Float64Array>(evaluationRoles.scores),
      indices: read<Int32Array>(evaluationRoles.indices),
      targets: read<Int32Array>(evaluationRoles.targets),
      labels: read<Int32Array>('labels'),
      predicted: read<Int32Array>('predicted'),
    };
  }

  curves(id: number, metric: string): EvaluationCurves {
    const e = this.get(id);
    const detail = e.metricDetails.find((m) => m.id === metric);
    if (detail === undefined) throw new HeatlabError('invalid_request', `Evaluation ${id} did not score ${metric}; it scored ${e.metricDetails.map((m) => m.id).join(', ')}.`);
    if (detail.curve === null) throw new HeatlabError('invalid_request', `${detail.label} has no per-image curve; the curve metrics of evaluation ${id} are ${e.metricDetails.filter((m) => m.curve !== null).map((m) => m.id).join(', ') || 'none'}.`);
    const x = readNpy(join(this.#workspace, fileOf(e, evaluationRoles.curveX(metric)).path)).data as Float64Array;
    const curves = readNpy(join(this.#workspace, fileOf(e, evaluationRoles.curve(metric)).path)).data as Float32Array;
    const rows = e.count * e.perImage;
    return { evaluationId: id, metric, columns: e.columns.length, rows, x, xLabel: detail.curve.x, yLabel: detail.curve.y, curves, ...curveBands(curves, e.columns.length, rows, x.length, e.level) };
  }

  /** Evaluations of different models on the same images, compared method by method from their per-image scores. */
  compare(ids: readonly number[]): ModelComparison {
    return compareEvaluations(ids, { evaluation: (id) => this.get(id), scores: (id) => this.scores(id), run: (id) => this.#explanations.get(id) });
  }

  rename(id: number, name: string): Evaluation {
    this.get(id);
    this.#repo.rename(id, name);
    return this.get(id);
  }

  /** Removes the row first, then the files (DESIGN.md: a row never points at missing files). */
  delete(id: number): void {
    this.get(id);
    this.#repo.delete(id);
    rmSync(join(this.#workspace, evaluationFolder(id)), { recursive: true, force: true });
  }

  /** Removes evaluation folders whose row is gone (a model, dataset or run was deleted), and, at start, leftover mask inputs. */
  sweep(inputs = false): void {
    sweepFolders(evaluationsFolder(this.#workspace), this.#repo.ids(), (entry) => inputs && entry.startsWith(INPUT_PREFIX));
  }
}

/** The Random map method: a run of it is the evaluation's random baseline. */
const RANDOM_METHOD = 'random';

/** How a method's maps are ranked by default: signed where the sign is evidence, by magnitude where it is not (the method registry says). */
function methodRelevance(id: string): 'signed' | 'absolute' {
  return methodById(id)?.relevance ?? 'signed';
}

function fileOf(entity: { id: number; files: { role: string; path: string; sha256: string }[] }, role: string): { path: string; sha256: string } {
  const file = entity.files.find((f) => f.role === role);
  if (file === undefined) throw new HeatlabError('internal', `The catalogue entry ${entity.id} has no "${role}" file.`);
  return file;
}

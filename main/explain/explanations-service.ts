// Explanation runs in main: a request is checked against the catalogue before it becomes a job
// (a bad request now, not a failed job later), finished runs are recorded with their files moved
// into data/explanations/<id>/, and heatmaps are read back by row for the viewer.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HeatlabError } from '../../shared/errors.js';
import type { Model } from '../../shared/models.js';
import {
  describeSelection,
  describeTarget,
  selectsByPrediction,
  explanationRoles,
  type ExplainHostDetail,
  type ExplainJobParams,
  type ExplainModelsRequest,
  type ExplainProgressDetail,
  type ExplainRequest,
  type ExplanationRun,
  type ExplanationRunSummary,
  type HeatmapBatch,
  type StagedExplanation,
  type StagedExplanations,
} from '../../shared/explanations.js';
import { runFolder, type ExplanationsRepository } from '../catalogue/explanations-repository.js';
import type { DatasetsService } from '../data/datasets-service.js';
import type { IrModel } from '../onnx/ir.js';
import { readModel } from '../onnx/model-reader.js';
import { requireSupportedOps } from '../onnx/supported-ops.js';
import { NpyReader } from '../workspace/npy-stream.js';
import { readNpy } from '../workspace/npy.js';
import { noDeleteGuard, type DeleteGuard } from '../jobs/in-use.js';
import { recordWithFolders } from '../workspace/entity-folder.js';
import { sweepFolders } from '../workspace/sweep.js';
import { resolveMethod } from './methods.js';
import { candidateImages, selectImages } from './run/selection.js';

export const explanationsFolder = (workspace: string) => join(workspace, 'data', 'explanations');

/** What explaining needs of the models domain: a model's record and its ONNX file (the app passes its models service). */
export interface ModelCatalogue {
  get(id: number): Model;
  onnxPath(id: number): string;
}

export class ExplanationsService {
  readonly #workspace: string;
  readonly #repo: ExplanationsRepository;
  readonly #models: ModelCatalogue;
  readonly #datasets: DatasetsService;
  readonly #version: string;
  /** Run ids recorded so far per running job, in method order. */
  readonly #recorded = new Map<number, number[]>();
  readonly #graphs = new Map<string, Pick<IrModel, 'nodes'>>();

  readonly #inUse: DeleteGuard;

  constructor(options: { workspace: string; repo: ExplanationsRepository; models: ModelCatalogue; datasets: DatasetsService; version: string; inUse?: DeleteGuard }) {
    this.#inUse = options.inUse ?? noDeleteGuard;
    this.#workspace = options.workspace;
    this.#repo = options.repo;
    this.#models = options.models;
    this.#datasets = options.datasets;
    this.#version = options.version;
    this.sweep();
  }

  /** The job parameters for a request, or the one sentence that says why it cannot run. */
  prepare(request: ExplainRequest): ExplainJobParams {
    const model = this.#models.get(request.modelId);
    const dataset = this.#datasets.ref(request.datasetId);
    const p = model.preprocessing;
    if (p.channels !== dataset.channels || p.height !== dataset.height || p.width !== dataset.width)
      throw new HeatlabError('invalid_request', `Model "${model.name}" reads ${p.channels}×${p.height}×${p.width} images and dataset "${dataset.name}" has ${dataset.channels}×${dataset.height}×${dataset.width}.`);
    const classes = model.classNames.length;
    const target = request.target;
    if (target === 'true' && dataset.classNames.length !== classes)
      throw new HeatlabError('invalid_request', `Dataset "${dataset.name}" has ${dataset.classNames.length} classes and model "${model.name}" ${classes}, so the true class cannot be the target.`);
    if (typeof target === 'object' && target.class >= classes) throw new HeatlabError('invalid_request', `Model "${model.name}" has ${classes} classes (0–${classes - 1}), so it cannot explain class ${target.class}.`);
    const methods = request.methods.map((m) => resolveMethod(m.id, m.params));
    const keys = methods.map((m) => JSON.stringify([m.method.id, m.params]));
    const twice = keys.findIndex((k, i) => keys.indexOf(k) !== i);
    if (twice >= 0) throw new HeatlabError('invalid_request', `${methods[twice]!.method.label} is asked for twice with the same parameters.`);
    if (methods.some((m) => m.method.kind === 'graph')) requireSupportedOps(this.#graphOf(model.id, model.onnx.sha256));
    // What can be checked without the model: the indices, or that the split (and class) has images.
    // A selection by prediction needs the model's classes to be the dataset's, to tell right from wrong.
    const { splits, labels } = this.#datasets.index(dataset.id);
    const source = { name: dataset.name, splits, labels, classNames: dataset.classNames };
    if (selectsByPrediction(request.images)) {
      if (request.images.outcome !== undefined && dataset.classNames.length !== classes)
        throw new HeatlabError('invalid_request', `Dataset "${dataset.name}" has ${dataset.classNames.length} classes and model "${model.name}" ${classes}, so whether it is right about an image cannot be told.`);
      candidateImages(source, request.images);
    } else selectImages(source, request.images);
    return {
      ...request,
      methods: methods.map((m) => ({ id: m.method.id, params: m.params })),
      model: { id: model.id, name: model.name, onnx: model.onnx.path, sha256: model.onnx.sha256, preprocessing: model.preprocessing, classNames: model.classNames, scores: model.onnx.imported?.scores ?? 'logits' },
      dataset,
    };
  }

  /**
   * The job parameters of one job per model, all explaining the very same images with the same
   * methods, target and seed; every model is checked before any job starts.
   */
  prepareForModels(request: ExplainModelsRequest): ExplainJobParams[] {
    const { modelIds, ...rest } = request;
    const twice = modelIds.find((id, k) => modelIds.indexOf(id) !== k);
    if (twice !== undefined) throw new HeatlabError('invalid_request', `Model ${twice} is listed twice.`);
    if (selectsByPrediction(rest.images))
      throw new HeatlabError('invalid_request', 'Models compared side by side must explain the same images, and choosing images by whether a model is right or by its confidence picks other images for each model: choose them by number, class or index instead.');
    return modelIds.map((modelId) => this.prepare({ ...rest, modelId }));
  }

  /**
   * Records the runs a running job has finished that are not recorded yet (its progress detail),
   * so they can be looked at while the job goes on; returns the detail with their ids instead.
   */
  recordFinished(detail: ExplainHostDetail, request: ExplainJobParams, jobId: number): ExplainProgressDetail {
    const { finished, ...rest } = detail;
    return { ...rest, runIds: this.#record(finished, request, jobId) };
  }

  /** Records every finished run not recorded yet, moving its folder into place; returns all the job's run ids in method order. */
  register(staged: StagedExplanations, jobId: number | null): number[] {
    const ids = this.#record(staged.runs, staged.request, jobId);
    if (jobId !== null) this.#recorded.delete(jobId);
    // The job's staging folder is empty now.
    const first = staged.runs[0];
    if (first) rmSync(join(this.#workspace, first.stagingDir, '..'), { recursive: true, force: true });
    return ids;
  }

  /** A model's nodes, parsed once per file content: a request's check should not reread and decode the file on main's event loop each time. */
  #graphOf(modelId: number, sha256: string): Pick<IrModel, 'nodes'> {
    let graph = this.#graphs.get(sha256);
    if (graph === undefined) this.#graphs.set(sha256, (graph = { nodes: readModel(readFileSync(this.#models.onnxPath(modelId))).nodes }));
    return graph;
  }

  /** Records the runs past those already recorded for the job; returns all its run ids. */
  #record(runs: readonly StagedExplanation[], request: ExplainJobParams, jobId: number | null): number[] {
    const known = jobId === null ? [] : (this.#recorded.get(jobId) ?? []);
    const fresh = runs.slice(known.length);
    if (fresh.length === 0) return known;
    const ids = recordWithFolders((move) => this.#repo.insertAll(
      fresh.map((run) => ({
        name: `${run.methodLabel} · ${describeSelection(request.images, request.model.classNames, run.count)} · ${describeTarget(request.target, request.model.classNames)}`,
        modelId: request.model.id,
        datasetId: request.dataset.id,
        method: run.method,
        methodLabel: run.methodLabel,
        kind: run.kind,
        params: run.params,
        target: request.target,
        selection: request.images,
        classNames: request.model.classNames,
        count: run.count,
        perImage: run.perImage,
        height: run.height,
        width: run.width,
        seed: request.seed,
        engine: run.engine,
        stats: run.stats,
        jobId,
        heatlabVersion: this.#version,
        seconds: run.seconds,
        files: run.files,
      })),
      (id, k) => move(join(this.#workspace, fresh[k]!.stagingDir), join(this.#workspace, runFolder(id))),
    ));
    const all = [...known, ...ids];
    if (jobId !== null) this.#recorded.set(jobId, all);
    return all;
  }

  /** Drops the record of a job that ended without success (its recorded runs stay: they are complete). */
  forgetJob(jobId: number): void {
    this.#recorded.delete(jobId);
  }

  list(filter: { modelId?: number; datasetId?: number } = {}): ExplanationRunSummary[] {
    return this.#repo.list(filter);
  }

  get(id: number): ExplanationRun {
    const run = this.#repo.get(id);
    if (run === null) throw new HeatlabError('not_found', `There is no explanation run ${id}.`);
    return run;
  }

  heatmaps(id: number, rows: number[]): HeatmapBatch {
    const run = this.get(id);
    const outside = rows.find((r) => r >= run.count);
    if (outside !== undefined) throw new HeatlabError('invalid_request', `Run ${id} has ${run.count} images (rows 0–${run.count - 1}), so it has no row ${outside}.`);
    // Only the asked rows of each file are read: the viewer asks for a few rows at a time.
    const read = (role: string) => {
      const reader = new NpyReader(join(this.#workspace, run.files.find((f) => f.role === role)!.path));
      try {
        return reader.readRows(rows);
      } finally {
        reader.close();
      }
    };
    return {
      runId: id,
      rows,
      heatmaps: read(explanationRoles.heatmaps) as Float32Array,
      perImage: run.perImage,
      height: run.height,
      width: run.width,
      logits: read(explanationRoles.logits) as Float32Array,
      indices: read(explanationRoles.indices) as Int32Array,
      targets: read(explanationRoles.targets) as Int32Array,
    };
  }

  /**
   * The dataset indices and logits of every row of a grid of these runs, once each is checked to
   * explain the same images, in the same order, as the first (by the checksum of its index file) —
   * with any model, so models can be compared side by side; the logits are the first run's.
   */
  gridIndex(ids: number[]): { first: ExplanationRun; indices: Int32Array; logits: Float32Array } {
    const [first, ...others] = ids.map((id) => this.get(id));
    const file = (run: ExplanationRun, role: string) => run.files.find((f) => f.role === role)!;
    for (const run of others) {
      if (run.datasetId !== first!.datasetId || run.height !== first!.height || run.width !== first!.width || file(run, explanationRoles.indices).sha256 !== file(first!, explanationRoles.indices).sha256) {
        throw new HeatlabError('invalid_request', `Run ${run.id} (${run.methodLabel}) explains other images than run ${first!.id}, so it cannot be a column of this grid.`);
      }
    }
    const read = (role: string) => readNpy(join(this.#workspace, file(first!, role).path)).data;
    return { first: first!, indices: read(explanationRoles.indices) as Int32Array, logits: read(explanationRoles.logits) as Float32Array };
  }

  /** The rows of each run that it has (a window of the viewer's grid, whose last rows some runs may lack). */
  heatmapsMany(ids: number[], rows: number[]): HeatmapBatch[] {
    return ids.map((id) => {
      const { count } = this.get(id);
      return this.heatmaps(id, rows.filter((r) => r < count));
    });
  }

  rename(id: number, name: string): ExplanationRun {
    this.get(id);
    this.#repo.rename(id, name);
    return this.get(id);
  }

  /** Removes the row first, then the files (DESIGN.md: a row never points at missing files). */
  delete(id: number): void {
    this.get(id);
    this.#inUse.refuseIfInUse({ kind: 'run', id });
    this.#repo.delete(id);
    rmSync(join(explanationsFolder(this.#workspace), String(id)), { recursive: true, force: true });
  }

  /** Removes run folders whose row is gone (their model or dataset was deleted, which cascades to the rows). */
  sweep(): void {
    sweepFolders(explanationsFolder(this.#workspace), this.#repo.ids());
  }
}

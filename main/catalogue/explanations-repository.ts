import { join } from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import { EntityRows } from './entity-rows.js';
import type { ExplanationRun, ExplanationRunSummary } from '../../shared/explanations.js';

interface RunRow {
  id: number;
  name: string;
  model_id: number;
  model_name: string | null;
  dataset_id: number;
  dataset_name: string | null;
  method: string;
  method_label: string;
  kind: 'graph' | 'perturbation';
  params: string;
  target: string;
  selection: string;
  class_names: string;
  count: number;
  per_image: number;
  height: number;
  width: number;
  seed: number;
  engine: string;
  stats: string;
  job_id: number | null;
  heatlab_version: string;
  seconds: number;
  created_at: string;
}

/** A run to insert; its file paths are relative to the run's folder (the arrays table keeps them workspace-relative). */
export type NewRun = Omit<ExplanationRun, 'id' | 'createdAt' | 'modelName' | 'datasetName' | 'imagesPerSecond'>;

/** Where a run's files live, relative to the workspace. */
export const runFolder = (id: number) => join('data', 'explanations', String(id));

const SELECT = `SELECT r.*, m.name AS model_name, d.name AS dataset_name FROM explanation_runs r
  LEFT JOIN models m ON m.id = r.model_id LEFT JOIN datasets d ON d.id = r.dataset_id`;

function summarise(r: RunRow): ExplanationRunSummary {
  return {
    id: r.id,
    name: r.name,
    modelId: r.model_id,
    modelName: r.model_name,
    datasetId: r.dataset_id,
    datasetName: r.dataset_name,
    method: r.method,
    methodLabel: r.method_label,
    kind: r.kind,
    target: JSON.parse(r.target) as ExplanationRunSummary['target'],
    count: r.count,
    perImage: r.per_image,
    height: r.height,
    width: r.width,
    seconds: r.seconds,
    createdAt: r.created_at,
  };
}

/** Explanation runs and their array files. Statements are prepared once, here. */
export class ExplanationsRepository extends EntityRows {
  readonly #db: Database;
  readonly #insert: Statement;
  readonly #insertArray: Statement;
  readonly #get: Statement<[number], RunRow>;
  readonly #list: Statement<{ modelId: number | null; datasetId: number | null }, RunRow>;

  constructor(db: Database) {
    super(db, 'explanation_runs', 'explanation_run_id');
    this.#db = db;
    this.#insert = db.prepare(`
      INSERT INTO explanation_runs (name, model_id, dataset_id, method, method_label, kind, params, target, selection, class_names,
        count, per_image, height, width, seed, engine, stats, job_id, heatlab_version, seconds, created_at)
      VALUES (@name, @modelId, @datasetId, @method, @methodLabel, @kind, @params, @target, @selection, @classNames,
        @count, @perImage, @height, @width, @seed, @engine, @stats, @jobId, @heatlabVersion, @seconds, @createdAt)
      RETURNING id`);
    this.#insertArray = db.prepare(
      `INSERT INTO arrays (explanation_run_id, role, path, dtype, shape, sha256, bytes) VALUES (@runId, @role, @path, @dtype, @shape, @sha256, @bytes)`,
    );
    this.#get = db.prepare(`${SELECT} WHERE r.id = ?`);
    this.#list = db.prepare(`${SELECT} WHERE (@modelId IS NULL OR r.model_id = @modelId) AND (@datasetId IS NULL OR r.dataset_id = @datasetId) ORDER BY r.id DESC`);
  }

  /** Inserts every run with its files in one transaction with `place(id, k)` (moving run k's folder). */
  insertAll(runs: readonly NewRun[], place: (id: number, k: number) => void): number[] {
    return this.#db.transaction(() =>
      runs.map((run, k) => {
        const { id } = this.#insert.get({
          name: run.name,
          modelId: run.modelId,
          datasetId: run.datasetId,
          method: run.method,
          methodLabel: run.methodLabel,
          kind: run.kind,
          count: run.count,
          perImage: run.perImage,
          height: run.height,
          width: run.width,
          seed: run.seed,
          jobId: run.jobId,
          heatlabVersion: run.heatlabVersion,
          seconds: run.seconds,
          params: JSON.stringify(run.params),
          target: JSON.stringify(run.target),
          selection: JSON.stringify(run.selection),
          classNames: JSON.stringify(run.classNames),
          engine: JSON.stringify(run.engine),
          stats: JSON.stringify(run.stats),
          createdAt: new Date().toISOString(),
        }) as { id: number };
        for (const f of run.files) this.#insertArray.run({ runId: id, role: f.role, path: join(runFolder(id), f.path), dtype: f.dtype, shape: JSON.stringify(f.shape), sha256: f.sha256, bytes: f.bytes });
        place(id, k);
        return id;
      }),
    )();
  }

  list(filter: { modelId?: number; datasetId?: number }): ExplanationRunSummary[] {
    return this.#list.all({ modelId: filter.modelId ?? null, datasetId: filter.datasetId ?? null }).map(summarise);
  }

  get(id: number): ExplanationRun | null {
    const r = this.#get.get(id);
    if (r === undefined) return null;
    return {
      ...summarise(r),
      params: JSON.parse(r.params) as ExplanationRun['params'],
      selection: JSON.parse(r.selection) as ExplanationRun['selection'],
      classNames: JSON.parse(r.class_names) as string[],
      seed: r.seed,
      engine: JSON.parse(r.engine) as ExplanationRun['engine'],
      stats: JSON.parse(r.stats) as ExplanationRun['stats'],
      jobId: r.job_id,
      heatlabVersion: r.heatlab_version,
      imagesPerSecond: r.seconds > 0 ? r.count / r.seconds : 0,
      files: this.files(id),
    };
  }
}

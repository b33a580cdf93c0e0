import { join } from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import { EntityRows } from './entity-rows.js';
import { isBaseline, type Evaluation, type EvaluationSummary } from '../../shared/evaluations.js';

interface EvaluationRow {
  id: number;
  name: string;
  model_id: number;
  model_name: string | null;
  dataset_id: number;
  dataset_name: string | null;
  ground_truth: string | null;
  ground_truth_label: string | null;
  count: number;
  per_image: number;
  columns: string;
  metrics: string;
  summary: string;
  rankings: string;
  seed: number;
  resamples: number;
  level: number;
  engine: string;
  job_id: number | null;
  heatlab_version: string;
  seconds: number;
  created_at: string;
  run_ids: string;
  evidence: string | null;
}

/** An evaluation to insert; its file paths are relative to its folder. */
export type NewEvaluation = Omit<Evaluation, 'id' | 'createdAt' | 'modelName' | 'datasetName' | 'methods' | 'metrics'>;

/** Where an evaluation's files live, relative to the workspace. */
export const evaluationFolder = (id: number) => join('data', 'evaluations', String(id));

const SELECT = `SELECT e.*, m.name AS model_name, d.name AS dataset_name,
    (SELECT json_group_array(run_id) FROM (SELECT run_id FROM evaluation_runs WHERE evaluation_id = e.id ORDER BY position)) AS run_ids
  FROM evaluations e LEFT JOIN models m ON m.id = e.model_id LEFT JOIN datasets d ON d.id = e.dataset_id`;

function summarise(r: EvaluationRow): EvaluationSummary {
  const columns = JSON.parse(r.columns) as Evaluation['columns'];
  const metrics = JSON.parse(r.metrics) as Evaluation['metricDetails'];
  return {
    id: r.id,
    name: r.name,
    modelId: r.model_id,
    modelName: r.model_name,
    datasetId: r.dataset_id,
    datasetName: r.dataset_name,
    runIds: JSON.parse(r.run_ids) as number[],
    methods: columns.filter((c) => !isBaseline(c)).map((c) => c.label),
    metrics: metrics.map((m) => m.id),
    groundTruth: r.ground_truth === null ? null : (JSON.parse(r.ground_truth) as Evaluation['groundTruth']),
    count: r.count,
    perImage: r.per_image,
    seconds: r.seconds,
    createdAt: r.created_at,
  };
}

/** Evaluations, the runs they scored, and their array files. Statements are prepared once, here. */
export class EvaluationsRepository extends EntityRows {
  readonly #db: Database;
  readonly #insert: Statement;
  readonly #insertRun: Statement;
  readonly #insertArray: Statement;
  readonly #get: Statement<[number], EvaluationRow>;
  readonly #list: Statement<{ modelId: number | null; datasetId: number | null; runId: number | null }, EvaluationRow>;

  constructor(db: Database) {
    super(db, 'evaluations', 'evaluation_id');
    this.#db = db;
    this.#insert = db.prepare(`
      INSERT INTO evaluations (name, model_id, dataset_id, ground_truth, ground_truth_label, count, per_image, columns, metrics, summary, rankings,
        seed, resamples, level, engine, job_id, heatlab_version, seconds, created_at, evidence)
      VALUES (@name, @modelId, @datasetId, @groundTruth, @groundTruthLabel, @count, @perImage, @columns, @metrics, @summary, @rankings,
        @seed, @resamples, @level, @engine, @jobId, @heatlabVersion, @seconds, @createdAt, @evidence)
      RETURNING id`);
    this.#insertRun = db.prepare(`INSERT INTO evaluation_runs (evaluation_id, run_id, position) VALUES (?, ?, ?)`);
    this.#insertArray = db.prepare(`INSERT INTO arrays (evaluation_id, role, path, dtype, shape, sha256, bytes) VALUES (@evaluationId, @role, @path, @dtype, @shape, @sha256, @bytes)`);
    this.#get = db.prepare(`${SELECT} WHERE e.id = ?`);
    this.#list = db.prepare(`${SELECT} WHERE (@modelId IS NULL OR e.model_id = @modelId) AND (@datasetId IS NULL OR e.dataset_id = @datasetId)
      AND (@runId IS NULL OR EXISTS (SELECT 1 FROM evaluation_runs r WHERE r.evaluation_id = e.id AND r.run_id = @runId)) ORDER BY e.id DESC`);
  }

  /** Inserts the evaluation, its runs and files in one transaction with `place(id)` (moving its folder into place). */
  insert(e: NewEvaluation, place: (id: number) => void): number {
    return this.#db.transaction(() => {
      const { id } = this.#insert.get({
        name: e.name,
        modelId: e.modelId,
        datasetId: e.datasetId,
        groundTruth: e.groundTruth === null ? null : JSON.stringify(e.groundTruth),
        groundTruthLabel: e.groundTruthLabel,
        count: e.count,
        perImage: e.perImage,
        columns: JSON.stringify(e.columns),
        metrics: JSON.stringify(e.metricDetails),
        // Non-finite means (a metric undefined on every image) survive JSON as null; NaN is restored on read.
        summary: JSON.stringify(e.table),
        rankings: JSON.stringify(e.rankings),
        seed: e.seed,
        resamples: e.resamples,
        level: e.level,
        engine: JSON.stringify(e.engine),
        jobId: e.jobId,
        heatlabVersion: e.heatlabVersion,
        seconds: e.seconds,
        createdAt: new Date().toISOString(),
        // Unmeasured figures are null in the evidence's own types, so it round-trips without a reviver.
        evidence: e.evidence === null ? null : JSON.stringify(e.evidence),
      }) as { id: number };
      e.runIds.forEach((runId, k) => this.#insertRun.run(id, runId, k));
      for (const f of e.files) this.#insertArray.run({ evaluationId: id, role: f.role, path: join(evaluationFolder(id), f.path), dtype: f.dtype, shape: JSON.stringify(f.shape), sha256: f.sha256, bytes: f.bytes });
      place(id);
      return id;
    })();
  }

  list(filter: { modelId?: number; datasetId?: number; runId?: number }): EvaluationSummary[] {
    return this.#list.all({ modelId: filter.modelId ?? null, datasetId: filter.datasetId ?? null, runId: filter.runId ?? null }).map(summarise);
  }

  get(id: number): Evaluation | null {
    const r = this.#get.get(id);
    if (r === undefined) return null;
    return {
      ...summarise(r),
      columns: JSON.parse(r.columns) as Evaluation['columns'],
      metricDetails: JSON.parse(r.metrics) as Evaluation['metricDetails'],
      table: JSON.parse(r.summary, nanForNull) as Evaluation['table'],
      rankings: JSON.parse(r.rankings, nanForNull) as Evaluation['rankings'],
      seed: r.seed,
      resamples: r.resamples,
      level: r.level,
      groundTruthLabel: r.ground_truth_label,
      jobId: r.job_id,
      heatlabVersion: r.heatlab_version,
      engine: JSON.parse(r.engine) as Evaluation['engine'],
      files: this.files(id),
      evidence: r.evidence === null ? null : (JSON.parse(r.evidence) as Evaluation['evidence']),
    };
  }
}

/** JSON has no NaN: numbers stored as null come back as NaN (a best column of null stays null). */
function nanForNull(key: string, value: unknown): unknown {
  return value === null && key !== 'best' ? NaN : value;
}

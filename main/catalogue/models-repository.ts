import { join } from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import type { ArrayFile } from '../../shared/datasets.js';
import type { TfjsBackendId } from '../../shared/engine.js';
import type { Model, ModelSummary } from '../../shared/models.js';

interface ModelRow {
  id: number;
  name: string;
  source: 'trained' | 'imported';
  dataset_id: number | null;
  dataset_name: string | null;
  architecture: string;
  architecture_spec: string | null;
  layers: string;
  parameters: number;
  class_names: string;
  training: string | null;
  preprocessing: string;
  backend: string | null;
  epochs: string;
  stop_reason: string | null;
  stop_note: string | null;
  test: string | null;
  test_accuracy: number | null;
  onnx: string;
  tfjs: string | null;
  job_id: number | null;
  heatlab_version: string;
  seconds: number;
  created_at: string;
}

/** File paths in a new model are relative to its folder, data/models/<id>/. */
export type NewModel = Omit<Model, 'id' | 'createdAt'>;

/** Where a model's files live, relative to the workspace. */
export const modelFolder = (id: number) => join('data', 'models', String(id));

const json = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

function summarise(r: ModelRow): ModelSummary {
  return {
    id: r.id,
    name: r.name,
    datasetId: r.dataset_id,
    datasetName: r.dataset_name,
    source: r.source,
    architecture: r.architecture,
    backend: r.backend as TfjsBackendId | null,
    testAccuracy: r.test_accuracy,
    parameters: r.parameters,
    classNames: JSON.parse(r.class_names) as string[],
    createdAt: r.created_at,
  };
}

/** Model rows and their array files. Statements are prepared once, here. */
export class ModelsRepository {
  readonly #db: Database;
  readonly #insert: Statement;
  readonly #insertArray: Statement;
  readonly #get: Statement<[number], ModelRow>;
  readonly #list: Statement<[], ModelRow>;
  readonly #arrays: Statement<[number], { role: string; path: string; dtype: string; shape: string; sha256: string; bytes: number }>;
  readonly #delete: Statement<[number]>;
  readonly #rename: Statement<[string, number]>;
  readonly #ids: Statement<[], { id: number }>;

  constructor(db: Database) {
    this.#db = db;
    this.#insert = db.prepare(`
      INSERT INTO models (name, source, dataset_id, dataset_name, architecture, architecture_spec, layers, parameters, class_names,
        training, preprocessing, backend, epochs, stop_reason, stop_note, test, test_accuracy, onnx, tfjs, job_id, heatlab_version,
        seconds, created_at)
      VALUES (@name, @source, @datasetId, @datasetName, @architecture, @architectureSpec, @layers, @parameters, @classNames,
        @training, @preprocessing, @backend, @epochs, @stopReason, @stopNote, @test, @testAccuracy, @onnx, @tfjs, @jobId,
        @heatlabVersion, @seconds, @createdAt)
      RETURNING id`);
    this.#insertArray = db.prepare(
      `INSERT INTO arrays (model_id, role, path, dtype, shape, sha256, bytes) VALUES (@modelId, @role, @path, @dtype, @shape, @sha256, @bytes)`,
    );
    this.#get = db.prepare(`SELECT * FROM models WHERE id = ?`);
    this.#list = db.prepare(`SELECT * FROM models ORDER BY id DESC`);
    this.#arrays = db.prepare(`SELECT role, path, dtype, shape, sha256, bytes FROM arrays WHERE model_id = ? ORDER BY id`);
    this.#delete = db.prepare(`DELETE FROM models WHERE id = ?`);
    this.#rename = db.prepare(`UPDATE models SET name = ? WHERE id = ?`);
    this.#ids = db.prepare(`SELECT id FROM models`);
  }

  /** Every id: folders without one are left over. */
  ids(): Set<number> {
    return new Set(this.#ids.all().map((r) => r.id));
  }

  /** Inserts the model and its array files in one transaction with `place(id)` (moving its folder). */
  insert(model: NewModel, filesFor: (id: number) => ArrayFile[], place: (id: number) => void): number {
    return this.#db.transaction(() => {
      const { id } = this.#insert.get({
        name: model.name,
        source: model.source,
        datasetId: model.datasetId,
        datasetName: model.datasetName,
        architecture: model.architecture,
        architectureSpec: model.architectureSpec === null ? null : JSON.stringify(model.architectureSpec),
        layers: JSON.stringify(model.layers),
        parameters: model.parameters,
        classNames: JSON.stringify(model.classNames),
        training: model.training === null ? null : JSON.stringify(model.training),
        preprocessing: JSON.stringify(model.preprocessing),
        backend: model.backend,
        epochs: JSON.stringify(model.epochs),
        stopReason: model.stopReason,
        stopNote: model.stopNote,
        test: model.test === null ? null : JSON.stringify(model.test),
        testAccuracy: model.test?.accuracy ?? null,
        onnx: JSON.stringify(model.onnx),
        tfjs: model.tfjs === null ? null : JSON.stringify(model.tfjs),
        jobId: model.jobId,
        heatlabVersion: model.heatlabVersion,
        seconds: model.seconds,
        createdAt: new Date().toISOString(),
      }) as { id: number };
      for (const f of filesFor(id)) this.#insertArray.run({ modelId: id, role: f.role, path: f.path, dtype: f.dtype, shape: JSON.stringify(f.shape), sha256: f.sha256, bytes: f.bytes });
      place(id);
      return id;
    })();
  }

  list(): ModelSummary[] {
    return this.#list.all().map(summarise);
  }

  get(id: number): (Model & { files: ArrayFile[] }) | null {
    const r = this.#get.get(id);
    if (r === undefined) return null;
    return {
      ...summarise(r),
      architectureSpec: json(r.architecture_spec),
      layers: JSON.parse(r.layers) as Model['layers'],
      training: json(r.training),
      preprocessing: JSON.parse(r.preprocessing) as Model['preprocessing'],
      epochs: JSON.parse(r.epochs) as Model['epochs'],
      stopReason: r.stop_reason as Model['stopReason'],
      stopNote: r.stop_note,
      test: json(r.test),
      // Rows keep file names relative to the model's folder; callers get workspace-relative paths.
      onnx: (({ path, ...rest }) => ({ ...rest, path: join(modelFolder(r.id), path) }))(JSON.parse(r.onnx) as Model['onnx']),
      tfjs: ((t) => t && { modelJson: join(modelFolder(r.id), t.modelJson), weights: join(modelFolder(r.id), t.weights) })(json<NonNullable<Model['tfjs']>>(r.tfjs)),
      jobId: r.job_id,
      heatlabVersion: r.heatlab_version,
      seconds: r.seconds,
      files: this.#arrays.all(id).map((a) => ({ ...a, shape: JSON.parse(a.shape) as number[] })),
    };
  }

  rename(id: number, name: string): void {
    this.#rename.run(name, id);
  }

  delete(id: number): boolean {
    return this.#delete.run(id).changes > 0;
  }
}

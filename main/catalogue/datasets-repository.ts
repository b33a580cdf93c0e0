import { join } from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import { splitNames, type ArrayFile, type Dataset, type DatasetSummary, type ImportReport, type SplitName } from '../../shared/datasets.js';
import type { GeneratorId, MaskKind } from '../../shared/generators.js';

interface DatasetRow {
  id: number;
  name: string;
  source: 'generated' | 'imported';
  generator: string | null;
  params: string;
  seed: number | null;
  count: number;
  height: number;
  width: number;
  channels: number;
  dtype: 'uint8' | 'uint16';
  class_names: string;
  class_counts: string;
  param_columns: string;
  mask_kinds: string;
  report: string | null;
  job_id: number | null;
  heatlab_version: string;
  seconds: number;
  created_at: string;
}

interface ArrayRow {
  role: string;
  path: string;
  dtype: string;
  shape: string;
  sha256: string;
  bytes: number;
}

/** Where a dataset's files live, relative to the workspace. */
export const datasetFolder = (id: number) => join('data', 'datasets', String(id));

/** Everything needed to record a dataset; `files` paths are relative to the workspace. */
export type NewDataset = Omit<Dataset, 'id' | 'createdAt' | 'classCounts' | 'splitCounts'>;

function summarise(row: DatasetRow): DatasetSummary {
  const bySplit = JSON.parse(row.class_counts) as { [S in SplitName]: number[] };
  const classNames = JSON.parse(row.class_names) as string[];
  const classCounts = classNames.map((_, c) => splitNames.reduce((sum, s) => sum + (bySplit[s][c] ?? 0), 0));
  const splitCounts = Object.fromEntries(splitNames.map((s) => [s, bySplit[s].reduce((a, b) => a + b, 0)])) as { [S in SplitName]: number };
  return {
    id: row.id,
    name: row.name,
    source: row.source,
    generator: row.generator as GeneratorId | null,
    count: row.count,
    height: row.height,
    width: row.width,
    channels: row.channels,
    dtype: row.dtype,
    classNames,
    classCounts,
    splitCounts,
    seed: row.seed,
    createdAt: row.created_at,
  };
}

/** Dataset rows and their array files. Statements are prepared once, here. */
export class DatasetsRepository {
  readonly #db: Database;
  readonly #insert: Statement;
  readonly #insertArray: Statement;
  readonly #get: Statement<[number], DatasetRow>;
  readonly #list: Statement<[], DatasetRow>;
  readonly #arrays: Statement<[number], ArrayRow>;
  readonly #delete: Statement<[number]>;
  readonly #rename: Statement<[string, number]>;
  readonly #setReport: Statement<[string, number]>;
  readonly #ids: Statement<[], { id: number }>;

  constructor(db: Database) {
    this.#db = db;
    this.#insert = db.prepare(`
      INSERT INTO datasets (name, source, generator, params, seed, count, height, width, channels, dtype, class_names,
        class_counts, param_columns, mask_kinds, report, job_id, heatlab_version, seconds, created_at)
      VALUES (@name, @source, @generator, @params, @seed, @count, @height, @width, @channels, @dtype, @classNames,
        @classCounts, @paramColumns, @maskKinds, @report, @jobId, @heatlabVersion, @seconds, @createdAt)
      RETURNING id`);
    this.#insertArray = db.prepare(
      `INSERT INTO arrays (dataset_id, role, path, dtype, shape, sha256, bytes) VALUES (@datasetId, @role, @path, @dtype, @shape, @sha256, @bytes)`,
    );
    this.#get = db.prepare(`SELECT * FROM datasets WHERE id = ?`);
    this.#list = db.prepare(`SELECT * FROM datasets ORDER BY id DESC`);
    this.#arrays = db.prepare(`SELECT role, path, dtype, shape, sha256, bytes FROM arrays WHERE dataset_id = ? ORDER BY id`);
    this.#delete = db.prepare(`DELETE FROM datasets WHERE id = ?`);
    this.#rename = db.prepare(`UPDATE datasets SET name = ? WHERE id = ?`);
    this.#setReport = db.prepare(`UPDATE datasets SET report = ? WHERE id = ?`);
    this.#ids = db.prepare(`SELECT id FROM datasets`);
  }

  /**
   * Inserts the dataset and its files in one transaction; `place(id)` runs inside it (e.g. moving
   * the staged folder into place) and its failure rolls everything back. Returns the new id.
   */
  insert(dataset: NewDataset, filesFor: (id: number) => ArrayFile[], place: (id: number) => void): number {
    return this.#db.transaction(() => {
      const { id } = this.#insert.get({
        name: dataset.name,
        source: dataset.source,
        generator: dataset.generator,
        params: JSON.stringify(dataset.params),
        seed: dataset.seed,
        count: dataset.count,
        height: dataset.height,
        width: dataset.width,
        channels: dataset.channels,
        dtype: dataset.dtype,
        classNames: JSON.stringify(dataset.classNames),
        classCounts: JSON.stringify(dataset.classCountsBySplit),
        paramColumns: JSON.stringify(dataset.paramColumns),
        maskKinds: JSON.stringify(dataset.maskKinds),
        report: dataset.report === null ? null : JSON.stringify(dataset.report),
        jobId: dataset.jobId,
        heatlabVersion: dataset.heatlabVersion,
        seconds: dataset.seconds,
        createdAt: new Date().toISOString(),
      }) as { id: number };
      for (const file of filesFor(id)) {
        this.#insertArray.run({ datasetId: id, role: file.role, path: file.path, dtype: file.dtype, shape: JSON.stringify(file.shape), sha256: file.sha256, bytes: file.bytes });
      }
      place(id);
      return id;
    })();
  }

  /** Every id: folders without one are left over. */
  ids(): Set<number> {
    return new Set(this.#ids.all().map((r) => r.id));
  }

  list(): DatasetSummary[] {
    return this.#list.all().map(summarise);
  }

  get(id: number): Dataset | null {
    const row = this.#get.get(id);
    if (row === undefined) return null;
    return {
      ...summarise(row),
      params: JSON.parse(row.params) as Record<string, unknown>,
      paramColumns: JSON.parse(row.param_columns) as string[],
      maskKinds: JSON.parse(row.mask_kinds) as MaskKind[],
      classCountsBySplit: JSON.parse(row.class_counts) as { [S in SplitName]: number[] },
      report: row.report === null ? null : (JSON.parse(row.report) as ImportReport),
      files: this.#arrays.all(id).map((a) => ({ ...a, shape: JSON.parse(a.shape) as number[] })),
      jobId: row.job_id,
      heatlabVersion: row.heatlab_version,
      seconds: row.seconds,
    };
  }

  setReport(id: number, report: ImportReport): void {
    this.#setReport.run(JSON.stringify(report), id);
  }

  rename(id: number, name: string): void {
    this.#rename.run(name, id);
  }

  /** Deletes the row (its array rows go with it); returns whether it existed. */
  delete(id: number): boolean {
    return this.#delete.run(id).changes > 0;
  }
}

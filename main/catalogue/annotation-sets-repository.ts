import type { Database, Statement } from 'better-sqlite3';
import type { AnnotationSetSummary } from '../../shared/annotations.js';
import type { ArrayFile } from '../../shared/datasets.js';

interface Row {
  id: number;
  dataset_id: number;
  name: string;
  annotator: string;
  labels: string;
  source: AnnotationSetSummary['source'];
  created_at: string;
}

const toSummary = (r: Row): AnnotationSetSummary => ({
  id: r.id,
  datasetId: r.dataset_id,
  name: r.name,
  annotator: r.annotator,
  labels: JSON.parse(r.labels) as string[],
  source: r.source,
  createdAt: r.created_at,
});

/** Annotation-set rows and their array files. Statements are prepared once, here. */
export class AnnotationSetsRepository {
  readonly #insert: Statement;
  readonly #insertArray: Statement;
  readonly #byDataset: Statement<[number], Row>;
  readonly #get: Statement<[number], Row>;
  readonly #files: Statement<[number], { role: string; path: string; dtype: string; shape: string; sha256: string; bytes: number }>;

  constructor(db: Database) {
    this.#insert = db.prepare(
      `INSERT INTO annotation_sets (dataset_id, name, annotator, labels, source, created_at)
       VALUES (@datasetId, @name, @annotator, @labels, @source, @createdAt) RETURNING id`,
    );
    this.#insertArray = db.prepare(
      `INSERT INTO arrays (annotation_set_id, role, path, dtype, shape, sha256, bytes) VALUES (@setId, @role, @path, @dtype, @shape, @sha256, @bytes)`,
    );
    this.#byDataset = db.prepare(`SELECT * FROM annotation_sets WHERE dataset_id = ? ORDER BY id`);
    this.#get = db.prepare(`SELECT * FROM annotation_sets WHERE id = ?`);
    this.#files = db.prepare(`SELECT role, path, dtype, shape, sha256, bytes FROM arrays WHERE annotation_set_id = ? ORDER BY id`);
  }

  /** Call inside the caller's transaction when the set comes with its dataset. */
  insert(set: Omit<AnnotationSetSummary, 'id' | 'createdAt'>, files: ArrayFile[]): number {
    const { id } = this.#insert.get({ ...set, labels: JSON.stringify(set.labels), createdAt: new Date().toISOString() }) as { id: number };
    for (const f of files) this.#insertArray.run({ setId: id, role: f.role, path: f.path, dtype: f.dtype, shape: JSON.stringify(f.shape), sha256: f.sha256, bytes: f.bytes });
    return id;
  }

  get(id: number): (AnnotationSetSummary & { files: ArrayFile[] }) | null {
    const row = this.#get.get(id);
    if (row === undefined) return null;
    return { ...toSummary(row), files: this.#files.all(id).map((f) => ({ ...f, shape: JSON.parse(f.shape) as number[] })) };
  }

  forDataset(datasetId: number): AnnotationSetSummary[] {
    return this.#byDataset.all(datasetId).map(toSummary);
  }
}

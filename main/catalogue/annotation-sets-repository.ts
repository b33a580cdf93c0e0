import type { Database, Statement } from 'better-sqlite3';
import type { AnnotationSeed, AnnotationSetSummary } from '../../shared/annotations.js';
import type { ArrayFile } from '../../shared/datasets.js';

interface Row {
  id: number;
  dataset_id: number;
  name: string;
  annotator: string;
  labels: string;
  source: AnnotationSetSummary['source'];
  created_at: string;
  seed: string | null;
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
  readonly #rename: Statement<[string, number]>;
  readonly #delete: Statement<[number]>;
  readonly #saveMask: Statement<[number, number, Buffer, string]>;
  readonly #deleteMask: Statement<[number, number]>;
  readonly #mask: Statement<[number, number], { mask: Buffer }>;
  readonly #annotated: Statement<[number], { image: number }>;
  readonly #count: Statement<[number], { n: number }>;
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT INTO annotation_sets (dataset_id, name, annotator, labels, source, created_at, seed)
       VALUES (@datasetId, @name, @annotator, @labels, @source, @createdAt, @seed)`,
    );
    this.#insertArray = db.prepare(
      `INSERT INTO arrays (annotation_set_id, role, path, dtype, shape, sha256, bytes) VALUES (@setId, @role, @path, @dtype, @shape, @sha256, @bytes)`,
    );
    this.#byDataset = db.prepare(`SELECT * FROM annotation_sets WHERE dataset_id = ? ORDER BY id`);
    this.#get = db.prepare(`SELECT * FROM annotation_sets WHERE id = ?`);
    this.#files = db.prepare(`SELECT role, path, dtype, shape, sha256, bytes FROM arrays WHERE annotation_set_id = ? ORDER BY id`);
    this.#rename = db.prepare(`UPDATE annotation_sets SET name = ? WHERE id = ?`);
    this.#delete = db.prepare(`DELETE FROM annotation_sets WHERE id = ?`);
    this.#saveMask = db.prepare(`INSERT OR REPLACE INTO annotation_masks (set_id, image, mask, updated_at) VALUES (?, ?, ?, ?)`);
    this.#deleteMask = db.prepare(`DELETE FROM annotation_masks WHERE set_id = ? AND image = ?`);
    this.#mask = db.prepare(`SELECT mask FROM annotation_masks WHERE set_id = ? AND image = ?`);
    this.#annotated = db.prepare(`SELECT image FROM annotation_masks WHERE set_id = ? ORDER BY image`);
    this.#count = db.prepare(`SELECT COUNT(*) AS n FROM annotation_masks WHERE set_id = ?`);
  }

  /** Call inside the caller's transaction when the set comes with its dataset. */
  insert(set: Omit<AnnotationSetSummary, 'id' | 'createdAt'>, files: ArrayFile[], seed: AnnotationSeed = { kind: set.source === 'imported' ? 'imported' : 'empty' }): number {
    // run(), not get() with RETURNING: outside a transaction better-sqlite3 would drop the commit's error (a full disk).
    const id = Number(this.#insert.run({ ...set, labels: JSON.stringify(set.labels), createdAt: new Date().toISOString(), seed: JSON.stringify(seed) }).lastInsertRowid);
    for (const f of files) this.#insertArray.run({ setId: id, role: f.role, path: f.path, dtype: f.dtype, shape: JSON.stringify(f.shape), sha256: f.sha256, bytes: f.bytes });
    return id;
  }

  get(id: number): (AnnotationSetSummary & { seed: AnnotationSeed; files: ArrayFile[] }) | null {
    const row = this.#get.get(id);
    if (row === undefined) return null;
    // Sets made before seeds were recorded: imported ones read their files, the others start empty.
    const seed = row.seed === null ? { kind: row.source === 'imported' ? 'imported' : 'empty' } : JSON.parse(row.seed);
    return { ...toSummary(row), seed: seed as AnnotationSeed, files: this.#files.all(id).map((f) => ({ ...f, shape: JSON.parse(f.shape) as number[] })) };
  }

  rename(id: number, name: string): void {
    this.#rename.run(name, id);
  }

  /** Its saved masks and array rows go with it (ON DELETE CASCADE). */
  delete(id: number): void {
    this.#delete.run(id);
  }

  /** Saves one image's compressed mask; returns how many images have one now. */
  saveMask(setId: number, image: number, compressed: Uint8Array, at: string): number {
    return this.#db.transaction(() => {
      this.#saveMask.run(setId, image, Buffer.from(compressed.buffer, compressed.byteOffset, compressed.byteLength), at);
      return this.#count.get(setId)!.n;
    })();
  }

  /** Forgets one image's saved mask; returns how many images still have one. */
  revertMask(setId: number, image: number): number {
    return this.#db.transaction(() => {
      this.#deleteMask.run(setId, image);
      return this.#count.get(setId)!.n;
    })();
  }

  /** The compressed saved mask of an image, if any. */
  mask(setId: number, image: number): Uint8Array | null {
    return this.#mask.get(setId, image)?.mask ?? null;
  }

  /** Images with a saved mask, ascending. */
  annotated(setId: number): Int32Array {
    return Int32Array.from(this.#annotated.all(setId), (r) => r.image);
  }

  forDataset(datasetId: number): AnnotationSetSummary[] {
    return this.#byDataset.all(datasetId).map(toSummary);
  }
}

// What every catalogue entity with array files has in common — its files, the ids that exist, a
// rename and a delete — as statements prepared once per table.
import type { Database, Statement } from 'better-sqlite3';
import type { ArrayFile } from '../../shared/datasets.js';

type ArrayRow = { role: string; path: string; dtype: string; shape: string; sha256: string; bytes: number };

/** The base of those entities' repositories. */
export class EntityRows {
  readonly #arrays: Statement<[number], ArrayRow>;
  readonly #ids: Statement<[], { id: number }>;
  readonly #delete: Statement<[number]>;
  readonly #rename: Statement<[string, number]>;

  /** `table`: the entity's table; `arrayColumn`: the column of `arrays` that points at it. */
  constructor(db: Database, table: string, arrayColumn: string) {
    this.#arrays = db.prepare(`SELECT role, path, dtype, shape, sha256, bytes FROM arrays WHERE ${arrayColumn} = ? ORDER BY id`);
    this.#ids = db.prepare(`SELECT id FROM ${table}`);
    this.#delete = db.prepare(`DELETE FROM ${table} WHERE id = ?`);
    this.#rename = db.prepare(`UPDATE ${table} SET name = ? WHERE id = ?`);
  }

  files(id: number): ArrayFile[] {
    return this.#arrays.all(id).map((a) => ({ ...a, shape: JSON.parse(a.shape) as number[] })) as ArrayFile[];
  }

  /** Every id: folders without one are left over from a cascade. */
  ids(): Set<number> {
    return new Set(this.#ids.all().map((r) => r.id));
  }

  rename(id: number, name: string): void {
    this.#rename.run(name, id);
  }

  delete(id: number): boolean {
    return this.#delete.run(id).changes > 0;
  }
}

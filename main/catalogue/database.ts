// The catalogue: one SQLite file per workspace, opened with WAL and foreign keys, checked before
// any write, and brought to the latest schema by numbered migrations.
import { existsSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { HeatlabError } from '../../shared/errors.js';
import { diskFullError, hasNoSpace, isDiskFull } from '../workspace/disk-full.js';
import { latestSchemaVersion, migrations, type Migration } from './migrations.js';

export interface Catalogue {
  db: Database;
  path: string;
  schemaVersion: number;
  close(): void;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A full disk while opening is not damage: SQLite then reports "disk I/O error" (it cannot size its
 * -shm file) or "database or disk is full", and the catalogue is fine once there is space.
 */
function fullDiskInstead(err: unknown, path: string): HeatlabError | null {
  const folder = dirname(path);
  return isDiskFull(err) || hasNoSpace(folder) ? diskFullError(folder, 'the catalogue cannot be opened') : null;
}

/** SQLite's own complaint in a few words: quick_check reports start with a "*** in database main ***" line. */
function firstProblem(report: string): string {
  const lines = report.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('***'));
  return lines[0] ?? report.trim();
}

/**
 * Inspects an existing catalogue read-only: refuses a corrupt file or one written by a newer
 * Heatlab before anything is written to it.
 */
function inspectExisting(path: string, known: number): void {
  // A read-only connection to a WAL database creates empty -wal and -shm files; a refused catalogue
  // should be left as it was found, so those are removed again (a healthy one keeps them for the real open).
  const companions = [`${path}-wal`, `${path}-shm`].filter((p) => !existsSync(p));
  let db: Database | undefined;
  try {
    db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
    const check = db.pragma('quick_check', { simple: false }) as { quick_check: string }[];
    const problems = check.map((r) => r.quick_check).filter((r) => r !== 'ok');
    if (problems.length > 0) {
      throw new HeatlabError('workspace', `The catalogue ${path} is damaged (${firstProblem(problems[0]!)}), so Heatlab will not write to it; restore it from a backup or move it aside.`);
    }
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > known) {
      throw new HeatlabError('workspace', `The catalogue ${path} has schema version ${version}, newer than this Heatlab understands (${known}); update Heatlab to open it.`);
    }
  } catch (err) {
    db?.close();
    db = undefined;
    const wal = `${path}-wal`;
    if (!existsSync(wal) || statSync(wal).size === 0) for (const p of companions) rmSync(p, { force: true });
    if (err instanceof HeatlabError) throw err;
    const full = fullDiskInstead(err, path);
    if (full) throw full;
    throw new HeatlabError('workspace', `The catalogue ${path} cannot be read as a SQLite database (${describe(err)}), so Heatlab will not write to it; restore it from a backup or move it aside.`);
  } finally {
    db?.close();
  }
}

/** Applies each pending migration in its own transaction, which also sets user_version. */
export function migrate(db: Database, list: readonly Migration[] = migrations): number {
  let version = db.pragma('user_version', { simple: true }) as number;
  for (const migration of list) {
    if (migration.version <= version) continue;
    if (migration.version !== version + 1) {
      throw new HeatlabError('internal', `Migration ${migration.version} (${migration.name}) does not follow schema version ${version}.`);
    }
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
    version = migration.version;
  }
  return version;
}

export function openCatalogue(path: string, list: readonly Migration[] = migrations): Catalogue {
  const known = list.at(-1)?.version ?? latestSchemaVersion;
  if (existsSync(path)) inspectExisting(path, known);
  let db: Database;
  try {
    db = new BetterSqlite3(path);
  } catch (err) {
    throw fullDiskInstead(err, path) ?? new HeatlabError('workspace', `The catalogue ${path} cannot be opened (${describe(err)}).`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    const schemaVersion = migrate(db, list);
    return { db, path, schemaVersion, close: () => db.close() };
  } catch (err) {
    db.close();
    if (err instanceof HeatlabError) throw err;
    const full = fullDiskInstead(err, path);
    if (full) throw full;
    throw new HeatlabError('workspace', `The catalogue ${path} could not be prepared (${describe(err)}).`);
  }
}

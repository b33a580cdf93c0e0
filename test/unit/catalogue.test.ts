// The workspace on disk: the SQLite catalogue (pragmas, migrations, refusing files it must not
// touch), the jobs repository, atomic file writes and where the workspace lives.
import * as realFs from 'node:fs';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HeatlabError } from '../../shared/errors.js';
import { openCatalogue, type Catalogue } from '../../main/catalogue/database.js';
import { JobsRepository } from '../../main/catalogue/jobs-repository.js';
import { latestSchemaVersion, migrations, type Migration } from '../../main/catalogue/migrations.js';
import { writeFileAtomic } from '../../main/workspace/atomic-write.js';
import { resolveWorkspaceDir } from '../../main/workspace/location.js';
import { catalogueFileName, openWorkspace } from '../../main/workspace/workspace.js';

// Lets one test make writeSync fail halfway, as a full disk would; every other call is the real one.
const diskFull = vi.hoisted(() => ({ on: false, duringPartialWrite: (): void => undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeSync = ((fd: number, buffer: Uint8Array, offset?: number, length?: number) => {
    if (!diskFull.on || typeof buffer === 'string') return (fs.writeSync as (...a: unknown[]) => number)(fd, buffer, offset, length);
    const half = Math.max(1, Math.floor((length ?? buffer.length) / 2));
    fs.writeSync(fd, buffer, offset ?? 0, half);
    diskFull.duringPartialWrite();
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  }) as typeof fs.writeSync;
  return { ...fs, default: { ...fs, writeSync }, writeSync };
});

let dir: string;
const open: Catalogue[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'heatlab-catalogue-'));
});

afterEach(() => {
  for (const c of open.splice(0)) if (c.db.open) c.close();
  diskFull.on = false;
  diskFull.duringPartialWrite = () => undefined;
  rmSync(dir, { recursive: true, force: true });
});

function openTracked(path: string, list?: readonly Migration[]): Catalogue {
  const catalogue = openCatalogue(path, list);
  open.push(catalogue);
  return catalogue;
}

function thrown(fn: () => unknown): HeatlabError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HeatlabError);
    return err as HeatlabError;
  }
  throw new Error('Expected the call to throw.');
}

/** One line, capitalised, ending with a full stop, with no second sentence inside. */
function expectOneSentence(message: string): void {
  expect(message).toMatch(/^[A-Z][^\n]*\.$/);
  expect(message).not.toMatch(/[.!?]\s+[A-Z]/);
}

/** Bytes and modification time of a file, plus what else is in its folder. */
function snapshot(path: string): { bytes: Buffer; mtimeMs: number; siblings: string[] } {
  return { bytes: readFileSync(path), mtimeMs: statSync(path).mtimeMs, siblings: readdirSync(join(path, '..')).sort() };
}

/** A raw connection, for looking at the file from outside Heatlab. */
function raw(path: string, readonly = true): BetterSqlite3.Database {
  return new BetterSqlite3(path, { readonly, fileMustExist: true });
}

/**
 * 1-based numbers of the table-leaf b-tree pages (type byte 0x0D, SQLite file format §1.6) holding
 * at least two cells: where job rows live, wherever the row sizes happened to put them.
 */
function leafTablePages(bytes: Buffer): number[] {
  const pageSize = bytes.readUInt16BE(16);
  const pages: number[] = [];
  for (let page = 2; page * pageSize <= bytes.length; page++) {
    const start = (page - 1) * pageSize;
    // Leaf table pages holding job rows (the schema's own pages hold table definitions, not job kinds).
    if (bytes[start] === 0x0d && bytes.readUInt16BE(start + 3) >= 2 && bytes.subarray(start, start + pageSize).includes('engine.check')) pages.push(page);
  }
  return pages;
}

/** A catalogue with enough job rows to span several pages, closed again. */
function populatedCatalogue(path: string): void {
  const catalogue = openCatalogue(path);
  const repo = new JobsRepository(catalogue.db);
  catalogue.db.transaction(() => {
    for (let i = 0; i < 200; i++) repo.create('engine.check', { seconds: i, note: 'x'.repeat(200) });
  })();
  catalogue.close();
}

describe('a fresh catalogue', () => {
  it('uses WAL, foreign keys and the latest schema version', () => {
    const path = join(dir, 'catalogue.sqlite');
    const catalogue = openTracked(path);
    expect(catalogue.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(catalogue.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(catalogue.db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion);
    expect(catalogue.schemaVersion).toBe(latestSchemaVersion);
    catalogue.close();
    // WAL is recorded in the file itself: bytes 18 and 19 of the header are 2 (SQLite file format, §1.3.4).
    const header = readFileSync(path).subarray(0, 20);
    expect(header.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    expect([header[18], header[19]]).toEqual([2, 2]);
  });

  it('numbers its migrations 1, 2, 3… with the latest as the schema version', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(latestSchemaVersion).toBe(migrations.length);
  });

  it('makes the jobs table STRICT, so a value of the wrong type is refused', () => {
    const catalogue = openTracked(join(dir, 'catalogue.sqlite'));
    const tables = catalogue.db.pragma('table_list') as { name: string; strict: number }[];
    expect(tables.find((t) => t.name === 'jobs')?.strict).toBe(1);
    const insert = catalogue.db.prepare(`INSERT INTO jobs (kind, status, params, created_at, owner_pid) VALUES ('engine.check', 'queued', '{}', 'now', ?)`);
    expect(() => insert.run('not a pid')).toThrow(/cannot store TEXT value in INTEGER column/);
    expect(() =>
      catalogue.db.prepare(`INSERT INTO jobs (kind, status, params, created_at, owner_pid) VALUES ('engine.check', 'sleeping', '{}', 'now', 1)`).run(),
    ).toThrow(/CHECK constraint failed/);
  });

  it('creates the workspace folder, its catalogue and its data folder', () => {
    const workspaceDir = join(dir, 'nested', 'workspace');
    const workspace = openWorkspace(workspaceDir);
    try {
      expect(workspace.dir).toBe(workspaceDir);
      expect(workspace.catalogue.path).toBe(join(workspaceDir, catalogueFileName));
      expect(statSync(workspace.dataDir).isDirectory()).toBe(true);
      expect(existsSync(join(workspaceDir, 'catalogue.sqlite'))).toBe(true);
    } finally {
      workspace.close();
    }
  });

  it('keeps its rows when it is opened again', () => {
    const path = join(dir, 'catalogue.sqlite');
    const first = openCatalogue(path);
    const id = new JobsRepository(first.db).create('engine.check', { seconds: 0 }).id;
    first.close();
    const second = openTracked(path);
    expect(new JobsRepository(second.db).get(id)?.params).toEqual({ seconds: 0 });
    expect(second.schemaVersion).toBe(latestSchemaVersion);
  });
});

describe('migrations', () => {
  /** Migrations that log the order they ran in; `failAt` throws after changing the schema. */
  function loggingMigrations(count: number, failAt?: number): Migration[] {
    return Array.from({ length: count }, (_, i) => ({
      version: i + 1,
      name: `step ${i + 1}`,
      up(db: BetterSqlite3.Database) {
        if (i === 0) db.exec('CREATE TABLE log (step INTEGER NOT NULL) STRICT');
        db.prepare('INSERT INTO log (step) VALUES (?)').run(i + 1);
        db.exec(`CREATE TABLE table_${i + 1} (x INTEGER) STRICT`);
        if (i + 1 === failAt) throw new Error(`step ${i + 1} went wrong`);
      },
    }));
  }

  const schemaOf = (db: BetterSqlite3.Database) => db.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all();

  it('applies pending migrations once each, in order, and sets user_version to the last', () => {
    const path = join(dir, 'catalogue.sqlite');
    const first = openCatalogue(path, loggingMigrations(3));
    expect(first.schemaVersion).toBe(3);
    first.close();
    const second = openTracked(path, loggingMigrations(5));
    expect(second.schemaVersion).toBe(5);
    expect(second.db.pragma('user_version', { simple: true })).toBe(5);
    expect(second.db.prepare('SELECT step FROM log ORDER BY rowid').pluck().all()).toEqual([1, 2, 3, 4, 5]);
  });

  it('rolls a failing migration back completely: user_version and schema stay as they were', () => {
    const path = join(dir, 'catalogue.sqlite');
    openCatalogue(path, loggingMigrations(2)).close();
    const before = raw(path);
    const schemaBefore = schemaOf(before);
    before.close();

    const error = thrown(() => openCatalogue(path, loggingMigrations(4, 4)));
    expect(error.code).toBe('workspace');
    expect(error.message).toContain('step 4 went wrong');
    expectOneSentence(error.message);

    const after = raw(path);
    try {
      // Migration 3 succeeded and stays; migration 4 left nothing behind.
      expect(after.pragma('user_version', { simple: true })).toBe(3);
      expect(after.prepare('SELECT step FROM log ORDER BY rowid').pluck().all()).toEqual([1, 2, 3]);
      const names = (schemaOf(after) as { name: string }[]).map((r) => r.name);
      expect(names).toContain('table_3');
      expect(names).not.toContain('table_4');
      expect(schemaOf(after).filter((r) => (r as { name: string }).name !== 'table_3')).toEqual(schemaBefore);
    } finally {
      after.close();
    }
  });

  it('refuses a migration list with a gap in its numbers', () => {
    const list = loggingMigrations(3).filter((m) => m.version !== 2);
    const error = thrown(() => openCatalogue(join(dir, 'catalogue.sqlite'), list));
    expect(error.message).toMatch(/Migration 3 \(step 3\) does not follow schema version 1/);
  });
});

describe('catalogues Heatlab must not touch', () => {
  it('refuses a catalogue written by a newer Heatlab, leaving its bytes unchanged', () => {
    const path = join(dir, catalogueFileName);
    populatedCatalogue(path);
    const db = raw(path, false);
    db.pragma(`user_version = ${latestSchemaVersion + 1}`);
    db.close();
    const before = snapshot(path);

    const error = thrown(() => openWorkspace(dir));
    expect(error.code).toBe('workspace');
    expect(error.message).toContain(`schema version ${latestSchemaVersion + 1}, newer than this Heatlab understands (${latestSchemaVersion})`);
    expectOneSentence(error.message);
    expect(snapshot(path)).toEqual(before);
  });

  it('refuses a file of random bytes and does not modify it', () => {
    const path = join(dir, catalogueFileName);
    const bytes = Buffer.alloc(8192);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 251;
    writeFileSync(path, bytes);
    const before = snapshot(path);

    const error = thrown(() => openWorkspace(dir));
    expect(error.code).toBe('workspace');
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/not a database/);
    expectOneSentence(error.message);
    expect(snapshot(path)).toEqual(before);
  });

  it('refuses a valid catalogue with a page overwritten and does not modify it', () => {
    const path = join(dir, catalogueFileName);
    populatedCatalogue(path);
    const bytes = readFileSync(path);
    const pageSize = bytes.readUInt16BE(16);
    const page = leafTablePages(bytes)[0]!;
    expect(page).toBeGreaterThan(1);
    // Fill a page of job rows with a pattern that is no valid b-tree page.
    bytes.fill(0xa5, (page - 1) * pageSize, page * pageSize);
    writeFileSync(path, bytes);
    const before = snapshot(path);

    const error = thrown(() => openWorkspace(dir));
    expect(error.code).toBe('workspace');
    expect(error.message).toContain(path);
    expectOneSentence(error.message);
    expect(snapshot(path)).toEqual(before);
  });

  it('reports a damaged cell that quick_check finds in one line and does not modify the file', () => {
    const path = join(dir, catalogueFileName);
    populatedCatalogue(path);
    const bytes = readFileSync(path);
    const pageSize = bytes.readUInt16BE(16);
    const page = leafTablePages(bytes)[0]!;
    // The first two cell pointers of a page of job rows (after its 8-byte header) now point at offset 0.
    bytes.fill(0, (page - 1) * pageSize + 8, (page - 1) * pageSize + 12);
    writeFileSync(path, bytes);
    const before = snapshot(path);

    const error = thrown(() => openWorkspace(dir));
    expect(error.code).toBe('workspace');
    expect(error.message).toMatch(new RegExp(`is damaged \\(.*page ${page}\\b`, 'i'));
    expect(error.message).not.toContain('***');
    expectOneSentence(error.message);
    expect(snapshot(path)).toEqual(before);
  });

  it('refuses a catalogue cut in half and does not modify it', () => {
    const path = join(dir, catalogueFileName);
    populatedCatalogue(path);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const before = snapshot(path);

    const error = thrown(() => openWorkspace(dir));
    expect(error.code).toBe('workspace');
    expectOneSentence(error.message);
    expect(snapshot(path)).toEqual(before);
  });
});

describe('the workspace folder', () => {
  it('refuses a workspace that cannot be created, in one sentence with the workspace code', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const workspaceDir = join(file, 'workspace');
    const error = thrown(() => openWorkspace(workspaceDir));
    expect(error.code).toBe('workspace');
    expect(error.message).toContain(workspaceDir);
    expect(error.message).toContain('HEATLAB_HOME');
    expectOneSentence(error.message);
    expect(readFileSync(file, 'utf8')).toBe('not a folder');
  });

  it('refuses a workspace path that is a regular file', () => {
    const file = join(dir, 'workspace');
    writeFileSync(file, 'x');
    const error = thrown(() => openWorkspace(file));
    expect(error.code).toBe('workspace');
    expectOneSentence(error.message);
  });
});

describe('the jobs repository', () => {
  it('lists newest first, filtered by status and cut at the limit', () => {
    const repo = new JobsRepository(openTracked(join(dir, 'catalogue.sqlite')).db);
    const ids = Array.from({ length: 6 }, (_, i) => repo.create('engine.check', { seconds: i }).id);
    repo.finish(ids[0]!, 'done', { result: { passed: true } });
    repo.markRunning(ids[1]!);
    repo.finish(ids[2]!, 'failed', { error: { code: 'internal', message: 'It broke.' } });
    repo.finish(ids[4]!, 'done', { result: { passed: false } });

    expect(repo.list(100).map((j) => j.id)).toEqual([...ids].reverse());
    expect(repo.list(2).map((j) => j.id)).toEqual([ids[5], ids[4]]);
    expect(repo.list(100, ['done']).map((j) => j.id)).toEqual([ids[4], ids[0]]);
    expect(repo.list(100, ['queued', 'running']).map((j) => j.id)).toEqual([ids[5], ids[3], ids[1]]);
    expect(repo.list(1, ['done']).map((j) => j.id)).toEqual([ids[4]]);
    expect(repo.list(100, [])).toEqual([]);
    const failed = repo.get(ids[2]!)!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toEqual({ code: 'internal', message: 'It broke.' });
    expect(failed.finishedAt).not.toBeNull();
    expect(repo.get(ids[1]!)!.startedAt).not.toBeNull();
    expect(repo.get(9999)).toBeNull();
  });

  it('finds unfinished jobs whose owning process has gone', () => {
    const repo = new JobsRepository(openTracked(join(dir, 'catalogue.sqlite')).db);
    const mine = repo.create('engine.check', { seconds: 0 }, 100);
    const theirs = repo.create('engine.check', { seconds: 0 }, 200);
    repo.markRunning(theirs.id);
    const finished = repo.create('engine.check', { seconds: 0 }, 200);
    repo.finish(finished.id, 'done');
    expect(repo.orphans((pid) => pid === 100).map((j) => [j.id, j.status])).toEqual([[theirs.id, 'running']]);
    expect(repo.orphans(() => false).map((j) => j.id).sort()).toEqual([mine.id, theirs.id].sort());
  });
});

describe('atomic writes', () => {
  it('writes the file and leaves no temporary file behind', () => {
    const path = join(dir, 'result.json');
    writeFileAtomic(path, '{"a":1}');
    writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(['result.json']);
  });

  it('keeps the old file whole when a write fails halfway, and removes the partial temporary file', () => {
    const path = join(dir, 'heatmap.npy');
    writeFileAtomic(path, 'old contents');
    let seenDuringWrite: string | null = null;
    diskFull.duringPartialWrite = () => {
      // Half of the new bytes are on disk somewhere: a reader must still see the old file.
      seenDuringWrite = realFs.readFileSync(path, 'utf8');
    };
    diskFull.on = true;
    expect(() => writeFileAtomic(path, 'new contents that will not fit')).toThrow(/ENOSPC/);
    diskFull.on = false;
    expect(seenDuringWrite).toBe('old contents');
    expect(readFileSync(path, 'utf8')).toBe('old contents');
    expect(readdirSync(dir)).toEqual(['heatmap.npy']);
  });

  it('never creates the file at all when the first write fails', () => {
    const path = join(dir, 'new.npy');
    diskFull.on = true;
    expect(() => writeFileAtomic(path, new Uint8Array(100))).toThrow(/ENOSPC/);
    diskFull.on = false;
    expect(readdirSync(dir)).toEqual([]);
  });

  it('removes the temporary file when the final rename fails', () => {
    const path = join(dir, 'target');
    mkdirSync(join(path, 'occupied'), { recursive: true });
    expect(() => writeFileAtomic(path, 'data')).toThrow();
    expect(readdirSync(dir)).toEqual(['target']);
    expect(readdirSync(path)).toEqual(['occupied']);
  });
});

describe('where the workspace lives', () => {
  it('uses HEATLAB_HOME when set, before Electron and XDG', () => {
    expect(resolveWorkspaceDir({ env: { HEATLAB_HOME: '/data/lab', XDG_DATA_HOME: '/xdg' }, electronUserData: '/user/Heatlab' })).toBe('/data/lab');
  });

  it('resolves a relative HEATLAB_HOME against the current folder', () => {
    expect(resolveWorkspaceDir({ env: { HEATLAB_HOME: 'lab' } })).toBe(resolve('lab'));
  });

  it('ignores a blank HEATLAB_HOME', () => {
    expect(resolveWorkspaceDir({ env: { HEATLAB_HOME: '  ' }, electronUserData: '/user/Heatlab' })).toBe('/user/Heatlab/workspace');
  });

  it("uses Electron's userData/workspace under Electron", () => {
    expect(resolveWorkspaceDir({ env: { XDG_DATA_HOME: '/xdg' }, electronUserData: '/home/ada/.config/Heatlab' })).toBe('/home/ada/.config/Heatlab/workspace');
  });

  it('uses $XDG_DATA_HOME/heatlab, else ~/.local/share/heatlab', () => {
    expect(resolveWorkspaceDir({ env: { XDG_DATA_HOME: '/xdg/data' } })).toBe('/xdg/data/heatlab');
    expect(resolveWorkspaceDir({ env: {} })).toBe(join(homedir(), '.local', 'share', 'heatlab'));
  });

  it('ignores a relative XDG_DATA_HOME, as the XDG base directory spec requires', () => {
    expect(resolveWorkspaceDir({ env: { XDG_DATA_HOME: 'relative/data' } })).toBe(join(homedir(), '.local', 'share', 'heatlab'));
  });
});

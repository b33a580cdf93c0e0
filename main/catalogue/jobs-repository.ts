import type { Database, Statement } from 'better-sqlite3';
import type { ApiError } from '../../shared/errors.js';
import { jobKindLabels, type Job, type JobKind, type JobProgress, type JobStatus } from '../../shared/jobs.js';

interface JobRow {
  id: number;
  kind: string;
  status: string;
  params: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  progress: string | null;
  error: string | null;
  result: string | null;
  owner_pid: number;
}

const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

function toJob(row: JobRow): Job {
  const kind = row.kind as JobKind;
  return {
    id: row.id,
    kind,
    label: jobKindLabels[kind] ?? row.kind,
    status: row.status as JobStatus,
    params: parse(row.params),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    progress: parse<JobProgress>(row.progress),
    error: parse<ApiError>(row.error),
    result: parse(row.result),
  };
}

const now = () => new Date().toISOString();

/** Job rows. Statements are prepared once, here. */
export class JobsRepository {
  readonly #insert: Statement<[string, string, string, number]>;
  readonly #get: Statement<[number], JobRow>;
  readonly #list: Statement<[{ statuses: string | null; limit: number }], JobRow>;
  readonly #start: Statement<[string, number]>;
  readonly #progress: Statement<[string, number]>;
  readonly #finish: Statement<[string, string, string | null, string | null, number]>;
  readonly #finishLean: Statement<[string, string, string | null, string | null, number]>;
  readonly #unfinished: Statement<[], JobRow>;

  constructor(db: Database) {
    this.#insert = db.prepare(
      `INSERT INTO jobs (kind, status, params, created_at, owner_pid) VALUES (?, 'queued', ?, ?, ?)`,
    );
    this.#get = db.prepare(`SELECT * FROM jobs WHERE id = ?`);
    this.#list = db.prepare(
      `SELECT * FROM jobs WHERE @statuses IS NULL OR status IN (SELECT value FROM json_each(@statuses)) ORDER BY id DESC LIMIT @limit`,
    );
    this.#start = db.prepare(`UPDATE jobs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'`);
    this.#progress = db.prepare(`UPDATE jobs SET progress = ? WHERE id = ?`);
    this.#finish = db.prepare(
      `UPDATE jobs SET status = ?, finished_at = ?, error = ?, result = ? WHERE id = ?`,
    );
    this.#finishLean = db.prepare(
      `UPDATE jobs SET status = ?, finished_at = ?, error = ?, result = ?, progress = NULL WHERE id = ?`,
    );
    this.#unfinished = db.prepare(`SELECT * FROM jobs WHERE status IN ('queued', 'running')`);
  }

  create(kind: JobKind, params: unknown, ownerPid = process.pid): Job {
    // run(), not get() with RETURNING: on its own (autocommit) a RETURNING statement hands back the
    // new id before the commit, and better-sqlite3 drops the commit's error (a full disk), so the
    // row would silently not exist.
    const id = Number(this.#insert.run(kind, JSON.stringify(params), now(), ownerPid).lastInsertRowid);
    return this.get(id)!;
  }

  get(id: number): Job | null {
    const row = this.#get.get(id);
    return row === undefined ? null : toJob(row);
  }

  list(limit: number, statuses?: readonly JobStatus[]): Job[] {
    return this.#list.all({ statuses: statuses === undefined ? null : JSON.stringify(statuses), limit }).map(toJob);
  }

  markRunning(id: number): void {
    this.#start.run(now(), id);
  }

  saveProgress(id: number, progress: JobProgress): void {
    this.#progress.run(JSON.stringify(progress), id);
  }

  /**
   * Records how a job ended. `lean` also drops its last progress report: a full catalogue may have
   * no room for the outcome beside it (training's progress carries the whole epoch history).
   */
  finish(id: number, status: Exclude<JobStatus, 'queued' | 'running'>, outcome: { error?: ApiError; result?: unknown } = {}, lean = false): Job {
    (lean ? this.#finishLean : this.#finish).run(
      status,
      now(),
      outcome.error === undefined ? null : JSON.stringify(outcome.error),
      outcome.result === undefined ? null : JSON.stringify(outcome.result),
      id,
    );
    return this.get(id)!;
  }

  /** Queued or running jobs, of any process. */
  active(): Job[] {
    return this.#unfinished.all().map(toJob);
  }

  /** Queued or running jobs whose owning process is no longer alive. */
  orphans(isAlive: (pid: number) => boolean): Job[] {
    return this.#unfinished
      .all()
      .filter((row) => !isAlive(row.owner_pid))
      .map(toJob);
  }
}

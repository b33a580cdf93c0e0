// Study rows and their members (the datasets, models, runs and evaluations at each place of the
// plan). Statements are prepared once, here.
import type { Database, Statement } from 'better-sqlite3';
import type { ApiError } from '../../shared/errors.js';
import type { StudyEntityKind, StudyMember, StudyMemberOrigin, StudyPlan, StudyProgress, StudyStatus, StudyTemplateRef } from '../../shared/studies.js';

interface StudyRow {
  id: number;
  name: string;
  question: string;
  plan: string;
  template: string | null;
  status: string;
  progress: string | null;
  error: string | null;
  owner_pid: number | null;
  heatlab_version: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

interface MemberRow {
  study_id: number;
  slot: string;
  step_key: string;
  entity_kind: string;
  entity_id: number;
  origin: string;
}

/** A study as stored: the plan and the state of its last run. */
export interface StudyRecord {
  id: number;
  name: string;
  question: string;
  plan: StudyPlan;
  template: StudyTemplateRef | null;
  status: StudyStatus;
  progress: StudyProgress | null;
  error: ApiError | null;
  ownerPid: number | null;
  heatlabVersion: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

const json = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

function toRecord(r: StudyRow): StudyRecord {
  return {
    id: r.id,
    name: r.name,
    question: r.question,
    plan: JSON.parse(r.plan) as StudyPlan,
    template: json<StudyTemplateRef>(r.template),
    status: r.status as StudyStatus,
    progress: json<StudyProgress>(r.progress),
    error: json<ApiError>(r.error),
    ownerPid: r.owner_pid,
    heatlabVersion: r.heatlab_version,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

const toMember = (r: MemberRow): StudyMember & { studyId: number } => ({
  studyId: r.study_id,
  slot: r.slot,
  stepKey: r.step_key,
  kind: r.entity_kind as StudyEntityKind,
  id: r.entity_id,
  origin: r.origin as StudyMemberOrigin,
});

const now = () => new Date().toISOString();

export class StudiesRepository {
  readonly #insert: Statement;
  readonly #get: Statement<[number], StudyRow>;
  readonly #list: Statement<[], StudyRow>;
  readonly #rename: Statement<[string, number]>;
  readonly #delete: Statement<[number]>;
  readonly #start: Statement<[number, string, number]>;
  readonly #progress: Statement<[string, number]>;
  readonly #finish: Statement<[string, string | null, string, string | null, number]>;
  readonly #running: Statement<[], StudyRow>;
  readonly #members: Statement<[number], MemberRow>;
  readonly #byKey: Statement<[string], MemberRow>;
  readonly #byEntity: Statement<[string, number], MemberRow>;
  readonly #putMember: Statement;

  constructor(db: Database) {
    this.#insert = db.prepare(`
      INSERT INTO studies (name, question, plan, template, status, heatlab_version, created_at)
      VALUES (@name, @question, @plan, @template, 'new', @heatlabVersion, @createdAt)`);
    this.#get = db.prepare(`SELECT * FROM studies WHERE id = ?`);
    this.#list = db.prepare(`SELECT * FROM studies ORDER BY id DESC`);
    this.#rename = db.prepare(`UPDATE studies SET name = ? WHERE id = ?`);
    this.#delete = db.prepare(`DELETE FROM studies WHERE id = ?`);
    this.#start = db.prepare(`UPDATE studies SET status = 'running', owner_pid = ?, started_at = ?, finished_at = NULL, error = NULL, progress = NULL WHERE id = ? AND status != 'running'`);
    this.#progress = db.prepare(`UPDATE studies SET progress = ? WHERE id = ?`);
    this.#finish = db.prepare(`UPDATE studies SET status = ?, error = ?, finished_at = ?, progress = ?, owner_pid = NULL WHERE id = ?`);
    this.#running = db.prepare(`SELECT * FROM studies WHERE status = 'running'`);
    this.#members = db.prepare(`SELECT * FROM study_members WHERE study_id = ? ORDER BY slot`);
    this.#byKey = db.prepare(`SELECT * FROM study_members WHERE step_key = ? ORDER BY study_id`);
    this.#byEntity = db.prepare(`SELECT * FROM study_members WHERE entity_kind = ? AND entity_id = ? ORDER BY study_id`);
    this.#putMember = db.prepare(`
      INSERT INTO study_members (study_id, slot, step_key, entity_kind, entity_id, origin) VALUES (@studyId, @slot, @stepKey, @kind, @id, @origin)
      ON CONFLICT (study_id, slot) DO UPDATE SET step_key = excluded.step_key, entity_kind = excluded.entity_kind, entity_id = excluded.entity_id, origin = excluded.origin`);
  }

  insert(study: { name: string; question: string; plan: StudyPlan; template: StudyTemplateRef | null; heatlabVersion: string }): number {
    const info = this.#insert.run({
      name: study.name,
      question: study.question,
      plan: JSON.stringify(study.plan),
      template: study.template === null ? null : JSON.stringify(study.template),
      heatlabVersion: study.heatlabVersion,
      createdAt: now(),
    });
    return Number(info.lastInsertRowid);
  }

  get(id: number): StudyRecord | null {
    const row = this.#get.get(id);
    return row === undefined ? null : toRecord(row);
  }

  list(): StudyRecord[] {
    return this.#list.all().map(toRecord);
  }

  rename(id: number, name: string): void {
    this.#rename.run(name, id);
  }

  delete(id: number): void {
    this.#delete.run(id);
  }

  /** Marks the study running for this process; false when it already runs. */
  start(id: number, ownerPid = process.pid): boolean {
    return this.#start.run(ownerPid, now(), id).changes > 0;
  }

  saveProgress(id: number, progress: StudyProgress): void {
    this.#progress.run(JSON.stringify(progress), id);
  }

  finish(id: number, status: Exclude<StudyStatus, 'new' | 'running'>, error: ApiError | null, progress: StudyProgress | null): void {
    this.#finish.run(status, error === null ? null : JSON.stringify(error), now(), progress === null ? null : JSON.stringify(progress), id);
  }

  /** Running studies whose owning process is gone (a crash, a kill): they did not finish. */
  orphans(isAlive: (pid: number) => boolean): StudyRecord[] {
    return this.#running
      .all()
      .filter((r) => r.owner_pid === null || !isAlive(r.owner_pid))
      .map(toRecord);
  }

  members(studyId: number): StudyMember[] {
    return this.#members.all(studyId).map((r) => {
      const { studyId: _study, ...member } = toMember(r);
      return member;
    });
  }

  /** Members of any study made by a step with this key, the oldest study first. */
  byKey(stepKey: string): (StudyMember & { studyId: number })[] {
    return this.#byKey.all(stepKey).map(toMember);
  }

  /** The studies that hold an entity. */
  studiesOf(kind: StudyEntityKind, id: number): number[] {
    return this.#byEntity.all(kind, id).map((r) => r.study_id);
  }

  putMember(studyId: number, member: StudyMember): void {
    this.#putMember.run({ studyId, ...member });
  }
}

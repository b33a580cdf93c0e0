// Study rows and members in the catalogue (migration 9): a member goes with its entity — cascades
// included, so a rerun makes that step again — a place of the plan holds one member, and a study
// left running by a process that is gone is found as an orphan.
import { spawnSync } from 'node:child_process';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { StudyPlan } from '../../shared/studies.js';
import { migrate } from '../../main/catalogue/database.js';
import { StudiesRepository } from '../../main/catalogue/studies-repository.js';

const now = new Date().toISOString();

/** A catalogue with dataset 1, model 1 trained on it, run 1 of that model and evaluation 1 of the run. */
function catalogue() {
  const db = new BetterSqlite3(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db);
  db.prepare(
    `INSERT INTO datasets (id, name, source, params, count, height, width, channels, dtype, class_names, class_counts, param_columns, mask_kinds, heatlab_version, seconds, created_at)
     VALUES (1, 'd', 'generated', '{}', 1, 1, 1, 1, 'uint8', '[]', '[]', '[]', '[]', 'v', 0, ?)`,
  ).run(now);
  db.prepare(
    `INSERT INTO models (id, name, source, dataset_id, architecture, layers, parameters, class_names, preprocessing, epochs, onnx, heatlab_version, seconds, created_at)
     VALUES (1, 'm', 'trained', 1, 'a', '[]', 0, '[]', '{}', '[]', '{}', 'v', 0, ?)`,
  ).run(now);
  db.prepare(
    `INSERT INTO explanation_runs (id, name, model_id, dataset_id, method, method_label, kind, params, target, selection, class_names, count, per_image, height, width, seed, engine, stats, heatlab_version, seconds, created_at)
     VALUES (1, 'r', 1, 1, 'gradient', 'Gradient', 'graph', '{}', '"predicted"', '{}', '[]', 1, 1, 1, 1, 1, '{}', '{}', 'v', 0, ?)`,
  ).run(now);
  db.prepare(
    `INSERT INTO evaluations (id, name, model_id, dataset_id, count, per_image, columns, metrics, summary, rankings, seed, resamples, level, engine, heatlab_version, seconds, created_at)
     VALUES (1, 'e', 1, 1, 1, 1, '[]', '[]', '[]', '[]', 1, 100, 0.95, '{}', 'v', 0, ?)`,
  ).run(now);
  db.prepare('INSERT INTO evaluation_runs VALUES (1, 1, 0)').run();
  const repo = new StudiesRepository(db);
  const id = repo.insert({ name: 'S', question: 'Why?', plan: { name: 'S' } as StudyPlan, template: null, heatlabVersion: 'v' });
  for (const [slot, kind] of [
    ['datasets[0]', 'dataset'],
    ['datasets[0].models[0]', 'model'],
    ['datasets[0].models[0].explain.methods[0]', 'run'],
    ['datasets[0].models[0].evaluations[0]', 'evaluation'],
  ] as const)
    repo.putMember(id, { slot, stepKey: `key-${kind}`, kind, id: 1, origin: 'created' });
  return { db, repo, id };
}

describe('study members', () => {
  it('go with their entities, through every cascade: deleting the dataset takes its run and the evaluation of the run, and leaves the model', () => {
    const { db, repo, id } = catalogue();
    db.prepare('DELETE FROM datasets WHERE id = 1').run();
    expect(repo.members(id).map((m) => m.kind)).toEqual(['model']);
    db.prepare('DELETE FROM models WHERE id = 1').run();
    expect(repo.members(id)).toEqual([]);
  });

  it('hold one entity per place of the plan, and are found by step key and by entity across studies', () => {
    const { repo, id } = catalogue();
    repo.putMember(id, { slot: 'datasets[0]', stepKey: 'key-other', kind: 'dataset', id: 1, origin: 'found' });
    expect(repo.members(id).filter((m) => m.slot === 'datasets[0]')).toEqual([{ slot: 'datasets[0]', stepKey: 'key-other', kind: 'dataset', id: 1, origin: 'found' }]);
    const other = repo.insert({ name: 'T', question: '', plan: { name: 'T' } as StudyPlan, template: null, heatlabVersion: 'v' });
    repo.putMember(other, { slot: 'datasets[0].models[0]', stepKey: 'key-model', kind: 'model', id: 1, origin: 'created' });
    expect(repo.byKey('key-model').map((m) => m.studyId)).toEqual([id, other]);
    expect(repo.studiesOf('model', 1)).toEqual([id, other]);
    repo.delete(id);
    expect(repo.studiesOf('model', 1)).toEqual([other]);
  });

  it('mark a study running once, for its process; one whose process is gone is an orphan', () => {
    const { repo, id } = catalogue();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    expect(repo.start(id, dead)).toBe(true);
    expect(repo.start(id)).toBe(false);
    expect(repo.get(id)).toMatchObject({ status: 'running', ownerPid: dead, finishedAt: null });
    const isAlive = (pid: number) => pid !== dead;
    expect(repo.orphans(isAlive).map((s) => s.id)).toEqual([id]);
    repo.finish(id, 'interrupted', { code: 'interrupted', message: 'Gone.' }, null);
    expect(repo.get(id)).toMatchObject({ status: 'interrupted', ownerPid: null, error: { code: 'interrupted', message: 'Gone.' } });
    expect(repo.orphans(isAlive)).toEqual([]);
  });
});

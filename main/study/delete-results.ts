// Deleting a study's results, when asked: only what a study's own job made, and of that only what
// no other study and no entity outside the study uses — an evaluation that scores a run, a run or
// model made on a dataset, an annotation set drawn on it. Evaluations go first, then runs, models
// and datasets, each through the API's own delete (which refuses what a queued or running job uses).
import type { StudyDeletion, StudyEntityKind, StudyMember } from '../../shared/studies.js';
import type { StudiesRepository } from '../catalogue/studies-repository.js';
import type { CallApi } from './ports.js';

const order: StudyEntityKind[] = ['evaluation', 'run', 'model', 'dataset'];
const nouns: Record<StudyEntityKind, string> = { dataset: 'dataset', model: 'model', run: 'explanation run', evaluation: 'evaluation' };

type Entity = { kind: StudyEntityKind; id: number };
const keyOf = (e: Entity) => `${e.kind}:${e.id}`;

/** Why an entity must stay, or null when nothing outside the deleted set uses it. */
async function user(entity: Entity, going: Set<string>, call: CallApi): Promise<string | null> {
  const outside = (kind: StudyEntityKind, ids: number[]) => ids.find((id) => !going.has(keyOf({ kind, id })));
  const first = (kind: StudyEntityKind, ids: number[], why: string) => {
    const id = outside(kind, ids);
    return id === undefined ? null : `${nouns[kind]} ${id} ${why}`;
  };
  if (entity.kind === 'run') return first('evaluation', (await call('evaluations.list', { runId: entity.id })).map((e) => e.id), 'scores it');
  if (entity.kind === 'model') {
    return (
      first('run', (await call('explanations.list', { modelId: entity.id })).map((r) => r.id), 'explains it') ??
      first('evaluation', (await call('evaluations.list', { modelId: entity.id })).map((e) => e.id), 'evaluates it')
    );
  }
  if (entity.kind === 'dataset') {
    const sets = (await call('annotations.list', { datasetId: entity.id })).filter((s) => s.source !== 'imported');
    if (sets.length > 0) return `annotation set ${sets[0]!.id} is drawn on it`;
    return (
      first('model', (await call('models.list', {})).filter((m) => m.datasetId === entity.id).map((m) => m.id), 'was trained on it') ??
      first('run', (await call('explanations.list', { datasetId: entity.id })).map((r) => r.id), 'explains its images') ??
      first('evaluation', (await call('evaluations.list', { datasetId: entity.id })).map((e) => e.id), 'scores its images')
    );
  }
  return null;
}

const failure = (err: unknown) => (err instanceof Error ? err.message : String(err)).replace(/[.\s]+$/, '');

export async function deleteStudyResults(studyId: number, members: StudyMember[], repo: StudiesRepository, call: CallApi): Promise<Omit<StudyDeletion, 'deleted'>> {
  const removed: Entity[] = [];
  const kept: StudyDeletion['kept'] = [];
  const seen = new Set<string>();
  const entities: (Entity & { origin: StudyMember['origin'] })[] = [];
  for (const m of members) {
    if (seen.has(keyOf(m))) continue;
    seen.add(keyOf(m));
    if (m.origin === 'created') entities.push({ kind: m.kind, id: m.id, origin: m.origin });
    else kept.push({ kind: m.kind, id: m.id, reason: m.origin === 'input' ? 'the plan named it as an existing entity' : 'it was in the catalogue before the study, made outside it' });
  }
  // Shared with another study: that study's results too.
  const going = new Set<string>();
  for (const e of entities) {
    const others = repo.studiesOf(e.kind, e.id).filter((s) => s !== studyId);
    if (others.length > 0) kept.push({ kind: e.kind, id: e.id, reason: `study ${others[0]} uses it too` });
    else going.add(keyOf(e));
  }
  for (const kind of order) {
    for (const e of entities.filter((x) => x.kind === kind && going.has(keyOf(x)))) {
      const why = await user(e, going, call);
      if (why !== null) {
        going.delete(keyOf(e));
        kept.push({ kind: e.kind, id: e.id, reason: why });
        continue;
      }
      try {
        if (kind === 'evaluation') await call('evaluations.delete', { id: e.id });
        else if (kind === 'run') await call('explanations.delete', { id: e.id });
        else if (kind === 'model') await call('models.delete', { id: e.id });
        else await call('datasets.delete', { id: e.id });
        removed.push({ kind: e.kind, id: e.id });
      } catch (err) {
        going.delete(keyOf(e));
        kept.push({ kind: e.kind, id: e.id, reason: failure(err) });
      }
    }
  }
  return { removed, kept };
}

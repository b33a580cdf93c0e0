// What running a study again will do, in one sentence: the steps the catalogue already holds are
// skipped (their results are found by their keys), an explanation step resumes with the methods
// it has not run, and the rest run.
import type { Study } from '../../../shared/studies.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function runSentence(study: Pick<Study, 'status' | 'pipeline' | 'plan'>): string {
  const steps = study.pipeline;
  const done = steps.filter((s) => s.state === 'done');
  const partial = steps.filter((s) => s.state !== 'done' && s.kind === 'explain' && s.members.length > 0);
  const left = steps.length - done.length;
  if (study.status === 'new' && done.length === 0 && partial.length === 0) {
    return `Runs the ${plural(steps.length, 'step')} in order; a step whose result the catalogue already holds (made with the same parameters and seeds) is skipped.`;
  }
  if (left === 0) return `Every step is done: running again finds each result in the catalogue and changes nothing — unless one was deleted since, which is then made again.`;
  const skipped = done.length === 0 ? 'Nothing is done yet' : `Skips the ${plural(done.length, 'step')} already done (${done.map((s) => s.label.replace(/ \(.*\)$/, '')).join('; ')})`;
  const methods = study.plan.methods.length;
  const resumes = partial.map((s) => `${s.label.replace(/ with \d+ methods?.*$/, '')} resumes with the ${plural(methods - s.members.length, 'method')} not yet run`);
  return `${skipped}${resumes.length > 0 ? `; ${resumes.join('; ')}` : ''}; runs the ${plural(left, 'step')} left.`;
}

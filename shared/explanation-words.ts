// Explanation targets and image selections in words, for titles and lists: apart from the zod
// schemas in explanations.ts, so a view that only shows runs does not load zod.
import type { SplitName } from './datasets.js';
import type { ExplanationTarget, ImageSelection } from './explanations.js';

export function describeTarget(target: ExplanationTarget, classNames?: readonly string[]): string {
  if (typeof target === 'object') return `class ${classNames?.[target.class] ?? target.class}`;
  return { predicted: 'predicted class', true: 'true class', all: 'every class' }[target];
}

/** The narrowing filters of a selection: ", class cat, predicted wrong, confidence 0.9–1". */
function filters(s: ImageSelection, classNames: readonly string[]): string {
  let words = '';
  if (s.label !== undefined) words += `, class ${classNames[s.label] ?? s.label}`;
  if (s.outcome !== undefined) words += s.outcome === 'correct' ? ', predicted right' : ', predicted wrong';
  if (s.confidence !== undefined) words += `, confidence ${s.confidence.min}–${s.confidence.max}`;
  return words;
}

/**
 * "first 50 of test split, class cat". With `count`, the images a run explained: a selection that
 * asked for more images than qualified says it took all of them ("all 900 of test split"), so the
 * run's name does not claim images it does not hold.
 */
export function describeSelection(s: ImageSelection, classNames: readonly string[] = [], count?: number): string {
  if (s.pick === 'indices') return `${s.indices?.length ?? 0} chosen images`;
  const where = `${s.split === 'all' ? 'all images' : `${s.split as SplitName} split`}${filters(s, classNames)}`;
  if (s.n === undefined) return where;
  if (count !== undefined && count < s.n) return `all ${count} of ${where}`;
  return s.pick === 'random' ? `${s.n} random of ${where} (seed ${s.seed})` : `first ${s.n} of ${where}`;
}

/**
 * The sentence for a run that explained fewer images than asked because no more qualified, or null:
 * "The test split has 900 images, so all 900 were explained, not 100000." The job explains what
 * there is rather than refusing: the images it had are as good as asked, and the count was a ceiling.
 */
export function selectionShortfall(s: ImageSelection, count: number, classNames: readonly string[] = []): string | null {
  if (s.pick === 'indices' || s.n === undefined || count >= s.n) return null;
  const pool = s.split === 'all' ? 'The dataset' : `The ${s.split as SplitName} split`;
  const narrowed = filters(s, classNames).slice(2);
  return `${pool}${narrowed ? ` (${narrowed})` : ''} has ${count === 1 ? '1 image, so it was' : `${count} images, so all ${count} were`} explained, not ${s.n}.`;
}

/** Whether the selection depends on the model's predictions, which only the job computes. */
export function selectsByPrediction(s: ImageSelection): boolean {
  return s.pick !== 'indices' && (s.outcome !== undefined || s.confidence !== undefined);
}

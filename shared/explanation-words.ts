// Explanation targets and image selections in words, for titles and lists: apart from the zod
// schemas in explanations.ts, so a view that only shows runs does not load zod.
import type { SplitName } from './datasets.js';
import type { ExplanationTarget, ImageSelection } from './explanations.js';

export function describeTarget(target: ExplanationTarget, classNames?: readonly string[]): string {
  if (typeof target === 'object') return `class ${classNames?.[target.class] ?? target.class}`;
  return { predicted: 'predicted class', true: 'true class', all: 'every class' }[target];
}

export function describeSelection(s: ImageSelection, classNames: readonly string[] = []): string {
  if (s.pick === 'indices') return `${s.indices?.length ?? 0} chosen images`;
  let where: string = s.split === 'all' ? 'all images' : `${s.split as SplitName} split`;
  if (s.label !== undefined) where += `, class ${classNames[s.label] ?? s.label}`;
  if (s.outcome !== undefined) where += s.outcome === 'correct' ? ', predicted right' : ', predicted wrong';
  if (s.confidence !== undefined) where += `, confidence ${s.confidence.min}–${s.confidence.max}`;
  if (s.n === undefined) return where;
  return s.pick === 'random' ? `${s.n} random of ${where} (seed ${s.seed})` : `first ${s.n} of ${where}`;
}

/** Whether the selection depends on the model's predictions, which only the job computes. */
export function selectsByPrediction(s: ImageSelection): boolean {
  return s.pick !== 'indices' && (s.outcome !== undefined || s.confidence !== undefined);
}

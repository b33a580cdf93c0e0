// What a set starts from, in words for the set list and the editor's header.
import type { AnnotationSeed } from '../../../shared/annotations.js';
import { maskKindLabels } from '../../../shared/generators.js';

export function seedText(seed: AnnotationSeed): string {
  if (seed.kind === 'generated') return `generated ${maskKindLabels[seed.mask].split(' — ')[0]!.toLowerCase()}`;
  return seed.kind === 'imported' ? 'imported masks' : 'empty';
}

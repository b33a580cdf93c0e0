// How ground truth is drawn over images: on or off, which source (a generated mask kind or an
// annotation set), colour and opacity.
import type { AnnotationSetSummary } from '../../shared/annotations.js';
import { maskKindLabels, maskKinds, type MaskKind } from '../../shared/generators.js';
import type { OverlayStyle } from './pixels.js';

/** One entry of the overlay menu. `value` is a mask kind, or `set:<id>` for an annotation set. */
export interface OverlaySource {
  value: string;
  label: string;
  title: string;
}

export function generatedSources(kinds: readonly MaskKind[]): OverlaySource[] {
  return kinds.map((kind) => ({ value: kind, label: maskKindLabels[kind].split(' — ')[0]!, title: maskKindLabels[kind] }));
}

export function annotationSources(sets: readonly AnnotationSetSummary[]): OverlaySource[] {
  return sets.map((s) => ({ value: `set:${s.id}`, label: s.name, title: `Annotation set ${s.id} by ${s.annotator} (${s.labels.join(', ')})` }));
}

/** What a source value names: a generated mask kind or an annotation set. */
export function parseSource(value: string): { kind: MaskKind } | { setId: number } {
  if (value.startsWith('set:')) return { setId: Number(value.slice(4)) };
  if ((maskKinds as readonly string[]).includes(value)) return { kind: value as MaskKind };
  throw new Error(`Unknown overlay source ${value}.`);
}

export class OverlaySettings {
  on = $state(false);
  source = $state<string>('object');
  colour = $state('#ff3b30');
  opacity = $state(0.5);

  constructor(on = false) {
    this.on = on;
  }

  get style(): OverlayStyle {
    return { colour: this.colour, opacity: this.opacity, instances: this.source === 'instances' };
  }

  /** Keeps the source valid when the available ones change (another generator or dataset). */
  keepValid(sources: readonly OverlaySource[]): void {
    if (sources.length > 0 && !sources.some((s) => s.value === this.source)) this.source = sources[0]!.value;
  }
}

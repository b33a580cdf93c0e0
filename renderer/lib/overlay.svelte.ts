// How the ground truth is drawn over images: on or off, which mask kind, colour and opacity.
import type { MaskKind } from '../../shared/generators.js';
import type { OverlayStyle } from './pixels.js';

export class OverlaySettings {
  on = $state(false);
  kind = $state<MaskKind>('object');
  colour = $state('#ff3b30');
  opacity = $state(0.5);

  constructor(on = false) {
    this.on = on;
  }

  get style(): OverlayStyle {
    return { colour: this.colour, opacity: this.opacity, instances: this.kind === 'instances' };
  }

  /** Keeps the kind valid when the available kinds change (another generator or dataset). */
  fit(kinds: readonly MaskKind[]): void {
    if (kinds.length > 0 && !kinds.includes(this.kind)) this.kind = kinds[0]!;
  }
}

// What every benchmark generator provides. Images and masks are pure functions of the recorded
// per-image parameters (one row of `columns`), so masks can be rendered on demand and always line
// up with the images.
import type { GeneratorId, GeneratorParams, MaskKind, MaskOptions } from '../../../shared/generators.js';
import type { Random } from '../../numeric/random.js';

export interface Generator<G extends GeneratorId> {
  id: G;
  classNames(p: GeneratorParams<G>): string[];
  /** Names of the per-image parameter columns (NaN where a value does not apply). */
  columns(p: GeneratorParams<G>): string[];
  /** Draws the parameters of one image of class `label`. */
  sample(p: GeneratorParams<G>, label: number, rng: Random): Float64Array;
  /** Grey levels in [0, 1], row-major, size×size. */
  render(p: GeneratorParams<G>, label: number, row: Float64Array, out: Float32Array): void;
  /** A ground-truth mask (0/1, or instance ids 1..k for `instances`), size×size. */
  mask(p: GeneratorParams<G>, label: number, row: Float64Array, kind: MaskKind, options: MaskOptions, out: Uint8Array): void;
}

/** Foreground and background grey, each U[0, 1], redrawn until |fg − bg| ≥ minContrast. */
export function drawGreys(rng: Random, minContrast: number): [foreground: number, background: number] {
  for (;;) {
    const background = rng.next();
    const foreground = rng.next();
    if (Math.abs(foreground - background) >= minContrast) return [foreground, background];
  }
}

/** out = bg + (fg − bg)·coverage. */
export function paint(coverage: Float32Array, foreground: number, background: number, out: Float32Array): void {
  const d = foreground - background;
  for (let k = 0; k < coverage.length; k++) out[k] = background + d * coverage[k]!;
}

// Which colour scale a group of heatmaps is shown on, chosen from the group's values. A map with a
// negative value is signed: a diverging map centred on 0 over ±m keeps the sign readable. A map
// with none (RISE, which weights masks by a probability and is never negative — DIANNA's
// complaint) gets a sequential map stretched over [min, m] of its own values, not [0, m]: RISE
// values sit in a narrow band far from 0 (e.g. 0.48–0.52), which [0, m] squeezes into the top
// few colours — the "uniform wash".
import { formatValue } from './colour-bar.js';
import { colormap, type Colormap, type ColormapId } from './colormaps.js';

/** 'auto' picks the colormap from the values; a chosen colormap is always used, with its own kind of scale. */
export type ColormapChoice = ColormapId | 'auto';

/** The colormaps 'auto' picks: RdBu for signed groups, viridis for non-negative ones. */
export const autoDiverging: ColormapId = 'RdBu';
export const autoSequential: ColormapId = 'viridis';

export interface ColourScale {
  cmap: Colormap;
  /** The value at the low end of the colormap: −hi for diverging maps. */
  lo: number;
  /** The value at the high end: m, the clipping percentile of |relevance| (normalise.ts). */
  hi: number;
  /** A signed group on a chosen sequential map: its negative values show as the lowest colour. */
  clipsNegative: boolean;
}

/** The colormap a choice resolves to for a group whose smallest value is `min`. */
export function resolveColormap(choice: ColormapChoice, min: number): ColormapId {
  if (choice !== 'auto') return choice;
  return min < 0 ? autoDiverging : autoSequential;
}

/**
 * The scale of a group with scale m and smallest finite value `min` (NaN or Infinity when it has
 * none). Diverging: [−m, m]. Sequential: [max(0, min), m] — a signed group on a chosen sequential
 * map keeps the old clipping of negative values to the low end, as a stretch would put 0 mid-bar
 * where no reader looks for it.
 */
export function colourScale(choice: ColormapChoice, m: number, min: number): ColourScale {
  const hi = m > 0 ? m : 0;
  const cmap = colormap(resolveColormap(choice, min));
  if (cmap.kind === 'diverging') return { cmap, lo: -hi, hi, clipsNegative: false };
  const lo = Number.isFinite(min) ? Math.min(hi, Math.max(0, min)) : 0;
  return { cmap, lo, hi, clipsNegative: min < 0 };
}

/** The legend's words for a scale: what the colours stand for. */
export function describeScale(s: ColourScale): string {
  if (s.cmap.kind === 'diverging') return s.hi > 0 ? `diverging, centred on 0, ±${formatValue(s.hi)}` : 'diverging, centred on 0, all values 0';
  const clip = s.clipsNegative ? ', negative values show as the lowest colour' : '';
  if (!(s.hi > s.lo)) return `sequential, every value ${formatValue(s.hi)} (no structure to show)${clip}`;
  return s.clipsNegative ? `sequential, 0 … max: 0 … ${formatValue(s.hi)}${clip}` : `sequential, min … max of these values: ${formatValue(s.lo)} … ${formatValue(s.hi)}`;
}

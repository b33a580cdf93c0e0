// The colour bar's numbers: the value range a colormap shows for a scale, and round tick values
// placed along it, so the bar reads in the heatmaps' own units.
import { niceTicks } from '../chart-scale.js';
import { valueRange, type ColormapKind } from './colormaps.js';

export interface ColourBarTick {
  value: number;
  /** 0 at the low end of the bar, 1 at the high end. */
  at: number;
  label: string;
}

export interface ColourBarScale {
  min: number;
  max: number;
  ticks: ColourBarTick[];
}

/** Short, exact enough for a figure: 3 significant digits, exponent form for tiny or huge values. */
export function formatValue(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) return v.toExponential(2).replace('e+', 'e');
  return Number(v.toPrecision(3)).toString();
}

export function colourBarScale(m: number, kind: ColormapKind, count = 4): ColourBarScale {
  const [min, max] = valueRange(m, kind);
  return colourBarRange(min, max, count);
}

/** The bar of a scale from `min` to `max` (a sequential map stretched over a group's own values). */
export function colourBarRange(min: number, max: number, count = 4): ColourBarScale {
  if (!(max > min)) return { min, max, ticks: [{ value: min, at: 0, label: formatValue(min) }] };
  const values = niceTicks(min, max, count).filter((v) => v >= min - 1e-12 * (max - min) && v <= max + 1e-12 * (max - min));
  return { min, max, ticks: values.map((value) => ({ value, at: (value - min) / (max - min), label: formatValue(value) })) };
}

// Counting circles: k ∈ 1..K non-overlapping circles of random radius and position; the label is
// k − 1 (class names "1".."K"). After the NLeSC counting set, made non-overlapping so that the
// label is exact and every circle is its own instance.
import type { GeneratorParams, MaskKind, MaskOptions } from '../../../shared/generators.js';
import { HeatlabError } from '../../../shared/errors.js';
import type { Random } from '../../numeric/random.js';
import { drawGreys, paint, type Generator } from './generator.js';
import { centreMask } from './geometry.js';
import { cover, Disc, markInside, uniformWeights } from './shapes.js';

type Params = GeneratorParams<'counting-circles'>;

const MAX_TRIES = 10_000;

interface Circle {
  row: number;
  col: number;
  radius: number;
}

function circlesOf(row: Float64Array): Circle[] {
  const circles: Circle[] = [];
  for (let k = 2; k + 2 < row.length; k += 3) {
    if (Number.isNaN(row[k]!)) break;
    circles.push({ row: row[k]!, col: row[k + 1]!, radius: row[k + 2]! });
  }
  return circles;
}

export const countingCircles: Generator<'counting-circles'> = {
  id: 'counting-circles',
  classNames: (p) => Array.from({ length: p.maxCircles }, (_, k) => String(k + 1)),
  columns: (p) => ['foreground', 'background', ...Array.from({ length: p.maxCircles }, (_, k) => [`row${k + 1}`, `col${k + 1}`, `radius${k + 1}`]).flat()],

  sample(p: Params, label: number, rng: Random) {
    const [foreground, background] = drawGreys(rng, p.minContrast);
    const row = new Float64Array(2 + 3 * p.maxCircles).fill(Number.NaN);
    row[0] = foreground;
    row[1] = background;
    const placed: Circle[] = [];
    for (let tries = 0; placed.length < label + 1; tries++) {
      if (tries > MAX_TRIES) {
        throw new HeatlabError('invalid_request', `${label + 1} circles of radius ${p.radiusMin}–${p.radiusMax} px with a ${p.gap} px gap do not fit in ${p.size}×${p.size} images; use smaller circles or fewer of them.`);
      }
      const radius = rng.uniform(p.radiusMin, p.radiusMax);
      // Wholly inside the image, and apart from every circle placed so far.
      const r = rng.uniform(radius, p.size - radius);
      const c = rng.uniform(radius, p.size - radius);
      if (placed.every((s) => Math.hypot(r - s.row, c - s.col) >= s.radius + radius + p.gap)) placed.push({ row: r, col: c, radius });
    }
    placed.forEach((s, k) => row.set([s.row, s.col, s.radius], 2 + 3 * k));
    return row;
  },

  render(p: Params, _label: number, row: Float64Array, out: Float32Array) {
    // The circles are disjoint, so their coverages add up to the union's.
    const coverage = new Float32Array(p.size * p.size);
    const weights = uniformWeights(p.antialias ? p.samples : 1);
    for (const s of circlesOf(row)) cover(new Disc(s.row, s.col, s.radius), p.size, p.size, weights, coverage);
    paint(coverage, row[0]!, row[1]!, out);
  },

  mask(p: Params, _label: number, row: Float64Array, kind: MaskKind, options: MaskOptions, out: Uint8Array) {
    const circles = circlesOf(row);
    const inside = (scale: number) => (r: number, c: number) => circles.some((s) => Math.hypot(r - s.row, c - s.col) < s.radius * scale);
    switch (kind) {
      case 'object':
      case 'instances':
        out.fill(0);
        circles.forEach((s, k) => markInside(new Disc(s.row, s.col, s.radius), p.size, p.size, out, kind === 'object' ? 1 : k + 1));
        return;
      case 'band':
        centreMask((r, c) => inside(1.25)(r, c) && !inside(0.75)(r, c), p.size, p.size, out);
        return;
      case 'edges':
        centreMask((r, c) => circles.some((s) => Math.abs(Math.hypot(r - s.row, c - s.col) - s.radius) <= options.edgeWidth), p.size, p.size, out);
        return;
      case 'corners':
        out.fill(0); // circles have no corners
        return;
    }
  },
};

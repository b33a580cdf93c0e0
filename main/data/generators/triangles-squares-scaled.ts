// The 64×64 "scale + rotation" Triangles & Squares of the 2018 study. Its generator was not
// published; this follows the description: random rotation, random circumradius
// U(radiusMin, radiusMax)·n/2, centred unless jitter is set, anti-aliased by supersampling.
import type { GeneratorParams, MaskKind, MaskOptions } from '../../../shared/generators.js';
import type { Random } from '../../numeric/random.js';
import { drawGreys, paint, type Generator } from './generator.js';
import { polygonCoverage, polygonMask, type PolygonShape } from './polygons.js';
import { TRIANGLE } from './triangles-squares.js';

type Params = GeneratorParams<'triangles-squares-scaled'>;

function shapeOf(label: number, row: Float64Array): PolygonShape {
  return { theta: row[0]!, radius: row[1]!, centerRow: row[2]!, centerCol: row[3]!, sides: label === TRIANGLE ? 3 : 4 };
}

export const trianglesSquaresScaled: Generator<'triangles-squares-scaled'> = {
  id: 'triangles-squares-scaled',
  classNames: () => ['square', 'triangle'],
  columns: () => ['theta', 'radius', 'centerRow', 'centerCol', 'foreground', 'background'],

  sample(p: Params, _label: number, rng: Random) {
    const [foreground, background] = drawGreys(rng, p.minContrast);
    const half = p.size / 2;
    const theta = 2 * Math.PI * rng.next();
    const radius = rng.uniform(p.radiusMin, p.radiusMax) * half;
    const centerRow = half + p.jitter * half * rng.uniform(-1, 1);
    const centerCol = half + p.jitter * half * rng.uniform(-1, 1);
    return Float64Array.of(theta, radius, centerRow, centerCol, foreground, background);
  },

  render(p: Params, label: number, row: Float64Array, out: Float32Array) {
    const coverage = polygonCoverage(shapeOf(label, row), p.size, p.antialias ? p.samples : 1, new Float32Array(p.size * p.size));
    paint(coverage, row[4]!, row[5]!, out);
  },

  mask(p: Params, label: number, row: Float64Array, kind: MaskKind, options: MaskOptions, out: Uint8Array) {
    polygonMask(shapeOf(label, row), p.size, kind, options, out);
  },
};

// Triangles & Squares (Ranguelova, Pauwels, Berkhout, IEEE eScience 2018): one centred triangle or
// square, circumradius 0.8·n/2, first vertex at θ ~ U(0, 2π), foreground and background grey each
// ~ U[0, 1]. By default pixel-exact as create_shapes_2.m: vertices rounded to the lattice, every
// lattice point inside or on the polygon filled, then the 4-neighbour cross filter.
import type { GeneratorParams, MaskKind, MaskOptions } from '../../../shared/generators.js';
import type { Random } from '../../numeric/random.js';
import { drawGreys, paint, type Generator } from './generator.js';
import { centreMask, crossFilter, distanceToOutline, latticePolygonMask, latticeVertices } from './geometry.js';
import { cornerMask, polygonCoverage, polygonMask, type PolygonShape } from './polygons.js';

type Params = GeneratorParams<'triangles-squares'>;

export const SQUARE = 0;
export const TRIANGLE = 1;
const sidesOf = (label: number) => (label === TRIANGLE ? 3 : 4);

// Columns of a row.
const THETA = 0;
const RADIUS = 1;
const CENTER_ROW = 2;
const CENTER_COL = 3;
const FOREGROUND = 4;
const BACKGROUND = 5;

function shapeOf(label: number, row: Float64Array): PolygonShape {
  return { centerRow: row[CENTER_ROW]!, centerCol: row[CENTER_COL]!, radius: row[RADIUS]!, theta: row[THETA]!, sides: sidesOf(label) };
}

/** The study's filled shape: lattice polygon of the rounded vertices, cross-filtered. */
function latticeShape(size: number, radius: number, theta: number, sides: number): Uint8Array {
  const raw = latticePolygonMask(latticeVertices(size, radius, theta, sides), size, new Uint8Array(size * size));
  return crossFilter(raw, size);
}

/** The rounded vertices as continuous (row, col): lattice point a is the centre of pixel a − 1. */
function roundedPolygon(size: number, radius: number, theta: number, sides: number): Float64Array {
  return Float64Array.from(latticeVertices(size, radius, theta, sides), (v) => v - 0.5);
}

export const trianglesSquares: Generator<'triangles-squares'> = {
  id: 'triangles-squares',
  classNames: () => ['square', 'triangle'],
  columns: () => ['theta', 'radius', 'centerRow', 'centerCol', 'foreground', 'background'],

  sample(p: Params, _label: number, rng: Random) {
    const [foreground, background] = drawGreys(rng, p.minContrast);
    const theta = 2 * Math.PI * rng.next();
    const c = p.size / 2 - 0.5; // the lattice centre n/2, as a continuous pixel coordinate
    return Float64Array.of(theta, (p.radius * p.size) / 2, c, c, foreground, background);
  },

  render(p: Params, label: number, row: Float64Array, out: Float32Array) {
    const coverage = new Float32Array(p.size * p.size);
    if (p.antialias) polygonCoverage(shapeOf(label, row), p.size, p.samples, coverage);
    else coverage.set(latticeShape(p.size, row[RADIUS]!, row[THETA]!, sidesOf(label)));
    paint(coverage, row[FOREGROUND]!, row[BACKGROUND]!, out);
  },

  mask(p: Params, label: number, row: Float64Array, kind: MaskKind, options: MaskOptions, out: Uint8Array) {
    if (p.antialias) {
      polygonMask(shapeOf(label, row), p.size, kind, options, out);
      return;
    }
    const sides = sidesOf(label);
    const radius = row[RADIUS]!;
    const theta = row[THETA]!;
    switch (kind) {
      case 'object':
      case 'instances':
        out.set(latticeShape(p.size, radius, theta, sides));
        return;
      case 'band': {
        // create_bands_1.m: inside the outer polygon (0.75·r → n/2 for the study's r) and outside
        // the cross-filtered inner one (0.6·n/2), both with rounded vertices.
        const outer = latticePolygonMask(latticeVertices(p.size, 1.25 * radius, theta, sides), p.size, new Uint8Array(p.size * p.size));
        const inner = latticeShape(p.size, 0.75 * radius, theta, sides);
        for (let k = 0; k < out.length; k++) out[k] = outer[k]! && !inner[k]! ? 1 : 0;
        return;
      }
      case 'edges': {
        const poly = roundedPolygon(p.size, radius, theta, sides);
        centreMask((r, c) => distanceToOutline(poly, r, c) <= options.edgeWidth, p.size, p.size, out);
        return;
      }
      case 'corners':
        cornerMask(roundedPolygon(p.size, radius, theta, sides), options.cornerRadius * radius, p.size, out);
        return;
    }
  },
};

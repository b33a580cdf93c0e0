// DIANNA's "simple geometric shapes": a centred circle (label 0) or triangle (label 1), radius
// (triangle circumradius) U(0.2, 0.48)·n, angle U(0°, 360°), foreground and background grey
// U(0, 1); drawn at 7× supersampling, blurred with a 7×7 Gaussian (σ = 2.1 px at that scale) and
// subsampled. Blurring and then keeping the centre sample of each 7×7 block equals a Gaussian-weighted
// average of that pixel's own 49 samples, which is what is computed here.
import type { GeneratorParams, MaskKind, MaskOptions } from '../../../shared/generators.js';
import type { Random } from '../../numeric/random.js';
import { drawGreys, paint, type Generator } from './generator.js';
import { centreMask, gaussianKernel, regularPolygon } from './geometry.js';
import { polygonMask, type PolygonShape } from './polygons.js';
import { ConvexShape, cover, Disc, markInside, type Shape } from './shapes.js';

type Params = GeneratorParams<'circles-triangles'>;

export const CIRCLE = 0;
const TRIANGLE = 1;

function shapeOf(row: Float64Array): PolygonShape {
  return { theta: row[0]!, radius: row[1]!, centerRow: row[2]!, centerCol: row[3]!, sides: 3 };
}

function shapeFor(label: number, row: Float64Array): Shape {
  if (label === CIRCLE) return new Disc(row[2]!, row[3]!, row[1]!);
  const s = shapeOf(row);
  return new ConvexShape(regularPolygon(s.centerRow, s.centerCol, s.radius, s.theta, 3));
}

/** Per-axis weights of the s samples inside a pixel: the blur kernel's taps around the centre sample. */
function sampleWeights(s: number, sigma: number): Float64Array {
  const half = Math.floor(s / 2);
  if (sigma === 0) {
    const w = new Float64Array(s);
    w[half] = 1;
    return w;
  }
  return gaussianKernel(half, sigma).subarray(0, s);
}

export const circlesTriangles: Generator<'circles-triangles'> = {
  id: 'circles-triangles',
  classNames: () => ['circle', 'triangle'],
  columns: () => ['theta', 'radius', 'centerRow', 'centerCol', 'foreground', 'background'],

  sample(p: Params, _label: number, rng: Random) {
    const [foreground, background] = drawGreys(rng, p.minContrast);
    const radius = rng.uniform(p.radiusMin, p.radiusMax) * p.size;
    const theta = 2 * Math.PI * rng.next();
    return Float64Array.of(theta, radius, p.size / 2, p.size / 2, foreground, background);
  },

  render(p: Params, label: number, row: Float64Array, out: Float32Array) {
    const coverage = cover(shapeFor(label, row), p.size, p.size, sampleWeights(p.supersample, p.blurSigma), new Float32Array(p.size * p.size));
    paint(coverage, row[4]!, row[5]!, out);
  },

  mask(p: Params, label: number, row: Float64Array, kind: MaskKind, options: MaskOptions, out: Uint8Array) {
    if (label === TRIANGLE) {
      polygonMask(shapeOf(row), p.size, kind, options, out);
      return;
    }
    const [radius, cr, cc] = [row[1]!, row[2]!, row[3]!];
    const dist = (r: number, c: number) => Math.hypot(r - cr, c - cc);
    switch (kind) {
      case 'object':
      case 'instances':
        markInside(new Disc(cr, cc, radius), p.size, p.size, out.fill(0));
        return;
      case 'band':
        centreMask((r, c) => dist(r, c) < 1.25 * radius && dist(r, c) >= 0.75 * radius, p.size, p.size, out);
        return;
      case 'edges':
        centreMask((r, c) => Math.abs(dist(r, c) - radius) <= options.edgeWidth, p.size, p.size, out);
        return;
      case 'corners':
        out.fill(0); // a circle has no corners
        return;
    }
  },
};

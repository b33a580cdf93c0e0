// Masks and renderings shared by the polygon generators (continuous geometry).
import type { MaskKind, MaskOptions } from '../../../shared/generators.js';
import { centreMask, distanceToOutline, regularPolygon, type Polygon } from './geometry.js';
import { ConvexShape, cover, markInside, uniformWeights } from './shapes.js';

export interface PolygonShape {
  centerRow: number;
  centerCol: number;
  radius: number;
  theta: number;
  sides: number;
}

export function polygonOf(s: PolygonShape, scale = 1): Polygon {
  return regularPolygon(s.centerRow, s.centerCol, s.radius * scale, s.theta, s.sides);
}

/** Coverage by s×s supersampling (s = 1: the pixel centre decides). */
export function polygonCoverage(s: PolygonShape, size: number, samples: number, out: Float32Array): Float32Array {
  return cover(new ConvexShape(polygonOf(s)), size, size, uniformWeights(samples), out.fill(0));
}

/** Ground truth of a convex polygon; `object` is the set of pixels whose centre is inside. */
export function polygonMask(s: PolygonShape, size: number, kind: MaskKind, options: MaskOptions, out: Uint8Array): Uint8Array {
  const poly = polygonOf(s);
  switch (kind) {
    case 'object':
    case 'instances':
      return markInside(new ConvexShape(poly), size, size, out.fill(0));
    case 'band': {
      const inner = new ConvexShape(polygonOf(s, 0.75));
      const outer = new ConvexShape(polygonOf(s, 1.25));
      return centreMask((r, c) => outer.distance(r, c) < 0 && !(inner.distance(r, c) < 0), size, size, out);
    }
    case 'edges':
      return centreMask((r, c) => distanceToOutline(poly, r, c) <= options.edgeWidth, size, size, out);
    case 'corners':
      return cornerMask(poly, options.cornerRadius * s.radius, size, out);
  }
}

/** Discs of radius `radius` around each vertex. */
export function cornerMask(poly: Polygon, radius: number, size: number, out: Uint8Array): Uint8Array {
  return centreMask((r, c) => {
    for (let k = 0; k < poly.length; k += 2) if (Math.hypot(r - poly[k]!, c - poly[k + 1]!) <= radius) return true;
    return false;
  }, size, size, out);
}

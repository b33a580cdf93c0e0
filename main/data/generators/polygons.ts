// Masks and renderings shared by the polygon generators (continuous geometry).
import type { MaskKind, MaskOptions } from '../../../shared/generators.js';
import { centreMask, convexEdgeDistance, distanceToOutline, regularPolygon, renderCoverage, type Polygon } from './geometry.js';

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

export function polygonCoverage(s: PolygonShape, size: number, samples: number, out: Float32Array): Float32Array {
  const poly = polygonOf(s);
  if (samples <= 1) {
    for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) out[i * size + j] = convexEdgeDistance(poly, i + 0.5, j + 0.5) < 0 ? 1 : 0;
    return out;
  }
  return renderCoverage((r, c) => convexEdgeDistance(poly, r, c), size, size, samples, out);
}

/** Ground truth of a convex polygon; `object` is the set of pixels whose centre is inside. */
export function polygonMask(s: PolygonShape, size: number, kind: MaskKind, options: MaskOptions, out: Uint8Array): Uint8Array {
  const poly = polygonOf(s);
  switch (kind) {
    case 'object':
    case 'instances':
      return centreMask((r, c) => convexEdgeDistance(poly, r, c) < 0, size, size, out);
    case 'band': {
      const inner = polygonOf(s, 0.75);
      const outer = polygonOf(s, 1.25);
      return centreMask((r, c) => convexEdgeDistance(outer, r, c) < 0 && !(convexEdgeDistance(inner, r, c) < 0), size, size, out);
    }
    case 'edges':
      return centreMask((r, c) => distanceToOutline(poly, r, c) <= options.edgeWidth, size, size, out);
    case 'corners': {
      const rc = options.cornerRadius * s.radius;
      return centreMask((r, c) => {
        for (let k = 0; k < s.sides; k++) if (Math.hypot(r - poly[2 * k]!, c - poly[2 * k + 1]!) <= rc) return true;
        return false;
      }, size, size, out);
    }
  }
}

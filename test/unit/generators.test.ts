import { describe, expect, it } from 'vitest';
import { generatorSchemas, type GeneratorId, type MaskKind } from '../../shared/generators.js';
import { generators } from '../../main/data/generators/index.js';
import type { Generator } from '../../main/data/generators/generator.js';
import { crossFilter, latticePolygonMask, latticeVertices, regularPolygon } from '../../main/data/generators/geometry.js';
import { ConvexShape, cover, Disc, uniformWeights } from '../../main/data/generators/shapes.js';
import { labelsAndSplits, quantize, synthesize } from '../../main/data/synthesize.js';

const options = { edgeWidth: 1.5, cornerRadius: 0.25 };

function make<G extends GeneratorId>(id: G, overrides: Record<string, unknown> = {}) {
  const params = generatorSchemas[id].parse({ count: 64, ...overrides }) as never;
  const gen = generators[id] as unknown as Generator<GeneratorId>;
  const size = (params as { size: number }).size;
  const image = (index: number, label: number) => {
    const pixels = new Float32Array(size * size);
    const row = synthesize(gen, params, label, 5, index, pixels);
    return { row, pixels, u8: quantize(pixels, new Uint8Array(size * size)) };
  };
  const mask = (label: number, row: Float64Array, kind: MaskKind) => {
    const out = new Uint8Array(size * size);
    gen.mask(params, label, row, kind, options, out);
    return out;
  };
  return { params, gen, size, image, mask };
}

const count = (m: Uint8Array) => m.reduce((a, b) => a + (b ? 1 : 0), 0);

/** Area of the convex hull of points (Andrew's monotone chain and the shoelace formula). */
function hullArea(points: [number, number][]): number {
  const p = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: number[], a: number[], b: number[]) => (a[0]! - o[0]!) * (b[1]! - o[1]!) - (a[1]! - o[1]!) * (b[0]! - o[0]!);
  const half = (pts: [number, number][]) => {
    const h: [number, number][] = [];
    for (const q of pts) {
      while (h.length >= 2 && cross(h[h.length - 2]!, h[h.length - 1]!, q) <= 0) h.pop();
      h.push(q);
    }
    return h;
  };
  const hull = [...half(p).slice(0, -1), ...half([...p].reverse()).slice(0, -1)];
  let area = 0;
  for (let k = 0; k < hull.length; k++) {
    const [a, b] = [hull[k]!, hull[(k + 1) % hull.length]!];
    area += a[0] * b[1] - b[0] * a[1];
  }
  return Math.abs(area) / 2;
}

describe('Triangles & Squares (pixel-exact, as create_shapes_2.m)', () => {
  it('fills exactly the lattice points that do not enlarge the convex hull of the rounded vertices', () => {
    for (const theta of [0, 0.3, 1.1, 2.5, 4.2, 5.9]) {
      for (const sides of [3, 4]) {
        const v = latticeVertices(32, 12.8, theta, sides);
        const pts: [number, number][] = [];
        for (let k = 0; k < sides; k++) pts.push([v[2 * k]!, v[2 * k + 1]!]);
        const base = hullArea(pts);
        const mask = latticePolygonMask(v, 32, new Uint8Array(1024));
        for (let i = 0; i < 32; i++)
          for (let j = 0; j < 32; j++) {
            const grows = hullArea([...pts, [i + 1, j + 1]]) > base + 1e-9;
            expect(mask[i * 32 + j], `θ=${theta}, ${sides} sides, pixel (${i}, ${j})`).toBe(grows ? 0 : 1);
          }
      }
    }
  });

  it('keeps only foreground pixels with at least two foreground 4-neighbours', () => {
    const m = new Uint8Array([0, 1, 0, 1, 1, 1, 0, 1, 0]);
    // centre has 4 neighbours; each arm has only the centre
    expect(Array.from(crossFilter(m, 3))).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0]);
  });

  it('paints the object mask in the foreground grey and everything else in the background grey', () => {
    const { image, mask } = make('triangles-squares');
    for (let index = 0; index < 20; index++) {
      const label = index % 2;
      const { row, u8 } = image(index, label);
      const object = mask(label, row, 'object');
      const fg = Math.round(255 * row[4]!);
      const bg = Math.round(255 * row[5]!);
      for (let k = 0; k < u8.length; k++) expect(u8[k]).toBe(object[k] ? fg : bg);
    }
  });

  it('fills as many lattice points as Pick’s theorem counts (A + B/2 + 1), near the analytic area', () => {
    const gcd = (a: number, b: number): number => (b === 0 ? Math.abs(a) : gcd(b, a % b));
    for (const theta of [0.1, 0.9, 2.2, 3.7, 5.1]) {
      for (const sides of [3, 4]) {
        const v = latticeVertices(32, 12.8, theta, sides);
        let area2 = 0;
        let boundary = 0;
        for (let k = 0; k < sides; k++) {
          const m = (k + 1) % sides;
          area2 += v[2 * k]! * v[2 * m + 1]! - v[2 * m]! * v[2 * k + 1]!;
          boundary += gcd(v[2 * m]! - v[2 * k]!, v[2 * m + 1]! - v[2 * k + 1]!);
        }
        const area = Math.abs(area2) / 2;
        expect(count(latticePolygonMask(v, 32, new Uint8Array(1024)))).toBe(area + boundary / 2 + 1);
        const analytic = sides === 3 ? ((3 * Math.sqrt(3)) / 4) * 12.8 ** 2 : 2 * 12.8 ** 2;
        expect(Math.abs(area / analytic - 1)).toBeLessThan(0.06);
      }
    }
  });

  it('puts every vertex inside its corner mask and the outline inside the band', () => {
    const { image, mask } = make('triangles-squares');
    for (let index = 0; index < 10; index++) {
      const label = index % 2;
      const { row } = image(index, label);
      const corners = mask(label, row, 'corners');
      const v = latticeVertices(32, row[1]!, row[0]!, label === 1 ? 3 : 4);
      for (let k = 0; k < v.length; k += 2) {
        const [i, j] = [v[k]! - 1, v[k + 1]! - 1];
        if (i >= 0 && i < 32 && j >= 0 && j < 32) expect(corners[i * 32 + j]).toBe(1);
      }
      const band = mask(label, row, 'band');
      const edges = mask(label, row, 'edges');
      const object = mask(label, row, 'object');
      // Object pixels next to the background lie on the outline; the band holds them.
      for (let i = 1; i < 31; i++)
        for (let j = 1; j < 31; j++) {
          const k = i * 32 + j;
          const onOutline = object[k] && (!object[k - 1] || !object[k + 1] || !object[k - 32] || !object[k + 32]);
          if (onOutline) {
            expect(band[k]).toBe(1);
            expect(edges[k]).toBe(1);
          }
        }
    }
  });
});

describe('anti-aliased shapes', () => {
  it('measures a convex polygon’s distance exactly inside and as a lower bound outside', () => {
    const poly = regularPolygon(10, 10, 5, 0.4, 4);
    const shape = new ConvexShape(poly);
    for (const [r, c] of [[10, 10], [11, 9], [8.5, 12]] as const) expect(shape.distance(r, c)).toBeLessThan(0);
    for (const [r, c] of [[0, 0], [20, 3], [10, 16]] as const) expect(shape.distance(r, c)).toBeGreaterThan(0);
  });

  it('gives an axis-aligned square on pixel borders exactly full and empty pixels', () => {
    const square = new ConvexShape(Float64Array.of(2, 2, 2, 6, 6, 6, 6, 2));
    const out = cover(square, 8, 8, uniformWeights(4), new Float32Array(64));
    for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) expect(out[i * 8 + j]).toBe(i >= 2 && i < 6 && j >= 2 && j < 6 ? 1 : 0);
  });

  it('integrates a disc’s coverage to within 1 % of πr²', () => {
    for (const radius of [3.3, 7.9, 15.2]) {
      const out = cover(new Disc(20.3, 19.6, radius), 40, 40, uniformWeights(8), new Float32Array(1600));
      expect(out.reduce((a, b) => a + b, 0) / (Math.PI * radius * radius)).toBeCloseTo(1, 1.7);
    }
  });

  it('renders scaled triangles and squares whose grey mass matches the analytic area', () => {
    const { image } = make('triangles-squares-scaled', { samples: 8 });
    for (let index = 0; index < 12; index++) {
      const label = index % 2;
      const { row, pixels } = image(index, label);
      const [radius, fg, bg] = [row[1]!, row[4]!, row[5]!];
      if (Math.abs(fg - bg) < 0.2) continue;
      const covered = pixels.reduce((a, v) => a + (v - bg) / (fg - bg), 0);
      const area = label === 1 ? ((3 * Math.sqrt(3)) / 4) * radius * radius : 2 * radius * radius;
      expect(covered / area).toBeCloseTo(1, 1.5);
    }
  });

  it('blurs DIANNA circles without losing their mass', () => {
    const { image } = make('circles-triangles');
    for (let index = 0; index < 8; index++) {
      const { row, pixels } = image(index, 0);
      const [radius, fg, bg] = [row[1]!, row[4]!, row[5]!];
      if (Math.abs(fg - bg) < 0.2) continue;
      const covered = pixels.reduce((a, v) => a + (v - bg) / (fg - bg), 0);
      expect(covered / (Math.PI * radius * radius)).toBeCloseTo(1, 1.5);
    }
  });
});

describe('counting circles', () => {
  it('draws exactly label + 1 disjoint circles, each its own instance inside the image', () => {
    const { image, mask, size } = make('counting-circles');
    for (let index = 0; index < 30; index++) {
      const label = index % 5;
      const { row } = image(index, label);
      const instances = mask(label, row, 'instances');
      const ids = new Set(instances.filter((v) => v > 0));
      expect(ids.size).toBe(label + 1);
      for (let k = 0; k <= label; k++) {
        const [r, c, rad] = [row[2 + 3 * k]!, row[3 + 3 * k]!, row[4 + 3 * k]!];
        expect(r - rad).toBeGreaterThanOrEqual(0);
        expect(c + rad).toBeLessThanOrEqual(size);
        for (let m = 0; m < k; m++) {
          const gap = Math.hypot(r - row[2 + 3 * m]!, c - row[3 + 3 * m]!) - rad - row[4 + 3 * m]!;
          expect(gap).toBeGreaterThanOrEqual(1);
        }
      }
      expect(Number.isNaN(row[2 + 3 * (label + 1)] ?? Number.NaN)).toBe(true);
    }
  });
});

describe('labels, splits and seeds', () => {
  it('balances the classes within every split and keeps the split sizes', () => {
    const { labels, splits } = labelsAndSplits(1000, { train: 0.5, validation: 0.2, test: 0.3 }, 3, 9);
    const per = [0, 1, 2].map((s) => [0, 1, 2].map((c) => labels.filter((l, k) => l === c && splits[k] === s).length));
    expect(per.map((p) => p.reduce((a, b) => a + b))).toEqual([500, 200, 300]);
    for (const p of per) expect(Math.max(...p) - Math.min(...p)).toBeLessThanOrEqual(1);
  });

  it('makes the same image from the same seed and index, and a different one otherwise', () => {
    for (const id of ['triangles-squares', 'triangles-squares-scaled', 'counting-circles', 'circles-triangles'] as const) {
      const { image } = make(id, { noise: 0.05 });
      expect(Array.from(image(3, 1).u8)).toEqual(Array.from(image(3, 1).u8));
      expect(Array.from(image(3, 1).u8)).not.toEqual(Array.from(image(4, 1).u8));
    }
  });

  it('honours the minimum contrast between foreground and background', () => {
    const { image } = make('triangles-squares', { minContrast: 0.6 });
    for (let index = 0; index < 50; index++) {
      const { row } = image(index, index % 2);
      expect(Math.abs(row[4]! - row[5]!)).toBeGreaterThanOrEqual(0.6);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { boxStats, quantileSorted } from '../../renderer/lib/evaluate/box-plot.js';
import { mulberry32, stripPoints } from '../../renderer/lib/evaluate/strip-plot.js';

describe('box plots of per-image scores', () => {
  it('takes quartiles by linear interpolation between order statistics (Hyndman & Fan type 7)', () => {
    // n = 4: positions (n − 1)·q = 0.75, 1.5, 2.25.
    expect([0.25, 0.5, 0.75].map((q) => quantileSorted([1, 2, 3, 4], q))).toEqual([1.75, 2.5, 3.25]);
    expect(boxStats([4, 1, 3, 2])).toEqual({ n: 4, q1: 1.75, median: 2.5, q3: 3.25, low: 1, high: 4, outliers: [] });
  });

  it('ends the whiskers at the most extreme scores within 1.5 IQR and lists the rest as outliers', () => {
    // q1 = 3, median = 5, q3 = 7: IQR 4, fences at −3 and 13.
    expect(boxStats([100, 1, 2, 3, 4, 5, 6, 7, 8, -20])).toMatchObject({ n: 10, outliers: [-20, 100] });
    expect(boxStats([1, 2, 3, 4, 5, 6, 7, 8, 100])).toEqual({ n: 9, q1: 3, median: 5, q3: 7, low: 1, high: 8, outliers: [100] });
  });

  it('ignores scores that are not finite, and has no box without any', () => {
    expect(boxStats([Number.NaN, 2, Number.POSITIVE_INFINITY])).toEqual({ n: 1, q1: 2, median: 2, q3: 2, low: 2, high: 2, outliers: [] });
    expect(boxStats([Number.NaN])).toBeNull();
    expect(boxStats([])).toBeNull();
  });
});

describe('strip plots of per-image scores', () => {
  it('jitters the same way on every draw for the same seed, and differently for another seed', () => {
    const values = [0.1, 0.5, Number.NaN, 0.9];
    const a = stripPoints(values, 7);
    expect(stripPoints(values, 7)).toEqual(a);
    expect(stripPoints(values, 8).map((p) => p.jitter)).not.toEqual(a.map((p) => p.jitter));
  });

  it('puts one point per finite score, at its value, with an offset inside the strip', () => {
    const points = stripPoints([0.1, 0.5, Number.NaN, 0.9], 3);
    expect(points.map((p) => [p.row, p.value])).toEqual([
      [0, 0.1],
      [1, 0.5],
      [3, 0.9],
    ]);
    for (const p of points) expect(Math.abs(p.jitter)).toBeLessThanOrEqual(0.5);
  });

  it('keeps a row’s offset when other rows have no score', () => {
    expect(stripPoints([0.2, 0.4, 0.6], 5)[2]!.jitter).toBe(stripPoints([Number.NaN, Number.NaN, 0.6], 5)[0]!.jitter);
  });

  it('draws from a generator uniform enough to spread the points', () => {
    const next = mulberry32(1);
    const draws = Array.from({ length: 10_000 }, next);
    const mean = draws.reduce((s, v) => s + v, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
  });
});

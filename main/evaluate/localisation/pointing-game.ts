// Pointing game (Zhang et al. 2018, "Top-down neural attention by excitation backprop", IJCV
// 126): a hit when the map's maximum lies within `tolerance` pixels of the mask. Tie rule:
// with several maxima the score is the share of them that hit (a random pick's chance of a hit),
// so a constant map scores the share of pixels that would hit — not 1 as Quantus's "any maximum".
import { z } from 'zod';
import { defineMetric } from '../metric.js';
import { scoreAgainstMasks } from './per-image.js';
import { relevanceModeOf, relevanceOf, relevanceParam } from './relevance.js';

export const pointingGameParams = z.object({
  tolerance: z
    .number()
    .min(0)
    .max(256)
    .default(0)
    .describe('Hit radius around the maximum in pixels (Euclidean). Zhang et al. used 15 px on ~500 px PASCAL/COCO images (≈3 % of the side); Quantus uses 0.'),
  relevance: relevanceParam,
});

/** Pixel offsets (dy, dx) within Euclidean distance `radius` of the origin. */
export function discOffsets(radius: number): { dy: Int32Array; dx: Int32Array } {
  const r = Math.floor(radius);
  const dy: number[] = [];
  const dx: number[] = [];
  for (let y = -r; y <= r; y++) for (let x = -r; x <= r; x++) if (y * y + x * x <= radius * radius) dy.push(y), dx.push(x);
  return { dy: Int32Array.from(dy), dx: Int32Array.from(dx) };
}

export const pointingGame = defineMetric({
  id: 'pointing-game',
  label: 'Pointing game',
  family: 'localisation',
  citation: 'Zhang et al. 2018, "Top-down neural attention by excitation backprop", IJCV 126 (pointing game)',
  higherIsBetter: true,
  needs: { mask: true },
  params: pointingGameParams,
  async score(batch, params) {
    const { height, width } = batch;
    const r = new Float32Array(height * width);
    const disc = discOffsets(params.tolerance);
    const hits = (mask: Uint8Array, at: number): boolean => {
      if (mask[at] !== 0) return true;
      const y0 = (at / width) | 0;
      const x0 = at - y0 * width;
      for (let o = 0; o < disc.dy.length; o++) {
        const y = y0 + disc.dy[o]!;
        const x = x0 + disc.dx[o]!;
        if (y >= 0 && y < height && x >= 0 && x < width && mask[y * width + x] !== 0) return true;
      }
      return false;
    };
    const scores = scoreAgainstMasks(batch, ({ heatmap, mask }) => {
      relevanceOf(heatmap, relevanceModeOf(params.relevance, batch), r);
      let max = -Infinity;
      for (let i = 0; i < r.length; i++) if (r[i]! > max) max = r[i]!;
      let maxima = 0;
      let hit = 0;
      for (let i = 0; i < r.length; i++)
        if (r[i] === max) {
          maxima++;
          if (hits(mask, i)) hit++;
        }
      return hit / maxima;
    });
    return { scores };
  },
});

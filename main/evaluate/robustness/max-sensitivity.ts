// Max-sensitivity (Yeh, Hsieh, Suggala, Inouye & Ravikumar 2019, "On the (in)fidelity and
// sensitivity of explanations", SENS_MAX): SENS_MAX = max_{‖δ‖ ≤ r} ‖Φ(x + δ) − Φ(x)‖, estimated by
// Monte Carlo over N perturbations δ ~ U(−r, r) per input value (the paper's experiments and Quantus). By
// default divided by ‖Φ(x)‖, a relative change, so that methods whose heatmaps have different
// units — gradients, relevances, occlusion drops — can be compared; Quantus divides by the
// input's norm ‖x‖, which is the same for every method and so leaves the units in. Lower is better.
import { z } from 'zod';
import { defineMetric, heatmapOf } from '../metric.js';

export const maxSensitivityParams = z.object({
  samples: z.int().min(1).max(10_000).default(50).describe('Perturbations N drawn per image (Yeh et al. 2019: 50; Quantus: 200).'),
  radius: z
    .number()
    .min(0)
    .max(1)
    .default(0.2)
    .describe('r as a fraction of each channel’s input range: δ ~ U(−r·range, r·range) per value (Yeh et al. and Quantus: 0.2 on inputs in [0, 1]).'),
  denominator: z
    .enum(['heatmap', 'input', 'none'])
    .default('heatmap')
    .describe('What the change is divided by: ‖Φ(x)‖, so methods with different heatmap units compare; the input’s ‖x‖ (Quantus); or nothing (Yeh et al.’s absolute change).'),
  normalise: z.boolean().default(false).describe('Divide each heatmap by its largest magnitude first (Quantus’s normalise option, off by default); off counts a change of the heatmap’s scale as a change, as Yeh et al. do.'),
});

/** The Frobenius norm of a − b (b omitted: of a), after dividing each by its scale. */
function distance(a: Float32Array, scaleA: number, b: Float32Array | null, scaleB: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! / scaleA - (b === null ? 0 : b[i]! / scaleB);
    s += d * d;
  }
  return Math.sqrt(s);
}

const maxAbs = (map: Float32Array) => map.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;

export const maxSensitivity = defineMetric({
  id: 'max-sensitivity',
  label: 'Max-sensitivity',
  family: 'robustness',
  citation: 'Yeh et al. 2019, SENS_MAX',
  higherIsBetter: false,
  needs: { model: true, explainer: true },
  params: maxSensitivityParams,
  score: async (batch, p, rng, onProgress) => {
    const { n, height, width, explainer, images, channels = 1 } = batch;
    if (explainer === undefined || images === undefined) throw new Error('Max-sensitivity needs the explainer and the model’s inputs in the batch.');
    const bounds = batch.inputBounds ?? { low: Array<number>(channels).fill(0), high: Array<number>(channels).fill(1) };
    const plane = height * width;
    const half = Array.from({ length: channels }, (_, c) => p.radius * (bounds.high[c]! - bounds.low[c]!));
    const scale = (map: Float32Array) => (p.normalise ? maxAbs(map) : 1);
    const reference = Array.from({ length: n }, (_, i) => heatmapOf(batch, i));
    const size = channels * plane;
    const denominators = reference.map((a, i) =>
      p.denominator === 'heatmap' ? distance(a, scale(a), null, 1) : p.denominator === 'input' ? distance(images.subarray(i * size, (i + 1) * size), 1, null, 1) : 1,
    );
    const scores = new Float64Array(n);
    const perturbed = new Float32Array(n * channels * plane);
    for (let j = 0; j < p.samples; j++) {
      // Not clipped to the input range: Yeh et al. and Quantus perturb freely within the ball.
      for (let i = 0; i < n; i++)
        for (let c = 0; c < channels; c++) {
          const at = (i * channels + c) * plane;
          for (let q = at; q < at + plane; q++) perturbed[q] = images[q]! + rng.uniform(-half[c]!, half[c]!);
        }
      const maps = await explainer.explain(perturbed, n, batch.targets);
      for (let i = 0; i < n; i++) {
        const a = reference[i]!;
        const b = maps.subarray(i * plane, (i + 1) * plane);
        scores[i] = Math.max(scores[i]!, distance(b, scale(b), a, scale(a)) / denominators[i]!);
      }
      onProgress?.((j + 1) * n, p.samples * n);
    }
    // A heatmap (or input) of norm 0 has no relative change: undefined.
    for (let i = 0; i < n; i++) if (denominators[i] === 0) scores[i] = NaN;
    return { scores };
  },
});

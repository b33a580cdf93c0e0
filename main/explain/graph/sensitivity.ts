// Sensitivity analysis: how much a small change of each pixel moves the target logit, an
// unsigned map of |∂f/∂x| pooled over the colour channels (Simonyan, Vedaldi & Zisserman 2014,
// §3.1: M_ij = max_c |w_h(i,j,c)|). Other papers pool otherwise: Montavon, Samek & Müller 2018
// (sensitivity analysis) define R_i = (∂f/∂x_i)², whose channel sum is the squared ℓ2 norm;
// Samek et al. 2017 (§II-A) take a norm over the channels (methods.md). The signed gradient is
// gradient.ts.
import { z } from 'zod';
import { plainGradient } from '../../onnx/backward/rules.js';
import { backwardSignal } from './gradient.js';
import { graphMethod } from './method.js';

export const sensitivityNorms = ['max-abs', 'l2', 'squared'] as const;
export type SensitivityNorm = (typeof sensitivityNorms)[number];

export const sensitivityParams = z.object({
  norm: z
    .enum(sensitivityNorms)
    .default('max-abs')
    .describe(
      'Pooling of ∂f/∂x over the channels: max-abs = max_c |∂f/∂x_c| (Simonyan et al. 2014, §3.1; default), l2 = √Σ_c (∂f/∂x_c)², squared = Σ_c (∂f/∂x_c)² (Montavon, Samek & Müller 2018: (∂f/∂x_i)², summed over channels).',
    ),
});

/** [n, C, H, W] gradients → [n, H, W] by the named norm over channels. */
export function channelNorm(gradient: Float32Array, n: number, channels: number, plane: number, norm: SensitivityNorm): Float32Array {
  const out = new Float32Array(n * plane);
  for (let i = 0; i < n; i++) {
    const o = out.subarray(i * plane, (i + 1) * plane);
    for (let c = 0; c < channels; c++) {
      const g = gradient.subarray((i * channels + c) * plane, (i * channels + c + 1) * plane);
      if (norm === 'max-abs') for (let p = 0; p < plane; p++) o[p] = Math.max(o[p]!, Math.abs(g[p]!));
      else for (let p = 0; p < plane; p++) o[p]! += g[p]! * g[p]!;
    }
    if (norm === 'l2') for (let p = 0; p < plane; p++) o[p] = Math.sqrt(o[p]!);
  }
  return out;
}

export const sensitivityMethod = graphMethod({
  id: 'sensitivity',
  label: 'Sensitivity (Simonyan et al. 2014)',
  kind: 'graph',
  // Never negative: ranking by value and by magnitude agree; the magnitude is what it measures.
  relevance: 'absolute',
  params: sensitivityParams,
  run: async (session, input, params) => {
    const [channels, height, width] = input.shape;
    return channelNorm(await backwardSignal(session, input, plainGradient), input.n, channels, height * width, params.norm);
  },
});

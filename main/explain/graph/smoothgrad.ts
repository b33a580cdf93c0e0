// SmoothGrad (Smilkov, Thorat, Kim, Viégas & Wattenberg 2017): the gradient averaged over noisy
// copies x + N(0, σ²), σ = noise level × (max x − min x) of each image (their §3: 10–20 % works
// best; 15 % default). Channels are reduced after averaging.
import { z } from 'zod';
import { plainGradient } from '../../onnx/backward/rules.js';
import { graphMethod, reductionParam, streamOf } from './method.js';
import { accumulateGradients, rangeOf } from './path-gradients.js';
import { reduceChannels } from './tensors.js';

export const smoothGradParams = z.object({
  samples: z.number().int().min(1).max(256).default(16).describe('Noisy samples per image (Smilkov et al. 2017 use 50; 16 keeps it fast).'),
  noiseLevel: z.number().min(0).max(1).default(0.15).describe('σ as a fraction of the image’s value range (Smilkov et al. 2017, §3: 0.1–0.2).'),
  reduction: reductionParam,
});

export const smoothGradMethod = graphMethod({
  id: 'smoothgrad',
  label: 'SmoothGrad',
  kind: 'graph',
  // The averaged signed gradient: its sign is a direction, not evidence (Smilkov et al. 2017 show |·|).
  relevance: 'absolute',
  params: smoothGradParams,
  run: async (session, input, params, randomness) => {
    const [channels, height, width] = input.shape;
    const size = channels * height * width;
    const sigmas = Array.from({ length: input.n }, (_, i) => {
      const { min, max } = rangeOf(input.images, i, size);
      return params.noiseLevel * (max - min);
    });
    const mean = await accumulateGradients(session, { rules: plainGradient }, input, params.samples, 1 / params.samples, (i, _k, out) => {
      const x = input.images.subarray(i * size, (i + 1) * size);
      const sigma = sigmas[i]!;
      // Image i's samples come in order k = 0, 1, …, so its own stream gives the same noise however it is batched.
      const rng = streamOf(randomness, i);
      // Drawn even when σ = 0, so the random stream does not depend on the noise level.
      for (let p = 0; p < size; p++) out[p] = x[p]! + sigma * rng.normal();
    });
    return reduceChannels(mean, input.n, channels, height * width, params.reduction);
  },
});

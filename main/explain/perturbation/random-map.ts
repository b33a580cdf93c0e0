// The random map: uniform noise on [0, 1), seeded — the control every evaluation compares with
// (a heatmap that scores no better than it explains nothing; cf. Adebayo et al. 2018).
import { z } from 'zod';
import { checkInput, defineMethod } from './method.js';

export const randomMapParams = z.object({});

export const randomMap = defineMethod({
  id: 'random',
  label: 'Random map',
  // Uniform on [0, 1): never negative, so both rankings agree.
  relevance: 'signed',
  kind: 'perturbation',
  params: randomMapParams,
  async run(_forward, input, _params, rng) {
    checkInput(input);
    const heat = new Float32Array(input.shape.height * input.shape.width);
    for (let i = 0; i < heat.length; i++) heat[i] = rng.next();
    return heat;
  },
});

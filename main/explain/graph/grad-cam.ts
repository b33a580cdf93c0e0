// Grad-CAM (Selvaraju et al. 2017, eqs. 1–2): on a feature map A [K, h, w], weights
// α_k = mean over (i, j) of ∂f_target/∂A_k,ij, map = ReLU(Σ_k α_k A_k), upsampled bilinearly to
// the input size. Guided Grad-CAM (§3.1) multiplies Guided Backprop by that map at every input
// channel, then reduces the channels.
import { z } from 'zod';
import { guidedBackprop, plainGradient } from '../../onnx/backward/rules.js';
import { backwardSignal } from './gradient.js';
import { graphMethod, reductionParam, type GraphInput, type GraphSession } from './method.js';
import { bilinear, oneHot, reduceChannels } from './tensors.js';

const layerParam = z
  .string()
  .min(1)
  .optional()
  .describe('The feature map to explain (a value of the canonical graph): any convolution’s output or its rectified map; by default the last convolution’s map after its pooling and rectifier (Selvaraju et al. 2017, §3).');

const defaultLayerParam = z
  .enum(['rectified', 'convolution'])
  .default('rectified')
  .describe(
    'The map used when no layer is given: rectified = the last convolution’s map after its pooling and rectifier (Selvaraju et al. 2017; default); convolution = the last convolution layer’s output, a rectifier reading it directly included (Keras’s “last conv layer”; Heatlab before issue 13).',
  );

export const gradCamParams = z.object({ layer: layerParam, defaultLayer: defaultLayerParam });
type LayerChoice = Pick<z.output<typeof gradCamParams>, 'layer' | 'defaultLayer'>;

/** Runs stored before `defaultLayer` existed used the convolution layer's output. */
const legacyParams = { defaultLayer: 'convolution' };

/** The Grad-CAM maps [n, H, W] of the input on the given (or default) feature map. */
export async function gradCam(session: GraphSession, input: GraphInput, { layer, defaultLayer }: LayerChoice): Promise<Float32Array> {
  const value = layer ?? (defaultLayer === 'convolution' ? session.lastConvolutionLayer : session.defaultFeatureMap);
  if (value === undefined) throw new Error('Grad-CAM needs a convolutional feature map, and this model has none.');
  if (layer !== undefined && !session.featureMaps.includes(layer)) throw new Error(`Grad-CAM cannot use ${layer}: it is not one of the model's feature maps (${session.featureMaps.join(', ')}).`);
  const { taps } = await session.run({ rules: plainGradient, taps: [value], inputGradient: false }, input.images, input.n, oneHot(input.targets, session.classes));
  const { activation, gradient, dims } = taps.get(value)!;
  const [, k, h, w] = dims as [number, number, number, number];
  const plane = h * w;
  const maps = new Float32Array(input.n * plane);
  for (let i = 0; i < input.n; i++) {
    const map = maps.subarray(i * plane, (i + 1) * plane);
    for (let c = 0; c < k; c++) {
      const at = (i * k + c) * plane;
      let alpha = 0;
      for (let p = 0; p < plane; p++) alpha += gradient[at + p]!;
      alpha /= plane;
      for (let p = 0; p < plane; p++) map[p]! += alpha * activation[at + p]!;
    }
    for (let p = 0; p < plane; p++) map[p] = Math.max(map[p]!, 0);
  }
  return bilinear(maps, input.n, h, w, input.shape[1], input.shape[2]);
}

export const gradCamMethod = graphMethod({
  id: 'grad-cam',
  label: 'Grad-CAM',
  kind: 'graph',
  // ReLU(Σ α_k A_k) keeps only positive evidence (Selvaraju et al. 2017, eq. 2): never negative.
  relevance: 'signed',
  params: gradCamParams,
  legacyParams,
  run: (session, input, params) => gradCam(session, input, params),
});

export const guidedGradCamMethod = graphMethod({
  id: 'guided-grad-cam',
  label: 'Guided Grad-CAM',
  kind: 'graph',
  // Guided Backprop's sign (the input pattern's) times a non-negative map: not evidence.
  relevance: 'absolute',
  params: z.object({ layer: layerParam, defaultLayer: defaultLayerParam, reduction: reductionParam }),
  legacyParams,
  run: async (session, input, params) => {
    const [channels, height, width] = input.shape;
    const plane = height * width;
    const cam = await gradCam(session, input, params);
    const guided = await backwardSignal(session, input, guidedBackprop);
    for (let i = 0; i < input.n; i++)
      for (let c = 0; c < channels; c++) {
        const g = guided.subarray((i * channels + c) * plane, (i * channels + c + 1) * plane);
        for (let p = 0; p < plane; p++) g[p]! *= cam[i * plane + p]!;
      }
    return reduceChannels(guided, input.n, channels, plane, params.reduction);
  },
});

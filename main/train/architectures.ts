// A validated list of layers (shared/architectures.ts) → a tfjs model (NHWC, as tfjs has it).
// Weights are initialised from the run's seed, so a run is repeatable.
import type * as tfType from '@tensorflow/tfjs';
import { HeatlabError } from '../../shared/errors.js';
import { describeArchitecture, layersFor, planArchitecture, planModel, type InputShape } from '../../shared/architectures.js';
import type { Architecture, LayerSpec, LayerSummary } from '../../shared/models.js';

export { describeArchitecture, layersFor, type InputShape };

type Tf = typeof tfType;

/** Throws the first impossible layer as one sentence naming it (the arithmetic is shared/architectures.ts). */
export function checkLayers(layers: LayerSpec[], input: InputShape): void {
  const { problem } = planModel(layers, input);
  if (problem !== null) throw new HeatlabError('invalid_request', problem);
}

/** Throws when the architecture cannot classify these images, as one sentence (a preset too small for them says the size it needs). */
export function checkArchitecture(architecture: Architecture, classes: number, input: InputShape): void {
  const { problem } = planArchitecture(architecture, classes, input);
  if (problem !== null) throw new HeatlabError('invalid_request', problem);
}

const activationOf = (a: 'relu' | 'leaky-relu' | 'none') => (a === 'none' ? 'linear' : a === 'relu' ? 'relu' : 'linear');

/** A tfjs Sequential model; layer k's weights are initialised with seed + k. */
export function buildModel(tf: Tf, layers: LayerSpec[], input: InputShape, seed: number): tfType.Sequential {
  checkLayers(layers, input);
  const model = tf.sequential({ name: 'heatlab_model' });
  const first = { inputShape: [input.height, input.width, input.channels] };
  layers.forEach((layer, k) => {
    const name = `l${String(k + 1).padStart(2, '0')}_${layer.type.replace('-', '_')}`;
    const init = () => ({ kernelInitializer: tf.initializers.glorotUniform({ seed: seed + k }), biasInitializer: 'zeros' as const });
    const common = { name, ...(k === 0 ? first : {}) };
    const added: tfType.layers.Layer[] = [];
    switch (layer.type) {
      case 'conv2d':
        added.push(tf.layers.conv2d({ ...common, filters: layer.filters, kernelSize: layer.kernel, strides: layer.stride, padding: layer.padding, activation: activationOf(layer.activation), ...init() }));
        if (layer.activation === 'leaky-relu') added.push(tf.layers.leakyReLU({ name: `${name}_act`, alpha: 0.2 }));
        break;
      case 'dense':
        added.push(tf.layers.dense({ ...common, units: layer.units, activation: activationOf(layer.activation), ...init() }));
        if (layer.activation === 'leaky-relu') added.push(tf.layers.leakyReLU({ name: `${name}_act`, alpha: 0.2 }));
        break;
      case 'maxpool':
        added.push(tf.layers.maxPooling2d({ ...common, poolSize: layer.size, strides: layer.stride ?? layer.size, padding: 'valid' }));
        break;
      case 'avgpool':
        added.push(tf.layers.averagePooling2d({ ...common, poolSize: layer.size, strides: layer.stride ?? layer.size, padding: 'valid' }));
        break;
      case 'global-avgpool':
        added.push(tf.layers.globalAveragePooling2d({ ...common }));
        break;
      case 'flatten':
        added.push(tf.layers.flatten(common));
        break;
      case 'batchnorm':
        added.push(tf.layers.batchNormalization({ ...common, axis: -1 }));
        break;
      case 'dropout':
        added.push(tf.layers.dropout({ ...common, rate: layer.rate, seed: seed + k }));
        break;
      case 'relu':
        added.push(tf.layers.reLU(common));
        break;
      case 'leaky-relu':
        added.push(tf.layers.leakyReLU({ ...common, alpha: layer.alpha }));
        break;
    }
    for (const l of added) model.add(l);
  });
  return model;
}

export function summarize(model: tfType.LayersModel): LayerSummary[] {
  return model.layers.map((l) => ({
    name: l.name,
    type: l.getClassName(),
    outputShape: (l.outputShape as (number | null)[]).slice(1).map((d) => d ?? -1),
    parameters: l.countParams(),
  }));
}

// Architectures: presets and custom layer lists → one validated list of layers → a tfjs model
// (NHWC, as tfjs has it). Weights are initialised from the run's seed, so a run is repeatable.
import type * as tfType from '@tensorflow/tfjs';
import { HeatlabError } from '../../shared/errors.js';
import type { Architecture, LayerSpec, LayerSummary } from '../../shared/models.js';

type Tf = typeof tfType;

export interface InputShape {
  height: number;
  width: number;
  channels: number;
}

const conv = (filters: number, kernel: number, extra: Partial<Extract<LayerSpec, { type: 'conv2d' }>> = {}): LayerSpec => ({
  type: 'conv2d',
  filters,
  kernel,
  stride: 1,
  padding: 'same',
  activation: 'relu',
  ...extra,
});
const maxpool = (): LayerSpec => ({ type: 'maxpool', size: 2 });
const dense = (units: number, activation: 'relu' | 'none' = 'relu'): LayerSpec => ({ type: 'dense', units, activation });

/** Convolutions followed by BatchNorm when asked: conv (no activation) → batchnorm → ReLU. */
function withBatchNorm(layers: LayerSpec[], batchNorm: boolean): LayerSpec[] {
  if (!batchNorm) return layers;
  return layers.flatMap((l) => (l.type === 'conv2d' && l.activation === 'relu' ? [{ ...l, activation: 'none' as const }, { type: 'batchnorm' as const }, { type: 'relu' as const }] : [l]));
}

/** Dropout right before the last dense layer. */
function withDropout(layers: LayerSpec[], rate: number): LayerSpec[] {
  if (rate <= 0) return layers;
  const last = layers.findLastIndex((l) => l.type === 'dense');
  return last < 0 ? layers : [...layers.slice(0, last), { type: 'dropout', rate }, ...layers.slice(last)];
}

/** Every layer of the model, the classifier included. */
export function layersFor(architecture: Architecture, classes: number): LayerSpec[] {
  if (architecture.kind === 'custom') return [...architecture.layers, ...(architecture.layers.some((l) => l.type === 'flatten' || l.type === 'global-avgpool') ? [] : [{ type: 'flatten' as const }]), dense(classes, 'none')];
  const { preset, batchNorm, dropout } = architecture;
  let layers: LayerSpec[];
  switch (preset) {
    case 'tiny-cnn':
      layers = [conv(16, 3), maxpool(), conv(32, 3), maxpool(), conv(32, 3, { stride: 2 }), { type: 'flatten' }, dense(64), dense(classes, 'none')];
      break;
    case 'lenet5':
      // Ranguelova et al. 2018: valid convolutions, each with ReLU and 2×2 max pooling; the last
      // 1×1 convolution gives the class scores.
      layers = [
        conv(10, 5, { padding: 'valid' }),
        maxpool(),
        conv(25, 5, { padding: 'valid' }),
        maxpool(),
        conv(100, 4, { padding: 'valid' }),
        maxpool(),
        conv(classes, 1, { padding: 'valid', activation: 'none' }),
        { type: 'flatten' },
      ];
      break;
    case 'mlp':
      layers = [{ type: 'flatten' }, dense(8), dense(classes, 'none')];
      break;
    case 'vgg-small':
      layers = [conv(32, 3), conv(32, 3), maxpool(), conv(64, 3), conv(64, 3), maxpool(), { type: 'flatten' }, dense(128), dense(classes, 'none')];
      break;
  }
  return withDropout(withBatchNorm(layers, batchNorm), dropout);
}

/** The spatial output size of a window op, as tfjs computes it. */
function outSize(size: number, window: number, stride: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - window) / stride) + 1;
}

/** Walks the shapes; the first impossible layer is one sentence naming it. */
export function checkLayers(layers: LayerSpec[], input: InputShape): void {
  let shape: number[] = [input.height, input.width, input.channels];
  layers.forEach((layer, k) => {
    const where = `Layer ${k + 1} (${layer.type})`;
    const spatial = shape.length === 3;
    switch (layer.type) {
      case 'conv2d':
      case 'maxpool':
      case 'avgpool': {
        if (!spatial) throw new HeatlabError('invalid_request', `${where} needs an image-shaped input, but the layers before it already flattened it.`);
        const window = layer.type === 'conv2d' ? layer.kernel : layer.size;
        const stride = layer.type === 'conv2d' ? layer.stride : (layer.stride ?? layer.size);
        const padding = layer.type === 'conv2d' ? layer.padding : 'valid';
        const h = outSize(shape[0]!, window, stride, padding);
        const w = outSize(shape[1]!, window, stride, padding);
        if (h < 1 || w < 1) throw new HeatlabError('invalid_request', `${where} would shrink the ${shape[0]}×${shape[1]} input to nothing; use a smaller window, 'same' padding or fewer layers.`);
        shape = [h, w, layer.type === 'conv2d' ? layer.filters : shape[2]!];
        break;
      }
      case 'global-avgpool':
        if (!spatial) throw new HeatlabError('invalid_request', `${where} needs an image-shaped input.`);
        shape = [shape[2]!];
        break;
      case 'flatten':
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
      case 'dense':
        if (spatial) throw new HeatlabError('invalid_request', `${where} needs a flat input: put a flatten or global-avgpool layer before it.`);
        shape = [layer.units];
        break;
      default:
        break; // batchnorm, dropout and activations keep the shape
    }
  });
  if (shape.length !== 1) throw new HeatlabError('invalid_request', 'The model must end in a flat vector of class scores.');
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

/** "tiny-cnn", "lenet5 + batchnorm", "custom (7 layers)". */
export function describeArchitecture(architecture: Architecture): string {
  if (architecture.kind === 'custom') return `custom (${architecture.layers.length} layers)`;
  const extras = [architecture.batchNorm ? 'batchnorm' : '', architecture.dropout > 0 ? `dropout ${architecture.dropout}` : ''].filter(Boolean);
  return [architecture.preset, ...extras].join(' + ');
}

// The model a training request would build, as plain arithmetic: the layer list of a preset or
// custom architecture, and each layer's output shape and parameter count, exactly as tfjs builds
// it (main/train/architectures.ts) — shared, so the form can show the model before training. tfjs
// layer and class names; 'same' → ceil(n/s), 'valid' → floor((n−k)/s)+1, pools valid with stride = size.
import { architectureLabels, type Architecture, type LayerSpec, type LayerSummary } from './models.js';

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

/** Every layer of the model, the classifier included (as main's layersFor). */
export function layersFor(architecture: Architecture, classes: number): LayerSpec[] {
  if (architecture.kind === 'custom') {
    const flat = architecture.layers.some((l) => l.type === 'flatten' || l.type === 'global-avgpool');
    return [...architecture.layers, ...(flat ? [] : [{ type: 'flatten' as const }]), dense(classes, 'none')];
  }
  const { preset, batchNorm, dropout } = architecture;
  const presets: Record<typeof preset, LayerSpec[]> = {
    'tiny-cnn': [conv(16, 3), maxpool(), conv(32, 3), maxpool(), conv(32, 3, { stride: 2 }), { type: 'flatten' }, dense(64), dense(classes, 'none')],
    // The study's 1×1×K convolution sees a 1×1 map only on 32×32 images; there it is a dense layer
    // over the 100 features, which is what it stays on larger images (over the whole map), so the
    // model ends in K class scores at every size its layers allow (32×32 and up).
    lenet5: [
      conv(10, 5, { padding: 'valid' }),
      maxpool(),
      conv(25, 5, { padding: 'valid' }),
      maxpool(),
      conv(100, 4, { padding: 'valid' }),
      maxpool(),
      { type: 'flatten' },
      dense(classes, 'none'),
    ],
    mlp: [{ type: 'flatten' }, dense(8), dense(classes, 'none')],
    'vgg-small': [conv(32, 3), conv(32, 3), maxpool(), conv(64, 3), conv(64, 3), maxpool(), { type: 'flatten' }, dense(128), dense(classes, 'none')],
  };
  let layers = presets[preset];
  if (batchNorm) layers = layers.flatMap((l) => (l.type === 'conv2d' && l.activation === 'relu' ? [{ ...l, activation: 'none' as const }, { type: 'batchnorm' as const }, { type: 'relu' as const }] : [l]));
  const last = layers.findLastIndex((l) => l.type === 'dense');
  if (dropout > 0 && last >= 0) layers = [...layers.slice(0, last), { type: 'dropout', rate: dropout }, ...layers.slice(last)];
  return layers;
}

const className: Record<LayerSpec['type'], string> = {
  conv2d: 'Conv2D',
  dense: 'Dense',
  maxpool: 'MaxPooling2D',
  avgpool: 'AveragePooling2D',
  'global-avgpool': 'GlobalAveragePooling2D',
  flatten: 'Flatten',
  batchnorm: 'BatchNormalization',
  dropout: 'Dropout',
  relu: 'ReLU',
  'leaky-relu': 'LeakyReLU',
};

export interface ModelPlan {
  layers: LayerSummary[];
  parameters: number;
  /** The first impossible layer as one sentence (as main would refuse it), or null. */
  problem: string | null;
  /** Index in `specs` of the layer with the problem. */
  problemAt: number | null;
}

const outSize = (n: number, window: number, stride: number, padding: 'same' | 'valid') => (padding === 'same' ? Math.ceil(n / stride) : Math.floor((n - window) / stride) + 1);

/** Output shapes (NHWC without the batch) and parameter counts, layer by layer, as tfjs reports them. */
export function planModel(specs: LayerSpec[], input: InputShape): ModelPlan {
  let shape: number[] = [input.height, input.width, input.channels];
  const layers: LayerSummary[] = [];
  const fail = (k: number, text: string): ModelPlan => ({ layers, parameters: sum(layers), problem: `Layer ${k + 1} (${specs[k]!.type}) ${text}`, problemAt: k });
  for (const [k, layer] of specs.entries()) {
    const name = `l${String(k + 1).padStart(2, '0')}_${layer.type.replace('-', '_')}`;
    const spatial = shape.length === 3;
    let parameters = 0;
    switch (layer.type) {
      case 'conv2d':
      case 'maxpool':
      case 'avgpool': {
        if (!spatial) return fail(k, 'needs an image-shaped input, but the layers before it already flattened it.');
        const window = layer.type === 'conv2d' ? layer.kernel : layer.size;
        const stride = layer.type === 'conv2d' ? layer.stride : (layer.stride ?? layer.size);
        const padding = layer.type === 'conv2d' ? layer.padding : 'valid';
        const [h, w, c] = [outSize(shape[0]!, window, stride, padding), outSize(shape[1]!, window, stride, padding), shape[2]!];
        if (h < 1 || w < 1) return fail(k, `would shrink the ${shape[0]}×${shape[1]} input to nothing; use a smaller window, 'same' padding or fewer layers.`);
        if (layer.type === 'conv2d') parameters = window * window * c * layer.filters + layer.filters;
        shape = [h, w, layer.type === 'conv2d' ? layer.filters : c];
        break;
      }
      case 'global-avgpool':
        if (!spatial) return fail(k, 'needs an image-shaped input.');
        shape = [shape[2]!];
        break;
      case 'flatten':
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
      case 'dense':
        if (spatial) return fail(k, 'needs a flat input: put a flatten or global-avgpool layer before it.');
        parameters = shape[0]! * layer.units + layer.units;
        shape = [layer.units];
        break;
      case 'batchnorm':
        // γ and β are trained; the moving mean and variance count as (non-trainable) parameters too.
        parameters = 4 * shape.at(-1)!;
        break;
      default:
        break; // dropout and activations keep the shape
    }
    layers.push({ name, type: className[layer.type], outputShape: shape, parameters });
    if ((layer.type === 'conv2d' || layer.type === 'dense') && layer.activation === 'leaky-relu') layers.push({ name: `${name}_act`, type: 'LeakyReLU', outputShape: shape, parameters: 0 });
  }
  if (shape.length !== 1) return { layers, parameters: sum(layers), problem: 'The model must end in a flat vector of class scores.', problemAt: null };
  return { layers, parameters: sum(layers), problem: null, problemAt: null };
}

const sum = (layers: LayerSummary[]) => layers.reduce((a, l) => a + l.parameters, 0);

/**
 * The plan of an architecture with `classes` outputs on the dataset's images. A preset the images
 * are too small for says so in one sentence with the size it needs: its layers cannot be changed,
 * so the layer arithmetic would name a window the user has no say over.
 */
export function planArchitecture(architecture: Architecture, classes: number, input: InputShape): ModelPlan {
  const plan = planModel(layersFor(architecture, classes), input);
  if (plan.problem === null || architecture.kind !== 'preset') return plan;
  const fits = (side: number) => planModel(layersFor(architecture, classes), { height: side, width: side, channels: input.channels }).problem === null;
  const side = Array.from({ length: 1024 }, (_, k) => k + 1).find(fits);
  if (side === undefined || (input.height >= side && input.width >= side)) return plan;
  return {
    ...plan,
    problem: `These ${input.height}×${input.width} images are too small for ${architectureLabels[architecture.preset].label}, which needs at least ${side}×${side} pixels; choose another architecture or a custom layer list.`,
  };
}

/** "tiny-cnn", "lenet5 + batchnorm", "custom (7 layers)", as main names architectures. */
export function describeArchitecture(architecture: Architecture): string {
  if (architecture.kind === 'custom') return `custom (${architecture.layers.length} layers)`;
  const extras = [architecture.batchNorm ? 'batchnorm' : '', architecture.dropout > 0 ? `dropout ${architecture.dropout}` : ''].filter(Boolean);
  return [architecture.preset, ...extras].join(' + ');
}

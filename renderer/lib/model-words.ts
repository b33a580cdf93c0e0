// Words for the training form and the layer editor: labels, units and one line of help per
// field. The schemas in shared/models.ts carry ranges and defaults; these say what they mean.
import type { LayerType } from '../../shared/models.js';
import type { ParamWords } from './param-labels.js';

export const trainingWords: Record<string, ParamWords> = {
  optimizer: { label: 'Optimizer', help: 'Adam adapts the step per weight; SGD uses the momentum below.' },
  learningRate: { label: 'Learning rate', help: 'Step size. Adam: 0.001 is a safe start; above about 0.1 training rarely converges.' },
  momentum: { label: 'Momentum', help: 'SGD only.', dependsOn: 'optimizer' },
  batchSize: { label: 'Batch size', unit: 'images', help: 'Images per optimizer step.' },
  epochs: { label: 'Epochs', help: 'Passes over the training split.' },
  seed: { label: 'Seed', help: 'Initial weights and shuffling: the same seed on the same backend gives the same weights.' },
};

export const layerWords: Record<string, ParamWords> = {
  filters: { label: 'Filters' },
  kernel: { label: 'Kernel', unit: 'px' },
  stride: { label: 'Stride' },
  padding: { label: 'Padding' },
  activation: { label: 'Activation' },
  units: { label: 'Units' },
  size: { label: 'Window', unit: 'px' },
  rate: { label: 'Rate' },
  alpha: { label: 'Slope α' },
};

export const layerLabels: Record<LayerType, string> = {
  conv2d: 'Convolution',
  dense: 'Dense',
  maxpool: 'Max pooling',
  avgpool: 'Average pooling',
  'global-avgpool': 'Global average pooling',
  flatten: 'Flatten',
  batchnorm: 'Batch normalisation',
  dropout: 'Dropout',
  relu: 'ReLU',
  'leaky-relu': 'Leaky ReLU',
};

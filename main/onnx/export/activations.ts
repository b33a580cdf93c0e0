// Activations: the one fused into Conv2D and Dense (`activation` in the config) and the
// activation layers ReLU, LeakyReLU and Activation. Supported: relu → Relu, linear → nothing,
// LeakyReLU(alpha) → LeakyRelu(alpha) — the ops the explanation compiler has rules for.
import { attr } from '../graph-builder.js';
import type { Step } from './context.js';
import { configOf, describeLayer, exportError, numberField, stringField, type Layer } from './layer-config.js';

/** The steps of a named tfjs activation ('relu', 'linear', …); unsupported ones are an error. */
export function activationSteps(layer: Layer, activation: string): Step[] {
  switch (activation) {
    case 'linear':
      return [];
    case 'relu':
      return [{ op: 'Relu' }];
    default:
      throw exportError(`Layer ${describeLayer(layer)} uses the ${activation} activation, which the ONNX exporter does not support (it supports relu and linear).`);
  }
}

/** The fused activation of a Conv2D or Dense layer. */
export function fusedActivation(layer: Layer): Step[] {
  return activationSteps(layer, stringField(layer, configOf(layer), 'activation', 'linear'));
}

/** The steps of an activation layer (ReLU, LeakyReLU, Activation); null for any other class. */
export function activationLayerSteps(layer: Layer): Step[] | null {
  const config = configOf(layer);
  switch (layer.getClassName()) {
    case 'ReLU':
      if (config.maxValue != null) throw exportError(`Layer ${describeLayer(layer)} caps its output at maxValue ${String(config.maxValue)}, which the ONNX exporter does not support.`);
      return [{ op: 'Relu' }];
    case 'LeakyReLU':
      return [{ op: 'LeakyRelu', attributes: { alpha: attr.float(numberField(layer, config, 'alpha')) } }];
    case 'Activation':
      return activationSteps(layer, stringField(layer, config, 'activation'));
    default:
      return null;
  }
}

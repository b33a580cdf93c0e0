// Reading a tfjs layer for export: its config fields with their types checked, its weights as
// plain arrays, and the one-sentence errors that name the layer.
import type * as tfType from '@tensorflow/tfjs';
import { HeatlabError } from '../../../shared/errors.js';

export type Layer = tfType.layers.Layer;

/** `l03_dense (Dense)`: how every error names a layer. */
export function describeLayer(layer: Layer): string {
  return `${layer.name} (${layer.getClassName()})`;
}

export function exportError(message: string): HeatlabError {
  return new HeatlabError('invalid_request', message);
}

/** The layer's config; tfjs serialises it to plain JSON values. */
export function configOf(layer: Layer): Record<string, unknown> {
  return layer.getConfig() as Record<string, unknown>;
}

function malformed(layer: Layer, key: string, value: unknown): Error {
  return exportError(`Layer ${describeLayer(layer)} has an unexpected ${key} ${JSON.stringify(value)} in its config, so it cannot be exported to ONNX.`);
}

export function numberField(layer: Layer, config: Record<string, unknown>, key: string): number {
  const value = config[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw malformed(layer, key, value);
  return value;
}

export function stringField(layer: Layer, config: Record<string, unknown>, key: string, fallback?: string): string {
  const value = config[key] ?? fallback;
  if (typeof value !== 'string') throw malformed(layer, key, value);
  return value;
}

export function booleanField(layer: Layer, config: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const value = config[key] ?? fallback;
  if (typeof value !== 'boolean') throw malformed(layer, key, value);
  return value;
}

/** A 2-D size such as kernelSize or strides: tfjs writes [a, b], older configs a single number. */
export function pairField(layer: Layer, config: Record<string, unknown>, key: string, fallback?: readonly [number, number]): [number, number] {
  const value = config[key] ?? fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isInteger(v) && v > 0)) return [value[0] as number, value[1] as number];
  throw malformed(layer, key, value);
}

/** 'same' or 'valid'. */
export function paddingField(layer: Layer, config: Record<string, unknown>): 'same' | 'valid' {
  const value = config.padding ?? 'valid';
  if (value === 'same' || value === 'valid') return value;
  throw exportError(`Layer ${describeLayer(layer)} uses ${JSON.stringify(value)} padding, which the ONNX exporter does not support (it supports 'same' and 'valid').`);
}

/** Spatial layers must see tfjs's default channels-last data. */
export function requireChannelsLast(layer: Layer, config: Record<string, unknown>): void {
  const format = config.dataFormat ?? 'channelsLast';
  if (format !== 'channelsLast') throw exportError(`Layer ${describeLayer(layer)} uses ${String(format)} data, which the ONNX exporter does not support (tfjs models are channels-last).`);
}

/**
 * The layer's weights by role (the part of the variable name after the last '/', e.g. `kernel`,
 * `bias`, `moving_mean`), copied out of tfjs. `getWeights` hands out the variables' own tensors,
 * so nothing here disposes them.
 */
export function weightsOf(layer: Layer): Map<string, { values: Float32Array; shape: number[] }> {
  const out = new Map<string, { values: Float32Array; shape: number[] }>();
  const tensors = layer.getWeights();
  layer.weights.forEach((variable, k) => {
    const name = variable.originalName ?? variable.name;
    const role = name.slice(name.lastIndexOf('/') + 1).replace(/_\d+$/, '');
    const tensor = tensors[k]!;
    if (tensor.dtype !== 'float32') throw exportError(`Layer ${describeLayer(layer)} holds ${tensor.dtype} weights; the ONNX exporter writes float32 models only.`);
    out.set(role, { values: Float32Array.from(tensor.dataSync() as Float32Array), shape: [...tensor.shape] });
  });
  return out;
}

export function requireWeight(layer: Layer, weights: Map<string, { values: Float32Array; shape: number[] }>, role: string): { values: Float32Array; shape: number[] } {
  const w = weights.get(role);
  if (w === undefined) throw exportError(`Layer ${describeLayer(layer)} has no ${role} weight, so it cannot be exported to ONNX.`);
  return w;
}

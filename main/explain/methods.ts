// Every attribution method Heatlab offers, graph and perturbation alike, by id — the registry the
// API lists (with each method's parameter schema as JSON Schema, so the UI builds its forms) and
// the explanation job runs from.
import { HeatlabError } from '../../shared/errors.js';
import type { ExplainMethodInfo } from '../../shared/explanations.js';
import { parseParams, schemaInfo } from './params.js';
import { graphMethods } from './graph/registry.js';
import type { GraphMethod } from './graph/method.js';
import { perturbationMethods } from './perturbation/index.js';
import type { PerturbationMethod } from './perturbation/method.js';

export type ExplainMethod = GraphMethod | PerturbationMethod;

export const explainMethods: readonly ExplainMethod[] = [...graphMethods, ...perturbationMethods];

/** Methods that draw random numbers: their run's seed decides their heatmaps. */
const RANDOM_METHODS = new Set(['smoothgrad', 'integrated-gradients', 'rise', 'lime', 'kernel-shap', 'random']);

export function methodById(id: string): ExplainMethod | undefined {
  return explainMethods.find((m) => m.id === id);
}

export function methodInfo(m: ExplainMethod): ExplainMethodInfo {
  return { id: m.id, label: m.label, kind: m.kind, ...schemaInfo(m.params), random: RANDOM_METHODS.has(m.id), relevance: m.relevance };
}

/**
 * A stored run's method and parameters as the run was made: keys the run lacks because they were
 * added later take their legacy value (the behaviour before they existed), the rest their defaults.
 */
export function resolveStoredMethod(id: string, params: Record<string, unknown>): { method: ExplainMethod; params: Record<string, unknown> } {
  const legacy = methodById(id)?.legacyParams ?? {};
  return resolveMethod(id, { ...legacy, ...params });
}

/** The method and its parameters with defaults filled in; an unknown id or parameter is a bad request in one sentence. */
export function resolveMethod(id: string, params: Record<string, unknown>): { method: ExplainMethod; params: Record<string, unknown> } {
  const method = methodById(id);
  if (method === undefined) throw new HeatlabError('invalid_request', `There is no explanation method "${id}"; the methods are ${explainMethods.map((m) => m.id).join(', ')}.`);
  return { method, params: parseParams(method.label, method.params, params) };
}

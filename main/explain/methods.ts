// Every attribution method Heatlab offers, graph and perturbation alike, by id — the registry the
// API lists (with each method's parameter schema as JSON Schema, so the UI builds its forms) and
// the explanation job runs from.
import { z } from 'zod';
import { HeatlabError } from '../../shared/errors.js';
import type { ExplainMethodInfo } from '../../shared/explanations.js';
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
  const { $schema: _schema, ...params } = z.toJSONSchema(m.params, { io: 'input' }) as Record<string, unknown>;
  return { id: m.id, label: m.label, kind: m.kind, params, defaults: m.params.parse({}) as Record<string, unknown>, random: RANDOM_METHODS.has(m.id) };
}

/** The method and its parameters with defaults filled in; an unknown id or parameter is a bad request in one sentence. */
export function resolveMethod(id: string, params: Record<string, unknown>): { method: ExplainMethod; params: Record<string, unknown> } {
  const method = methodById(id);
  if (method === undefined) throw new HeatlabError('invalid_request', `There is no explanation method "${id}"; the methods are ${explainMethods.map((m) => m.id).join(', ')}.`);
  const known = Object.keys((methodInfo(method).params.properties ?? {}) as object);
  const unknown = Object.keys(params).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    const has = known.length === 0 ? 'takes no parameters' : `takes ${known.join(', ')}`;
    throw new HeatlabError('invalid_request', `${method.label} has no parameter "${unknown[0]}" (it ${has}).`);
  }
  const parsed = method.params.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HeatlabError('invalid_request', `${method.label}: parameter "${issue.path.join('.')}" ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}.`);
  }
  return { method, params: parsed.data as Record<string, unknown> };
}

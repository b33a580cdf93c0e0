// Deterministic step keys: the sha256 of a step's kind, canonical parameters, seeds and input
// entity ids. The same plan and seeds on the same inputs give the same keys, so a rerun finds the
// results it already has; any change of a parameter, seed or input gives another key.
import { createHash } from 'node:crypto';
import type { StudyStepKind } from '../../shared/studies.js';

/** JSON with object keys sorted at every level and undefined fields left out, so equal values print alike. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`A step's parameters must be finite numbers, not ${value}.`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Whether two values are equal as canonical JSON (key order and undefined fields aside). */
export const sameValue = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);

/** What makes a step's result what it is. */
export interface StepIdentity {
  kind: StudyStepKind;
  /** The parameters as the service parses them, defaults filled in. */
  params: unknown;
  /** Every seed the result depends on, by name. */
  seeds: Record<string, number>;
  /** The catalogue entities (and source files) it reads. */
  inputs: Record<string, unknown>;
}

/** Key format version 1: change it only with a migration of the recorded keys. */
export function stepKey(identity: StepIdentity): string {
  return createHash('sha256').update(canonicalJson({ v: 1, ...identity })).digest('hex');
}

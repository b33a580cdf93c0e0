// Dimensions that may be symbolic ('batch'): products, quotients and broadcasting, so shapes can
// be inferred for a whole graph while the batch size stays open. A symbolic product is written
// canonically as '<coefficient>*<symbols sorted>' (e.g. 'batch*32'), so equal sizes compare equal.
import type { Dim } from './ir.js';

interface Factored {
  coefficient: number;
  symbols: string[];
}

function factor(d: Dim): Factored {
  if (typeof d === 'number') return { coefficient: d, symbols: [] };
  let coefficient = 1;
  const symbols: string[] = [];
  for (const part of d.split('*')) {
    if (/^\d+$/.test(part)) coefficient *= Number(part);
    else symbols.push(part);
  }
  return { coefficient, symbols };
}

function unfactor({ coefficient, symbols }: Factored): Dim {
  if (symbols.length === 0) return coefficient;
  const sorted = [...symbols].sort();
  return coefficient === 1 ? sorted.join('*') : [String(coefficient), ...sorted].join('*');
}

export const isStatic = (dims: readonly Dim[]): dims is number[] => dims.every((d) => typeof d === 'number');

export function dimProduct(dims: readonly Dim[]): Dim {
  const f = dims.map(factor);
  return unfactor({ coefficient: f.reduce((a, b) => a * b.coefficient, 1), symbols: f.flatMap((x) => x.symbols) });
}

/** a / b, or null when b does not divide a (symbolically or numerically). */
export function dimQuotient(a: Dim, b: Dim): Dim | null {
  const fa = factor(a);
  const fb = factor(b);
  if (fb.coefficient === 0 || fa.coefficient % fb.coefficient !== 0) return null;
  const symbols = [...fa.symbols];
  for (const s of fb.symbols) {
    const k = symbols.indexOf(s);
    if (k < 0) return null;
    symbols.splice(k, 1);
  }
  return unfactor({ coefficient: fa.coefficient / fb.coefficient, symbols });
}

/**
 * Numpy-style broadcasting (ONNX "multidirectional broadcasting"): align from the right; a 1
 * stretches. Two different symbols are assumed equal (the runtime checks them). Null when two
 * fixed sizes disagree.
 */
export function broadcastShapes(a: readonly Dim[], b: readonly Dim[]): Dim[] | null {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let k = 0; k < rank; k++) {
    const x = a[a.length - rank + k] ?? 1;
    const y = b[b.length - rank + k] ?? 1;
    if (x === 1) out.push(y);
    else if (y === 1 || x === y) out.push(x);
    else if (typeof x === 'number' && typeof y === 'number') return null;
    else out.push(typeof x === 'number' ? x : y);
  }
  return out;
}

export const formatShape = (dims: readonly Dim[]): string => `[${dims.join(', ')}]`;

// Numbers on the command line: decimal only, as a scientist writes them. JavaScript's Number() also
// reads "0x10", "0b1", "" (as 0) and "Infinity", which would run a job on a value nobody typed.
import { UsageError } from './cli-options.js';

/** Bounds an option's values must keep, stated in its sentence when one is broken. */
export interface Range {
  min?: number;
  max?: number;
}

/** "1", "-3", "+7": digits with an optional sign. */
const WHOLE = /^[+-]?\d+$/;
/** "0.5", "-.25", "3", "1e-3": a decimal number, with an optional exponent. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The whole number a text holds in decimal digits, or null (hex, exponents, fractions, empty, too large). */
export function parseWholeNumber(text: string): number | null {
  if (!WHOLE.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** A catalogue id (a whole number from 1) that a text holds, or null. */
export function parseId(text: string | undefined): number | null {
  const n = text === undefined ? null : parseWholeNumber(text);
  return n !== null && n >= 1 ? n : null;
}

/** The finite number a text holds in decimal notation, or null. */
export function parseDecimal(text: string): number | null {
  if (!DECIMAL.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** "a whole number from 1", "a number from 0 to 1". */
export function describeNumber(kind: 'whole' | 'decimal', { min, max }: Range = {}): string {
  const what = kind === 'whole' ? 'a whole number' : 'a number';
  if (min !== undefined && max !== undefined) return `${what} from ${min} to ${max}`;
  if (min !== undefined) return `${what} from ${min}`;
  if (max !== undefined) return `${what} up to ${max}`;
  return what;
}

const within = (n: number, { min, max }: Range) => (min === undefined || n >= min) && (max === undefined || n <= max);

/** `--name N` as a whole number within the range, or a usage error naming the option and what it takes. */
export function wholeOption(value: string | undefined, name: string, range: Range = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = parseWholeNumber(value);
  if (n === null || !within(n, range)) throw new UsageError(`--${name} takes ${describeNumber('whole', range)}, not "${value}".`);
  return n;
}

/** `--name X` as a decimal number within the range, or a usage error naming the option and what it takes. */
export function decimalOption(value: string | undefined, name: string, range: Range = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = parseDecimal(value);
  if (n === null || !within(n, range)) throw new UsageError(`--${name} takes ${describeNumber('decimal', range)}, not "${value}".`);
  return n;
}

/** The bounds of a seed: every seeded generator in Heatlab takes an unsigned 32-bit integer. */
export const SEED: Range = { min: 0, max: 0xffffffff };
/** Catalogue ids start at 1. */
export const ID: Range = { min: 1 };
/** Counts of images, epochs, resamples… */
export const COUNT: Range = { min: 1 };

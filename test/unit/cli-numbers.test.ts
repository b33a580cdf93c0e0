// Numbers on the command line are decimal: nothing else JavaScript's Number() would read.
import { describe, expect, it } from 'vitest';
import { decimalOption, parseDecimal, parseId, parseWholeNumber, SEED, wholeOption } from '../../main/app/cli-numbers.js';
import { UsageError } from '../../main/app/cli-options.js';

describe('numbers on the command line', () => {
  it('reads whole numbers in decimal digits only', () => {
    expect(['16', '-1', '+7', '007'].map(parseWholeNumber)).toEqual([16, -1, 7, 7]);
    for (const text of ['0x10', '0b1', '0o7', '1e3', '1.5', '', ' ', 'Infinity', 'NaN', '1_000', '99999999999999999999']) expect(parseWholeNumber(text), text).toBeNull();
  });

  it('reads decimal numbers with an exponent, and nothing that is not finite', () => {
    expect(['0.5', '-.25', '3', '1e-3', '2.5E2', '-0'].map(parseDecimal)).toEqual([0.5, -0.25, 3, 0.001, 250, -0]);
    for (const text of ['0x10', '', '.', 'Infinity', '-Infinity', '1e999', '1,5', '5px']) expect(parseDecimal(text), text).toBeNull();
  });

  it('reads ids from 1', () => {
    expect(['1', '42'].map(parseId)).toEqual([1, 42]);
    for (const text of ['0', '-1', '0x1', undefined]) expect(parseId(text)).toBeNull();
  });

  it('refuses a value in one sentence naming the option and what it takes', () => {
    expect(() => wholeOption('0x10', 'n', { min: 1 })).toThrow(new UsageError('--n takes a whole number from 1, not "0x10".'));
    expect(() => wholeOption('-1', 'seed', SEED)).toThrow(new UsageError('--seed takes a whole number from 0 to 4294967295, not "-1".'));
    expect(() => decimalOption('Infinity', 'lr')).toThrow(new UsageError('--lr takes a number, not "Infinity".'));
    expect(() => wholeOption('', 'limit')).toThrow(new UsageError('--limit takes a whole number, not "".'));
  });

  it('accepts a negative value where the option allows it, and leaves an option not given undefined', () => {
    expect(decimalOption('-0.5', 'scale')).toBe(-0.5);
    expect(wholeOption('-3', 'offset')).toBe(-3);
    expect(wholeOption(undefined, 'n')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { formatCount, formatDuration, formatNumber, formatPercent, formatProgress } from '../../shared/format.js';

describe('formatDuration', () => {
  it('reads milliseconds, seconds, minutes and hours as a person would say them', () => {
    expect(formatDuration(0.85)).toBe('850 ms');
    expect(formatDuration(4.25)).toBe('4.3 s');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(2 * 3600 + 7 * 60)).toBe('2 h 07 min');
  });

  it('never shows 60 seconds or 60 minutes after rounding', () => {
    expect(formatDuration(119.7)).toBe('2 min 00 s');
    expect(formatDuration(3599.6)).toBe('1 h 00 min');
    expect(formatDuration(7199.9)).toBe('2 h 00 min');
  });

  it('shows a dash for a duration that cannot be known', () => {
    expect(formatDuration(Number.NaN)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
  });
});

describe('progress text', () => {
  it('gives one decimal below ten per cent', () => {
    expect(formatPercent(0.034)).toBe('3.4 %');
    expect(formatPercent(0.5)).toBe('50 %');
  });

  it('states the counts, the rate and the time left', () => {
    expect(formatProgress({ done: 3, total: 10, fraction: 0.3, message: '', etaSeconds: 1.2, rate: 12.5, unit: 'runs' })).toBe('3/10 runs · 13 runs/s · 1.2 s left');
    expect(formatProgress({ done: 10, total: 10, fraction: 1, message: '', etaSeconds: 0, rate: null, unit: 'runs' })).toBe('10/10 runs');
  });
});

describe('formatCount', () => {
  it('groups thousands as en-US does and rounds fractions above ten', () => {
    for (const n of [0, 7, 999, 1000, 12345, 1234567, -4200]) expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
    expect(formatCount(2.345)).toBe('2.3');
    expect(formatCount(12345.6)).toBe('12,346');
  });
});

describe('formatNumber', () => {
  it('groups whole numbers as en-US does and leaves other numbers as written', () => {
    for (const n of [0, 64, 4096, 100000, -2500]) expect(formatNumber(n)).toBe(n.toLocaleString('en-US'));
    expect(formatNumber(123456789012345678901234567890n)).toBe('123,456,789,012,345,678,901,234,567,890');
    // Bounds of parameter forms: a small epsilon must not read as 0.
    expect(formatNumber(0.0001)).toBe('0.0001');
    expect(formatNumber(2.5)).toBe('2.5');
  });
});

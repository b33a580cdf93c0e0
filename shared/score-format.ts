// Numbers of the Evaluate view and the study report in words: scores to three significant digits, p-values as a
// statistician writes them, and the usual significance stars.

const three = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/** A score or difference to three significant digits; "—" where it is undefined. */
export function formatScore(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  return Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3 ? v.toExponential(2) : three.format(v);
}

/** p < 0.001 as "< 0.001", else two significant digits. */
export function formatP(p: number): string {
  if (!Number.isFinite(p)) return '—';
  if (p < 0.001) return '< 0.001';
  return p.toLocaleString('en-US', { maximumSignificantDigits: 2 });
}

/** *** p < 0.001, ** p < 0.01, * p < 0.05, else "n.s.". */
export function significanceMark(p: number): string {
  if (!Number.isFinite(p)) return '';
  return p < 0.001 ? '***' : p < 0.01 ? '**' : p < 0.05 ? '*' : 'n.s.';
}

export function directionArrow(higherIsBetter: boolean): string {
  return higherIsBetter ? '↑' : '↓';
}

export function directionWords(higherIsBetter: boolean): string {
  return higherIsBetter ? 'higher is better' : 'lower is better';
}

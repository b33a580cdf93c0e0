// Percentages for model scores. One decimal, and never rounded up to 100 %: a model that gets one
// image in a thousand wrong must not read "100 %".

export function formatScore(fraction: number): string {
  if (!Number.isFinite(fraction)) return '—';
  if (fraction >= 1) return '100 %';
  if (fraction <= 0) return '0 %';
  return `${Math.min(99.9, Math.max(0.1, Math.round(fraction * 1000) / 10)).toFixed(1)} %`;
}

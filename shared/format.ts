// Formatting shared by the renderer and the CLI, so both say the same thing the same way.
import type { JobProgress } from './jobs.js';

/** "850 ms", "42 s", "3 min 05 s", "2 h 07 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  // Round once, then split, so 119.7 s reads "2 min 00 s" and never "1 min 60 s".
  const whole = Math.round(seconds);
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min ${String(whole % 60).padStart(2, '0')} s`;
  const wholeMinutes = Math.round(seconds / 60);
  return `${Math.floor(wholeMinutes / 60)} h ${String(wholeMinutes % 60).padStart(2, '0')} min`;
}

/** "37 %", with one decimal below 10 %. */
export function formatPercent(fraction: number): string {
  const p = fraction * 100;
  return `${p < 10 && p > 0 ? p.toFixed(1) : Math.round(p)} %`;
}

/** "3/10 runs · 12.5 runs/s · 1.2 s left". */
export function formatProgress(p: JobProgress): string {
  const parts = [`${formatCount(p.done)}/${formatCount(p.total)} ${p.unit}`];
  if (p.rate !== null) parts.push(`${formatCount(p.rate)} ${p.unit}/s`);
  if (p.etaSeconds !== null && p.fraction < 1) parts.push(`${formatDuration(p.etaSeconds)} left`);
  return parts.join(' · ');
}

/** An integer with its thousands grouped by commas, as en-US writes it — without Intl, whose first use costs a page tens of ms. */
function grouped(n: number | bigint): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A count: grouped when whole, one decimal below 10, else rounded ("1,234", "2.5", "12"). */
export function formatCount(n: number): string {
  if (Number.isInteger(n)) return grouped(n);
  return n < 10 ? n.toFixed(1) : grouped(Math.round(n));
}

/** Any number as written in a form's bounds: whole ones grouped ("10,000"), others as they are ("0.0001"). */
export function formatNumber(n: number | bigint): string {
  return typeof n === 'bigint' || Number.isInteger(n) ? grouped(n) : String(n);
}

/** "512 B", "3.4 KB", "120 MB": binary multiples, one decimal below 10. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** A model score as a percentage with one decimal, never rounded up to 100 %: a model that gets one image in a thousand wrong must not read "100 %". */
export function formatScore(fraction: number): string {
  if (!Number.isFinite(fraction)) return '—';
  if (fraction >= 1) return '100 %';
  if (fraction <= 0) return '0 %';
  return `${Math.min(99.9, Math.max(0.1, Math.round(fraction * 1000) / 10)).toFixed(1)} %`;
}

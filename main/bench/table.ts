// Bench rows: what was measured, the value, and the target it is held to (DESIGN: speed lives here,
// never in tests).
export interface Row {
  area: string;
  measure: string;
  value: number;
  unit: string;
  /** e.g. "≥ 20,000" — shown beside the value, with whether it was met. */
  target?: { text: string; met: (value: number) => boolean };
}

export const rows: Row[] = [];

export function format(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  if (value >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

export function record(row: Row): void {
  rows.push(row);
  process.stderr.write(`  ${row.area}: ${row.measure} = ${format(row.value)} ${row.unit}\n`);
}

export const atLeast = (n: number) => ({ text: `≥ ${format(n)}`, met: (v: number) => v >= n });
export const atMost = (n: number) => ({ text: `≤ ${format(n)}`, met: (v: number) => v <= n });

export async function timed<T>(body: () => Promise<T> | T): Promise<{ seconds: number; value: T }> {
  const start = performance.now();
  const value = await body();
  return { seconds: (performance.now() - start) / 1000, value };
}

export function printTable(): string {
  const label = (r: Row) => `${r.area}: ${r.measure}`;
  const width = Math.max(...rows.map((r) => label(r).length));
  const lines = [`${'measure'.padEnd(width)}  ${'value'.padStart(12)}  ${'unit'.padEnd(10)}  target`];
  for (const r of rows) {
    const target = r.target ? `${r.target.text} ${r.target.met(r.value) ? 'met' : 'NOT MET'}` : '';
    lines.push(`${label(r).padEnd(width)}  ${format(r.value).padStart(12)}  ${r.unit.padEnd(10)}  ${target}`);
  }
  return lines.join('\n');
}

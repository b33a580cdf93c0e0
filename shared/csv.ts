// CSV fields as spreadsheets and pandas read them (RFC 4180): numbers as they are (undefined ones
// empty), text quoted when it holds a comma, quote or line break, other values as JSON.

export function csvCell(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (fields: readonly unknown[]): string => fields.map(csvCell).join(',');

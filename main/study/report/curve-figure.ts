// A curve metric's mean curves per method with their CI bands and the random baseline dashed, as
// the Evaluate view draws them (CurvePlot.svelte), for the report: one SVG, legend labels wrapped
// rather than cut; inline SVG for the HTML report.
import { linePath, linear, niceTicks } from '../../../shared/chart-scale.js';
import { isBaseline, type Evaluation, type EvaluationCurves } from '../../../shared/evaluations.js';
import { bandPath, baselineColour, colourOf, paddedExtent } from '../../../shared/plot-paths.js';
import { formatScore } from '../../../shared/score-format.js';
import { escapeXml, svgNumber as n } from './markup.js';
import { FIGURE_FONT, wrapText } from './text-width.js';

const W = 640;
const FONT = 11;
const LEGEND = 170;
const M = { left: 56, right: LEGEND + 16, top: 12, bottom: 42 };

export function curveFigure(e: Pick<Evaluation, 'columns' | 'level'>, c: EvaluationCurves, title: string): string {
  const L = c.x.length;
  const part = (a: Float64Array, k: number) => a.subarray(k * L, (k + 1) * L);
  const columns = e.columns.map((col, k) => ({ k, label: col.label, baseline: isBaseline(col), colour: isBaseline(col) ? baselineColour : colourOf(k) }));
  const legend = columns.map((col) => wrapText(col.label, LEGEND - 28, FONT));
  const legendHeight = legend.reduce((h, lines) => h + lines.length * 14 + 4, 0);
  const H = Math.max(300, M.top + legendHeight + M.bottom);
  const [x0, x1] = [c.x[0] ?? 0, c.x[L - 1] ?? 1];
  const [y0, y1] = paddedExtent(columns.flatMap((col) => [part(c.low, col.k), part(c.high, col.k), part(c.mean, col.k)]));
  const x = linear(x0, x1, M.left, W - M.right);
  const y = linear(y0, y1, H - M.bottom, M.top);
  const out: string[] = [`<rect width="${W}" height="${H}" fill="#ffffff"/>`];
  const axisBottom = H - M.bottom;
  out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${axisBottom}" y2="${axisBottom}" stroke="#1a1a1a"/>`, `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${axisBottom}" stroke="#1a1a1a"/>`);
  for (const t of niceTicks(x0, x1, 6))
    out.push(`<line x1="${n(x(t))}" x2="${n(x(t))}" y1="${axisBottom}" y2="${axisBottom + 4}" stroke="#1a1a1a"/><text x="${n(x(t))}" y="${axisBottom + 16}" text-anchor="middle" font-size="${FONT}">${escapeXml(formatScore(t))}</text>`);
  for (const t of niceTicks(y0, y1, 5))
    out.push(`<line x1="${M.left - 4}" x2="${M.left}" y1="${n(y(t))}" y2="${n(y(t))}" stroke="#1a1a1a"/><text x="${M.left - 6}" y="${n(y(t) + 4)}" text-anchor="end" font-size="${FONT}">${escapeXml(formatScore(t).replace(/^-/, '−'))}</text>`);
  out.push(`<text x="${n((M.left + W - M.right) / 2)}" y="${H - 8}" text-anchor="middle" font-size="${FONT}">${escapeXml(c.xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${n((M.top + axisBottom) / 2)}) rotate(-90)" text-anchor="middle" font-size="${FONT}">${escapeXml(c.yLabel)}</text>`);
  for (const col of columns) out.push(`<path d="${bandPath(c.x, part(c.low, col.k), part(c.high, col.k), x, y)}" fill="${col.colour}" fill-opacity="0.14" stroke="none"/>`);
  for (const col of columns)
    out.push(`<path d="${linePath(c.x, part(c.mean, col.k), x, y)}" fill="none" stroke="${col.colour}" stroke-width="2"${col.baseline ? ' stroke-dasharray="6 4"' : ''} data-column="${col.k}" data-baseline="${col.baseline}"/>`);
  let ly = M.top + 8;
  columns.forEach((col, i) => {
    const lx = W - M.right + 14;
    out.push(`<line x1="${lx}" x2="${lx + 20}" y1="${ly}" y2="${ly}" stroke="${col.colour}" stroke-width="2"${col.baseline ? ' stroke-dasharray="6 4"' : ''}/>`);
    legend[i]!.forEach((line, k) => out.push(`<text x="${lx + 26}" y="${ly + 4 + k * 14}" font-size="${FONT}">${escapeXml(line)}</text>`));
    ly += legend[i]!.length * 14 + 4;
  });
  const label = `${title}: mean ${c.yLabel} against ${c.xLabel} per method, ${Math.round(e.level * 100)} % CI bands, the random baseline dashed`;
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeXml(label)}" font-family="${escapeXml(FIGURE_FONT)}" class="curve" data-metric="${escapeXml(c.metric)}">${out.join('')}</svg>`;
}


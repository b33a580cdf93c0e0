// The heatmap figure for papers: images as rows, each model's methods as a column group, every
// heatmap column on its own colour scale (its 99.5th percentile of |relevance|, as the Explain
// grid's "per method" normalisation) with its own colour bar in real units, and the ground truth
// outlined on the image and on every heatmap. One SVG in points at a journal's column width;
// tiles are PNG data URLs drawn with square pixels, text and colour bars are vectors.
import { LUT_SIZE, type Colormap } from '../../../shared/heatmap/colormaps.js';
import { colourScale, type ColourScale } from '../../../shared/heatmap/colour-scale.js';
import { cellMinima, cellScales } from '../../../shared/heatmap/normalise.js';
import { contourOf, paintCell, withContour } from '../../../shared/heatmap/paint.js';
import { journalWidths, type JournalWidth, type ReportHeatmapGrid } from '../../../shared/study-report.js';
import { figureLayout, PT_PER_MM, TICK_LENGTH, type FigureLayout } from './figure-layout.js';
import { escapeXml, SVG_NAMESPACE, svgNumber as n } from './markup.js';
import { pngDataUrl } from './png.js';
import { FIGURE_FONT } from './text-width.js';

/** The share of |relevance| below a column's scale m (the Explain grid's default). */
export const FIGURE_PERCENTILE = 99.5;
/** The ground-truth outline: a green that stands out on greys and on blue–white–red maps alike. */
export const CONTOUR_RGB = [0, 200, 83] as const;
const INK = '#1a1a1a';

export interface HeatmapFigure {
  svg: string;
  layout: FigureLayout;
  /** Physical size. */
  widthMm: number;
  heightMm: number;
}

/** Each column's colour scale over its images (NormMode "method"). */
export function columnScales(grid: ReportHeatmapGrid): ColourScale[] {
  const source = { images: grid.images.length, methods: grid.columns.length, cell: (i: number, j: number) => grid.columns[j]!.heatmaps[i] ?? null };
  const m = cellScales(source, 'method', FIGURE_PERCENTILE);
  const min = cellMinima(source, 'method');
  return grid.columns.map((_, j) => colourScale('auto', grid.images.length === 0 ? 0 : m[j]!, grid.images.length === 0 ? Infinity : min[j]!));
}

function legendOf(grid: ReportHeatmapGrid, scales: readonly ColourScale[]): string {
  const kinds = new Set(scales.map((s) => s.cmap.id));
  const maps = [...kinds].map((id) => {
    const s = scales.find((x) => x.cmap.id === id)!;
    return s.cmap.kind === 'diverging' ? `${id} centred on 0 (blue negative, red positive) over ±m` : `${id} from the column's smallest value to m`;
  });
  const outline = grid.groundTruth === null ? '' : ` Green outline: ${grid.groundTruth.label}.`;
  return `Each heatmap column has its own colour scale and bar: ${maps.join('; ')}, m being the ${FIGURE_PERCENTILE}th percentile of |relevance| over the column's images.${outline}`;
}

function gradient(id: string, cmap: Colormap): string {
  const stops: string[] = [];
  for (let i = 0; i < LUT_SIZE; i += 8) {
    const k = i * 4;
    stops.push(`<stop offset="${(i / (LUT_SIZE - 1)).toFixed(4)}" stop-color="rgb(${cmap.lut[k]},${cmap.lut[k + 1]},${cmap.lut[k + 2]})"/>`);
  }
  const k = (LUT_SIZE - 1) * 4;
  stops.push(`<stop offset="1" stop-color="rgb(${cmap.lut[k]},${cmap.lut[k + 1]},${cmap.lut[k + 2]})"/>`);
  return `<linearGradient id="${id}" x1="0" x2="1" y1="0" y2="0">${stops.join('')}</linearGradient>`;
}

const image = (x: number, y: number, w: number, h: number, href: string) =>
  `<image x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" preserveAspectRatio="none" image-rendering="pixelated" style="image-rendering:pixelated" href="${href}"/>`;

export function heatmapFigure(grid: ReportHeatmapGrid, width: JournalWidth, idPrefix = 'fig'): HeatmapFigure {
  const scales = columnScales(grid);
  const models = [...new Set(grid.columns.map((c) => c.modelId))];
  const groups = models.map((id) => {
    const columns = grid.columns.filter((c) => c.modelId === id);
    return { label: models.length > 1 ? columns[0]!.modelName : null, columns: columns.map((c) => c.label) };
  });
  // Columns in group order (the gatherer keeps a model's runs together, but be sure).
  const order = models.flatMap((id) => grid.columns.map((c, j) => (c.modelId === id ? j : -1)).filter((j) => j >= 0));
  const layout = figureLayout({
    width,
    rowLabels: grid.images.map((img) => [`#${img.index}`, grid.classNames[img.label] ?? `class ${img.label}`]),
    imageHeader: 'Image',
    groups,
    aspect: grid.height / grid.width,
    bars: order.map((j) => ({ lo: scales[j]!.lo, hi: scales[j]!.hi })),
    legend: legendOf(grid, scales),
  });
  const contours = grid.images.map((img) => (img.mask === null ? null : contourOf(img.mask, grid.height, grid.width)));
  const out: string[] = [];
  const gradients = new Map<string, string>();
  for (const s of scales) if (!gradients.has(s.cmap.id)) gradients.set(s.cmap.id, gradient(`${idPrefix}-${s.cmap.id}`, s.cmap));
  out.push(`<rect width="${n(layout.width)}" height="${n(layout.height)}" fill="#ffffff"/>`, `<defs>${[...gradients.values()].join('')}</defs>`);
  for (const t of layout.tiles) {
    const img = grid.images[t.row]!;
    if (t.column < 0) {
      out.push(image(t.x, t.y, t.width, t.height, pngDataUrl(withContour(img.picture.rgba, contours[t.row] ?? null, CONTOUR_RGB), grid.width, grid.height)));
      continue;
    }
    const j = order[t.column]!;
    const heat = grid.columns[j]!.heatmaps[t.row]!;
    const rgba = paintCell(heat, { scale: scales[j]!, base: null, opacity: 1, contour: contours[t.row] ?? null, contourRgb: CONTOUR_RGB });
    out.push(image(t.x, t.y, t.width, t.height, pngDataUrl(rgba, grid.width, grid.height)));
  }
  for (const b of layout.bars) {
    const s = scales[order[b.column]!]!;
    out.push(`<rect x="${n(b.x)}" y="${n(b.y)}" width="${n(b.width)}" height="${n(b.height)}" fill="url(#${idPrefix}-${s.cmap.id})" stroke="${INK}" stroke-width="0.3"/>`);
    for (const tick of b.ticks) out.push(`<line x1="${n(tick.x)}" x2="${n(tick.x)}" y1="${n(b.y + b.height)}" y2="${n(b.y + b.height + TICK_LENGTH)}" stroke="${INK}" stroke-width="0.3"/>`);
  }
  for (const t of layout.texts)
    out.push(`<text x="${n(t.x)}" y="${n(t.y)}" font-size="${t.size}"${t.bold ? ' font-weight="bold"' : ''}${t.anchor === 'start' ? '' : ` text-anchor="${t.anchor}"`} fill="${INK}">${escapeXml(t.text)}</text>`);
  const widthMm = journalWidths[width].mm;
  const heightMm = layout.height / PT_PER_MM;
  const svg = `<svg xmlns="${SVG_NAMESPACE}" width="${widthMm}mm" height="${n(heightMm)}mm" viewBox="0 0 ${n(layout.width)} ${n(layout.height)}" font-family="${escapeXml(FIGURE_FONT)}">${out.join('')}</svg>`;
  return { svg, layout, widthMm, heightMm };
}

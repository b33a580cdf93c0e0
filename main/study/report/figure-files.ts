// A paper figure as the files a journal takes: the SVG itself (physical size in mm, text as
// text), a PNG at 300 dpi rendered from that SVG by librsvg (through sharp, offline, embedded
// tiles included), and a one-page vector PDF printed from the SVG by Chromium.
import sharp from 'sharp';
import { HeatlabError } from '../../../shared/errors.js';
import { FIGURE_DPI, figurePixels, type JournalWidth, type ReportHeatmapGrid } from '../../../shared/study-report.js';
import { heatmapFigure } from './heatmap-figure.js';
import { escapeXml } from './markup.js';
import { printPdf } from './pdf.js';

export const figureFormats = ['svg', 'png', 'pdf'] as const;
export type FigureFormat = (typeof figureFormats)[number];

/** The SVG with its root's size in pixels of `dpi` instead of mm, so librsvg draws it at exactly that many pixels. */
export function svgAtPixels(svg: string, widthPx: number, heightPx: number): string {
  return svg.replace(/^<svg ([^>]*?)width="[^"]*" height="[^"]*"/, `<svg $1width="${widthPx}" height="${heightPx}"`);
}

/** The PNG of a figure at the journal width and 300 dpi, with its resolution recorded (pHYs). */
export async function figurePng(svg: string, width: JournalWidth, heightMm: number): Promise<Buffer> {
  const widthPx = figurePixels(width);
  const heightPx = Math.round((heightMm / 25.4) * FIGURE_DPI);
  return sharp(Buffer.from(svgAtPixels(svg, widthPx, heightPx)))
    .flatten({ background: '#ffffff' })
    .png({ compressionLevel: 9 })
    .withMetadata({ density: FIGURE_DPI })
    .toBuffer();
}

/** A page exactly the figure's size holding the SVG, for Chromium to print as a one-page vector PDF. */
export function figurePageHtml(svg: string, title: string, widthMm: number, heightMm: number): string {
  // A millimetre of slack below: rounding must never push the figure onto a second page.
  const page = `${widthMm}mm ${Math.ceil(heightMm) + 1}mm`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title><style>@page{size:${page};margin:0}html,body{margin:0;padding:0;background:#fff}svg{display:block}</style></head><body>${svg}</body></html>`;
}

/** The sentence for a figure PDF on a machine without Chromium. */
export const FIGURE_PDF_UNAVAILABLE =
  'No Chromium was found to print the figure as PDF (install chromium or set HEATLAB_CHROMIUM to its path); write it as SVG (--format svg) and print that from a browser or convert it with Inkscape.';

/** One figure in one format, as bytes. */
export async function figureBytes(grid: ReportHeatmapGrid, width: JournalWidth, format: FigureFormat, chromium: string | null): Promise<Uint8Array> {
  const figure = heatmapFigure(grid, width);
  if (format === 'svg') return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${figure.svg}\n`, 'utf8');
  if (format === 'png') return figurePng(figure.svg, width, figure.heightMm);
  if (chromium === null) throw new HeatlabError('invalid_request', FIGURE_PDF_UNAVAILABLE);
  return printPdf(figurePageHtml(figure.svg, `Heatmaps of ${grid.datasetName}`, figure.widthMm, figure.heightMm), chromium);
}

// The exported figure: what it shows (built from the grid's state) and its two renderings, a PNG
// at 1×, 2× or 4× and an SVG with the tiles embedded as PNG data URLs and text and colour bar as
// vectors, so a journal's typesetter can restyle the labels.
import type { ColourBarScale } from '../../../shared/heatmap/colour-bar.js';
import { LUT_SIZE, type Colormap } from '../../../shared/heatmap/colormaps.js';
import { figureLayout, tileOrigin, type FigureLayout } from './figure-layout.js';

export interface FigureContent {
  /** Lines of each column's header. */
  columnLabels: string[][];
  rows: { label: string[]; tiles: (Uint8ClampedArray | null)[]; captions: (string | null)[] }[];
  /** Native size of every tile. */
  width: number;
  height: number;
  /** Side of a tile at 1×. */
  tile: number;
  cmap: Colormap;
  bar: ColourBarScale;
  /** Lines under the colour bar. */
  barTitle: string[];
}

export function layoutOf(f: FigureContent): FigureLayout {
  const lines = Math.max(1, ...f.columnLabels.map((l) => l.length));
  return figureLayout(f.rows.length, f.columnLabels.length, f.tile, f.rows.some((r) => r.captions.some((c) => c !== null)), lines, f.barTitle.length);
}

function tileCanvas(f: FigureContent, pixels: Uint8ClampedArray): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = f.width;
  c.height = f.height;
  c.getContext('2d')!.putImageData(new ImageData(pixels as Uint8ClampedArray<ArrayBuffer>, f.width, f.height), 0, 0);
  return c;
}

function lutCanvas(cmap: Colormap): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = LUT_SIZE;
  c.height = 1;
  const img = new ImageData(LUT_SIZE, 1);
  img.data.set(cmap.lut);
  c.getContext('2d')!.putImageData(img, 0, 0);
  return c;
}

/** Truncated to about the characters that fit (bold text runs wider). */
function fitToWidth(label: string, width: number, fontSize: number, bold = false): string {
  const chars = Math.max(3, Math.floor(width / (fontSize * (bold ? 0.62 : 0.55))));
  return label.length <= chars ? label : `${label.slice(0, chars - 1)}…`;
}

const FONT = 'system-ui, "DejaVu Sans", sans-serif';

export async function figurePng(f: FigureContent, scale: number): Promise<Blob> {
  const l = layoutOf(f);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(l.width * scale);
  canvas.height = Math.round(l.height * scale);
  const ctx = canvas.getContext('2d')!;
  ctx.scale(scale, scale);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, l.width, l.height);
  ctx.imageSmoothingEnabled = false;
  ctx.fillStyle = '#1c1e24';
  ctx.font = `600 11px ${FONT}`;
  ctx.textBaseline = 'bottom';
  f.columnLabels.forEach((lines, c) => lines.forEach((label, k) => ctx.fillText(fitToWidth(label, l.tile, 11, true), tileOrigin(l, 0, c).x, l.gridY - 6 - (lines.length - 1 - k) * 14)));
  f.rows.forEach((row, r) => {
    const o = tileOrigin(l, r, 0);
    ctx.font = `11px ${FONT}`;
    ctx.textBaseline = 'top';
    row.label.forEach((line, k) => ctx.fillText(fitToWidth(line, l.labelWidth - 8, 11), l.pad, o.y + k * 14));
    row.tiles.forEach((tile, c) => {
      const t = tileOrigin(l, r, c);
      if (tile) ctx.drawImage(tileCanvas(f, tile), t.x, t.y, l.tile, l.tile);
      const caption = row.captions[c];
      if (caption) {
        ctx.font = `10px ${FONT}`;
        ctx.fillText(caption, t.x, t.y + l.tile + 2);
      }
    });
  });
  const { x, y, width, height } = l.bar;
  ctx.drawImage(lutCanvas(f.cmap), x, y, width, height);
  ctx.strokeStyle = '#1c1e24';
  ctx.lineWidth = 0.5;
  ctx.strokeRect(x, y, width, height);
  ctx.font = `10px ${FONT}`;
  ctx.textAlign = 'center';
  for (const tick of f.bar.ticks) {
    const tx = x + tick.at * width;
    ctx.beginPath();
    ctx.moveTo(tx, y + height);
    ctx.lineTo(tx, y + height + 4);
    ctx.stroke();
    ctx.fillText(tick.label, tx, y + height + 5);
  }
  ctx.textAlign = 'left';
  f.barTitle.forEach((line, k) => ctx.fillText(line, x, y + height + 19 + k * 14));
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The browser could not encode the PNG.'))), 'image/png'));
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function figureSvg(f: FigureContent): string {
  const l = layoutOf(f);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${l.width}" height="${l.height}" viewBox="0 0 ${l.width} ${l.height}" font-family='${FONT}'>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];
  f.columnLabels.forEach((lines, c) =>
    lines.forEach((label, k) =>
      out.push(`<text x="${tileOrigin(l, 0, c).x}" y="${l.gridY - 8 - (lines.length - 1 - k) * 14}" font-size="11" font-weight="600" fill="#1c1e24">${esc(fitToWidth(label, l.tile, 11, true))}</text>`),
    ),
  );
  f.rows.forEach((row, r) => {
    const o = tileOrigin(l, r, 0);
    row.label.forEach((line, k) => out.push(`<text x="${l.pad}" y="${o.y + 11 + k * 14}" font-size="11" fill="#1c1e24">${esc(fitToWidth(line, l.labelWidth - 8, 11))}</text>`));
    row.tiles.forEach((tile, c) => {
      const t = tileOrigin(l, r, c);
      if (tile) out.push(`<image x="${t.x}" y="${t.y}" width="${l.tile}" height="${l.tile}" preserveAspectRatio="none" style="image-rendering:pixelated" href="${tileCanvas(f, tile).toDataURL('image/png')}"/>`);
      const caption = row.captions[c];
      if (caption) out.push(`<text x="${t.x}" y="${t.y + l.tile + 11}" font-size="10" fill="#1c1e24">${esc(caption)}</text>`);
    });
  });
  const { x, y, width, height } = l.bar;
  out.push('<defs><linearGradient id="colour-bar" x1="0" x2="1" y1="0" y2="0">');
  for (let i = 0; i < LUT_SIZE; i += 8) {
    const k = i * 4;
    out.push(`<stop offset="${(i / (LUT_SIZE - 1)).toFixed(4)}" stop-color="rgb(${f.cmap.lut[k]},${f.cmap.lut[k + 1]},${f.cmap.lut[k + 2]})"/>`);
  }
  out.push('</linearGradient></defs>');
  out.push(`<rect x="${x}" y="${y}" width="${width}" height="${height}" fill="url(#colour-bar)" stroke="#1c1e24" stroke-width="0.5"/>`);
  for (const tick of f.bar.ticks) {
    const tx = x + tick.at * width;
    out.push(`<line x1="${tx}" x2="${tx}" y1="${y + height}" y2="${y + height + 4}" stroke="#1c1e24" stroke-width="0.5"/>`);
    out.push(`<text x="${tx}" y="${y + height + 14}" font-size="10" text-anchor="middle" fill="#1c1e24">${esc(tick.label)}</text>`);
  }
  f.barTitle.forEach((line, k) => out.push(`<text x="${x}" y="${y + height + 28 + k * 14}" font-size="10" fill="#1c1e24">${esc(line)}</text>`));
  out.push('</svg>');
  return out.join('\n');
}

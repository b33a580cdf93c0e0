// What an exported figure shows, from the grid's state: a tile per image and method (the image
// itself first), labels, per-group scales and the colour bar — laid out as the grid is, images
// as rows or, swapped, as columns.
import { colourBarRange, formatValue, type ColourBarScale } from '../../../shared/heatmap/colour-bar.js';
import { colormap, type Colormap } from '../../../shared/heatmap/colormaps.js';
import type { ColourScale } from '../../../shared/heatmap/colour-scale.js';
import type { NormMode } from '../../../shared/heatmap/normalise.js';
import { paintCell, withContour } from '../../../shared/heatmap/paint.js';
import type { Column, ImageRow } from './comparison.svelte.js';
import type { FigureContent } from './figure.js';

export interface FigureInput {
  rows: ImageRow[];
  columns: Column[];
  classNames: readonly string[];
  /** Each cell's scale, all on one colormap (the figure has one colour bar). */
  scales: readonly ColourScale[];
  heat: (image: number, column: number) => Float32Array | null;
  base: (image: number) => Uint8ClampedArray | null;
  contour: (image: number) => Uint8Array | null;
  norm: NormMode;
  percentile: number;
  overImage: boolean;
  opacity: number;
  transposed: boolean;
  width: number;
  height: number;
  tile: number;
}

const contourRgb = [0, 230, 118] as const;

/** Words into lines of at most `chars` characters (a longer word keeps a line of its own). */
export function wrap(text: string, chars: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= chars) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.length > 0 ? lines : [''];
}

/** Characters of 11 px bold text that fit a width (an estimate, as SVG text is measured by its reader). */
const charsIn = (px: number) => Math.max(4, Math.floor(px / 7));

function relativeBar(cmap: Colormap): ColourBarScale {
  return cmap.kind === 'diverging'
    ? { min: -1, max: 1, ticks: [{ value: -1, at: 0, label: '−m' }, { value: 0, at: 0.5, label: '0' }, { value: 1, at: 1, label: '+m' }] }
    : { min: 0, max: 1, ticks: [{ value: 0, at: 0, label: 'min' }, { value: 1, at: 1, label: 'm' }] };
}

export function figureContent(f: FigureInput): FigureContent {
  const n = f.columns.length;
  const scale = (i: number, j: number) => f.scales[i * n + j]!;
  const m = (i: number, j: number) => scale(i, j).hi;
  const cmap = f.scales[0]?.cmap ?? colormap('RdBu');
  const name = (k: number) => f.classNames[k] ?? String(k);
  const where = {
    global: 'over the grid',
    image: 'per image (m by each image)',
    'image-model': 'per image within each model (m under each tile)',
    method: 'per method (m by each method)',
    'method-models': 'per method across models (m by each method)',
    cell: 'per cell (m under each tile)',
  }[f.norm];
  const imageLines = (row: ImageRow, i: number) => [
    `#${row.datasetIndex}`,
    `true: ${name(row.label)}`,
    `pred: ${name(row.prediction.predicted)} ${(row.prediction.probability * 100).toFixed(1)} %`,
    ...(f.norm === 'image' ? [`m = ${formatValue(m(i, 0))}`] : []),
  ];
  const methodLines = (c: Column, j: number, px: number) => [...wrap(c.label, charsIn(px)), ...(f.norm === 'method' || f.norm === 'method-models' ? [`m = ${formatValue(m(0, j))}`] : [])];
  // tiles[i][0] is image i, tiles[i][1 + j] its heatmap of column j.
  const tiles = f.rows.map((_, i) => {
    const b = f.base(i);
    const ct = f.contour(i);
    return [
      b ? withContour(b, ct, contourRgb) : null,
      ...f.columns.map((_, j) => {
        const h = f.heat(i, j);
        return h ? paintCell(h, { scale: scale(i, j), base: f.overImage ? b : null, opacity: f.opacity, contour: ct, contourRgb }) : null;
      }),
    ];
  });
  const captions = f.rows.map((_, i) => [null, ...f.columns.map((_, j) => (f.norm === 'cell' || f.norm === 'image-model' ? `m = ${formatValue(m(i, j))}` : null))]);
  const common = {
    width: f.width,
    height: f.height,
    tile: f.tile,
    cmap,
    // Only a global scale has one set of values; otherwise the bar reads in units of each group's scale.
    bar: f.norm === 'global' && n > 0 && f.rows.length > 0 ? colourBarRange(scale(0, 0).lo, scale(0, 0).hi) : relativeBar(cmap),
    barTitle: [cmap.label, `clipped at the ${f.percentile}th percentile of |relevance|`, where],
  };
  if (!f.transposed) {
    return {
      ...common,
      columnLabels: [['Image'], ...f.columns.map((c, j) => methodLines(c, j, f.tile))],
      rows: f.rows.map((row, i) => ({ label: imageLines(row, i), tiles: tiles[i]!, captions: captions[i]! })),
    };
  }
  return {
    ...common,
    columnLabels: f.rows.map((row, i) => imageLines(row, i)),
    rows: [
      { label: ['Image'], tiles: tiles.map((t) => t[0]!), captions: f.rows.map(() => null) },
      ...f.columns.map((c, j) => ({ label: methodLines(c, j, 150), tiles: tiles.map((t) => t[1 + j]!), captions: captions.map((cs) => cs[1 + j]!) })),
    ],
  };
}

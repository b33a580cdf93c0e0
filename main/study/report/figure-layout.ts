// Where everything of the heatmap figure goes, in points (1/72 in) at a journal's column width:
// row labels, column headers grouped by model, square-pixel tiles, one colour bar under each
// heatmap column with ticks whose labels never overlap or leave their column, and a legend.
// Every piece of text is placed in a box it fits by the estimate of text-width.ts, wrapped when
// it would not: nothing is truncated.
import { HeatlabError } from '../../../shared/errors.js';
import { colourBarRange, formatValue } from '../../../shared/heatmap/colour-bar.js';
import { journalWidths, type JournalWidth } from '../../../shared/study-report.js';
import { textWidth, wrapText } from './text-width.js';

export const PT_PER_MM = 72 / 25.4;
/** Font sizes in points: labels, then the colour bars' ticks (journals ask for 5–8 pt at print size). */
export const LABEL_SIZE = 7;
export const TICK_SIZE = 6;
const LINE = 1.25;
const PAD = 2;
const GAP = 2;
/** Extra space between the column groups of two models. */
const GROUP_GAP = 5;
const BAR_HEIGHT = 4;
export const TICK_LENGTH = 2;
/** Narrower tiles could not hold the widest colour-bar label ("−0.0135", 26 pt at 6 pt) with a margin. */
export const MIN_TILE = 28;

export interface TextPiece {
  text: string;
  x: number;
  /** Baseline. */
  y: number;
  size: number;
  bold: boolean;
  anchor: 'start' | 'middle' | 'end';
  /** The horizontal extent the text must stay within (its column, label column or the figure). */
  box: { left: number; right: number };
}

export interface TileBox {
  row: number;
  /** -1 for the image column, else the heatmap column. */
  column: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BarBox {
  column: number;
  x: number;
  y: number;
  width: number;
  height: number;
  ticks: { x: number; value: number }[];
}

export interface FigureSpec {
  width: JournalWidth;
  /** Lines of each row's label (each line wrapped on its own). */
  rowLabels: string[][];
  imageHeader: string;
  /** Column groups: a model and its methods' labels; a group label of null draws no group header. */
  groups: { label: string | null; columns: string[] }[];
  /** Tile height / width (the images' aspect). */
  aspect: number;
  /** Each heatmap column's colour range, in column order across groups. */
  bars: { lo: number; hi: number }[];
  legend: string;
}

export interface FigureLayout {
  width: number;
  height: number;
  texts: TextPiece[];
  tiles: TileBox[];
  bars: BarBox[];
}

const lineHeight = (size: number) => size * LINE;

/** A tick label as the figure prints it: the colour bar's own format, with a typographic minus. */
export const tickLabel = (v: number) => formatValue(v).replace(/^-/, '−').replace('e-', 'e−');

const superscript = (n: number) => String(n).replace(/[-0-9]/g, (c) => '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'[c === '-' ? 0 : Number(c) + 1]!);

/**
 * The power of ten a bar's tick labels are written in units of: 0 for ranges a few digits show
 * (0.01 … 10⁴), else the range's own, so "−6.22e−4 … 6.22e−4" reads as "−5 0 5" and "×10⁻⁴".
 */
export function barExponent(lo: number, hi: number): number {
  const top = Math.max(Math.abs(lo), Math.abs(hi));
  if (!(top > 0) || !Number.isFinite(top) || (top >= 1e-2 && top < 1e4)) return 0;
  return Math.floor(Math.log10(top));
}

/** "×10⁻⁴": the unit of a bar's tick labels. */
export const unitLabel = (exponent: number) => `×10${superscript(exponent)}`;

/**
 * Tick values and where their labels go under a bar of `width` at `x` whose bottom edge is at
 * `bottom`: as many nice values as fit on one line without touching (at most 4), else the two
 * outermost nice values on two lines, else the bar's two ends on one line or two; then the labels'
 * unit (×10ⁿ) under them when they need one. Every label stays inside the column.
 */
export function barTicks(lo: number, hi: number, x: number, width: number, bottom: number): { ticks: { x: number; value: number }[]; texts: TextPiece[] } {
  const box = { left: x, right: x + width };
  const exponent = barExponent(lo, hi);
  const unit = 10 ** exponent;
  const baseline = bottom + TICK_LENGTH + TICK_SIZE;
  const place = (values: number[], stacked: boolean) =>
    values.map((value, i) => {
      const at = hi > lo ? x + ((value * unit - lo) / (hi - lo)) * width : x;
      const text = tickLabel(value);
      const w = textWidth(text, TICK_SIZE);
      const left = Math.min(Math.max(at - w / 2, box.left), box.right - w);
      return { value: value * unit, at, text, left, right: left + w, y: baseline + (stacked ? i * lineHeight(TICK_SIZE) : 0) };
    });
  type Placed = ReturnType<typeof place>;
  const fits = (p: Placed) => p.every((q, i) => q.left >= box.left - 1e-9 && q.right <= box.right + 1e-9 && (i === 0 || q.y !== p[i - 1]!.y || q.left >= p[i - 1]!.right + 1.5));
  const nice = (count: number) => colourBarRange(lo / unit, hi / unit, count).ticks.map((t) => t.value);
  const ends = hi > lo ? [lo / unit, hi / unit] : [lo / unit];
  const outer = nice(2);
  const candidates: Placed[] = [
    ...[4, 3, 2].map((count) => place(nice(count), false)).filter((p) => p.length >= 2),
    ...(outer.length >= 2 ? [place([outer[0]!, outer.at(-1)!], true)] : []),
    place(ends, false),
    place(ends, true),
  ];
  const chosen = candidates.find(fits) ?? candidates.at(-1)!;
  const texts: TextPiece[] = chosen.map((q) => ({ text: q.text, x: q.left, y: q.y, size: TICK_SIZE, bold: false, anchor: 'start', box }));
  if (exponent !== 0) {
    const text = unitLabel(exponent);
    texts.push({ text, x: box.right - textWidth(text, TICK_SIZE), y: Math.max(...texts.map((t) => t.y)) + lineHeight(TICK_SIZE), size: TICK_SIZE, bold: false, anchor: 'start', box });
  }
  return { ticks: chosen.map((q) => ({ x: q.at, value: q.value })), texts };
}

/** Lines of a text wrapped to a width, as pieces starting at (x, first baseline). */
function block(lines: string[], x: number, y: number, size: number, bold: boolean, box: { left: number; right: number }): TextPiece[] {
  return lines.map((text, k) => ({ text, x, y: y + k * lineHeight(size), size, bold, anchor: 'start' as const, box }));
}

export function figureLayout(spec: FigureSpec): FigureLayout {
  const width = journalWidths[spec.width].mm * PT_PER_MM;
  const columns = spec.groups.reduce((n, g) => n + g.columns.length, 0);
  const groupGaps = spec.groups.length * GROUP_GAP;
  // Row labels take what their longest word needs, at most a fifth of the width.
  const widest = Math.max(textWidth(spec.imageHeader, LABEL_SIZE), ...spec.rowLabels.flat().flatMap((l) => l.split(/\s+/).map((w) => textWidth(w, LABEL_SIZE))));
  const labelWidth = Math.min(Math.ceil(widest) + 1, width / 5);
  const tilesWidth = width - 2 * PAD - labelWidth - GAP - groupGaps - columns * GAP;
  const tile = tilesWidth / (columns + 1);
  if (tile < MIN_TILE)
    throw new HeatlabError('invalid_request', `${columns + 1} columns do not fit a ${journalWidths[spec.width].label} figure (each would be ${(tile / PT_PER_MM).toFixed(1)} mm wide); choose fewer methods${spec.width === 'single' ? ' or the double-column width' : ''}.`);
  const tileHeight = tile * spec.aspect;
  const texts: TextPiece[] = [];
  const tiles: TileBox[] = [];
  const bars: BarBox[] = [];

  // Column positions: the image column, then each group after a group gap.
  const imageX = PAD + labelWidth + GAP;
  const columnX: number[] = [];
  let x = imageX + tile + GAP;
  const groupSpans = spec.groups.map((g) => {
    x += GROUP_GAP;
    const start = x;
    for (const _ of g.columns) {
      columnX.push(x);
      x += tile + GAP;
    }
    return { left: start, right: x - GAP };
  });

  // Headers: group labels over their span, then column labels, bottom-aligned.
  const lh = lineHeight(LABEL_SIZE);
  const groupLines = spec.groups.map((g, i) => (g.label === null ? [] : wrapText(g.label, groupSpans[i]!.right - groupSpans[i]!.left, LABEL_SIZE, true)));
  const groupHeight = Math.max(0, ...groupLines.map((l) => l.length)) * lh;
  const headers = [spec.imageHeader, ...spec.groups.flatMap((g) => g.columns)];
  const headerLines = headers.map((h) => wrapText(h, tile, LABEL_SIZE));
  const headerHeight = Math.max(...headerLines.map((l) => l.length)) * lh;
  let y = PAD + LABEL_SIZE;
  groupLines.forEach((lines, i) => texts.push(...block(lines, groupSpans[i]!.left, y + (groupHeight - lines.length * lh), LABEL_SIZE, true, groupSpans[i]!)));
  if (groupHeight > 0) y += groupHeight + 1;
  headerLines.forEach((lines, c) => {
    const left = c === 0 ? imageX : columnX[c - 1]!;
    texts.push(...block(lines, left, y + (headerHeight - lines.length * lh), LABEL_SIZE, false, { left, right: left + tile }));
  });
  y += headerHeight - LABEL_SIZE + 2;

  // Rows: the label top-aligned beside the tiles; a long label makes its row taller.
  const labelBox = { left: PAD, right: PAD + labelWidth };
  spec.rowLabels.forEach((label, r) => {
    const lines = label.flatMap((l) => wrapText(l, labelWidth, LABEL_SIZE));
    texts.push(...block(lines, PAD, y + LABEL_SIZE, LABEL_SIZE, false, labelBox));
    tiles.push({ row: r, column: -1, x: imageX, y, width: tile, height: tileHeight });
    columnX.forEach((cx, c) => tiles.push({ row: r, column: c, x: cx, y, width: tile, height: tileHeight }));
    y += Math.max(tileHeight, lines.length * lh) + GAP;
  });

  // A colour bar under each heatmap column, in that column's own units.
  let below = y;
  columnX.forEach((cx, c) => {
    const range = spec.bars[c]!;
    const { ticks, texts: labels } = barTicks(range.lo, range.hi, cx, tile, y + 1 + BAR_HEIGHT);
    bars.push({ column: c, x: cx, y: y + 1, width: tile, height: BAR_HEIGHT, ticks });
    texts.push(...labels);
    below = Math.max(below, ...labels.map((t) => t.y + 2));
  });
  if (columnX.length > 0) below += 2;
  const legendBox = { left: PAD, right: width - PAD };
  const legend = wrapText(spec.legend, legendBox.right - legendBox.left, TICK_SIZE);
  texts.push(...block(legend, PAD, below + TICK_SIZE, TICK_SIZE, false, legendBox));
  const height = below + legend.length * lineHeight(TICK_SIZE) + PAD + 1;
  return { width, height, texts, tiles, bars };
}

/** The estimated horizontal extent of a piece of text. */
export function textExtent(t: TextPiece): { left: number; right: number } {
  const w = textWidth(t.text, t.size, t.bold);
  const left = t.anchor === 'start' ? t.x : t.anchor === 'end' ? t.x - w : t.x - w / 2;
  return { left, right: left + w };
}

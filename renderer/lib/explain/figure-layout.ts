// Where everything goes in an exported figure (PNG and SVG share it): a label column, the tile
// grid (images as rows and methods as columns, or the other way round), headers of one or more
// lines on top and a colour bar underneath. Units are CSS pixels
// at 1×; the PNG multiplies them by its scale, the SVG keeps them as user units.

export interface FigureLayout {
  width: number;
  height: number;
  pad: number;
  labelWidth: number;
  headerHeight: number;
  tile: number;
  gap: number;
  /** Top-left of the tile grid. */
  gridX: number;
  gridY: number;
  cols: number;
  rows: number;
  bar: { x: number; y: number; width: number; height: number };
  /** Below each tile, for its scale when every cell has its own. */
  tileCaption: number;
}

export function figureLayout(rows: number, cols: number, tile: number, captions: boolean, headerLines = 1, footerLines = 1): FigureLayout {
  const pad = 12;
  const gap = 6;
  const labelWidth = 150;
  const headerHeight = 22 + 14 * headerLines;
  const tileCaption = captions ? 14 : 0;
  const gridX = pad + labelWidth;
  const gridY = pad + headerHeight;
  const gridWidth = cols * tile + (cols - 1) * gap;
  const gridHeight = rows * (tile + tileCaption) + Math.max(0, rows - 1) * gap;
  const barWidth = Math.min(320, Math.max(160, gridWidth));
  const bar = { x: gridX, y: gridY + gridHeight + 18, width: barWidth, height: 12 };
  return {
    width: gridX + Math.max(gridWidth, barWidth) + pad,
    height: bar.y + bar.height + 20 + 14 * footerLines + pad,
    pad,
    labelWidth,
    headerHeight,
    tile,
    gap,
    gridX,
    gridY,
    cols,
    rows,
    bar,
    tileCaption,
  };
}

export function tileOrigin(l: FigureLayout, row: number, col: number): { x: number; y: number } {
  return { x: l.gridX + col * (l.tile + l.gap), y: l.gridY + row * (l.tile + l.tileCaption + l.gap) };
}

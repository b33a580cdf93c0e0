// The heatmap figure drawn for real: librsvg (through sharp) renders the SVG to the 300 dpi PNG,
// and the pixels must be what the figure says — each heatmap tile in its column's colour-map
// colour for its value, the image tile in its grey, the ground-truth outline green — so embedded
// tiles render, square-pixelled, where the layout put them.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { colormap, LUT_SIZE } from '../../shared/heatmap/colormaps.js';
import { figurePixels, type ReportHeatmapGrid } from '../../shared/study-report.js';
import { figurePageHtml, figurePng, svgAtPixels } from '../../main/study/report/figure-files.js';
import { encodeRgbaPng } from '../../main/study/report/png.js';
import { columnScales, CONTOUR_RGB, heatmapFigure } from '../../main/study/report/heatmap-figure.js';
import { FIGURE_DPI } from '../../shared/study-report.js';

const SIZE = 8;
const fill = (v: number) => new Float32Array(SIZE * SIZE).fill(v);
const grey = (v: number) => {
  const rgba = new Uint8ClampedArray(SIZE * SIZE * 4);
  for (let p = 0; p < SIZE * SIZE; p++) rgba.set([v, v, v, 255], p * 4);
  return { width: SIZE, height: SIZE, rgba };
};
// The ground truth: rows and columns 2–5.
const mask = Uint8Array.from({ length: SIZE * SIZE }, (_, p) => (Math.floor(p / SIZE) >= 2 && Math.floor(p / SIZE) <= 5 && p % SIZE >= 2 && p % SIZE <= 5 ? 1 : 0));

const grid: ReportHeatmapGrid = {
  datasetId: 1,
  datasetName: 'squares',
  classNames: ['square', 'triangle'],
  groundTruth: { label: 'generated "object" masks', source: { kind: 'generated', mask: 'object' } },
  rows: [0, 1],
  images: [
    { index: 4, label: 0, split: 'test', picture: grey(64), mask },
    { index: 9, label: 1, split: 'test', picture: grey(192), mask },
  ],
  columns: [
    // Signed: +1 then −1, so m = 1 and the tiles take the ends of RdBu.
    { runId: 1, modelId: 1, modelName: 'm', method: 'lrp-epsilon', label: 'LRP ε', heatmaps: [fill(1), fill(-1)] },
    // Never negative: a sequential map stretched over [0.5, 1].
    { runId: 2, modelId: 1, modelName: 'm', method: 'rise', label: 'RISE', heatmaps: [fill(0.5), fill(1)] },
  ],
  height: SIZE,
  width: SIZE,
};

const lut = (id: 'RdBu' | 'viridis', k: number) => Array.from(colormap(id).lut.subarray(k * 4, k * 4 + 3));

describe('heatmap figure rendering', () => {
  it('encodes RGBA pictures as PNGs that decode to the same bytes', async () => {
    const rgba = Uint8Array.from({ length: 5 * 3 * 4 }, (_, i) => (i * 37 + (i >> 2) * 11) & 0xff);
    const { data, info } = await sharp(Buffer.from(encodeRgbaPng(rgba, 5, 3))).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([5, 3, 4]);
    expect(Array.from(data)).toEqual(Array.from(rgba));
    expect(() => encodeRgbaPng(rgba, 4, 3)).toThrow('A 4×3 RGBA picture has 48 bytes, not 60.');
  });

  it('renders embedded tiles square-pixelled in their colours, with the outline, at the journal width and 300 dpi', async () => {
    const figure = heatmapFigure(grid, 'single');
    expect(figure.svg).not.toMatch(/href="(?!data:image\/png;base64,)/);
    const scales = columnScales(grid);
    expect(scales.map((s) => [s.cmap.id, s.lo, s.hi])).toEqual([
      ['RdBu', -1, 1],
      ['viridis', 0.5, 1],
    ]);
    const png = await figurePng(figure.svg, 'single', figure.heightMm);
    const meta = await sharp(png).metadata();
    expect(meta.width).toBe(figurePixels('single'));
    expect(meta.density).toBe(300);
    const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const scale = info.width / figure.layout.width;
    // The colour at the centre of heatmap pixel (px, py) of a tile.
    const at = (tile: { x: number; y: number; width: number; height: number }, px: number, py: number) => {
      const x = Math.floor((tile.x + ((px + 0.5) * tile.width) / SIZE) * scale);
      const y = Math.floor((tile.y + ((py + 0.5) * tile.height) / SIZE) * scale);
      return Array.from(data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3));
    };
    const tile = (row: number, column: number) => figure.layout.tiles.find((t) => t.row === row && t.column === column)!;
    expect(at(tile(0, -1), 0, 0)).toEqual([64, 64, 64]);
    expect(at(tile(1, -1), 7, 7)).toEqual([192, 192, 192]);
    expect(at(tile(0, 0), 0, 0)).toEqual(lut('RdBu', LUT_SIZE - 1));
    expect(at(tile(1, 0), 0, 0)).toEqual(lut('RdBu', 0));
    expect(at(tile(0, 1), 0, 0)).toEqual(lut('viridis', 0));
    expect(at(tile(1, 1), 0, 0)).toEqual(lut('viridis', LUT_SIZE - 1));
    // The outline runs along the mask's edge on the image and on every heatmap; inside it, the heatmap shows.
    for (const [row, column] of [[0, -1], [0, 0], [1, 1]] as const) {
      expect(at(tile(row, column), 2, 3)).toEqual([...CONTOUR_RGB]);
      expect(at(tile(row, column), 5, 5)).toEqual([...CONTOUR_RGB]);
    }
    expect(at(tile(0, 0), 3, 3)).toEqual(lut('RdBu', LUT_SIZE - 1));
  });

  it('draws each heatmap column’s own colour bar and nothing outside the white page', async () => {
    const figure = heatmapFigure(grid, 'double');
    expect(figure.layout.bars.map((b) => b.column)).toEqual([0, 1]);
    expect(figure.svg.match(/<linearGradient /g)).toHaveLength(2);
    expect(figure.svg).toContain('<rect width=');
    expect(figure.widthMm).toBe(174);
    const png = await figurePng(figure.svg, 'double', figure.heightMm);
    const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBe(2055);
    expect(info.height).toBe(Math.round((figure.heightMm / 25.4) * FIGURE_DPI));
    // White corners: the background is part of the figure, not a transparent page.
    expect(Array.from(data.subarray(0, 3))).toEqual([255, 255, 255]);
    expect(Array.from(data.subarray(data.length - 3))).toEqual([255, 255, 255]);
  });

  it('gives the figure page for a PDF the figure’s own size and the SVG its pixel size for the PNG', () => {
    const figure = heatmapFigure(grid, 'single');
    const page = figurePageHtml(figure.svg, 'Heatmaps', figure.widthMm, figure.heightMm);
    expect(page).toContain(`@page{size:85mm ${Math.ceil(figure.heightMm) + 1}mm;margin:0}`);
    expect(svgAtPixels(figure.svg, 1004, 500)).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="1004" height="500" viewBox=/);
  });
});

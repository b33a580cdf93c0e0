import { describe, expect, it } from 'vitest';
import type { ExplainMethodInfo } from '../../shared/explanations.js';
import { decodeNpy } from '../../main/workspace/npy.js';
import { explainHref, parseExplainRoute } from '../../renderer/lib/explain-route.js';
import { figureLayout, tileOrigin } from '../../renderer/lib/explain/figure-layout.js';
import { gridGeometry, placedRows, scrollToShow, visibleSpan } from '../../renderer/lib/explain/grid-layout.js';
import { bytesPerRow, MAX_PAGE, MIN_PAGE, PAGE_BYTES, pageSizeFor, placeOf } from '../../renderer/lib/explain/pages.js';
import { parseIndices } from '../../renderer/lib/explain/image-choice.js';
import { checkParams, initialValues, methodFields } from '../../renderer/lib/explain/method-params.js';
import { encodeNpy } from '../../renderer/lib/explain/npy.js';
import { predictions, softmax } from '../../renderer/lib/explain/predictions.js';
import { gridColumns } from '../../renderer/lib/explain/model-groups.js';
import { presetsFor } from '../../renderer/lib/explain/presets.js';
import { filterRows, noFilter } from '../../renderer/lib/explain/row-filter.js';
import { clamp, zoomAt } from '../../renderer/lib/explain/zoom.js';

const method = (id: string, params: Record<string, unknown> = { type: 'object', properties: {} }): ExplainMethodInfo => ({ id, label: id, kind: 'graph', params, defaults: {}, random: false, relevance: 'signed' });

describe('predictions', () => {
  it('takes the softmax of stored logits, stable for large values', () => {
    const p = softmax([1000, 1000 + Math.log(3)]);
    expect(p[0]).toBeCloseTo(0.25, 12);
    expect(p[1]).toBeCloseTo(0.75, 12);
  });

  it('predicts the arg-max class of each row with its probability', () => {
    const out = predictions(new Float32Array([0, 0, 2, 0]), 2);
    expect(out).toEqual([
      { predicted: 0, probability: 0.5 },
      { predicted: 0, probability: expect.closeTo(Math.exp(2) / (Math.exp(2) + 1), 6) as number },
    ]);
  });
});

describe('row filter', () => {
  const rows = [
    { label: 0, prediction: { predicted: 0, probability: 0.9 } },
    { label: 1, prediction: { predicted: 0, probability: 0.6 } },
    { label: 1, prediction: { predicted: 1, probability: 0.55 } },
  ];

  it('keeps every row without a filter', () => {
    expect(filterRows(rows, noFilter)).toEqual([0, 1, 2]);
  });

  it('filters by true class, by outcome and by confidence', () => {
    expect(filterRows(rows, { ...noFilter, label: 1 })).toEqual([1, 2]);
    expect(filterRows(rows, { ...noFilter, outcome: 'incorrect' })).toEqual([1]);
    expect(filterRows(rows, { ...noFilter, outcome: 'correct', maxConfidence: 0.8 })).toEqual([2]);
    expect(filterRows(rows, { ...noFilter, minConfidence: 0.6 })).toEqual([0, 1]);
    // An emptied field (null from a number input) sets no bound.
    expect(filterRows(rows, { ...noFilter, maxConfidence: null as unknown as number })).toEqual([0, 1, 2]);
  });
});

describe('image choice', () => {
  it('reads indices and ranges typed by hand, and says what is wrong', () => {
    expect(parseIndices('3, 14 15-17;3', 20)).toEqual([3, 14, 15, 16, 17]);
    expect(parseIndices('20', 20)).toMatch(/no image 20/);
    expect(parseIndices('5-2', 20)).toMatch(/backwards/);
    expect(parseIndices('x', 20)).toMatch(/not an image index/);
    expect(parseIndices('  ', 20)).toMatch(/Type the indices/);
  });
});

describe('method parameters', () => {
  const schema = {
    type: 'object',
    properties: {
      steps: { type: 'integer', minimum: 1, maximum: 512, default: 32, description: 'Riemann steps.' },
      baseline: { type: 'string', enum: ['black', 'white'], default: 'black' },
      layer: { type: 'string', minLength: 1 },
    },
  };

  it('builds fields with the schema’s defaults, ranges and descriptions', () => {
    const fields = methodFields(method('ig', schema));
    expect(fields.map((f) => f.kind)).toEqual(['number', 'choice', 'text']);
    expect(fields[0]).toMatchObject({ min: 1, max: 512, default: 32, integer: true, help: 'Riemann steps.' });
    expect(initialValues(fields)).toEqual({ steps: 32, baseline: 'black', layer: '' });
  });

  it('enforces ranges and leaves empty text to the method’s default', () => {
    const fields = methodFields(method('ig', schema));
    expect(checkParams(fields, { steps: 32, baseline: 'white', layer: '' })).toEqual({ params: { steps: 32, baseline: 'white' }, errors: {} });
    expect(checkParams(fields, { steps: 0, baseline: 'black', layer: 'x' }).errors).toEqual({ steps: 'Must be at least 1.' });
    expect(checkParams(fields, { steps: 2.5, baseline: 'black' }).params).toBeNull();
    expect(checkParams(fields, { steps: 600, baseline: 'grey' }).errors).toEqual({ steps: 'Must be at most 512.', baseline: 'Choose one of black, white.' });
  });
});

describe('presets', () => {
  it('list only methods the registry has, and drop sets with none', () => {
    const presets = presetsFor([method('sensitivity'), method('gradient'), method('deconvnet'), method('lrp-z-plus'), method('lrp-epsilon'), method('occlusion')]);
    // Samek et al.'s sensitivity is unsigned: the Sensitivity method, not the signed gradient.
    expect(presets.find((p) => p.name === 'Samek 2015 set')?.ids).toEqual(['sensitivity', 'deconvnet', 'lrp-epsilon']);
    expect(presets.find((p) => p.name === 'Gradients')?.ids).toEqual(['sensitivity', 'gradient']);
    expect(presetsFor([method('sensitivity'), method('lrp-alpha-beta')])[0]?.ids).toEqual(['sensitivity', 'lrp-alpha-beta']);
    expect(presetsFor([method('deconvnet')])[0]?.ids).toEqual(['deconvnet']);
    expect(presets.find((p) => p.name === 'Perturbation')?.ids).toEqual(['occlusion']);
    expect(presets.some((p) => p.name === 'Class activation')).toBe(false);
  });
});

describe('npy encoder', () => {
  it('writes float32 arrays that the .npy reader reads back exactly', () => {
    const data = new Float32Array([1.5, -2, 0.1, Number.NaN, 3e-8, 7]);
    const bytes = encodeNpy(data, [1, 2, 3]);
    const header = bytes[8]! | (bytes[9]! << 8);
    expect((10 + header) % 64).toBe(0);
    const back = decodeNpy(bytes);
    expect(back.shape).toEqual([1, 2, 3]);
    expect(Array.from(back.data as Float32Array)).toEqual(Array.from(data));
    expect(decodeNpy(encodeNpy(new Float32Array(4), [4])).shape).toEqual([4]);
    expect(() => encodeNpy(data, [4])).toThrow(/does not hold/);
  });
});

describe('routes', () => {
  it('reads and writes the Explain view’s places', () => {
    expect(parseExplainRoute('#/explain')).toEqual({ page: 'setup' });
    expect(parseExplainRoute('#/explain/job/12')).toEqual({ page: 'job', jobId: 12 });
    expect(parseExplainRoute('#/explain/runs/3,1,3')).toEqual({ page: 'runs', runIds: [3, 1] });
    expect(parseExplainRoute('#/explain/runs/3,x')).toEqual({ page: 'setup' });
    expect(explainHref({ page: 'runs', runIds: [4, 5] })).toBe('#/explain/runs/4,5');
    // One image's comparison, addressed by its dataset index; a bad index is ignored.
    expect(parseExplainRoute('#/explain/runs/4,5?image=17')).toEqual({ page: 'runs', runIds: [4, 5], image: 17 });
    expect(parseExplainRoute('#/explain/runs/4?image=-1')).toEqual({ page: 'runs', runIds: [4] });
    expect(explainHref({ page: 'runs', runIds: [4, 5], image: 0 })).toBe('#/explain/runs/4,5?image=0');
  });
});

describe('layouts', () => {
  it('virtualises the grid to the rows and columns in view, with one of overscan', () => {
    const g = gridGeometry(100, 12, 64, false);
    expect(g.pitch).toBe(70);
    expect(g.height).toBe(48 + 100 * 70);
    expect(visibleSpan(0, 400, g.headerHeight, g.pitch, 100)).toEqual({ first: 0, last: 7 });
    expect(visibleSpan(7000, 400, g.headerHeight, g.pitch, 100)).toEqual({ first: 98, last: 100 });
    expect(scrollToShow(0, 400, g.headerHeight, g.pitch, 10)).toBe(48 + 11 * 70 - 400);
    expect(scrollToShow(1000, 400, g.headerHeight, g.pitch, 2)).toBe(140);
  });

  it('spaces cells by a whole number of heatmap pixels, at least the gap apart, so one enlarged canvas holds a row', () => {
    for (const [cell, w, h] of [[96, 64, 64], [96, 28, 28], [160, 28, 28], [64, 224, 224], [128, 64, 32], [97, 64, 64]] as const) {
      const g = gridGeometry(100, 12, cell, false, { width: w, height: h });
      expect(g.scale).toBeCloseTo(cell / Math.max(w, h), 12);
      expect(Number.isInteger(g.pitchPixels)).toBe(true);
      expect(g.pitch).toBeCloseTo(g.pitchPixels * g.scale, 9);
      // The gap is GAP or more, but less than one enlarged heatmap pixel more.
      expect(g.pitch - cell).toBeGreaterThanOrEqual(6 - 1e-9);
      expect(g.pitch - cell).toBeLessThan(6 + g.scale);
    }
    // 64 px maps in 96 px cells: 1.5 screen pixels each, 68 heatmap pixels from cell to cell.
    expect(gridGeometry(1, 1, 96, false, { width: 64, height: 64 })).toMatchObject({ scale: 1.5, pitchPixels: 68, pitch: 102 });
  });

  it('keeps every shown row in its place but one when the grid scrolls by a row', () => {
    expect(placedRows({ first: 0, last: 5 }, 100, 6)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(placedRows({ first: 1, last: 6 }, 100, 6)).toEqual([6, 1, 2, 3, 4, 5]);
    expect(placedRows({ first: 7, last: 12 }, 100, 6)).toEqual([12, 7, 8, 9, 10, 11]);
    // At the end the window stops at the last row; with fewer rows than places, every row has one.
    expect(placedRows({ first: 98, last: 100 }, 100, 6).toSorted((a, b) => a - b)).toEqual([94, 95, 96, 97, 98, 99]);
    expect(placedRows({ first: 0, last: 3 }, 3, 6)).toEqual([0, 1, 2]);
  });

  it('sizes an exported figure from its rows, methods and tile', () => {
    const l = figureLayout(6, 3, 96, false);
    expect(l.width).toBe(12 + 150 + 3 * 96 + 2 * 6 + 12);
    expect(l.height).toBe(12 + 36 + 6 * 96 + 5 * 6 + 18 + 12 + 34 + 12);
    expect(tileOrigin(l, 1, 2)).toEqual({ x: 162 + 2 * 102, y: 48 + 102 });
    expect(figureLayout(6, 3, 96, true).height).toBe(l.height + 6 * 14);
    // Swapped, with images as columns: three header lines, one per line of an image's label.
    expect(figureLayout(3, 6, 96, false, 3).height).toBe(12 + 22 + 3 * 14 + 3 * 96 + 2 * 6 + 18 + 12 + 34 + 12);
  });

  it('zooms about the pointer and never pans the picture off its panel', () => {
    const v = zoomAt({ scale: 1, x: 0, y: 0 }, 2, 100, 100, 256);
    expect(v).toEqual({ scale: 2, x: -100, y: -100 });
    expect(clamp({ scale: 2, x: 50, y: -600 }, 256)).toEqual({ scale: 2, x: 0, y: -256 });
    expect(zoomAt(v, 0.1, 0, 0, 256)).toEqual({ scale: 1, x: 0, y: 0 });
  });
});

describe('figure content', () => {
  it('wraps labels by words', async () => {
    const { wrap } = await import('../../renderer/lib/explain/figure-content.js');
    expect(wrap('Gradient (sensitivity)', 13)).toEqual(['Gradient', '(sensitivity)']);
    expect(wrap('Integrated Gradients · triangle', 40)).toEqual(['Integrated Gradients · triangle']);
    expect(wrap('', 5)).toEqual(['']);
  });

  it('lays the figure out as the grid: images as rows, or as columns when swapped', async () => {
    const { figureContent } = await import('../../renderer/lib/explain/figure-content.js');
    const { colourScale } = await import('../../shared/heatmap/colour-scale.js');
    const bwr = (m: number) => colourScale('bwr', m, -1);
    const input = {
      rows: [
        { datasetIndex: 7, label: 0, prediction: { predicted: 0, probability: 0.9 } },
        { datasetIndex: 9, label: 1, prediction: { predicted: 0, probability: 0.6 } },
      ],
      columns: [{ key: '1:0', runId: 1, slot: 0, label: 'Gradient' }],
      classNames: ['square', 'triangle'],
      scales: [bwr(2), bwr(4)],
      heat: () => new Float32Array([1, -1, 0, 2]),
      base: () => new Uint8ClampedArray(16),
      contour: () => null,
      norm: 'cell' as const,
      percentile: 99.5,
      overImage: false,
      opacity: 1,
      transposed: false,
      width: 2,
      height: 2,
      tile: 64,
    };
    const plain = figureContent(input);
    expect(plain.columnLabels).toEqual([['Image'], ['Gradient']]);
    expect(plain.barTitle).toEqual(['bwr (blue − · red +)', 'clipped at the 99.5th percentile of |relevance|', 'per cell (m under each tile)']);
    expect(plain.rows.map((r) => r.label[0])).toEqual(['#7', '#9']);
    expect(plain.rows[1]!.label[2]).toBe('pred: square 60.0 %');
    expect(plain.rows[0]!.captions).toEqual([null, 'm = 2']);
    // Cell 0 of image 0 at m = 2: value 1 is halfway to red, value 2 full red.
    expect(Array.from(plain.rows[0]!.tiles[1]!.slice(12, 16))).toEqual([255, 0, 0, 255]);
    expect(plain.bar.ticks.map((t) => t.label)).toEqual(['−m', '0', '+m']);

    const swapped = figureContent({ ...input, transposed: true, norm: 'global', scales: [bwr(4), bwr(4)] });
    expect(swapped.columnLabels.map((l) => l[0])).toEqual(['#7', '#9']);
    expect(swapped.rows.map((r) => r.label)).toEqual([['Image'], ['Gradient']]);
    expect(swapped.rows[1]!.tiles).toHaveLength(2);
    expect([swapped.bar.min, swapped.bar.max]).toEqual([-4, 4]);
  });
});

describe('pending columns', () => {
  const pending = (label: string, perImage = 1) => ({ label, modelId: 1, modelName: 'LeNet', perImage, classNames: ['triangle', 'square'] });

  it('gives each method still running one empty column, or one per class when every class is explained', () => {
    expect(gridColumns([], [pending('Grad-CAM')])).toEqual([{ key: 'pending:0:0', runId: 0, slot: 0, label: 'Grad-CAM', method: 'Grad-CAM', group: null, modelId: 1, pending: true }]);
    expect(gridColumns([], [pending('LIME', 2), pending('RISE', 2)]).map((c) => c.label)).toEqual(['LIME · triangle', 'LIME · square', 'RISE · triangle', 'RISE · square']);
  });

  it('has no columns when nothing is recorded or pending', () => {
    expect(gridColumns([], [])).toEqual([]);
  });
});

describe('pages', () => {
  it('fits a page of rows into its memory budget, within the bounds', () => {
    // 12 heatmaps of 64×64 and the image: 1,000 rows take about 213 MB, so a page holds the most rows.
    const small = bytesPerRow(Array.from({ length: 6 }, () => ({ perImage: 2, height: 64, width: 64 })));
    expect(small).toBe(12 * 64 * 64 * 4 + 64 * 64 * 4);
    expect(pageSizeFor(small)).toBe(MAX_PAGE);
    // 12 heatmaps of 224×224: 2.6 MB a row.
    const large = bytesPerRow(Array.from({ length: 12 }, () => ({ perImage: 1, height: 224, width: 224 })));
    expect(pageSizeFor(large)).toBe(Math.floor(PAGE_BYTES / large));
    expect(pageSizeFor(large) * large).toBeLessThanOrEqual(PAGE_BYTES);
    expect(pageSizeFor(PAGE_BYTES)).toBe(MIN_PAGE);
  });

  it('finds the page and row of an image among those passing the filter', () => {
    expect(placeOf(0, 1000)).toEqual({ page: 0, row: 0 });
    expect(placeOf(999, 1000)).toEqual({ page: 0, row: 999 });
    expect(placeOf(1000, 1000)).toEqual({ page: 1, row: 0 });
    expect(placeOf(2503, 1000)).toEqual({ page: 2, row: 503 });
  });
});

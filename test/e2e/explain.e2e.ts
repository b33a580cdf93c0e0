import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy } from '../../main/workspace/npy.js';
import { figureLayout } from '../../renderer/lib/explain/figure-layout.js';
import { LUT_SIZE, colormap } from '../../shared/heatmap/colormaps.js';
import { percentileAbs } from '../../shared/heatmap/normalise.js';
import { appUrl } from './env.js';
import { collectErrors, connectApi, finished, trainModel, value } from './e2e-api.js';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): [number, number] {
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

test('explains a model, fills the grid, and reads, rescales, navigates and exports it', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const errors = collectErrors(page);
  const api = await connectApi();
  const stamp = Date.now();
  const created = { dataset: 0, model: 0, runs: [] as number[] };
  try {
    // A small dataset and a quickly trained model, through the API.
    await trainModel(api, created, 'e2e explain', stamp, 400, 1);

    // Choose what to explain: the first 6 test images, with Gradient and Grad-CAM.
    await page.goto(`${appUrl()}#/explain`);
    await page.getByRole('combobox', { name: 'Model' }).selectOption({ label: `e2e explain model ${stamp}` });
    await expect(page.getByRole('combobox', { name: 'Dataset' })).toHaveValue(String(created.dataset));
    await page.getByRole('combobox', { name: 'Choose' }).selectOption('first');
    await page.getByRole('spinbutton', { name: 'How many' }).fill('6');
    await page.getByRole('button', { name: 'None', exact: true }).click();
    await page.getByRole('checkbox', { name: /^Gradient \(signed\)/ }).check();
    await page.getByRole('checkbox', { name: /^Grad-CAM/ }).check();
    await expect(page.getByRole('region', { name: 'Gradient (signed) parameters' }).getByRole('combobox', { name: 'Reduction' })).toHaveValue('sum');
    await page.getByRole('button', { name: 'Explain', exact: true }).click();

    // The job's page, then the grid once its runs are recorded.
    await page.waitForURL(/#\/explain\/runs\/\d+,\d+$/, { timeout: 60_000 });
    created.runs = /runs\/([\d,]+)$/.exec(page.url())![1]!.split(',').map(Number);
    const grid = page.getByTestId('heatmap-grid');
    await expect(grid).toHaveAttribute('data-rows', '6');
    await expect(grid).toHaveAttribute('data-cols', '2');
    await expect(grid.getByRole('columnheader')).toHaveText(['Gradient (signed)', 'Grad-CAM']);
    await expect(grid.getByRole('rowheader')).toHaveCount(6);
    await expect(page.getByTestId('heat-cell')).toHaveCount(12);

    const [gradient, gradCam] = await Promise.all(created.runs.map(async (id) => value(await api['explanations.heatmaps']({ id, rows: [0, 1, 2, 3, 4, 5] }))));
    const { height: H, width: W } = gradient!;
    const cellOf = (batch: typeof gradient, row: number) => batch!.heatmaps.subarray(row * H * W, (row + 1) * H * W);

    // The heatmap alone: the most positive pixel of a gradient map is red, the most negative blue.
    await page.getByRole('checkbox', { name: 'Over the image' }).uncheck();
    const cell = cellOf(gradient, 0);
    let hi = 0;
    let lo = 0;
    cell.forEach((v, i) => {
      if (v > cell[hi]!) hi = i;
      if (v < cell[lo]!) lo = i;
    });
    // A row's cells are drawn on one canvas: read the pixel under heatmap pixel (x, y) of a cell.
    const pixels = (image: number, column: number, points: [number, number][]) =>
      page.evaluate(
        ([image, column, points, W, H]) => {
          const cell = document.querySelector(`[data-testid="heat-cell"][data-image="${image}"][data-column="${column}"]`)!;
          const canvas = cell.closest('[role="row"]')!.querySelector<HTMLCanvasElement>('canvas[data-testid="heat-row"]')!;
          const [c, box] = [cell.getBoundingClientRect(), canvas.getBoundingClientRect()];
          const ctx = canvas.getContext('2d')!;
          return points.map(([x, y]) => {
            const px = Math.floor(((c.left - box.left + ((x + 0.5) * c.width) / W) * canvas.width) / box.width);
            const py = Math.floor(((c.top - box.top + ((y + 0.5) * c.height) / H) * canvas.height) / box.height);
            return Array.from(ctx.getImageData(px, py, 1, 1).data);
          });
        },
        [image, column, points, W, H] as const,
      );
    const pixel = async (image: number, column: number, i: number) => (await pixels(image, column, [[i % W, Math.floor(i / W)]]))[0]!;
    expect(cell[hi]).toBeGreaterThan(0);
    const red = await pixel(0, 0, hi);
    expect(red[0]! - red[2]!).toBeGreaterThan(60);
    if (cell[lo]! < 0) {
      const blue = await pixel(0, 0, lo);
      expect(blue[2]! - blue[0]!).toBeGreaterThan(60);
    }

    // Grad-CAM is rectified (never negative): under 'auto' its cell is on viridis stretched over its
    // own range, so its lowest pixel has viridis's first colour and its highest the last — not the
    // top sliver of a diverging map.
    const cam = cellOf(gradCam, 0);
    expect(Math.min(...cam)).toBeGreaterThanOrEqual(0);
    if (Math.max(...cam) > Math.min(...cam)) {
      const viridis = colormap('viridis').lut;
      const [camLow, camHigh] = await pixels(0, 1, [cam.indexOf(Math.min(...cam)), cam.indexOf(Math.max(...cam))].map((i) => [i % W, Math.floor(i / W)] as [number, number]));
      expect(camLow!.slice(0, 3)).toEqual(Array.from(viridis.slice(0, 3)));
      expect(camHigh!.slice(0, 3)).toEqual(Array.from(viridis.slice((LUT_SIZE - 1) * 4, (LUT_SIZE - 1) * 4 + 3)));
    }

    // Hover: the readout shows the stored value of every method at the pixel under the pointer.
    const target = page.locator('[data-testid="heat-cell"][data-image="1"][data-column="1"]');
    const box = (await target.boundingBox())!;
    const [x, y] = [Math.floor(W * 0.3), Math.floor(H * 0.6)];
    await page.mouse.move(box.x + ((x + 0.5) * box.width) / W, box.y + ((y + 0.5) * box.height) / H);
    await expect(page.getByTestId('readout-pixel')).toHaveAttribute('data-x', String(x));
    await expect(page.getByTestId('readout-pixel')).toHaveAttribute('data-y', String(y));
    const readout = page.getByTestId('readout-value');
    expect(Number(await readout.nth(0).getAttribute('data-value'))).toBe(cellOf(gradient, 1)[y * W + x]);
    expect(Number(await readout.nth(1).getAttribute('data-value'))).toBe(cellOf(gradCam, 1)[y * W + x]);
    // Both cells of the row show the crosshair.
    await expect(page.locator('.cross.h')).toHaveCount(2);

    // Normalisation: the colour bar spans ±m with m the 99.5th percentile of |relevance| over the
    // group of the keyboard's cell (image 0, Gradient).
    await page.mouse.move(5, 5);
    const bar = page.getByTestId('colour-bar');
    const norm = page.getByTestId('norm-mode');
    const all = [0, 1, 2, 3, 4, 5].flatMap((r) => [cellOf(gradient, r), cellOf(gradCam, r)]);
    const expected = {
      cell: percentileAbs([cellOf(gradient, 0)], 99.5),
      image: percentileAbs([cellOf(gradient, 0), cellOf(gradCam, 0)], 99.5),
      method: percentileAbs([0, 1, 2, 3, 4, 5].map((r) => cellOf(gradient, r)), 99.5),
      global: percentileAbs(all, 99.5),
    };
    for (const [mode, m] of Object.entries(expected)) {
      await norm.selectOption(mode);
      await expect(bar).toHaveAttribute('data-max', String(m));
      await expect(bar).toHaveAttribute('data-min', String(-m));
    }
    expect(new Set(Object.values(expected)).size).toBeGreaterThan(1);
    // Grad-CAM is rectified, never negative: on its own scale it gets a sequential map stretched over
    // its own [min, max], and the legend says so.
    await norm.selectOption('cell');
    const camCell = cellOf(gradCam, 0);
    const camMin = camCell.reduce((a, b) => Math.min(a, b), Infinity);
    const camMax = percentileAbs([camCell], 99.5);
    await page.getByTestId('heat-cell').nth(1).hover();
    await expect(bar).toHaveAttribute('data-kind', camMin < 0 ? 'diverging' : 'sequential');
    if (camMin >= 0 && camMax > camMin) {
      await expect(bar).toHaveAttribute('data-min', String(camMin));
      await expect(bar).toHaveAttribute('data-max', String(camMax));
      await expect(bar.getByTestId('colour-scale-words')).toContainText('viridis: sequential, min … max');
    }
    await page.mouse.move(5, 5);
    await norm.selectOption('global');

    // Keyboard: arrows move between cells, Enter opens the row's comparison, Escape closes it.
    await grid.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await expect(grid).toHaveAttribute('aria-activedescendant', /-cell-1-1$/);
    await page.keyboard.press('Enter');
    const compare = page.getByTestId('row-compare');
    await expect(compare).toBeVisible();
    await expect(compare.getByRole('heading')).toContainText(`Image #${gradient!.indices[1]}`);
    await expect(compare.getByRole('img')).toHaveCount(3);
    // Each heatmap has its colour bar, its scale chosen from its values under 'auto' (the norm is
    // global here, so both share the grid's signed, diverging scale).
    const bars = compare.getByTestId('colour-bar');
    await expect(bars).toHaveCount(2);
    await expect(bars.nth(0)).toHaveAttribute('data-kind', 'diverging');
    await expect(bars.nth(0)).toHaveAttribute('data-max', String(expected.global));
    // The ground truth can be chosen in the dialog, and its contour is drawn on the image.
    const truthChoice = compare.getByTestId('ground-truth');
    await expect(truthChoice.locator('option')).not.toHaveCount(1);
    await truthChoice.selectOption({ index: 1 });
    const contourPixels = () =>
      compare.locator('canvas').first().evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] === 0 && d[i + 1] === 230 && d[i + 2] === 118) n++;
        return n;
      });
    await expect.poll(contourPixels).toBeGreaterThan(0);
    await compare.getByRole('heading').click();
    await page.keyboard.press('Escape');
    await expect(compare).toHaveCount(0);
    await expect(grid).toBeFocused();
    await page.keyboard.press('ArrowLeft');
    await expect(grid).toHaveAttribute('aria-activedescendant', /-cell-1-0$/);

    // Swap: methods become rows.
    await page.getByRole('button', { name: 'Swap rows and columns' }).click();
    await expect(grid).toHaveAttribute('data-rows', '2');
    await expect(grid).toHaveAttribute('data-cols', '6');
    await page.getByRole('button', { name: 'Swap rows and columns' }).click();
    await page.screenshot({ path: testInfo.outputPath('explain-grid.png') });

    // Exports: a PNG at 2× and an SVG of the expected size, and the heatmaps as .npy. Global scale: no tile captions.
    // Headers: "Gradient (signed)" wraps to two lines in a 96 px column; three lines under the bar.
    const layout = figureLayout(6, 3, 96, false, 2, 3);
    const save = async (button: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button, exact: true }).click()]);
      const path = testInfo.outputPath(download.suggestedFilename());
      await download.saveAs(path);
      return readFileSync(path);
    };
    expect(pngSize(await save('PNG 2×'))).toEqual([layout.width * 2, layout.height * 2]);
    const svg = (await save('SVG')).toString('utf8');
    expect(svg.match(/<image /g)).toHaveLength(6 * 3);
    const decoded = await page.evaluate(async (text) => {
      const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
      const img = new Image();
      img.src = url;
      await img.decode();
      return [img.naturalWidth, img.naturalHeight];
    }, svg);
    expect(decoded).toEqual([layout.width, layout.height]);
    // Swapped, the figure is too: images as columns under three-line headers.
    await page.getByRole('button', { name: 'Swap rows and columns' }).click();
    const swapped = figureLayout(3, 6, 96, false, 3, 3);
    expect((await save('SVG')).toString('utf8')).toMatch(new RegExp(`^<svg [^>]*width="${swapped.width}" height="${swapped.height}"`));
    await page.getByRole('button', { name: 'Swap rows and columns' }).click();
    const csv = (await save('Runs CSV')).toString('utf8').trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(JSON.parse((await save('Runs JSON')).toString('utf8')).runs).toHaveLength(2);

    // Into a folder picked with the file browser (the way Electron saves): the heatmaps as .npy.
    const folder = mkdtempSync(join(tmpdir(), 'heatlab-e2e-export-'));
    try {
      await page.getByRole('radio', { name: 'A folder…' }).check();
      const path = page.getByRole('textbox', { name: 'Go to path' });
      // A hidden folder is refused in the dialog, which stays open for another choice.
      mkdirSync(join(folder, '.config'));
      await path.fill(join(folder, '.config'));
      await path.press('Enter');
      await page.getByRole('button', { name: 'Choose this folder' }).click();
      await expect(page.getByRole('dialog').getByRole('alert')).toHaveText('Heatlab does not write into hidden folders such as .config; choose another folder.');
      await path.fill(folder);
      await path.press('Enter');
      await page.getByRole('button', { name: 'Choose this folder' }).click();
      await expect(page.getByTestId('export-folder')).toHaveText(folder);
      await page.getByRole('button', { name: 'Heatmaps .npy' }).click();
      await expect(page.getByTestId('export-saved')).toHaveText(`Saved ${join(folder, `heatlab-runs-${created.runs.join('-')}-heatmaps.npy`)}`);
      const npy = decodeNpy(new Uint8Array(readFileSync(join(folder, `heatlab-runs-${created.runs.join('-')}-heatmaps.npy`))));
      expect(npy.shape).toEqual([6, 2, H, W]);
      expect(Array.from((npy.data as Float32Array).subarray(H * W, 2 * H * W))).toEqual(Array.from(cellOf(gradCam, 0)));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }

    // An earlier run of the same images joins as a column without recomputing anything.
    const extra = await finished(api, value(await api['explain.start']({ modelId: created.model, datasetId: created.dataset, images: { split: 'test', pick: 'first', n: 6 }, methods: [{ id: 'random' }] })));
    const [randomRun] = (extra.result as { runIds: number[] }).runIds;
    created.runs.push(randomRun!);
    await page.getByRole('region', { name: 'Runs in this grid' }).getByRole('button', { name: 'Add' }).click();
    await expect(grid).toHaveAttribute('data-cols', '3');
    await expect(grid.getByRole('columnheader')).toHaveText(['Gradient (signed)', 'Grad-CAM', 'Random map']);
    await expect(page).toHaveURL(new RegExp(`#/explain/runs/${created.runs.join(',')}$`));

    // Runs can be deleted from the list of earlier runs.
    await page.getByRole('link', { name: '← Explain' }).click();
    await page.getByRole('button', { name: `Delete run ${randomRun} (Random map)` }).click();
    await page.getByRole('button', { name: 'Delete run', exact: true }).click();
    await expect(page.getByRole('button', { name: `Delete run ${randomRun} (Random map)` })).toHaveCount(0);
    expect((await api['explanations.get']({ id: randomRun! })).ok).toBe(false);

    expect(errors).toEqual([]);
  } finally {
    for (const id of created.runs) await api['explanations.delete']({ id });
    if (created.model) await api['models.delete']({ id: created.model });
    if (created.dataset) await api['datasets.delete']({ id: created.dataset });
    api.close();
  }
});

import { expect, test, type Locator } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy } from '../../main/workspace/npy.js';
import { appUrl } from './env.js';
import { collectErrors, connectApi, drag, finished, value } from './e2e-api.js';

/** Pixels of the on-screen canvas drawn in the first label's colour (orange: red high, blue low). */
function labelPixels(canvas: Locator) {
  return canvas.evaluate((el: HTMLCanvasElement) => {
    const { data } = el.getContext('2d')!.getImageData(0, 0, el.width, el.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! - data[i + 2]! > 60) n++;
    return n;
  });
}

test('creates a set, draws on three images, survives a reload, exports, and deletes the set', async ({ page }, testInfo) => {
  test.setTimeout(150_000);
  const errors = collectErrors(page);
  const api = await connectApi();
  const stamp = Date.now();
  const out = mkdtempSync(join(tmpdir(), 'heatlab-e2e-annotate-'));
  let datasetId = 0;
  try {
    const gen = await finished(api, value(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 24 }, name: `e2e annotate data ${stamp}` })));
    datasetId = (gen.result as { datasetId: number }).datasetId;

    // A new set with one label, started empty.
    await page.goto(`${appUrl()}#/annotate`);
    await page.getByRole('link', { name: 'New annotation set' }).click();
    await page.getByRole('combobox', { name: 'Dataset' }).selectOption({ label: `e2e annotate data ${stamp} (24 images)` });
    await page.getByRole('textbox', { name: 'Name' }).fill(`e2e set ${stamp}`);
    await page.getByRole('textbox', { name: 'Annotator' }).fill('playwright');
    await page.getByRole('textbox', { name: 'Label 1' }).fill('shape');
    await page.getByRole('button', { name: 'Create set' }).click();
    await page.waitForURL(/#\/annotate\/\d+\/0$/);
    const setId = Number(/#\/annotate\/(\d+)\//.exec(page.url())![1]);
    await expect(page.getByRole('heading', { level: 1, name: `e2e set ${stamp}` })).toBeVisible();
    const progress = page.getByTestId('progress');
    await expect(progress).toContainText('0 / 24 annotated');
    const canvas = page.getByTestId('mask-canvas');
    const saved = page.getByTestId('save-status');
    await expect(canvas).toHaveAttribute('data-revision', /[1-9]/);

    // Image 0: a rectangle.
    await page.getByRole('radio', { name: /Rectangle/ }).click();
    await drag(page, canvas, [0.4, 0.4], [0.6, 0.6]);
    await expect(saved).toHaveAttribute('data-status', 'saved');
    await expect(progress).toContainText('1 / 24 annotated');
    expect(await labelPixels(canvas)).toBeGreaterThan(100);

    // Image 1 (→): a brush stroke, undone and redone with the keyboard.
    await page.keyboard.press('ArrowRight');
    await expect(page).toHaveURL(/#\/annotate\/\d+\/1$/);
    await page.getByRole('radio', { name: /Brush/ }).click();
    await drag(page, canvas, [0.3, 0.5], [0.7, 0.5]);
    await expect(progress).toContainText('2 / 24 annotated');
    await page.keyboard.press('Control+z');
    await expect(page.getByRole('button', { name: 'Redo' })).toBeEnabled();
    expect(await labelPixels(canvas)).toBe(0);
    await page.keyboard.press('Control+Shift+z');
    await expect(page.getByRole('button', { name: 'Redo' })).toBeDisabled();
    expect(await labelPixels(canvas)).toBeGreaterThan(20);

    // Image 2 (Page Down): a flood fill of the shape clicked in its middle.
    await page.keyboard.press('PageDown');
    await expect(page).toHaveURL(/#\/annotate\/\d+\/2$/);
    await page.getByRole('radio', { name: /Fill/ }).click();
    const box = (await canvas.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await expect(progress).toContainText('3 / 24 annotated');
    await expect(saved).toHaveAttribute('data-status', 'saved');

    // A reload comes back to image 2 with every stroke kept.
    await page.reload();
    await expect(page).toHaveURL(/#\/annotate\/\d+\/2$/);
    await expect(progress).toContainText('3 / 24 annotated');
    await expect.poll(() => labelPixels(canvas)).toBeGreaterThan(100);
    const masks = value(await api['annotations.masks']({ id: setId, indices: [0, 1, 2, 3] }));
    const [, h, w] = masks.shape;
    const marked = [0, 1, 2, 3].map((k) => masks.data.subarray(k * h * w, (k + 1) * h * w).reduce((n, v) => n + (v === 1 ? 1 : 0), 0));
    expect(marked[0]).toBeGreaterThan(10);
    expect(marked[1]).toBeGreaterThan(3);
    expect(marked[2]).toBeGreaterThan(10);
    expect(marked[3]).toBe(0);
    await page.keyboard.press('PageUp');
    await page.keyboard.press('PageUp');
    await expect(page).toHaveURL(/#\/annotate\/\d+\/0$/);
    await expect.poll(() => labelPixels(canvas)).toBeGreaterThan(100);
    const shot = testInfo.outputPath('annotate-editor.png');
    await page.screenshot({ path: shot });
    await testInfo.attach('annotate editor', { path: shot, contentType: 'image/png' });

    // Agreement with the generated object mask, on the three annotated images.
    await page.getByRole('button', { name: 'Compare' }).click();
    await expect(page.getByRole('table', { name: 'Agreement per image' }).locator('tbody tr')).toHaveCount(3);
    await expect(page.getByTestId('agreement-iou')).toHaveText(/^\d+\.\d %$/);

    // Export into a folder picked in the folder picker.
    await page.getByRole('button', { name: 'Export…' }).click();
    const path = page.getByRole('textbox', { name: 'Go to path' });
    await path.fill(out);
    await path.press('Enter');
    await expect(page.getByRole('listbox', { name: `Contents of ${out}` })).toBeVisible();
    await page.getByRole('button', { name: 'Choose this folder' }).click();
    await expect(page.getByTestId('export-message')).toContainText('Exported 3 masks');
    const [folder] = readdirSync(out);
    expect(readdirSync(join(out, folder!)).sort()).toEqual(['00000.png', '00001.png', '00002.png', 'indices.npy', 'labels.json', 'masks.npy']);
    const npy = decodeNpy(readFileSync(join(out, folder!, 'masks.npy')));
    expect(npy.shape).toEqual([3, h, w]);
    expect(Array.from(decodeNpy(readFileSync(join(out, folder!, 'indices.npy'))).data)).toEqual([0, 1, 2]);

    // The list shows the set's progress; it renames the set, and deleting it leaves the workspace as it was.
    await page.getByRole('link', { name: '← Annotation sets' }).click();
    const row = page.getByRole('row', { name: new RegExp(`e2e set ${stamp}`) });
    await expect(row).toContainText('3 / 24');
    await expect(row).toContainText('playwright');
    const list = testInfo.outputPath('annotate-list.png');
    await page.screenshot({ path: list });
    await testInfo.attach('annotation sets', { path: list, contentType: 'image/png' });
    await row.getByRole('button', { name: `Rename e2e set ${stamp}` }).click();
    await page.getByRole('textbox', { name: 'Set name' }).fill(`e2e renamed ${stamp}`);
    await page.getByRole('button', { name: 'Save' }).click();
    const renamed = page.getByRole('row', { name: new RegExp(`e2e renamed ${stamp}`) });
    await expect(renamed.getByRole('link', { name: `e2e renamed ${stamp}` })).toBeVisible();
    await renamed.getByRole('button', { name: `Delete e2e renamed ${stamp}` }).click();
    await page.getByRole('dialog', { name: `Delete “e2e renamed ${stamp}”?` }).getByRole('button', { name: 'Delete set' }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'No annotation sets yet' })).toBeVisible();
    expect(errors).toEqual([]);
  } finally {
    if (datasetId) await api['datasets.delete']({ id: datasetId });
    api.close();
    rmSync(out, { recursive: true, force: true });
  }
  expect(existsSync(out)).toBe(false);
});

test('says in one sentence when a stroke cannot be saved, and keeps it to try again', async ({ page }) => {
  const api = await connectApi();
  const stamp = Date.now();
  let datasetId = 0;
  try {
    const gen = await finished(api, value(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 8 }, name: `e2e annotate failure ${stamp}` })));
    datasetId = (gen.result as { datasetId: number }).datasetId;
    const set = value(await api['annotations.create']({ datasetId, name: `e2e doomed ${stamp}`, annotator: 'playwright', labels: ['x'] }));
    await page.goto(`${appUrl()}#/annotate/${set.id}/0`);
    const canvas = page.getByTestId('mask-canvas');
    await expect(canvas).toHaveAttribute('data-revision', /[1-9]/);
    // The set disappears behind the editor's back (another window deleted it): the save fails.
    value(await api['annotations.delete']({ id: set.id }));
    await page.getByRole('radio', { name: /Rectangle/ }).click();
    await drag(page, canvas, [0.3, 0.3], [0.7, 0.7]);
    await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'failed');
    await expect(page.getByRole('alert')).toContainText(`Image 0 could not be saved (There is no annotation set ${set.id}); your drawing is kept here and will be saved on the next try.`);
    expect(await labelPixels(canvas)).toBeGreaterThan(100);
  } finally {
    if (datasetId) await api['datasets.delete']({ id: datasetId });
    api.close();
  }
});

test('goes to a typed image number or a hash typed into the address bar, and says in one sentence when there is no such image', async ({ page }) => {
  const errors = collectErrors(page);
  const api = await connectApi();
  const stamp = Date.now();
  let datasetId = 0;
  try {
    const gen = await finished(api, value(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 12 }, name: `e2e annotate go to ${stamp}` })));
    datasetId = (gen.result as { datasetId: number }).datasetId;
    const set = value(await api['annotations.create']({ datasetId, name: `e2e go to ${stamp}`, annotator: 'playwright', labels: ['x'] }));
    await page.goto(`${appUrl()}#/annotate/${set.id}/0`);
    await expect(page.getByTestId('mask-canvas')).toHaveAttribute('data-revision', /[1-9]/);
    const where = page.getByRole('region', { name: 'Images' }).locator('.where strong');
    const number = page.getByRole('spinbutton', { name: 'Image number' });

    await number.fill('7');
    await page.getByRole('button', { name: 'Go', exact: true }).click();
    await expect(where).toHaveText('Image 7');
    await expect(page).toHaveURL(new RegExp(`#/annotate/${set.id}/7$`));

    await number.fill('12');
    await number.press('Enter');
    await expect(page.getByRole('alert')).toHaveText('There is no image 12: give an image number from 0 to 11.');
    await expect(where).toHaveText('Image 7');

    // The address bar, without a reload: an earlier image, then one that does not exist.
    await page.evaluate((id) => (window.location.hash = `#/annotate/${id}/2`), set.id);
    await expect(where).toHaveText('Image 2');
    await expect(page.getByRole('alert')).toHaveCount(0);
    await page.evaluate((id) => (window.location.hash = `#/annotate/${id}/0`), set.id);
    await expect(where).toHaveText('Image 0');
    await page.evaluate((id) => (window.location.hash = `#/annotate/${id}/2817`), set.id);
    await expect(page.getByRole('alert')).toHaveText('There is no image 2817: give an image number from 0 to 11.');
    await expect(page).toHaveURL(new RegExp(`#/annotate/${set.id}/0$`));
    expect(errors).toEqual([]);
  } finally {
    if (datasetId) await api['datasets.delete']({ id: datasetId });
    api.close();
  }
});

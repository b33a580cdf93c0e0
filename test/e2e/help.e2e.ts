// Issue 15, item 12: help inside the app — the Help view with its contents, search and deep links;
// the "?" beside each method and metric; the jargon explained on hover and focus; the keyboard
// shortcuts on "?".
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { helpEntries, parseHelpDoc, helpDocKeys } from '../../renderer/lib/help/help-docs.js';
import { appUrl } from './env.js';
import { collectErrors, connectApi, finished, trainModel, value } from './e2e-api.js';

// The e2e loader reads files itself (the app bundles them with vite's ?raw).
const docs = helpDocKeys.map((key) => parseHelpDoc(key, readFileSync(`resources/help/${key}.md`, 'utf8')));
const entries = helpEntries(docs);

test('opens Help from the navigation, narrows it by a search and scrolls a deep link to its entry', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  await page.goto(`${appUrl()}#/data`);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Help', exact: true }).click();
  await expect(page).toHaveURL(/#\/help$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Help' })).toBeVisible();
  const shown = page.getByTestId('help-entry');
  await expect(shown).toHaveCount(entries.length);
  const contents = page.getByRole('navigation', { name: 'Help contents' });
  for (const doc of docs) await expect(contents.getByRole('link', { name: doc.title, exact: true })).toBeVisible();
  await expect(contents.getByRole('link', { name: 'Keyboard shortcuts' })).toBeVisible();

  // A search keeps the entries that mention every word, and says how many.
  await page.getByRole('searchbox', { name: 'Search help' }).fill('wilcoxon holm');
  const expected = entries.filter((e) => e.haystack.includes('wilcoxon') && e.haystack.includes('holm'));
  expect(expected.length).toBeGreaterThan(0);
  await expect(shown).toHaveCount(expected.length);
  await expect(page.getByText(expected.length === 1 ? '1 entry matches' : `${expected.length} entries match`)).toBeVisible();
  for (const entry of await shown.all()) await expect(entry).toContainText(/wilcoxon/i);
  await page.screenshot({ path: testInfo.outputPath('help-search.png') });
  await page.getByRole('searchbox', { name: 'Search help' }).fill('no-such-word-anywhere');
  await expect(shown).toHaveCount(0);
  await expect(page.getByRole('status')).toContainText('Nothing in Help mentions “no-such-word-anywhere”');

  // A deep link to something the search hides clears the search and brings the entry into view.
  await page.goto(`${appUrl()}#/help/aopc`);
  const aopc = page.locator('#help-aopc');
  await expect(aopc).toBeInViewport();
  await expect(aopc).toHaveClass(/current/);
  await expect(aopc.getByRole('heading', { name: /^AOPC/ })).toBeFocused();
  await expect(aopc).toContainText('Area Over the Perturbation Curve');
  // A link inside an entry leads to another entry of Help.
  await aopc.getByRole('link', { name: 'Region perturbation' }).click();
  await expect(page).toHaveURL(/#\/help\/region-perturbation$/);
  await expect(page.locator('#help-region-perturbation')).toBeInViewport();
  await page.screenshot({ path: testInfo.outputPath('help-entry.png') });
  expect(errors).toEqual([]);
});

test('opens the Help entry of a method from Explain and of a metric from Evaluate, explains jargon on hover and focus, and keeps the forms', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const errors = collectErrors(page);
  const api = await connectApi();
  const stamp = Date.now();
  const created = { dataset: 0, model: 0, runs: [] as number[] };
  try {
    await trainModel(api, created, 'e2e help', stamp, 300, 1);
    const explained = await finished(api, value(await api['explain.start']({ modelId: created.model, datasetId: created.dataset, images: { split: 'test', pick: 'first', n: 4 }, methods: [{ id: 'gradient' }] })));
    created.runs = (explained.result as { runIds: number[] }).runIds;

    // Explain: tick Integrated Gradients, then its "?" opens its entry; Back returns to the form as it was.
    await page.goto(`${appUrl()}#/explain`);
    await page.getByRole('combobox', { name: 'Model' }).selectOption({ label: `e2e help model ${stamp}` });
    const ig = page.getByRole('checkbox', { name: /^Integrated Gradients/ });
    await ig.check();
    await page.getByRole('link', { name: 'Help: Integrated Gradients' }).first().click();
    await expect(page).toHaveURL(/#\/help\/integrated-gradients$/);
    const entry = page.locator('#help-integrated-gradients');
    await expect(entry).toBeInViewport();
    await expect(entry.getByRole('heading', { name: /^Integrated Gradients/ })).toBeVisible();
    await expect(entry.getByRole('cell', { name: 'steps', exact: true })).toBeVisible();
    await page.goBack();
    await expect(page).toHaveURL(/#\/explain$/);
    await expect(page.getByRole('checkbox', { name: /^Integrated Gradients/ })).toBeChecked();
    await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue(String(created.model));

    // Hovering the z⁺ of "LRP z⁺" shows what the rule is; moving away hides it.
    const zPlus = page.locator('[data-term="z-plus"]').first();
    await zPlus.hover();
    const tooltip = page.getByRole('tooltip');
    await expect(tooltip).toBeVisible();
    await expect(tooltip).toContainText('z⁺ rule: LRP rule that shares relevance only among positive contributions');
    expect(await zPlus.getAttribute('aria-describedby')).toBe(await tooltip.getAttribute('id'));
    await page.screenshot({ path: testInfo.outputPath('help-term-hover.png') });
    await page.mouse.move(5, 840);
    await expect(tooltip).toBeHidden();

    // Keyboard focus on a parameter's label term (Integrated Gradients' baseline) shows it too; Esc hides it.
    const baseline = page.getByRole('region', { name: 'Integrated Gradients parameters' }).locator('[data-term="baseline"]', { hasText: /^Baseline$/ });
    await baseline.focus();
    await expect(page.getByRole('tooltip')).toContainText('Baseline: The image that means "no information"');
    await page.keyboard.press('Escape');
    await expect(page.getByRole('tooltip')).toBeHidden();

    // Evaluate: a metric's "?" opens its entry, and the form keeps the metrics chosen.
    await page.goto(`${appUrl()}#/evaluate`);
    await page.getByRole('combobox', { name: 'Model' }).selectOption({ label: `e2e help model ${stamp}` });
    await expect(page.getByRole('checkbox', { name: /^Region perturbation, MoRF/ })).toBeChecked();
    await page.getByRole('checkbox', { name: /^Insertion \(AUC\)/ }).check();
    await page.getByRole('link', { name: 'Help: Pointing game' }).click();
    await expect(page).toHaveURL(/#\/help\/pointing-game$/);
    await expect(page.locator('#help-pointing-game')).toBeInViewport();
    await expect(page.locator('#help-pointing-game')).toContainText('Zhang, Bargal, Lin, Brandt, Shen & Sclaroff 2018');
    await page.goBack();
    await expect(page).toHaveURL(/#\/evaluate$/);
    await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue(String(created.model));
    await expect(page.getByRole('checkbox', { name: /^Insertion \(AUC\)/ })).toBeChecked();
    await expect(page.getByRole('checkbox', { name: /^Region perturbation, MoRF/ })).toBeChecked();
    // The AOPC of a metric's name is explained where the name is.
    await page.locator('[data-term="aopc"]').first().hover();
    await expect(page.getByRole('tooltip')).toContainText('AOPC: Area Over the Perturbation Curve');
    expect(errors).toEqual([]);
  } finally {
    for (const id of created.runs) await api['explanations.delete']({ id });
    if (created.model) await api['models.delete']({ id: created.model });
    if (created.dataset) await api['datasets.delete']({ id: created.dataset });
    api.close();
  }
});

test('"?" opens the keyboard shortcuts, keeps the focus inside, and Escape closes them and returns the focus', async ({ page }, testInfo) => {
  const errors = collectErrors(page);
  await page.goto(`${appUrl()}#/engine`);
  const models = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Models' });
  await models.focus();
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  expect(await dialog.evaluate((d) => d.matches(':modal'))).toBe(true);
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
  await expect(dialog.getByRole('heading', { name: 'Annotate: editor' })).toBeVisible();
  await expect(dialog.getByRole('row', { name: /B\s+Brush tool/ })).toBeVisible();
  await expect(dialog.getByRole('row', { name: /Enter or Space\s+Compare the image’s methods large/ })).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('link', { name: 'Help' })).toBeFocused();
  await page.screenshot({ path: testInfo.outputPath('help-shortcuts.png') });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(models).toBeFocused();

  // "?" typed into a text field is text, not a shortcut.
  await page.goto(`${appUrl()}#/help`);
  const search = page.getByRole('searchbox', { name: 'Search help' });
  await search.click();
  await page.keyboard.type('what?');
  await expect(search).toHaveValue('what?');
  await expect(dialog).toBeHidden();
  expect(errors).toEqual([]);
});

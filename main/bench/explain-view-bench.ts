// The Explain view's speed in the real UI (issue 6): browser mode with a fresh workspace, Chromium
// driven through Playwright's library, a grid of 100 images × 12 heatmaps of 64×64 px. Measures the
// first full render, re-rendering the visible cells after a colormap or normalisation change, and
// frame times while scrolling.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import type { Job } from '../../shared/jobs.js';
import { connectWebSocketApi, type WebSocketApi, type WebSocketConstructor } from '../../shared/ws-client.js';
import { atLeast, atMost, record } from './table.js';

const AREA = 'explain view';
// Six graph methods explaining both classes give 12 heatmaps per image.
const METHODS = ['gradient', 'gradient-x-input', 'guided-backprop', 'deconvnet', 'grad-cam', 'guided-grad-cam'];

async function done(api: WebSocketApi, job: Job): Promise<Job> {
  for (;;) {
    const r = await api['jobs.get']({ id: job.id });
    if (!r.ok) throw new Error(r.error.message);
    if (r.value.status !== 'queued' && r.value.status !== 'running') {
      if (r.value.status !== 'done') throw new Error(`${r.value.label} ${r.value.status}: ${r.value.error?.message ?? ''}`);
      return r.value;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function ok<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

export async function benchExplainView(): Promise<void> {
  const chromiumPath = process.env.HEATLAB_CHROMIUM ?? '/usr/bin/chromium';
  let playwright: typeof import('@playwright/test');
  try {
    playwright = await import('@playwright/test');
  } catch {
    console.error('  explain view: skipped — install the dev dependencies (npm ci) for Playwright.');
    return;
  }
  if (!existsSync(chromiumPath)) {
    console.error(`  explain view: skipped — Chromium is not at ${chromiumPath} (apt-get install -y chromium, or set HEATLAB_CHROMIUM).`);
    return;
  }
  const workspace = mkdtempSync(join(tmpdir(), 'heatlab-bench-view-'));
  const server = spawn(process.execPath, [join(dirname(process.argv[1]!), 'cli.cjs'), 'serve', '--json'], { env: { ...process.env, HEATLAB_HOME: workspace }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: server.stdout! }).once('line', resolve);
      server.once('exit', (code) => reject(new Error(`heatlab serve exited with code ${code}.`)));
    });
    const url = new URL((JSON.parse(line) as { url: string }).url);
    const api = await connectWebSocketApi(`ws://${url.host}/api?token=${url.searchParams.get('token')}`, WebSocket as unknown as WebSocketConstructor);
    try {
      const gen = await done(api, ok(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: 400, size: 64 } })));
      const datasetId = (gen.result as { datasetId: number }).datasetId;
      const train = await done(api, ok(await api['models.train']({ datasetId, training: { epochs: 1 } })));
      const modelId = (train.result as { modelId: number }).modelId;
      const explained = await done(api, ok(await api['explain.start']({ modelId, datasetId, images: { split: 'all', pick: 'first', n: 100 }, methods: METHODS.map((id) => ({ id })), target: 'all' })));
      const runIds = (explained.result as { runIds: number[] }).runIds;
      await measureUi(playwright, chromiumPath, `${url.origin}/?token=${url.searchParams.get('token')}#/explain/runs/${runIds.join(',')}`);
    } finally {
      api.close();
    }
  } finally {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
    rmSync(workspace, { recursive: true, force: true });
  }
}

// Page-side code as source text: main is compiled without the DOM's types.
/**
 * The grid is complete: all 12 columns, and every row that shows in the grid's viewport has each of
 * its cells' heatmaps (none waiting) drawn on its canvas. Rows kept just outside the viewport for
 * scrolling do not count. Checked at each frame; answers that frame's time since navigation began
 * (the page's time origin), else false.
 */
const GRID_DRAWN = `(() => {
  const grid = document.querySelector('[data-testid="heatmap-grid"]');
  if (grid?.getAttribute('data-cols') !== '12') return false;
  const view = grid.getBoundingClientRect();
  const rows = [...grid.querySelectorAll('[role="row"]')].filter((row) => {
    const box = row.getBoundingClientRect();
    return row.querySelector('[data-testid="heat-row"]') && box.bottom > view.top && box.top < view.bottom;
  });
  const drawn = rows.length > 0 && rows.every((row) => {
    const cells = row.querySelectorAll('[role="gridcell"]').length;
    return row.querySelectorAll('[aria-busy="true"]').length === 0 && row.querySelector('[data-testid="heat-row"]').dataset.drawn === String(cells);
  });
  return drawn && performance.now();
})()`;

const ALL_LOADED = `!document.querySelector('[data-testid="loading-rows"]') && document.querySelector('[data-testid="row-count"]')?.textContent.startsWith('100 of 100')`;

/** Milliseconds from a select's change to the second animation frame after it (the redraw is on screen). */
const rerenderScript = (selector: string, value: string) => `(async () => {
  const select = document.querySelector(${JSON.stringify(selector)});
  const t0 = performance.now();
  select.value = ${JSON.stringify(value)};
  select.dispatchEvent(new Event('change', { bubbles: true }));
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  return performance.now() - t0;
})()`;

const SCROLL_FRAMES = `(async () => {
  const grid = document.querySelector('[data-testid="heatmap-grid"]');
  const times = [];
  let last = performance.now();
  for (let k = 0; k < 180; k++) {
    grid.scrollTop += 40;
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const now = performance.now();
    times.push(now - last);
    last = now;
  }
  return times;
})()`;

/** Fresh browsers the first render is timed in; the median is the figure (single starts vary by about 15 % here). */
const COLD_STARTS = 5;

async function measureUi(playwright: typeof import('@playwright/test'), executablePath: string, url: string): Promise<void> {
  // As playwright.config.ts launches it: without the address-bar popup that Chromium pre-renders at
  // start (a browser's own page, which Electron does not have), so the browser's start-up does not
  // take the CPU from the app being measured.
  const launch = () =>
    playwright.chromium.launch({
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup'],
    });
  // The page scripts are source text, which the app's CSP (no eval) would refuse.
  const open = async (browser: import('@playwright/test').Browser) => browser.newPage({ viewport: { width: 1600, height: 1000 }, bypassCSP: true });
  // The frame in which the grid fills the viewport with every cell drawn, timed in the page: waiting
  // for the answer to reach this process could otherwise count the next chunk's loading too.
  const drawn = async (page: import('@playwright/test').Page) => (await (await page.waitForFunction(GRID_DRAWN, undefined, { timeout: 120_000, polling: 'raf' })).jsonValue()) as number;
  const colds: number[] = [];
  for (let k = 1; k < COLD_STARTS; k++) {
    const browser = await launch();
    try {
      const page = await open(browser);
      await page.goto(url);
      colds.push(await drawn(page));
    } finally {
      await browser.close();
    }
  }
  const browser = await launch();
  try {
    const page = await open(browser);
    const start = Date.now();
    await page.goto(url);
    colds.push(await drawn(page));
    const cold = colds.toSorted((a, b) => a - b);
    record({ area: AREA, measure: `first render, 100 images × 12 heatmaps of 64×64: navigation to the frame with the visible cells drawn (median of ${COLD_STARTS} fresh browsers)`, value: cold[(COLD_STARTS - 1) >> 1]! / 1000, unit: 's', target: atMost(1) });
    record({ area: AREA, measure: `first render, slowest of the ${COLD_STARTS} fresh browsers`, value: cold.at(-1)! / 1000, unit: 's' });
    record({ area: AREA, measure: 'first render as the bench process sees it (navigation asked to the answer received, last browser)', value: (Date.now() - start) / 1000, unit: 's' });
    await page.waitForFunction(ALL_LOADED, undefined, { timeout: 120_000, polling: 'raf' });
    record({ area: AREA, measure: 'navigation to all 1,200 heatmaps loaded', value: (Date.now() - start) / 1000, unit: 's' });
    // The same page loaded again in a warm browser (its code cached and compiled): how much of the
    // first render is the browser's cold start rather than the app's loading.
    await page.reload();
    const warmAt = await drawn(page);
    record({ area: AREA, measure: 'first render again after a reload (warm browser)', value: warmAt / 1000, unit: 's' });
    await page.waitForFunction(ALL_LOADED, undefined, { timeout: 120_000, polling: 'raf' });

    const rerender = async (selector: string, value: string) => (await page.evaluate(rerenderScript(selector, value))) as number;
    record({ area: AREA, measure: 'colormap change, visible cells redrawn', value: await rerender('select:has(option[value="viridis"])', 'viridis'), unit: 'ms', target: atMost(150) });
    record({ area: AREA, measure: 'normalisation change to global, visible cells redrawn', value: await rerender('[data-testid="norm-mode"]', 'global'), unit: 'ms', target: atMost(150) });

    const frames = (await page.evaluate(SCROLL_FRAMES)) as number[];
    const sorted = frames.toSorted((a, b) => a - b);
    const mean = frames.reduce((s, t) => s + t, 0) / frames.length;
    record({ area: AREA, measure: 'scrolling, mean frame time', value: mean, unit: 'ms' });
    record({ area: AREA, measure: 'scrolling, 95th percentile frame time', value: sorted[Math.floor(0.95 * (sorted.length - 1))]!, unit: 'ms' });
    record({ area: AREA, measure: 'scrolling, frames per second', value: 1000 / mean, unit: 'fps', target: atLeast(60) });

    // Opening the grid from inside the running app, as a click on a run does: a navigation within
    // the page, the grid's code already loaded, its rows fetched afresh.
    const hash = new URL(url).hash;
    await page.evaluate(`location.hash = '#/explain'`);
    // The Explain page has listed the runs, and a moment passes, as before a person's click.
    await page.waitForFunction(`document.querySelectorAll('#history-title ~ * table tbody tr, section[aria-labelledby="history-title"] tbody tr').length >= 6`);
    await page.waitForTimeout(500);
    const opened = (await page.evaluate(`(() => { const t = performance.now(); location.hash = ${JSON.stringify(hash)}; return t; })()`)) as number;
    record({ area: AREA, measure: 'opening the grid from the Explain page in the running app, to the frame with the visible cells drawn', value: ((await drawn(page)) - opened) / 1000, unit: 's' });
  } finally {
    await browser.close();
  }
}

// What the e2e tests share: the renderer's own API from the test process, waiting for jobs, the
// page's errors, and dragging on a canvas.
import type { Locator, Page } from '@playwright/test';
import WebSocket from 'ws';
import type { Job } from '../../shared/jobs.js';
import type { Study } from '../../shared/studies.js';
import { connectWebSocketApi, type WebSocketApi, type WebSocketConstructor } from '../../shared/ws-client.js';
import { appUrl } from './env.js';

/**
 * Playwright's trace recorder (trace: 'retain-on-failure') injects its snapshot script into every
 * frame; a study report's frame, sandboxed without scripts, refuses it — the sandbox working, not an error of the app.
 */
const traceRefused = /^Blocked script execution in 'about:srcdoc' because the document's frame is sandboxed and the 'allow-scripts' permission is not set\.$/;

export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && !traceRefused.test(m.text()) && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** The same API the renderer uses, from the test process. */
export async function connectApi(): Promise<WebSocketApi> {
  const url = new URL(appUrl());
  return connectWebSocketApi(`ws://${url.host}/api?token=${url.searchParams.get('token')}`, WebSocket as unknown as WebSocketConstructor);
}

export async function finished(api: WebSocketApi, job: Job): Promise<Job> {
  for (;;) {
    const r = await api['jobs.get']({ id: job.id });
    if (!r.ok) throw new Error(r.error.message);
    if (!['queued', 'running'].includes(r.value.status)) return r.value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * A generated Triangles & Squares dataset ("<label> data <stamp>") and a model trained on it
 * ("<label> model <stamp>"), through the API; `created` learns each id as soon as it exists, for
 * the test's clean-up.
 */
export async function trainModel(api: WebSocketApi, created: { dataset: number; model: number }, label: string, stamp: number, images: number, epochs: number): Promise<void> {
  const gen = await finished(api, value(await api['datasets.generate']({ generator: 'triangles-squares', params: { count: images }, name: `${label} data ${stamp}` })));
  created.dataset = (gen.result as { datasetId: number }).datasetId;
  const train = await finished(api, value(await api['models.train']({ datasetId: created.dataset, name: `${label} model ${stamp}`, training: { epochs } })));
  created.model = (train.result as { modelId: number }).modelId;
}

/**
 * A study over an existing dataset and model — one method on four test images, one metric against the
 * generated object masks — made and run through the API until it stops; a page to look at, cheaply.
 */
export async function runSmallStudy(api: WebSocketApi, name: string, datasetId: number, modelId: number): Promise<Study> {
  const plan = {
    name,
    question: 'Does the gradient put its relevance on the shape?',
    datasets: [{ kind: 'existing', datasetId, models: [{ kind: 'existing', modelId }] }],
    methods: [{ id: 'gradient' }, { id: 'random' }],
    images: { split: 'test', pick: 'first', n: 4 },
    groundTruths: [{ kind: 'generated', mask: 'object' }],
    metrics: [{ id: 'relevance-mass-accuracy' }],
    resamples: 100,
  };
  const study = value(await api['studies.create']({ plan }));
  value(await api['studies.run']({ id: study.id }));
  for (;;) {
    const now = value(await api['studies.get']({ id: study.id }));
    if (now.status !== 'running') return now;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export function value<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Drags on an element between two points given as fractions of its box, in a few steps. */
export async function drag(page: Page, target: Locator, from: [number, number], to: [number, number]): Promise<void> {
  const box = (await target.boundingBox())!;
  await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * ((from[0] + to[0]) / 2), box.y + box.height * ((from[1] + to[1]) / 2), { steps: 4 });
  await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1], { steps: 4 });
  await page.mouse.up();
}

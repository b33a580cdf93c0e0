// What the Explain view's e2e tests share: the renderer's own API from the test process, waiting
// for jobs, and the page's errors.
import type { Page } from '@playwright/test';
import WebSocket from 'ws';
import type { Job } from '../../shared/jobs.js';
import { connectWebSocketApi, type WebSocketApi, type WebSocketConstructor } from '../../shared/ws-client.js';
import { appUrl } from './env.js';

export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
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

export function value<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

// Jobs end to end: the real job service, catalogue and compute host (dist/main/host.cjs) on a fresh
// temporary workspace for every test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Api } from '../../shared/api.js';
import type { EngineCheckResult } from '../../shared/engine.js';
import type { Result } from '../../shared/errors.js';
import type { Job, JobProgressEvent } from '../../shared/jobs.js';
import { createInProcessApi } from '../../main/api/in-process.js';
import { openCatalogue } from '../../main/catalogue/database.js';
import { JobsRepository } from '../../main/catalogue/jobs-repository.js';
import { forkHostLauncher } from '../../main/jobs/host-launcher.js';
import { ProgressReporter } from '../../main/jobs/host/progress.js';
import { openHeatlab, type Heatlab } from '../../main/app/heatlab.js';
import { catalogueFileName } from '../../main/workspace/workspace.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'heatlab-jobs-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function start(workspaceDir = tempDir()): { heatlab: Heatlab; api: Api } {
  const heatlab = openHeatlab({ workspaceDir, mode: 'cli' });
  cleanups.push(() => heatlab.close());
  return { heatlab, api: createInProcessApi(heatlab.router, heatlab.events) };
}

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`Expected success, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** Resolves with the first event payload that satisfies `test`. */
function nextEvent<E extends 'job.updated' | 'job.progress' | 'job.finished'>(
  api: Api,
  event: E,
  test: (payload: E extends 'job.progress' ? JobProgressEvent : Job) => boolean,
): Promise<E extends 'job.progress' ? JobProgressEvent : Job> {
  return new Promise((resolve) => {
    const off = api.on(event, (payload) => {
      const p = payload as E extends 'job.progress' ? JobProgressEvent : Job;
      if (!test(p)) return;
      off();
      resolve(p);
    });
  });
}

const finished = (api: Api, id: number) => nextEvent(api, 'job.finished', (j) => j.id === id);
/** The job has started on the host and reported its first progress. */
const running = (api: Api, id: number) => nextEvent(api, 'job.progress', (p) => p.jobId === id);

/** An unused process id: one that has just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  expect(child.pid).toBeGreaterThan(0);
  return child.pid!;
}

describe('progress throttling in the compute host', () => {
  it('sends the first report, then at most one per 100 ms, and the completing report at once but only once', () => {
    let now = 0;
    const sent: [number, number][] = [];
    const reporter = new ProgressReporter((p) => sent.push([now, p.done]), () => now);
    // A job that reports every 10 ms for 1 s, then keeps reporting completion for another 300 ms.
    for (let step = 0; step <= 130; step++) {
      now = step * 10;
      reporter.report(Math.min(step, 100), 100, 'working');
    }
    expect(sent[0]).toEqual([0, 0]);
    for (let i = 1; i < sent.length; i++) {
      const gap = sent[i]![0] - sent[i - 1]![0];
      if (sent[i]![1] === 100 && sent[i - 1]![1] !== 100) continue; // the completing report
      expect(gap).toBeGreaterThanOrEqual(100);
    }
    expect(sent.filter(([t, done]) => done === 100 && t === 1000)).toHaveLength(1);
    // 0, 100, …, 900: ten throttled reports, the completion at 1000, then one per 100 ms after it.
    expect(sent.map(([t]) => t)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1300]);
    expect(reporter.last).toMatchObject({ done: 100, total: 100, fraction: 1, message: 'working', unit: 'steps' });
  });
});

describe('the engine check job', () => {
  it('runs to done through queued and running, with progress at most 10 times a second and a passing result', async () => {
    const { heatlab, api } = start();
    const updates: Job[] = [];
    const progress: { at: number; event: JobProgressEvent }[] = [];
    api.on('job.updated', (j) => updates.push(j));
    api.on('job.progress', (event) => progress.push({ at: performance.now(), event }));

    const job = value(await api['engine.check']({ seconds: 2 }));
    expect(job).toMatchObject({ kind: 'engine.check', label: 'Engine check', status: 'queued', params: { seconds: 2 }, result: null });
    const done = await finished(api, job.id);

    expect(done.status).toBe('done');
    expect(done.error).toBeNull();
    expect(updates.filter((j) => j.id === job.id).map((j) => j.status)).toEqual(['queued', 'running']);
    expect(done.startedAt! >= done.createdAt).toBe(true);
    expect(done.finishedAt! >= done.startedAt!).toBe(true);

    // Progress: for this job only, never backwards, ending complete, throttled.
    expect(progress.length).toBeGreaterThan(2);
    const fractions = progress.map((p) => p.event.progress.fraction);
    expect(progress.every((p) => p.event.jobId === job.id && p.event.kind === 'engine.check')).toBe(true);
    expect(fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= fractions[i - 1]!))).toBe(true);
    expect(progress.at(-1)!.event.progress).toMatchObject({ done: 2, total: 2, fraction: 1, unit: 's' });
    // The host spaces reports ≥ 100 ms apart (the fake-clock test above pins that exactly); here,
    // where IPC delivery can bunch them under load, count them over the whole run instead: at most
    // 10 per second, plus the report that completes the work and the final flush.
    const seconds = (Date.parse(done.finishedAt!) - Date.parse(done.startedAt!)) / 1000;
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(10 * seconds) + 3);

    const result = done.result as EngineCheckResult;
    expect(result.passed).toBe(true);
    // float32 against float64 references: a 128-term dot product of values in [-1, 1] and a tiny CNN.
    expect(result.tfjs.maxAbsError).toBeLessThan(1e-3);
    expect(result.ort.maxAbsError).toBeLessThan(1e-4);
    expect(result.tfjs.size).toBe(128);
    expect(result.tfjs.runs).toBeGreaterThanOrEqual(5);
    expect(result.ort.runs).toBeGreaterThanOrEqual(5);
    expect(result.engines.hostPid).toBe(heatlab.jobs.hostPid);

    const stored = value(await api['jobs.get']({ id: job.id }));
    expect(stored).toEqual(done);
    expect(stored.progress).toEqual(progress.at(-1)!.event.progress);
  });

  it('cancels a running job, which stops before finishing its work', async () => {
    const { api } = start();
    const job = value(await api['engine.check']({ seconds: 30 }));
    await running(api, job.id);
    const whenFinished = finished(api, job.id);
    const answer = value(await api['jobs.cancel']({ id: job.id }));
    expect(answer.id).toBe(job.id);
    const done = await whenFinished;
    expect(done.status).toBe('cancelled');
    expect(done.error?.code).toBe('cancelled');
    expect(done.result).toBeNull();
    expect(done.progress!.fraction).toBeLessThan(1);
  });

  it('cancels a queued job without ever starting it', async () => {
    const { api } = start();
    const long = value(await api['engine.check']({ seconds: 30 }));
    const queued = value(await api['engine.check']({ seconds: 0 }));
    const whenFinished = finished(api, queued.id);
    const cancelled = value(await api['jobs.cancel']({ id: queued.id }));
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.error?.code).toBe('cancelled');
    expect((await whenFinished).status).toBe('cancelled');
    expect(cancelled.startedAt).toBeNull();

    await running(api, long.id);
    const longFinished = finished(api, long.id);
    value(await api['jobs.cancel']({ id: long.id }));
    expect((await longFinished).status).toBe('cancelled');
    expect(value(await api['jobs.get']({ id: queued.id })).startedAt).toBeNull();
  });

  it('refuses to cancel a finished job with conflict, and an unknown one with not_found', async () => {
    const { api } = start();
    const job = value(await api['engine.check']({}));
    expect((await finished(api, job.id)).status).toBe('done');
    const again = await api['jobs.cancel']({ id: job.id });
    expect(again).toEqual({ ok: false, error: { code: 'conflict', message: `Job ${job.id} has already finished (done).` } });
    expect(value(await api['jobs.get']({ id: job.id })).status).toBe('done');
    const missing = await api['jobs.cancel']({ id: 9999 });
    expect(missing.ok ? null : missing.error.code).toBe('not_found');
  });
});

describe('when the compute host dies', () => {
  it('fails the running job as interrupted, naming the signal, and runs the next job on a new host', async () => {
    const { heatlab, api } = start();
    const long = value(await api['engine.check']({ seconds: 30 }));
    await running(api, long.id);
    const killedPid = heatlab.jobs.hostPid!;
    expect(killedPid).toBeGreaterThan(0);
    const whenFinished = finished(api, long.id);
    process.kill(killedPid, 'SIGKILL');

    const failed = await whenFinished;
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('interrupted');
    expect(failed.error?.message).toContain('SIGKILL');
    // Not "it has been restarted": with nothing queued, no host runs until the next job.
    expect(failed.error?.message).toMatch(/; a new one will start with the next job\.$/);
    expect(heatlab.jobs.hostPid).toBeUndefined();
    expect(failed.result).toBeNull();

    const next = value(await api['engine.check']({}));
    const done = await finished(api, next.id);
    expect(done.status).toBe('done');
    expect((done.result as EngineCheckResult).passed).toBe(true);
    expect(heatlab.jobs.hostPid).toBeGreaterThan(0);
    expect(heatlab.jobs.hostPid).not.toBe(killedPid);
    expect((done.result as EngineCheckResult).engines.hostPid).toBe(heatlab.jobs.hostPid);
  });
});

describe('closing Heatlab', () => {
  it('marks the running job interrupted, not cancelled by the user, and cancels what is queued', async () => {
    const dir = tempDir();
    const heatlab = openHeatlab({ workspaceDir: dir, mode: 'cli' });
    const api = createInProcessApi(heatlab.router, heatlab.events);
    const long = value(await api['engine.check']({ seconds: 30 }));
    const queued = value(await api['engine.check']({}));
    await running(api, long.id);
    await heatlab.close();

    const { api: reopened } = start(dir);
    const stopped = value(await reopened['jobs.get']({ id: long.id }));
    expect(stopped.status).toBe('interrupted');
    expect(stopped.error?.code).toBe('interrupted');
    expect(stopped.error?.message).toMatch(/closed/);
    const never = value(await reopened['jobs.get']({ id: queued.id }));
    expect(never.status).toBe('cancelled');
    expect(never.startedAt).toBeNull();
  });
});

describe('a compute host that cannot start', () => {
  it('fails the job as engine_unavailable with the reason, and reports the engines as unavailable', async () => {
    const dir = tempDir();
    const broken = join(dir, 'broken-host.cjs');
    writeFileSync(broken, 'process.exit(3);\n');
    const heatlab = openHeatlab({ workspaceDir: join(dir, 'workspace'), mode: 'cli', launcher: forkHostLauncher(broken) });
    cleanups.push(() => heatlab.close());
    const api = createInProcessApi(heatlab.router, heatlab.events);

    const job = value(await api['engine.check']({}));
    const failed = await finished(api, job.id);
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('engine_unavailable');
    expect(failed.error?.message).toContain('exit code 3');
    expect(failed.error?.message).not.toMatch(/restarted/);

    const info = value(await api['app.info']({}));
    expect(info.engines).toBeNull();
    expect(info.enginesError).toContain('exit code 3');
  });
});

describe('opening a workspace again', () => {
  it('marks jobs left queued or running by a process that has gone as interrupted', async () => {
    const dir = tempDir();
    const catalogue = openCatalogue(join(dir, catalogueFileName));
    const repo = new JobsRepository(catalogue.db);
    const pid = deadPid();
    const wasRunning = repo.create('engine.check', { seconds: 5 }, pid);
    repo.markRunning(wasRunning.id);
    const wasQueued = repo.create('engine.check', { seconds: 0 }, pid);
    const wasDone = repo.create('engine.check', { seconds: 0 }, pid);
    repo.finish(wasDone.id, 'done', { result: { passed: true } });
    catalogue.close();

    const { api } = start(dir);
    const running = value(await api['jobs.get']({ id: wasRunning.id }));
    expect(running.status).toBe('interrupted');
    expect(running.error?.code).toBe('interrupted');
    expect(running.error?.message).toMatch(/running/);
    expect(running.finishedAt).not.toBeNull();
    const queued = value(await api['jobs.get']({ id: wasQueued.id }));
    expect(queued.status).toBe('interrupted');
    expect(value(await api['jobs.get']({ id: wasDone.id }))).toMatchObject({ status: 'done', result: { passed: true }, error: null });
  });
});

describe('listing jobs', () => {
  it('filters by status and cuts at the limit, newest first', async () => {
    const { api } = start();
    const first = value(await api['engine.check']({}));
    const second = value(await api['engine.check']({}));
    const third = value(await api['engine.check']({ seconds: 0 }));
    value(await api['jobs.cancel']({ id: third.id }));
    await finished(api, second.id);

    const all = value(await api['jobs.list']({}));
    expect(all.map((j) => [j.id, j.status])).toEqual([
      [third.id, 'cancelled'],
      [second.id, 'done'],
      [first.id, 'done'],
    ]);
    expect(value(await api['jobs.list']({ status: ['done'] })).map((j) => j.id)).toEqual([second.id, first.id]);
    expect(value(await api['jobs.list']({ status: ['done'], limit: 1 })).map((j) => j.id)).toEqual([second.id]);
    expect(value(await api['jobs.list']({ status: ['cancelled', 'failed'] })).map((j) => j.id)).toEqual([third.id]);
    expect(value(await api['jobs.list']({ status: ['running'] }))).toEqual([]);
    expect(value(await api['jobs.list']({ limit: 2 })).map((j) => j.id)).toEqual([third.id, second.id]);
  });
});

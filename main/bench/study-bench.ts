// The Samek et al. 2017 template at its default (small) size, end to end on this machine (issue
// 16): made, run on a fresh workspace through the Api as the Studies view would, each step's job
// timed, then its report generated (HTML, and a PDF when a Chromium is found) and its
// reproducibility bundle written.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unwrap } from '../app/cli-support.js';
import { openHeatlab } from '../app/heatlab.js';
import { createInProcessApi } from '../api/in-process.js';
import { findChromium } from '../study/report/pdf.js';
import { record, timed } from './table.js';

const seconds = (from: string | null, to: string | null) => (from === null || to === null ? NaN : (Date.parse(to) - Date.parse(from)) / 1000);

export async function benchStudy(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'heatlab-bench-study-'));
  const heatlab = openHeatlab({ workspaceDir: join(root, 'workspace'), mode: 'cli', downloadsDir: () => join(root, 'downloads') });
  try {
    const api = createInProcessApi(heatlab.router, heatlab.events);
    const study = unwrap(await api['studies.create']({ template: { id: 'samek2017', size: 'small' } }));
    const { plan } = study;
    const data = plan.datasets[0]!;
    const what = `Samek 2017 template, small (${data.kind === 'generate' ? `${String(data.params.count)} images, ` : ''}${plan.methods.length} methods on ${plan.images.n} test images)`;
    const run = await timed(async () => {
      unwrap(await api['studies.run']({ id: study.id }));
      return heatlab.studies.waitFor(study.id);
    });
    if (run.value.status !== 'done') throw new Error(`The bench's study ended ${run.value.status}: ${run.value.error?.message}`);
    record({ area: 'study', measure: `${what}: end to end, host start included`, value: run.seconds, unit: 's' });
    // Each step's own job, from its start to its end.
    for (const job of unwrap(await api['jobs.list']({})).reverse()) record({ area: 'study', measure: `  step: ${job.label}`, value: seconds(job.startedAt, job.finishedAt), unit: 's' });

    const report = await timed(async () => unwrap(await api['studies.report']({ id: study.id })));
    record({ area: 'study', measure: 'report generated from the catalogue (HTML)', value: report.seconds, unit: 's' });
    record({ area: 'study', measure: 'report size', value: Buffer.byteLength(report.value.html) / 1024, unit: 'KiB' });
    if (findChromium() !== null) {
      const pdf = await timed(async () => unwrap(await api['studies.saveReport']({ id: study.id, pdf: true })));
      record({ area: 'study', measure: 'report saved as HTML and printed to PDF by Chromium', value: pdf.seconds, unit: 's' });
    } else console.error('  study: the PDF is not measured — no Chromium found (set HEATLAB_CHROMIUM).');
    const bundle = await timed(async () => unwrap(await api['studies.export']({ id: study.id })));
    record({ area: 'study', measure: 'reproducibility bundle written', value: bundle.seconds, unit: 's' });
    record({ area: 'study', measure: 'bundle size', value: bundle.value.bytes / 2 ** 20, unit: 'MiB' });
  } finally {
    await heatlab.close();
    rmSync(root, { recursive: true, force: true });
  }
}

// The Explain form's "Run on cluster" choice against the real local Slurm (test/cluster/start-slurm.sh):
// the choice, the shards on the job's page, and the grid of the runs the merge recorded.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appUrl } from './env.js';
import { collectErrors, connectApi, trainModel } from './e2e-api.js';

test('runs an explanation on the cluster from the Explain form and opens its runs', async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  if (!existsSync('/usr/sbin/slurmctld') || !existsSync('/usr/bin/sbatch'))
    throw new Error('Slurm is not installed: install it as root with `apt-get install -y slurm-wlm munge`, then run `bash test/cluster/start-slurm.sh`.');
  execFileSync('bash', [join(__dirname, '../cluster/start-slurm.sh')], { stdio: 'pipe' });
  const errors = collectErrors(page);
  const api = await connectApi();
  const stamp = Date.now();
  const created = { dataset: 0, model: 0, runs: [] as number[] };
  try {
    await trainModel(api, created, 'e2e cluster', stamp, 500, 1);
    await page.goto(`${appUrl()}#/explain`);
    await page.getByRole('combobox', { name: 'Model' }).selectOption({ label: `e2e cluster model ${stamp}` });
    await page.getByRole('combobox', { name: 'Choose' }).selectOption('first');
    await page.getByRole('spinbutton', { name: 'How many' }).fill('130');
    await page.getByRole('button', { name: 'None', exact: true }).click();
    await page.getByRole('checkbox', { name: /^Gradient \(signed\)/ }).check();

    const where = page.getByRole('group', { name: 'Where to run' });
    await expect(where.getByRole('radio', { name: 'On this machine' })).toBeChecked();
    await where.getByRole('radio', { name: 'Run on cluster (Slurm)' }).check();
    await where.getByRole('spinbutton', { name: 'Shards' }).fill('4');
    await expect(where).toContainText('split by image range into at most 4 shards');
    await page.screenshot({ path: testInfo.outputPath('explain-cluster-choice.png') });
    await page.getByRole('button', { name: 'Explain', exact: true }).click();

    // 130 images in ranges of 64: three shards, then the grid of the run the merge recorded.
    await page.waitForURL(/#\/explain\/runs\/\d+$/, { timeout: 180_000 });
    created.runs = /runs\/([\d,]+)$/.exec(page.url())![1]!.split(',').map(Number);
    await expect(page.getByTestId('heatmap-grid').getByRole('columnheader')).toHaveText(['Gradient (signed)']);
    const jobs = await api['jobs.list']({ limit: 5 });
    const job = jobs.ok ? jobs.value.find((j) => j.kind === 'cluster.explain') : undefined;
    expect(job?.status).toBe('done');
    expect((job?.result as { runIds: number[] }).runIds).toEqual(created.runs);
    expect(errors).toEqual([]);
  } finally {
    for (const id of created.runs) await api['explanations.delete']({ id });
    if (created.model) await api['models.delete']({ id: created.model });
    if (created.dataset) await api['datasets.delete']({ id: created.dataset });
    api.close();
  }
});

// The shard planner and the batch scripts: ranges that cover every image once, aligned so shards
// meet the local job's batches; plan ids that find the same work again; scripts whose commands
// reach bash with their arguments intact, run here through bash itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterSettingsSchema } from '../../shared/cluster.js';
import { arraySpec, mergeDependency, mergeScript, shardScript, shellQuote } from '../../main/cluster/sbatch-script.js';
import { planId, planRanges, workspaceOfPlan } from '../../main/cluster/shard-plan.js';

describe('shard ranges', () => {
  it('cover every image exactly once, in order, in at most the shards asked, each starting on the alignment', () => {
    for (const [images, shards, align] of [
      [2000, 32, 64],
      [200, 3, 64],
      [1, 8, 64],
      [600, 3, 256],
      [12_345, 100, 1],
      [64, 64, 64],
    ] as const) {
      const ranges = planRanges(images, shards, align);
      expect(ranges.length).toBeLessThanOrEqual(shards);
      expect(ranges[0]!.from).toBe(0);
      expect(ranges.at(-1)!.to).toBe(images);
      ranges.forEach((r, k) => {
        expect(r.index).toBe(k);
        expect(r.from % align).toBe(0);
        expect(r.to).toBeGreaterThan(r.from);
        if (k > 0) expect(r.from).toBe(ranges[k - 1]!.to);
      });
    }
  });

  it('gives 2,000 images in 32 shards of 64 images, the last one shorter', () => {
    const ranges = planRanges(2000, 32, 64);
    expect(ranges.length).toBe(32);
    expect(ranges.slice(0, 31).every((r) => r.to - r.from === 64)).toBe(true);
    expect(ranges[31]!.to - ranges[31]!.from).toBe(2000 - 31 * 64);
  });

  it('refuses an empty image list in one sentence', () => {
    expect(() => planRanges(0, 4, 64)).toThrow('There are no images to split into shards.');
  });

  it('names the same work the same, whatever its masks file is called, and other work otherwise', () => {
    const ranges = planRanges(100, 2, 64);
    const a = planId('evaluate', { seed: 1, masks: 'data/evaluations/input-1/masks.npy' }, ranges);
    expect(planId('evaluate', { seed: 1, masks: 'data/evaluations/input-2/masks.npy' }, ranges)).toBe(a);
    expect(planId('evaluate', { seed: 2, masks: 'x' }, ranges)).not.toBe(a);
    expect(planId('evaluate', { seed: 1, masks: 'x' }, planRanges(100, 1, 64))).not.toBe(a);
  });

  it('finds the workspace of a plan from where the plan lies', () => {
    expect(workspaceOfPlan('/shared/ws/cluster/explain-0123/plan.json')).toBe('/shared/ws');
  });
});

describe('batch scripts', () => {
  const settings = clusterSettingsSchema.parse({ partition: 'gpu', account: 'lab-42', timeLimit: '2:00:00', cpusPerTask: 4, memory: '8G', extraSbatch: ['#SBATCH --qos=short'] });

  it('carries every setting as an #SBATCH line and runs the shard of the task', () => {
    const script = shardScript({ settings, heatlab: '/opt/heatlab/bin/heatlab', plan: '/ws/cluster/p/plan.json', logs: '/ws/cluster/p/logs', jobId: 7 });
    const lines = script.split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    for (const line of ['#SBATCH --partition=gpu', '#SBATCH --account=lab-42', '#SBATCH --time=2:00:00', '#SBATCH --cpus-per-task=4', '#SBATCH --mem=8G', '#SBATCH --qos=short', '#SBATCH --job-name=heatlab-7-shards', '#SBATCH --output=/ws/cluster/p/logs/shard-%a-%A.log'])
      expect(lines).toContain(line);
    // Slurm reads #SBATCH lines only before the first command.
    const firstCommand = lines.findIndex((l) => l !== '' && !l.startsWith('#'));
    expect(lines.slice(firstCommand).some((l) => l.startsWith('#SBATCH'))).toBe(false);
    expect(script).toContain('exec /opt/heatlab/bin/heatlab shard run /ws/cluster/p/plan.json --index "$SLURM_ARRAY_TASK_ID"');
  });

  it('leaves out settings left empty, so the partition’s defaults apply', () => {
    const script = mergeScript({ settings: clusterSettingsSchema.parse({ timeLimit: '', memory: '' }), heatlab: 'heatlab', plan: '/p.json', logs: '/logs', jobId: 1 });
    expect(script).not.toMatch(/--partition|--account|--time|--mem/);
    expect(script).toContain('#SBATCH --cpus-per-task=1');
    expect(script).toContain('exec heatlab shard merge /p.json');
  });

  it('passes a plan path with spaces and quotes to Heatlab as one argument', () => {
    const dir = mkdtempSync(join(tmpdir(), 'heatlab-script-'));
    try {
      const plan = join(dir, "it's a \"plan\" $HOME", 'plan.json');
      // printf stands in for Heatlab: it prints each argument it gets on a line of its own.
      const script = shardScript({ settings, heatlab: "printf '%s\\n'", plan, logs: dir, jobId: 3 });
      writeFileSync(join(dir, 'task.sh'), script);
      const printed = execFileSync('bash', [join(dir, 'task.sh')], { env: { ...process.env, SLURM_ARRAY_TASK_ID: '5' }, encoding: 'utf8' });
      expect(printed.split('\n').slice(0, 5)).toEqual(['shard', 'run', plan, '--index', '5']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('quotes only words that need it', () => {
    expect(shellQuote('/opt/heatlab/plan.json')).toBe('/opt/heatlab/plan.json');
    expect(shellQuote("a b'c")).toBe(`'a b'\\''c'`);
  });

  it('writes array ranges compactly: all shards, or the few a retry reruns', () => {
    expect(arraySpec([0, 1, 2, 3])).toBe('0-3');
    expect(arraySpec([9, 3, 4, 5, 7])).toBe('3-5,7,9');
    expect(arraySpec([2])).toBe('2');
  });

  it('makes the merge wait for each shard’s latest attempt: a whole clean array, or the tasks of one that had failures', () => {
    expect(mergeDependency([{ id: '10', shards: [0, 1, 2, 3] }])).toBe('afterok:10');
    expect(mergeDependency([{ id: '10', shards: [0, 1, 2, 3] }, { id: '14', shards: [2] }])).toBe('afterok:10_0:10_1:10_3:14');
    expect(mergeDependency([{ id: '10', shards: [0, 1] }, { id: '14', shards: [1] }, { id: '15', shards: [1] }])).toBe('afterok:10_0:15');
    expect(mergeDependency([])).toBeNull();
  });
});

// A cluster job's state from one look at Slurm and at the shards' files: a shard is pending or
// running while squeue lists its latest attempt, done once its result is in place, and failed when
// it left the queue without one; a retry's progress does not borrow an earlier attempt's file.
import { describe, expect, it } from 'vitest';
import { clusterProgress, shardStatuses } from '../../main/cluster/shard-status.js';
import type { ShardProgress } from '../../main/cluster/shard-files.js';
import type { ShardPlan } from '../../main/cluster/shard-plan.js';
import type { SubmissionState } from '../../main/cluster/submission-state.js';
import { parseSqueue } from '../../main/cluster/slurm-output.js';

const plan = { shards: [0, 1, 2, 3].map((index) => ({ index, from: index * 64, to: (index + 1) * 64 })), units: [128, 128, 128, 128] } as unknown as ShardPlan;
const state: SubmissionState = { jobId: 5, arrays: [{ id: '28', shards: [0, 1, 2, 3] }], merge: '29', attempts: [1, 1, 1, 1], reasons: [null, null, null, null], submittedAt: '2026-12-04T21:00:00.000Z', cancelled: false };
const now = Date.parse('2026-12-04T21:00:10.000Z');
const progress = (index: number, slurmJob: string, done: number, status: ShardProgress['status'] = 'running'): ShardProgress => ({ index, status, done, total: 128, slurmJob, host: 'node1', pid: 100 + index, startedAt: '2026-12-04T21:00:02.000Z', updatedAt: '2026-12-04T21:00:08.000Z', error: null });

describe('shard states', () => {
  it('reads pending and running from squeue, done from the result file, and failed from neither', () => {
    const queued = new Map(parseSqueue('28_2|PENDING|Resources|0:00\n28_1|RUNNING|None|0:05\n29|PENDING|Dependency|0:00\n').map((q) => [q.id, q]));
    const shards = shardStatuses(plan, state, { queued, done: [true, false, false, false], progress: [progress(0, '28_0', 128, 'done'), progress(1, '28_1', 40), null, null], now });
    expect(shards.map((s) => s.state)).toEqual(['done', 'running', 'pending', 'failed']);
    expect(shards.map((s) => s.done)).toEqual([128, 40, 0, 0]);
    expect(shards[1]!.elapsed).toBe(5);
    expect(shards[0]!.elapsed).toBe(6);
    expect(shards[3]!.slurmJob).toBe('28_3');
  });

  it('follows a retried shard in its new array and ignores the progress its failed attempt left', () => {
    const retried = { ...state, arrays: [...state.arrays, { id: '31', shards: [3] }], attempts: [1, 1, 1, 2], reasons: [null, null, null, 'its process was killed by signal 9'] };
    const queued = new Map(parseSqueue('31_3|PENDING|Priority|0:00\n').map((q) => [q.id, q]));
    const [, , , shard] = shardStatuses(plan, retried, { queued, done: [true, true, true, false], progress: [null, null, null, progress(3, '28_3', 90)], now });
    expect(shard).toMatchObject({ state: 'pending', done: 0, slurmJob: '31_3', attempt: 2, reason: 'its process was killed by signal 9' });
  });

  it('sums the shards into the job’s progress, with a rate since the first start and the time left at it', () => {
    const queued = new Map(parseSqueue('28_1|RUNNING|None|0:08\n28_2|RUNNING|None|0:08\n28_3|PENDING|Resources|0:00\n').map((q) => [q.id, q]));
    const shards = shardStatuses(plan, state, { queued, done: [true, false, false, false], progress: [progress(0, '28_0', 128, 'done'), progress(1, '28_1', 64), progress(2, '28_2', 64), null], now });
    const p = clusterProgress(shards, { cluster: 'slurm', plan: '/p', arrayJobs: ['28'], mergeJob: '29', mergeState: 'waiting' }, 'heatmaps', Date.parse('2026-12-04T21:00:02.000Z'), now);
    expect(p.done).toBe(256);
    expect(p.total).toBe(512);
    expect(p.rate).toBe(256 / 8);
    expect(p.etaSeconds).toBe(256 / (256 / 8));
    expect(p.message).toBe('Slurm: 1 of 4 shards done, 2 running, 1 pending');
  });
});

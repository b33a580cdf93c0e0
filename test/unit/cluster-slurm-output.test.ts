// Reading Slurm's own output, captured from slurm-wlm 22.05.8 on a single-node Slurm started by
// test/cluster/start-slurm.sh: squeue's fixed format, `scontrol show job -o` of an array whose
// tasks ended in every way (completed, failed, timed out, killed), and a merge whose dependency
// can never be met.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeEnd, parseSacct, parseSbatchId, parseScontrolJobs, parseSlurmDuration, parseSqueue } from '../../main/cluster/slurm-output.js';
import { slurmAvailability } from '../../main/cluster/slurm.js';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/slurm', name), 'utf8');

describe('squeue output', () => {
  it('lists each array task on its own line with its state, reason and time used', () => {
    const jobs = parseSqueue(fixture('squeue-array-and-merge.txt'));
    expect(jobs.map((j) => [j.id, j.state, j.reason])).toEqual([
      ['28_2', 'PENDING', 'Resources'],
      ['28_3', 'PENDING', 'Resources'],
      ['29', 'PENDING', 'Dependency'],
      ['28_0', 'RUNNING', 'None'],
      ['28_1', 'RUNNING', 'None'],
    ]);
    expect(jobs.find((j) => j.id === '28_0')!.elapsed).toBe(1);
  });

  it('reads Slurm durations of every form into seconds', () => {
    expect(parseSlurmDuration('0:00')).toBe(0);
    expect(parseSlurmDuration('59')).toBe(59);
    expect(parseSlurmDuration('1:05')).toBe(65);
    expect(parseSlurmDuration('02:03:04')).toBe(2 * 3600 + 3 * 60 + 4);
    expect(parseSlurmDuration('1-00:00:01')).toBe(86401);
    expect(parseSlurmDuration('UNLIMITED')).toBeNull();
  });
});

describe('scontrol show job output', () => {
  it('names each array task as squeue does and reads its end state, reason and exit code', () => {
    const records = parseScontrolJobs(fixture('scontrol-array-timeout-failed.txt'));
    const byId = new Map(records.map((r) => [r.id, r]));
    expect([...byId.keys()].sort()).toEqual(['6_0', '6_1', '6_2', '6_3']);
    expect(byId.get('6_1')).toMatchObject({ state: 'FAILED', reason: 'NonZeroExitCode', exitCode: 3, signal: 0 });
    expect(byId.get('6_2')).toMatchObject({ state: 'TIMEOUT', reason: 'TimeLimit', timeLimit: '00:01:00' });
    expect(byId.get('6_0')).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
  });

  it('reads a task killed by a signal as the signal, not an exit code', () => {
    const killed = parseScontrolJobs(fixture('scontrol-array-killed.txt')).find((r) => r.id === '28_1')!;
    expect(killed).toMatchObject({ state: 'FAILED', exitCode: 0, signal: 9 });
    expect(describeEnd(killed)).toBe('its process was killed by signal 9 (Slurm: FAILED, JobLaunchFailure)');
  });

  it('sees a merge whose dependency failed as pending with DependencyNeverSatisfied', () => {
    const [merge] = parseScontrolJobs(fixture('scontrol-merge-never-satisfied.txt'));
    expect(merge).toMatchObject({ id: '7', state: 'PENDING', reason: 'DependencyNeverSatisfied' });
    expect(merge!.dependency).toMatch(/^afterok:6_\*\(failed\)/);
  });
});

describe('what Slurm said, in words', () => {
  it('says why a task ended for each of Slurm’s failure states', () => {
    const base = { id: '1_0', reason: 'None', exitCode: 0, signal: 0, runTime: 0, timeLimit: '01:00:00', dependency: '(null)' };
    expect(describeEnd({ ...base, state: 'TIMEOUT' })).toBe('it reached its time limit of 01:00:00 (Slurm: TIMEOUT)');
    expect(describeEnd({ ...base, state: 'OUT_OF_MEMORY' })).toBe('it ran out of memory (Slurm: OUT_OF_MEMORY)');
    expect(describeEnd({ ...base, state: 'NODE_FAIL' })).toBe('its node was lost (Slurm: NODE_FAIL)');
    expect(describeEnd({ ...base, state: 'FAILED', reason: 'NonZeroExitCode', exitCode: 3 })).toBe('its process exited with code 3 (Slurm: FAILED, NonZeroExitCode)');
    expect(describeEnd({ ...base, state: 'FAILED', exitCode: 137 })).toBe('its process was killed by signal 9 (Slurm: FAILED, exit code 137)');
    expect(describeEnd(null)).toMatch(/^Slurm no longer knows it/);
  });

  it('reads sbatch --parsable ids with and without a cluster name, and refuses anything else', () => {
    expect(parseSbatchId('1234\n')).toBe('1234');
    expect(parseSbatchId('1234;hpc\n')).toBe('1234');
    expect(() => parseSbatchId('sbatch: error: Batch job submission failed')).toThrow(/where a job id was expected/);
  });

  it('reads sacct lines where a site keeps accounting', () => {
    expect(parseSacct('12_3|CANCELLED by 0|0:15\n12_4|OUT_OF_MEMORY|0:125\n').map((r) => [r.id, r.state, r.signal])).toEqual([
      ['12_3', 'CANCELLED', 15],
      ['12_4', 'OUT_OF_MEMORY', 125],
    ]);
  });
});

describe('whether this machine can submit', () => {
  it('says in one sentence which of Slurm’s commands are missing, without running any', () => {
    const none = slurmAvailability('/nonexistent-bin');
    expect(none.available).toBe(false);
    expect(none.reason).toBe("Slurm's sbatch, squeue, scontrol, scancel are not found on this machine's PATH; run Heatlab on a machine that submits to your cluster, or install the Slurm client (Debian: apt-get install slurm-client).");
  });
});

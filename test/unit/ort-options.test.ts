// ONNX Runtime's session options from the environment: thread count and whether idle threads spin.
import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrt, threadsFrom } from '../../main/onnx/runtime.js';

describe('ONNX Runtime options', () => {
  afterEach(() => {
    delete process.env.HEATLAB_ORT_SPIN;
    delete process.env.HEATLAB_ORT_THREADS;
  });

  it('uses every core unless HEATLAB_ORT_THREADS names a positive whole number', () => {
    expect(threadsFrom(undefined)).toBe(availableParallelism());
    expect(threadsFrom('')).toBe(availableParallelism());
    expect(threadsFrom('3')).toBe(3);
    expect(() => threadsFrom('0')).toThrow('HEATLAB_ORT_THREADS must be a positive whole number of threads, not "0".');
    expect(() => threadsFrom('two')).toThrow(/not "two"/);
  });

  it('lets idle threads spin unless HEATLAB_ORT_SPIN=0, and records the thread count', () => {
    const spin = (o: ReturnType<typeof loadOrt>) => (o.sessionOptions.extra as { session: { intra_op: { allow_spinning: string } } }).session.intra_op.allow_spinning;
    expect(spin(loadOrt())).toBe('1');
    process.env.HEATLAB_ORT_SPIN = '0';
    process.env.HEATLAB_ORT_THREADS = '1';
    const quiet = loadOrt();
    expect(spin(quiet)).toBe('0');
    expect(quiet.info.threads).toBe(1);
    expect(quiet.sessionOptions.intraOpNumThreads).toBe(1);
  });
});

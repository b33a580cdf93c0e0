// The editor's undo stack, zoom/pan arithmetic and autosave queue.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Autosaver, type SaveState } from '../../renderer/lib/annotate/autosave.js';
import { MaskHistory } from '../../renderer/lib/annotate/history.js';
import { fitViewport, panBy, toImage, zoomAt } from '../../renderer/lib/annotate/viewport.js';

describe('undo and redo', () => {
  it('steps back and forth through snapshots, and a new edit ends the redo branch', () => {
    const h = new MaskHistory();
    const m0 = Uint8Array.from([0, 0]);
    const m1 = Uint8Array.from([1, 0]);
    const m2 = Uint8Array.from([1, 1]);
    h.record(m0);
    h.record(m1);
    expect(h.undo(m2)).toEqual(m1);
    expect(h.undo(m1)).toEqual(m0);
    expect(h.undo(m0)).toBeNull();
    expect(h.redo(m0)).toEqual(m1);
    expect(h.canRedo).toBe(true);
    h.record(m1);
    expect(h.canRedo).toBe(false);
    expect(h.redo(m1)).toBeNull();
  });

  it('keeps its own copies and at most `limit` steps', () => {
    const h = new MaskHistory(2);
    const m = Uint8Array.from([5]);
    h.record(m);
    m[0] = 9;
    h.record(Uint8Array.from([6]));
    h.record(Uint8Array.from([7]));
    expect(h.undo(m)).toEqual(Uint8Array.from([7]));
    expect(h.undo(m)).toEqual(Uint8Array.from([6]));
    expect(h.undo(m)).toBeNull();
  });
});

describe('viewport', () => {
  it('fits a 32×32 image into 400×300 at a whole scale, centred', () => {
    expect(fitViewport(32, 32, 400, 300)).toEqual({ scale: 9, offsetX: 56, offsetY: 6 });
  });

  it('zooms about the cursor, keeping the pixel under it in place', () => {
    const view = zoomAt({ scale: 2, offsetX: 10, offsetY: 20 }, 2, { x: 30, y: 40 });
    expect(view).toEqual({ scale: 4, offsetX: -10, offsetY: 0 });
    expect(toImage(view, { x: 30, y: 40 })).toEqual({ x: 10, y: 10 });
    expect(panBy(view, 5, -5)).toEqual({ scale: 4, offsetX: -5, offsetY: -5 });
  });
});

describe('autosave', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('saves the newest mask of an image once after the quiet time', async () => {
    const saved: [number, number[]][] = [];
    const states: SaveState['status'][] = [];
    const saver = new Autosaver(async (i, m) => void saved.push([i, Array.from(m)]), (s) => states.push(s.status), 250);
    const mask = Uint8Array.from([1, 0]);
    saver.schedule(3, mask);
    mask[1] = 2;
    saver.schedule(3, mask);
    expect(saved).toEqual([]);
    await vi.advanceTimersByTimeAsync(250);
    expect(saved).toEqual([[3, [1, 2]]]);
    expect(states.at(-1)).toBe('saved');
    expect(saver.dirty).toBe(false);
  });

  it('keeps a mask whose save failed, says so in one sentence, and saves it on the next flush', async () => {
    let fail = true;
    const saved: number[] = [];
    let last: SaveState = { status: 'saved', error: null };
    const saver = new Autosaver(
      async (i) => {
        if (fail) throw new Error('The connection was lost.');
        saved.push(i);
      },
      (s) => (last = s),
    );
    saver.schedule(7, Uint8Array.from([1]));
    expect(await saver.flush()).toBe(false);
    expect(last).toEqual({ status: 'failed', error: 'Image 7 could not be saved (The connection was lost); your drawing is kept here and will be saved on the next try.' });
    expect(saver.dirty).toBe(true);
    fail = false;
    expect(await saver.flush()).toBe(true);
    expect(saved).toEqual([7]);
    expect(last.status).toBe('saved');
  });

  it('tries a failed save again by itself after the retry delay', async () => {
    let fail = true;
    const saved: number[] = [];
    const saver = new Autosaver(
      async (i) => {
        if (fail) throw new Error('Disk full.');
        saved.push(i);
      },
      () => {},
      250,
      5000,
    );
    saver.schedule(2, Uint8Array.from([1]));
    await vi.advanceTimersByTimeAsync(250);
    expect(saver.state.status).toBe('failed');
    fail = false;
    await vi.advanceTimersByTimeAsync(4999);
    expect(saved).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(saved).toEqual([2]);
    expect(saver.state.status).toBe('saved');
  });
});

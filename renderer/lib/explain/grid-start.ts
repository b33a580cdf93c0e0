// The first rows of an Explain grid, asked for as soon as the grid's address is known — at the app's
// start when it opens on a grid, or when the Explain view is routed to one — so that they travel
// while the grid's code is still loading. The grid takes them over when it opens, once; a grid of
// other runs starts afresh. Runs never change once recorded, so rows asked for early are still right.
import type { Api } from '../../../shared/api.js';
import type { ExplanationRun, GridIndex, GridRows } from '../../../shared/explanations.js';
import { unwrap } from '../api.js';

/** About a screenful first (a 96 px cell is ~100 px of height). */
export const FIRST_CHUNK = 8;

export interface GridStart {
  records: Promise<ExplanationRun[]>;
  /** Every row: dataset index, true class, logits. */
  index: Promise<GridIndex>;
  /** Rows [0, FIRST_CHUNK) of every run, with their images. */
  first: Promise<GridRows>;
}

export const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

let started: { key: string; start: GridStart } | null = null;

function begin(api: Api, runIds: number[]): GridStart {
  const records = Promise.all(runIds.map(async (id) => unwrap(await api['explanations.get']({ id }))));
  const index = api['explanations.gridIndex']({ ids: runIds }).then(unwrap);
  const first = api['explanations.gridRows']({ ids: runIds, rows: range(0, FIRST_CHUNK) }).then(unwrap);
  // A failure is reported where the grid awaits it.
  for (const p of [records, index, first]) p.catch(() => undefined);
  return { records, index, first };
}

/** Starts loading the grid of these runs, unless it is already on its way. */
export function startGrid(api: Api, runIds: number[]): void {
  const key = runIds.join(',');
  if (started?.key !== key) started = { key, start: begin(api, runIds) };
}

/** The loading started for these runs, or a new one; either way the grid owns it from now on. */
export function takeGridStart(api: Api, runIds: number[]): GridStart {
  const key = runIds.join(',');
  const start = started?.key === key ? started.start : begin(api, runIds);
  started = null;
  return start;
}

// Disk use of a workspace: the files of each entity, the catalogue database, and whatever else lies
// under data/ (left-over and in-progress folders). Walked with the asynchronous fs calls, so main's
// event loop stays free for the UI; an entity's size is cached until its folder changes (its files
// are written once, when it is recorded), so only new entities are walked again.
import { lstat, readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Usage } from '../../shared/catalogue.js';

const none = (): Usage => ({ bytes: 0, files: 0 });
const gone = (err: unknown) => ['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '');

/**
 * Bytes and number of the regular files (and links, as themselves) at or under `path`; symbolic
 * links are never followed, and a path that is not there counts nothing.
 */
export async function pathUsage(path: string): Promise<Usage> {
  let stats;
  try {
    stats = await lstat(path);
  } catch (err) {
    if (gone(err)) return none();
    throw err;
  }
  if (!stats.isDirectory()) return { bytes: stats.size, files: 1 };
  let entries: string[];
  try {
    entries = await readdir(path);
  } catch (err) {
    if (gone(err)) return none();
    throw err;
  }
  const total = none();
  // One entry at a time: a deep folder never holds hundreds of descriptors open at once.
  for (const entry of entries) {
    const u = await pathUsage(join(path, entry));
    total.bytes += u.bytes;
    total.files += u.files;
  }
  return total;
}

/** Something to measure: workspace-relative paths, less the paths inside them that are measured elsewhere. */
export interface Place {
  key: string;
  /** Anything that changes when the place is replaced by another (an id taken by a new row). */
  stamp: string;
  paths: string[];
  exclude: string[];
}

export interface WorkspaceUsage {
  places: Map<string, Usage>;
  /** The catalogue database and its -wal and -shm files. */
  catalogue: Usage;
  /** Workspace-relative paths no place claims: data/<kind>/<entry> folders without a row, and anything else beside data/. */
  unclaimed: ({ path: string } & Usage)[];
  /** Every file in the workspace folder. */
  total: Usage;
}

const add = (a: Usage, b: Usage): Usage => ({ bytes: a.bytes + b.bytes, files: a.files + b.files });
const sub = (a: Usage, b: Usage): Usage => ({ bytes: a.bytes - b.bytes, files: a.files - b.files });
const inside = (path: string, folder: string) => path.startsWith(`${folder}/`) || path.startsWith(`${folder}${sep}`);

async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (gone(err)) return [];
    throw err;
  }
}

/** Measures places of one workspace, remembering each place's size until its stamp or its folders' times change. */
export class DiskUse {
  readonly #dir: string;
  readonly #catalogueFile: string;
  readonly #cache = new Map<string, { stamp: string; usage: Usage }>();

  /** `catalogueFile`: the database's file name in the workspace folder (its -wal and -shm count with it). */
  constructor(dir: string, catalogueFile: string) {
    this.#dir = dir;
    this.#catalogueFile = catalogueFile;
  }

  async measure(places: readonly Place[]): Promise<WorkspaceUsage> {
    const measured = new Map<string, Usage>();
    for (const place of places) measured.set(place.key, await this.#place(place));
    // Forget places that are gone, so the cache never outgrows the catalogue.
    for (const key of this.#cache.keys()) if (!measured.has(key)) this.#cache.delete(key);

    const claimed = places.flatMap((p) => p.paths);
    const claimedSet = new Set(claimed);
    const unclaimed: WorkspaceUsage['unclaimed'] = [];
    let catalogue = none();
    const measureStray = async (path: string) => {
      // A claimed file inside an unclaimed folder is counted by its place, not twice.
      let u = await pathUsage(join(this.#dir, path));
      for (const c of claimed) if (inside(c, path)) u = sub(u, await pathUsage(join(this.#dir, c)));
      if (u.files > 0 || u.bytes > 0) unclaimed.push({ path, ...u });
    };
    for (const top of await names(this.#dir)) {
      if (top === 'data') continue;
      if (top === this.#catalogueFile || top === `${this.#catalogueFile}-wal` || top === `${this.#catalogueFile}-shm`) catalogue = add(catalogue, await pathUsage(join(this.#dir, top)));
      else await measureStray(top);
    }
    for (const kind of await names(join(this.#dir, 'data'))) {
      const kindPath = join('data', kind);
      const stats = await lstat(join(this.#dir, kindPath)).catch(() => null);
      if (stats === null) continue;
      if (!stats.isDirectory()) {
        await measureStray(kindPath);
        continue;
      }
      for (const entry of await names(join(this.#dir, kindPath))) {
        const path = join(kindPath, entry);
        if (!claimedSet.has(path)) await measureStray(path);
      }
    }
    const total = [...measured.values(), catalogue, ...unclaimed].reduce(add, none());
    return { places: measured, catalogue, unclaimed, total };
  }

  async #place(place: Place): Promise<Usage> {
    const times = await Promise.all(place.paths.map((p) => lstat(join(this.#dir, p)).then((s) => s.mtimeMs, () => 0)));
    const stamp = `${place.stamp}|${place.paths.join('|')}|${times.join('|')}`;
    const cached = this.#cache.get(place.key);
    if (cached?.stamp === stamp) return cached.usage;
    let usage = none();
    for (const p of place.paths) usage = add(usage, await pathUsage(join(this.#dir, p)));
    for (const p of place.exclude) usage = sub(usage, await pathUsage(join(this.#dir, p)));
    this.#cache.set(place.key, { stamp, usage });
    return usage;
  }
}

// Entity folders (data/<kind>/<id>/) whose catalogue row is gone — a cascade from a deleted model,
// dataset or run removes rows without touching files — are removed here, after the rows.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Removes the numbered folders of `folder` whose id is not in `ids`, and any entry `alsoRemove` names. */
export function sweepFolders(folder: string, ids: ReadonlySet<number>, alsoRemove: (entry: string) => boolean = () => false): void {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return;
  }
  for (const entry of entries) if ((/^\d+$/.test(entry) && !ids.has(Number(entry))) || alsoRemove(entry)) rmSync(join(folder, entry), { recursive: true, force: true });
}

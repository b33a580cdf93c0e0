// Moving staged folders to data/<kind>/<id>/ inside the catalogue transaction that records their
// entities, and back out if that transaction fails (a full disk at commit), so a folder is in place
// exactly when its row is.
//
// A folder already at data/<kind>/<id>/ when a new row takes that id has no row of its own: the
// transaction holds the catalogue's write lock, so no other Heatlab can be between its rename and
// its commit for this id. It is a leftover (a crash between rename and commit, an interrupted
// delete) — the same thing the start-up sweep removes — so it is removed, and the finished result
// takes its place instead of failing with ENOTEMPTY.
import { existsSync, renameSync, rmSync } from 'node:fs';

/** Runs `record` (a catalogue transaction) with `move`; undoes the moves if it throws. */
export function recordWithFolders<T>(record: (move: (from: string, to: string) => void) => T): T {
  const moved: { from: string; to: string }[] = [];
  const move = (from: string, to: string) => {
    if (existsSync(to)) rmSync(to, { recursive: true, force: true });
    renameSync(from, to);
    moved.push({ from, to });
  };
  try {
    return record(move);
  } catch (err) {
    for (const { from, to } of moved.reverse()) {
      try {
        renameSync(to, from); // back into the job's staging folder, which the failed job's clean-up removes
      } catch {
        rmSync(to, { recursive: true, force: true });
      }
    }
    throw err;
  }
}

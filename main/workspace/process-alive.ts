// Whether a process of this machine still exists: the catalogue records which Heatlab process owns
// a running job or study, and one left behind by a dead process must be taken over.
/** True while `pid` exists (EPERM: it exists but belongs to another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// A problem with what the user asked to import (a missing labels file, an array of the wrong
// shape, a truncated file), as one sentence for the user: inspect lists it among the plan's
// problems, an import fails with it as an invalid_request error.
export class SourceProblem extends Error {
  override name = 'SourceProblem';
}

const reasons: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'it is gone',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'its symbolic links go round in a circle',
  EIO: 'the disk reported an input/output error',
};

/** A file-system error met while reading the source, as a problem naming the path; null for other errors. */
export function fileSystemProblem(err: unknown): SourceProblem | null {
  const e = err as NodeJS.ErrnoException | null;
  if (typeof e?.code !== 'string' || typeof e.syscall !== 'string') return null;
  return new SourceProblem(`Heatlab cannot read ${e.path ?? 'part of the source'}: ${reasons[e.code] ?? e.code}.`);
}

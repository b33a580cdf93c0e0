// A problem with what the user asked to import (a missing labels file, an array of the wrong
// shape, a truncated file), as one sentence for the user: inspect lists it among the plan's
// problems, an import fails with it as an invalid_request error.
export class SourceProblem extends Error {
  override name = 'SourceProblem';
}

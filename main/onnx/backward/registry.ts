// The backward registry: op type → backward entry. Adding an op is adding an entry here; method
// variants never touch it (they change the rules the entries are handed).
import { activationEntries } from './activations.js';
import { elementwiseEntries } from './elementwise.js';
import { linearEntries } from './linear.js';
import { poolingEntries } from './pooling.js';
import { reshapingEntries } from './reshaping.js';
import type { BackwardEntry } from './types.js';

export const backwardRegistry: Readonly<Record<string, BackwardEntry>> = {
  ...linearEntries,
  ...activationEntries,
  ...poolingEntries,
  ...reshapingEntries,
  ...elementwiseEntries,
};

/** Ops whose backward step is a linear layer the rules' linear rule handles. */
export const LINEAR_OPS: readonly string[] = Object.keys(linearEntries);

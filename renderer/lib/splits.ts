// How splits are named and coloured wherever the Data view shows them.
import { splitCodes, splitNames, type SplitName } from '../../shared/datasets.js';

export const splitLabels: { [S in SplitName]: string } = { train: 'Training', validation: 'Validation', test: 'Test' };

// Tableau 10 blue / orange / green: distinct for common colour-vision deficiencies, legible in both themes.
export const splitColours: { [S in SplitName]: string } = { train: '#4e79a7', validation: '#f28e2b', test: '#59a14f' };

export function splitOfCode(code: number): SplitName | undefined {
  return splitNames.find((s) => splitCodes[s] === code);
}

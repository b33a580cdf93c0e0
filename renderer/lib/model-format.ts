// Percentages for model scores: shared with the command line and the catalogue.
export { formatScore } from '../../shared/format.js';

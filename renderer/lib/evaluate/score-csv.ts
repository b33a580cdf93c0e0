// The evaluation's CSV files, written in shared/ since the study bundle carries the same files.
export * from '../../../shared/score-csv.js';

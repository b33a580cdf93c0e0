// Series colours of the training charts: the Data view's training and validation colours
// (Tableau 10 blue and orange), so a split looks the same everywhere.
import { splitColours } from '../../lib/splits.js';

export const seriesColours = { train: splitColours.train, validation: splitColours.validation } as const;

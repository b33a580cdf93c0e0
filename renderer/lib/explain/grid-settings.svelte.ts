// How the Explain grid shows its heatmaps; one instance per comparison page.
import type { ColormapChoice } from '../../../shared/heatmap/colour-scale.js';
import type { NormMode } from '../../../shared/heatmap/normalise.js';
import { noFilter, type RowFilter } from './row-filter.js';

/** Where the pointer or the keyboard is: an image (row of the comparison), a column, a pixel. */
export interface GridPoint {
  image: number;
  column: number;
}

export class GridSettings {
  /** 'auto': diverging for signed maps, sequential for non-negative ones (colour-scale.ts). */
  colormap = $state<ColormapChoice>('auto');
  norm = $state<NormMode>('cell');
  /** Percentile of |relevance| that maps to the end of the colour bar (100 = max-abs). */
  percentile = $state(99.5);
  opacity = $state(0.6);
  overImage = $state(true);
  /** Rows = methods, columns = images. */
  transposed = $state(false);
  /** Side of a cell on screen, CSS px. */
  cellSize = $state(96);
  filter = $state<RowFilter>({ ...noFilter });
  /** "mask:<kind>" or "annotation:<id>", or null for no ground truth. */
  groundTruth = $state<string | null>(null);
  /** The keyboard's cell, in comparison coordinates (image = position among the shown rows). */
  active = $state<GridPoint>({ image: 0, column: 0 });
  /** The hovered pixel. */
  hover = $state<(GridPoint & { x: number; y: number }) | null>(null);
}

// Summary numbers of a run's heatmaps, gathered while they stream to disk: the range a colour
// scale needs, and the counts that flag a broken run (all-zero maps, NaN or infinite values).
import type { HeatmapStats } from '../../../shared/explanations.js';

export class HeatmapStatsAccumulator {
  #min = Infinity;
  #max = -Infinity;
  #sumAbs = 0;
  #values = 0;
  #allZero = 0;
  #nonFinite = 0;

  constructor(readonly plane: number) {}

  /** Adds whole heatmaps (a multiple of `plane` values). */
  add(maps: Float32Array): void {
    for (let at = 0; at < maps.length; at += this.plane) {
      let zero = true;
      for (let p = at; p < at + this.plane; p++) {
        const v = maps[p]!;
        if (!Number.isFinite(v)) {
          this.#nonFinite++;
          zero = false;
          continue;
        }
        if (v !== 0) zero = false;
        if (v < this.#min) this.#min = v;
        if (v > this.#max) this.#max = v;
        this.#sumAbs += Math.abs(v);
        this.#values++;
      }
      if (zero) this.#allZero++;
    }
  }

  result(): HeatmapStats {
    const any = this.#values > 0;
    return { min: any ? this.#min : 0, max: any ? this.#max : 0, meanAbs: any ? this.#sumAbs / this.#values : 0, allZero: this.#allZero, nonFinite: this.#nonFinite };
  }
}

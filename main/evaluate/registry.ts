// The heatmap-quality metrics Heatlab offers, by family; the Evaluate view and CLI list these.
import { complexity } from './complexity/complexity.js';
import { sparseness } from './complexity/sparseness.js';
import { deletion, insertion } from './faithfulness/deletion-insertion.js';
import { faithfulnessCorrelation } from './faithfulness/faithfulness-correlation.js';
import { pixelFlipping } from './faithfulness/pixel-flipping.js';
import { abpc, regionPerturbationLerf, regionPerturbationMorf } from './faithfulness/region-perturbation.js';
import type { Metric } from './metric.js';
import { energyPointingGame } from './localisation/energy-pointing-game.js';
import { pointingGame } from './localisation/pointing-game.js';
import { relevanceMassAccuracy } from './localisation/relevance-mass-accuracy.js';
import { relevanceRankAccuracy } from './localisation/relevance-rank-accuracy.js';
import { rocAuc } from './localisation/roc-auc.js';
import { topKIntersection } from './localisation/top-k-intersection.js';
import { topPercentIou } from './localisation/top-percent-iou.js';
import { maxSensitivity } from './robustness/max-sensitivity.js';
import { modelParameterRandomisation } from './robustness/model-parameter-randomisation.js';
import { randomLogit } from './robustness/random-logit.js';

export const faithfulnessMetrics: readonly Metric[] = [regionPerturbationMorf, regionPerturbationLerf, abpc, pixelFlipping, deletion, insertion, faithfulnessCorrelation];

export const localisationMetrics: readonly Metric[] = [
  relevanceMassAccuracy,
  relevanceRankAccuracy,
  pointingGame,
  energyPointingGame,
  topKIntersection,
  rocAuc,
  topPercentIou,
];

export const complexityMetrics: readonly Metric[] = [sparseness, complexity];

/** Sanity and robustness metrics re-explain with the heatmaps' own method (batch.explainer). */
export const robustnessMetrics: readonly Metric[] = [modelParameterRandomisation, randomLogit, maxSensitivity];

export const metrics: readonly Metric[] = [...faithfulnessMetrics, ...localisationMetrics, ...complexityMetrics, ...robustnessMetrics];

export function metricById(id: string): Metric | undefined {
  return metrics.find((m) => m.id === id);
}

// The families heatmap-quality metrics belong to: what they measure a heatmap against.
export type MetricFamilyName = 'faithfulness' | 'localisation' | 'complexity' | 'robustness';

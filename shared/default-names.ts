// The names Heatlab gives what it makes when the user names nothing: short enough for a list or a
// title, and each seed said once, next to what it seeded ("… · seed 1 · seed 1" said neither).

/** A count as a name writes it: whole thousands or millions abbreviated ("6k", "1.5k", "2M"), others grouped. */
export function shortCount(n: number): string {
  if (n >= 1_000_000 && n % 100_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 1_000 && n % 100 === 0) return `${n / 1_000}k`;
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "Triangles & Squares 6k (seed 5)": the generator, how many images, and the seed that drew them. */
export function defaultDatasetName(generatorLabel: string, count: number, seed: number): string {
  return `${generatorLabel} ${shortCount(count)} (seed ${seed})`;
}

/** "tiny-cnn on Triangles & Squares 6k (seed 5), training seed 1": the dataset's seed stays inside its name. */
export function defaultModelName(architecture: string, datasetName: string, trainingSeed: number): string {
  return `${architecture} on ${datasetName}, training seed ${trainingSeed}`;
}

/**
 * "Pointing game +2 · 7 methods · 200 images": the first metric and how many more, rather than
 * every metric's label (a title that ran to several lines).
 */
export function defaultEvaluationName(metricLabels: readonly string[], methods: number, images: number): string {
  const metrics = metricLabels.length === 0 ? 'No metric' : `${metricLabels[0]}${metricLabels.length > 1 ? ` +${metricLabels.length - 1}` : ''}`;
  return `${metrics} · ${methods} method${methods === 1 ? '' : 's'} · ${shortCount(images)} image${images === 1 ? '' : 's'}`;
}

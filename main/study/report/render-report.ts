// The study report as one self-contained HTML file: the question and the conclusions first, then
// the data, models, methods, heatmap figure, results, curves, rankings, the evidence behind the
// verdicts and the provenance of every number. Figures are inline SVG, images PNG data URLs, the
// stylesheet inline: the file makes no request and prints as it shows (report-style.ts).
import { HeatlabError } from '../../../shared/errors.js';
import type { ReportData, ReportHeatmapGrid } from '../../../shared/study-report.js';
import { heatmapFigure } from './heatmap-figure.js';
import { escapeXml as esc, inlineSvg } from './markup.js';
import { reportStyle } from './report-style.js';
import { conclusionsSection } from './section-conclusions.js';
import { dataSection } from './section-data.js';
import { evidenceSection } from './section-evidence.js';
import { methodsSection } from './section-methods.js';
import { modelsSection } from './section-models.js';
import { resultsSection } from './section-results.js';

/**
 * Grids that fit the double-column width: the whole grid, else one per model, else a model's
 * methods in as few parts as fit. The paper figure itself refuses what does not fit instead.
 */
export function gridsThatFit(grid: ReportHeatmapGrid): ReportHeatmapGrid[] {
  const fits = (g: ReportHeatmapGrid) => {
    try {
      heatmapFigure({ ...g, images: g.images.slice(0, 1), columns: g.columns.map((c) => ({ ...c, heatmaps: c.heatmaps.slice(0, 1) })) }, 'double');
      return true;
    } catch (err) {
      if (err instanceof HeatlabError) return false;
      throw err;
    }
  };
  if (fits(grid)) return [grid];
  const models = [...new Set(grid.columns.map((c) => c.modelId))];
  return models.flatMap((id) => {
    const columns = grid.columns.filter((c) => c.modelId === id);
    for (let parts = 1; parts <= columns.length; parts++) {
      const size = Math.ceil(columns.length / parts);
      const chunks = Array.from({ length: parts }, (_, k) => ({ ...grid, columns: columns.slice(k * size, (k + 1) * size) })).filter((g) => g.columns.length > 0);
      if (chunks.every(fits)) return chunks;
    }
    return columns.map((c) => ({ ...grid, columns: [c] }));
  });
}

function heatmapsSection(grids: readonly ReportHeatmapGrid[]): string {
  if (grids.length === 0) return '';
  let k = 0;
  const figures = grids.flatMap((grid) =>
    gridsThatFit(grid).map((part) => {
      const figure = heatmapFigure(part, 'double', `fig${++k}`);
      const models = [...new Set(part.columns.map((c) => c.modelName))];
      return `<figure class="heatmaps" data-dataset="${grid.datasetId}">${inlineSvg(figure.svg)}<figcaption>Figure ${k}. Heatmaps of ${models.length === 1 ? esc(models[0]!) : `${models.length} models (${esc(models.join(', '))})`} on ${esc(grid.datasetName)}: rows are images (dataset index and true class), columns the methods${models.length > 1 ? ' grouped by model' : ''}; each column has its own colour scale and bar${grid.groundTruth === null ? '' : `; green outlines ${esc(grid.groundTruth.label)}`}. Rows ${part.rows.join(', ')} of the images every run explained.</figcaption></figure>`;
    }),
  );
  return `<section id="heatmaps" class="page"><h2>Heatmaps</h2>${figures.join('\n')}</section>`;
}

function provenanceSection(data: ReportData): string {
  const rows = [
    ...data.datasets.map(({ dataset: d }) => ['dataset', d.id, d.name, d.createdAt, d.heatlabVersion, d.seed === null ? '—' : String(d.seed), d.generator ?? 'import']),
    ...data.models.map((m) => ['model', m.id, m.name, m.createdAt, m.heatlabVersion, m.training ? String(m.training.seed) : '—', m.backend ? `tfjs ${m.backend}` : 'imported ONNX']),
    ...data.runs.map((r) => ['explanation run', r.id, r.name, r.createdAt, r.heatlabVersion, String(r.seed), `ONNX Runtime ${r.engine.ort}`]),
    ...data.evaluations.map(({ evaluation: e }) => ['evaluation', e.id, e.name, e.createdAt, e.heatlabVersion, String(e.seed), `ONNX Runtime ${e.engine.ort}, ${e.resamples} resamples`]),
  ];
  const body = rows.map((r) => `<tr>${r.map((v, i) => `<td${i === 1 ? ' class="num"' : ''}>${esc(String(v))}</td>`).join('')}</tr>`).join('');
  return `<section id="provenance"><h2>Provenance</h2><p class="note">Every number above was read from the Heatlab catalogue by these entries; their recorded parameters and seeds reproduce them.</p>
<table><thead><tr><th>entity</th><th class="num">id</th><th>name</th><th>created</th><th>Heatlab</th><th>seed</th><th>engine</th></tr></thead><tbody>${body}</tbody></table></section>`;
}

/** What the report lacks (a study not finished), before anything else, so no reader takes it for the whole. */
function missingSection(missing: readonly string[] | undefined): string {
  if (missing === undefined || missing.length === 0) return '';
  return `<section id="missing" class="missing"><h2>Not yet in this report</h2><ul>${missing.map((m) => `<li>${esc(m)}</li>`).join('')}</ul></section>`;
}

export function renderReport(data: ReportData): string {
  const generated = data.generatedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Heatlab ${esc(data.heatlabVersion)}">
<title>${esc(data.title)}</title>
<style>${reportStyle}</style>
</head>
<body>
<header>
<h1>${esc(data.title)}</h1>
<p class="meta">Heatlab ${esc(data.heatlabVersion)} study report, generated ${esc(generated)} from the catalogue.</p>
${data.question === '' ? '' : `<p class="question" id="question">${esc(data.question)}</p>`}
${data.citation === null ? '' : `<p class="meta">Following: ${esc(data.citation)}</p>`}
</header>
<main>
${missingSection(data.missing)}
${conclusionsSection(data.evaluations)}
${dataSection(data.datasets)}
${modelsSection(data.models)}
${methodsSection(data.runs)}
${heatmapsSection(data.grids)}
${resultsSection(data.evaluations)}
${evidenceSection(data.evaluations)}
${provenanceSection(data)}
</main>
</body>
</html>
`;
}

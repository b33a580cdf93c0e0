// The report's conclusions, generated from each evaluation's stored statistics (conclusions.ts):
// findings, the caveats that qualify them, and what the data cannot settle, each marked.
import type { ReportEvaluation, ReportSentence } from '../../../shared/study-report.js';
import { evaluationConclusions } from './conclusions.js';
import { escapeXml as esc } from './markup.js';

const item = (s: ReportSentence) => `<li class="${s.kind}" data-kind="${s.kind}">${esc(s.text)}</li>`;

export function conclusionsSection(evaluations: readonly ReportEvaluation[]): string {
  if (evaluations.length === 0) return `<section id="conclusions"><h2>Conclusions</h2><p class="note">The report has no evaluation, so it draws no conclusion about the methods.</p></section>`;
  const parts = evaluations.map(({ evaluation: e }) => {
    const c = evaluationConclusions(e);
    const sentences = [...c.general, ...c.metrics.flatMap((m) => m.sentences)];
    const scope = `${e.modelName ?? `Model ${e.modelId}`} on ${e.datasetName ?? `dataset ${e.datasetId}`} (evaluation ${e.id})`;
    return `<h3>${esc(scope)}</h3>${sentences.length === 0 ? '<p class="note">Nothing to conclude: no method was scored.</p>' : `<ul class="conclusions" data-evaluation="${e.id}">${sentences.map(item).join('')}</ul>`}`;
  });
  return `<section id="conclusions"><h2>Conclusions</h2><p class="note">Generated from the stored tests: ■ a finding the statistics support, ▲ a caveat, ○ what these data cannot settle and why. Significance is Holm-corrected at 0.05; rankings need Krippendorff's α ≥ 0.667 across images, and faithfulness metrics a perturbation that behaves as removal.</p>${parts.join('\n')}</section>`;
}

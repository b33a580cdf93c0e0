// The report's evidence that the verdicts hold: for each evaluation, whether each perturbation
// behaves as removal for the model (with the check's figures), and how reliable each ranking is
// (Krippendorff's α across images, the methods' agreement, and the metrics' internal consistency).
import { validityFacts, validityHeadline } from '../../../shared/evaluation-words.js';
import { reliabilityWords } from '../../../shared/reliability-words.js';
import type { ReportEvaluation } from '../../../shared/study-report.js';
import { escapeXml as esc } from './markup.js';
import { evaluationHeading } from './section-results.js';

export function evidenceSection(evaluations: readonly ReportEvaluation[]): string {
  if (evaluations.length === 0) return '';
  const parts = evaluations.map(({ evaluation: e, classNames }) => {
    if (e.evidence === null) return `<h3>${esc(evaluationHeading(e))}</h3><p class="warn">This evaluation was recorded before Heatlab measured its evidence; evaluate again to see whether its perturbations remove information and how reliable its rankings are.</p>`;
    const validity = e.evidence.validity.map(
      (v) => `<div class="avoid-break" data-validity="${esc(v.metrics.join(','))}"><h4 class="${v.removal === false ? 'warn' : ''}">${esc(validityHeadline(v))}</h4>
<p class="small">Used by ${esc(v.metrics.map((id) => e.metricDetails.find((m) => m.id === id)?.label ?? id).join(', '))}.</p>
<ul>${validityFacts(v, classNames).map((f) => `<li>${esc(f)}</li>`).join('')}</ul>
${v.warnings.map((w) => `<p class="warn">⚠ ${esc(w)}</p>`).join('')}${v.notes.map((note) => `<p class="note">Note: ${esc(note)}</p>`).join('')}</div>`,
    );
    const words = reliabilityWords(e.evidence.reliability, { metrics: Object.fromEntries(e.metricDetails.map((m) => [m.id, m.label])) });
    const reliability = `<h4>How reliable are the rankings? (Tomsett et al. 2020)</h4><ul>${words.metrics.map((m) => `<li data-reliability="${esc(m.metric)}">${esc(m.interRater)} ${esc(m.interMethod)}</li>`).join('')}${words.consistency.map((c) => `<li>${esc(c.text)}</li>`).join('')}</ul>`;
    const removal = validity.length === 0 ? '<p class="note">No metric of this evaluation perturbs the images, so there is no removal to check.</p>' : `<h4>Is the perturbation a removal?</h4><p class="note">Checked on a seeded sample of the evaluated images before scoring.</p>${validity.join('')}`;
    return `<h3>${esc(evaluationHeading(e))}</h3>${removal}${reliability}`;
  });
  return `<section id="evidence" class="page"><h2>Validity and reliability of the metrics</h2>${parts.join('\n')}</section>`;
}

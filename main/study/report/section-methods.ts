// The report's methods section: every explanation run with its method's parameters as run
// (defaults filled in), the images and class it explains, its seed, the engine, and the paper.
import { describeSelection, describeTarget } from '../../../shared/explanation-words.js';
import type { ExplanationRun } from '../../../shared/explanations.js';
import { formatCount } from '../../../shared/format.js';
import { escapeXml as esc } from './markup.js';
import { methodCitation } from './method-citations.js';
import { paramWords } from './section-data.js';

export function methodsSection(runs: readonly ExplanationRun[]): string {
  if (runs.length === 0) return '';
  const rows = runs.map(
    (r) => `<tr data-run="${r.id}">
<td class="num">${r.id}</td>
<td><b>${esc(r.methodLabel)}</b><br><code>${esc(r.method)}</code></td>
<td>${esc(r.modelName ?? `model ${r.modelId}`)}</td>
<td>${formatCount(r.count)}: ${esc(describeSelection(r.selection, r.classNames, r.count))}; ${esc(describeTarget(r.target, r.classNames))}</td>
<td>${esc(paramWords(r.params))}</td>
<td class="num">${r.seed}</td>
<td>${esc(methodCitation(r.method))}</td>
</tr>`,
  );
  const engines = [...new Set(runs.map((r) => `ONNX Runtime ${r.engine.ort}, ${r.engine.threads} thread${r.engine.threads === 1 ? '' : 's'}, explaining the ${r.engine.explains}`))];
  return `<section id="methods"><h2>Methods</h2>
<table class="methods"><thead><tr><th class="num">run</th><th>method</th><th>model</th><th>images and explained class</th><th>parameters as run</th><th class="num">seed</th><th>reference</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="note">Heatmaps were computed by ${esc(engines.join('; '))}. Parameters not set were run at their defaults, which are written out above.</p></section>`;
}

// The report's models section: architecture layer by layer, training as run, and the test split's
// accuracy with the confusion matrix (rows the true class, columns the predicted one).
import { formatCount } from '../../../shared/format.js';
import type { Model } from '../../../shared/models.js';
import { escapeXml as esc } from './markup.js';
import { paramWords } from './section-data.js';

const percent = (v: number) => `${(v * 100).toFixed(1)} %`;

function confusionTable(model: Model): string {
  const test = model.test!;
  const names = model.classNames;
  const rowTotals = test.confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const head = `<tr><th>true \\ predicted</th>${names.map((c) => `<th class="num">${esc(c)}</th>`).join('')}<th class="num">recall</th></tr>`;
  const rows = test.confusion.map((row, t) => {
    const cells = row.map((count, p) => {
      // Shade by the share of the true class: the diagonal reads as accuracy per class.
      const share = rowTotals[t]! > 0 ? count / rowTotals[t]! : 0;
      const tint = p === t ? `rgba(46,125,50,${(0.1 + 0.5 * share).toFixed(2)})` : share > 0 ? `rgba(198,40,40,${(0.1 + 0.5 * share).toFixed(2)})` : 'transparent';
      return `<td class="num" style="background:${tint}">${formatCount(count)}</td>`;
    });
    return `<tr><th>${esc(names[t] ?? `class ${t}`)}</th>${cells.join('')}<td class="num">${percent(test.recall[t] ?? NaN)}</td></tr>`;
  });
  const precision = `<tr><th>precision</th>${names.map((_, p) => `<td class="num">${percent(test.precision[p] ?? NaN)}</td>`).join('')}<td></td></tr>`;
  return `<table class="confusion" data-model="${model.id}"><thead>${head}</thead><tbody>${rows.join('')}${precision}</tbody></table>`;
}

function layersTable(model: Model): string {
  if (model.layers.length === 0) return '';
  const rows = model.layers.map((l) => `<tr><td>${esc(l.name)}</td><td>${esc(l.type)}</td><td>${l.outputShape.length > 0 ? l.outputShape.join('×') : '—'}</td><td class="num">${formatCount(l.parameters)}</td></tr>`);
  return `<details class="avoid-break"><summary>Layers</summary><table><thead><tr><th>layer</th><th>type</th><th>output</th><th class="num">parameters</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`;
}

function trainingWords(model: Model): string {
  if (model.source === 'imported') {
    const imported = model.onnx.imported;
    return `imported from ${imported ? esc(imported.sourceFile) : 'an ONNX file'}; not trained here`;
  }
  const t = model.training;
  if (t === null) return 'not recorded';
  const stop = model.stopReason === 'early-stopped' ? ', stopped early' : model.stopReason === 'stopped' ? ', stopped by the user' : model.stopReason === 'diverged' ? ', diverged' : '';
  return `${esc(t.optimizer)}, learning rate ${t.learningRate}, batch ${t.batchSize}, ${model.epochs.length} of ${t.epochs} epochs${stop}; seed ${t.seed}; TensorFlow.js backend ${esc(model.backend ?? 'unknown')}`;
}

export function modelsSection(models: readonly Model[]): string {
  if (models.length === 0) return '';
  const parts = models.map((m) => {
    const accuracy = m.test === null ? 'not measured' : `${percent(m.test.accuracy)} on ${formatCount(m.test.count)} test images (${formatCount(m.test.misclassified)} misclassified), loss ${m.test.loss.toFixed(3)}`;
    return `<h3 id="model-${m.id}">Model ${m.id}: ${esc(m.name)}</h3>
<dl class="facts">
<dt>Architecture</dt><dd>${esc(m.architecture)}, ${formatCount(m.parameters)} parameters</dd>
<dt>Data</dt><dd>${m.datasetId === null ? 'no dataset recorded' : `dataset ${m.datasetId}${m.datasetName ? ` (${esc(m.datasetName)})` : ''}`}; input ${m.preprocessing.channels}×${m.preprocessing.height}×${m.preprocessing.width}, x = (pixel / ${m.preprocessing.scale} − ${esc(m.preprocessing.mean.join(', '))}) / ${esc(m.preprocessing.std.join(', '))}</dd>
<dt>Training</dt><dd>${trainingWords(m)}</dd>
${m.stopNote ? `<dt>Note</dt><dd>${esc(m.stopNote)}</dd>` : ''}
<dt>Test accuracy</dt><dd data-accuracy="${m.test?.accuracy ?? ''}">${accuracy}</dd>
<dt>ONNX</dt><dd>opset ${m.onnx.opset}, sha256 <code>${esc(m.onnx.sha256.slice(0, 16))}…</code>${m.onnx.maxAbsDifference === null ? '' : `, max |Δ| against ${m.source === 'trained' ? 'tfjs' : 'the source file'} ${m.onnx.maxAbsDifference.toExponential(1)}`}</dd>
${m.architectureSpec ? `<dt>Specification</dt><dd>${esc(paramWords(m.architectureSpec as unknown as Record<string, unknown>))}</dd>` : ''}
</dl>
${layersTable(m)}
${m.test === null ? '' : `<figure class="avoid-break">${confusionTable(m)}<figcaption>Confusion matrix of ${esc(m.name)} on the test split: rows are the true class, columns the predicted one; green shades the correct share of each true class, red the confusions.</figcaption></figure>`}`;
  });
  return `<section id="models" class="page"><h2>Models</h2>${parts.join('\n')}</section>`;
}

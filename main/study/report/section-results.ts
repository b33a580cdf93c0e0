// The report's results: per evaluation, the table of means with their bootstrap CIs and n (the
// best and its statistical ties marked, each method against the random map, a metric whose
// perturbation is not a removal flagged), the mean perturbation curves against the random
// baseline, and each metric's ranking with every paired test. The table carries the stored
// numbers in data attributes, so a reader (or a test) can check them against the catalogue.
import { chanceMarks, chanceSentence, imageCountWords, validityOf } from '../../../shared/evaluation-words.js';
import { isBaseline, type Evaluation } from '../../../shared/evaluations.js';
import { formatDuration } from '../../../shared/format.js';
import { alphaVerdict, headlineAlpha } from '../../../shared/reliability.js';
import { interRaterSentence } from '../../../shared/reliability-words.js';
import { directionArrow, directionWords, formatP, formatScore, significanceMark } from '../../../shared/score-format.js';
import { tableRows, testBetween } from '../../../shared/score-table.js';
import type { ReportEvaluation } from '../../../shared/study-report.js';
import { identicalPair, identicalWords } from '../../../shared/ties-with-best.js';
import { curveFigure } from './curve-figure.js';
import { escapeXml as esc } from './markup.js';

/** The evaluation in one line: what was scored on what. */
export function evaluationHeading(e: Evaluation): string {
  return `Evaluation ${e.id}: ${e.name}`;
}

export function evaluationFacts(e: Evaluation): string {
  return `${esc(e.modelName ?? `model ${e.modelId}`)} on ${esc(e.datasetName ?? `dataset ${e.datasetId}`)}: ${esc(imageCountWords(e))}; ground truth ${esc(e.groundTruthLabel ?? 'none')}; seed ${e.seed}; ${Math.round(e.level * 100)} % percentile-bootstrap CIs from ${e.resamples} resamples; scored in ${esc(formatDuration(e.seconds))}.`;
}

const raw = (v: number) => (Number.isFinite(v) ? String(v) : '');

export function resultsTable(e: Evaluation): string {
  const rows = tableRows(e);
  const invalid = e.metricDetails.map((m) => validityOf(e, m.id)?.removal === false);
  const head = e.metricDetails
    .map((m, k) => `<th class="num" data-metric="${esc(m.id)}" title="${esc(m.citation)}">${esc(m.label)} ${directionArrow(m.higherIsBetter)}${invalid[k] ? ' <span class="warn" title="its perturbation is not a removal for this model">⚠</span>' : ''}</th>`)
    .join('');
  const body = rows.map((row) => {
    const cells = row.cells.map((cell, k) => {
      const s = e.table[k]![row.column]!;
      // Each piece wraps as a whole: a narrow column breaks between "[low, high]", "n 30" and "> chance", never inside them.
      const pieces = [`[${formatScore(s.low)}, ${formatScore(s.high)}]`, `n ${s.n}`, cell.best ? '★' : cell.tied ? '≈ best' : '', cell.chance === null ? '' : chanceMarks[cell.chance]].filter(Boolean);
      const marks = pieces.map((p) => esc(p).replace(/ /g, '\u00a0')).join(' · ');
      return `<td class="num${cell.best ? ' best' : ''}" data-metric="${esc(e.metricDetails[k]!.id)}" data-mean="${raw(s.mean)}" data-low="${raw(s.low)}" data-high="${raw(s.high)}" data-n="${s.n}"><span class="value">${esc(cell.mean)}</span> ± ${esc(cell.plusMinus)}<br><span class="mark">${marks}</span></td>`;
    });
    return `<tr class="${row.baseline ? 'baseline' : ''}" data-column="${row.column}" data-run="${e.columns[row.column]!.runId ?? 'baseline'}"><th>${esc(row.label)}</th>${cells.join('')}</tr>`;
  });
  return `<table class="results" data-evaluation="${e.id}"><thead><tr><th>method</th>${head}</tr></thead><tbody>${body.join('')}</tbody></table>
<p class="note">Mean ± half the ${Math.round(e.level * 100)} % CI, the interval and n (heatmaps scored). ★ best mean; ≈ best: not significantly different from it (paired Wilcoxon, Holm-corrected p ≥ 0.05); &gt; chance, ≈ chance, &lt; chance: the method against the random map (paired Wilcoxon, Holm-corrected over the methods); ↑/↓ higher/lower is better${invalid.some(Boolean) ? '; ⚠ the metric’s perturbation does not behave as removal for this model (see the evidence)' : ''}. Metrics: ${e.metricDetails.map((m) => `${esc(m.label)} (${esc(m.citation)})`).join('; ')}.</p>`;
}

function rankingBlock(e: Evaluation, k: number): string {
  const metric = e.metricDetails[k]!;
  const ranking = e.rankings.find((r) => r.metric === metric.id);
  if (ranking === undefined) return '';
  const order = ranking.order
    .map((c, r) => {
      const next = ranking.order[r + 1];
      const test = next === undefined ? undefined : testBetween(ranking, c, next);
      const vs = test === undefined ? '' : identicalPair(test) ? ` — vs next: ${identicalWords}` : ` — vs next: p<sub>Holm</sub> ${esc(formatP(test.pHolm))} ${significanceMark(test.pHolm)}`;
      return `<li${isBaseline(e.columns[c]!) ? ' class="baseline"' : ''}>${esc(e.columns[c]!.label)} <span class="num">${esc(formatScore(e.table[k]![c]!.mean))}</span><span class="mark">${vs}</span></li>`;
    })
    .join('');
  const cols = e.columns;
  const pairs = cols
    .map((row, i) => {
      const cells = cols.map((_, j) => {
        const t = i === j ? undefined : testBetween(ranking, i, j);
        if (t === undefined) return '<td></td>';
        if (identicalPair(t)) return `<td>${identicalWords}</td>`;
        return `<td class="num">${esc(formatP(t.pHolm))} ${significanceMark(t.pHolm)}<br><span class="mark">Δ ${esc(formatScore(t.a === i ? t.meanDifference : -t.meanDifference))} · n ${t.n}</span></td>`;
      });
      return `<tr><th>${esc(row.label)}</th>${cells.join('')}</tr>`;
    })
    .join('');
  const reliability = e.evidence?.reliability.metrics.find((m) => m.metric === metric.id);
  const alphaLine = reliability === undefined ? '' : `<p class="${alphaVerdict(headlineAlpha(reliability)) === 'reliable' ? 'note' : 'warn'}">${esc(interRaterSentence(metric.label, reliability))}</p>`;
  return `<div class="avoid-break" data-ranking="${esc(metric.id)}"><h4>${esc(metric.label)} (${directionWords(metric.higherIsBetter)})</h4>
<ol class="ranking">${order}</ol>
<p>${esc(chanceSentence(e, ranking))}</p>${alphaLine}
<table class="tests"><thead><tr><th>Holm-corrected p (row − column)</th>${cols.map((c) => `<th>${esc(c.label)}</th>`).join('')}</tr></thead><tbody>${pairs}</tbody></table></div>`;
}

export function resultsSection(evaluations: readonly ReportEvaluation[]): string {
  if (evaluations.length === 0) return '';
  const tables = evaluations.map(({ evaluation: e }) => `<h3 id="evaluation-${e.id}">${esc(evaluationHeading(e))}</h3><p class="meta">${evaluationFacts(e)}</p>${resultsTable(e)}`).join('\n');
  const curves = evaluations
    .flatMap(({ evaluation: e, curves: list }) =>
      list.map((c) => {
        const metric = e.metricDetails.find((m) => m.id === c.metric)!;
        const v = validityOf(e, c.metric);
        const check = v === undefined ? '' : v.removal === false ? ` <span class="warn">⚠ The removal check failed: ${esc(v.warnings.join(' '))}</span>` : ` The removal check found ${esc(v.perturbation)} ${v.removal === true ? 'behaves as removal for this model' : 'shows no sign of adding evidence, though too few images changed materially to test single regions'}.`;
        return `<figure class="avoid-break">${curveFigure(e, c, metric.label)}<figcaption>${esc(metric.label)} (evaluation ${e.id}, ${esc(e.modelName ?? `model ${e.modelId}`)}): mean ${esc(c.yLabel)} against ${esc(c.xLabel)} over ${c.rows} heatmaps per method, with pointwise ${Math.round(e.level * 100)} % CI bands; the random map dashed grey.${check}</figcaption></figure>`;
      }),
    )
    .join('\n');
  const rankings = evaluations.map(({ evaluation: e }) => `<h3>${esc(evaluationHeading(e))}</h3><p class="note">Best to worst by mean; paired two-sided Wilcoxon signed-rank tests over the heatmaps both columns score, Holm-corrected over every pair of the metric. * p &lt; 0.05, ** p &lt; 0.01, *** p &lt; 0.001.</p>${e.metricDetails.map((_, k) => rankingBlock(e, k)).join('')}`).join('\n');
  return `<section id="results" class="page"><h2>Results</h2>${tables}</section>
${curves === '' ? '' : `<section id="curves"><h2>Perturbation curves</h2>${curves}</section>`}
<section id="rankings" class="page"><h2>Rankings and tests</h2>${rankings}</section>`;
}

// The report's one stylesheet: a white page on screen and on paper, A4 pages with the big
// sections starting on a new page, figures and tables never split, table headers repeated, and
// colours printed as they are (heatmaps and the confusion matrix carry meaning in their colours).

export const reportStyle = `
:root { color-scheme: light; }
html { background: #ffffff; color: #141414; }
body { font: 10.5pt/1.45 'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif; margin: 0 auto; padding: 18px 24px 48px; max-width: 190mm; background: #ffffff; }
h1 { font-size: 18pt; margin: 0 0 4px; }
h2 { font-size: 13.5pt; margin: 26px 0 8px; border-bottom: 1px solid #c8c8c8; padding-bottom: 3px; }
h3 { font-size: 11.5pt; margin: 18px 0 6px; }
h4 { font-size: 10.5pt; margin: 12px 0 4px; }
p { margin: 4px 0 8px; }
.meta, .note, figcaption, .small { color: #555555; font-size: 9pt; }
.question { font-size: 12pt; font-style: italic; border-left: 3px solid #4e79a7; padding: 4px 10px; margin: 10px 0; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 9pt; }
th, td { border-bottom: 1px solid #dddddd; padding: 3px 6px; text-align: left; vertical-align: top; }
thead th { border-bottom: 1.5px solid #555555; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.results td.num { white-space: normal; }
table.results td .value { white-space: nowrap; }
table.results { width: 100%; }
table.results tr.baseline { font-style: italic; color: #444444; }
table.results .best { font-weight: bold; }
.mark { font-size: 8pt; color: #555555; }
.warn { color: #8a4b00; }
section.missing { border-left: 3px solid #b26a00; padding: 2px 10px; margin: 10px 0; }
table.confusion td { text-align: right; min-width: 2.6em; }
ul.conclusions { padding-left: 18px; }
ul.conclusions li { margin: 3px 0; }
li.finding::marker { content: '■ '; color: #2e7d32; }
li.caveat::marker { content: '▲ '; color: #b26a00; }
li.undecided::marker { content: '○ '; color: #777777; }
li.undecided { color: #333333; }
figure { margin: 10px 0 14px; }
figure svg { max-width: 100%; height: auto; }
.samples { display: flex; flex-wrap: wrap; gap: 8px; }
.samples figure { margin: 0; width: 96px; }
.samples figcaption { text-align: center; overflow-wrap: anywhere; }
code { font-size: 9pt; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 4px 0 10px; font-size: 9.5pt; }
dl.facts dt { color: #555555; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
@page { size: A4; margin: 16mm 14mm 18mm; }
@media print {
  html, body { background: #ffffff !important; }
  body { padding: 0; max-width: none; font-size: 9.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section.page { break-before: page; }
  figure, table, .avoid-break, dl.facts { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
`;

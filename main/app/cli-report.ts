// `heatlab report …`: a study report from catalogue entities given by id — one self-contained HTML
// file, optionally printed to PDF by a Chromium — or, with --figure grid, the heatmap figure for a
// paper at a journal's column width as SVG, PNG (300 dpi) or PDF. Files go into --out (default the
// current folder), granted as the app grants a picked folder, and never overwrite a file.
import { resolve } from 'node:path';
import { journalWidths, type JournalWidth, type ReportRequest } from '../../shared/study-report.js';
import { gatherReport, MAX_SAMPLES } from '../study/report/gather.js';
import { figureBytes, figureFormats, type FigureFormat } from '../study/report/figure-files.js';
import { findChromium, printPdf, PRINT_FROM_BROWSER } from '../study/report/pdf.js';
import { renderReport } from '../study/report/render-report.js';
import { saveFile } from '../workspace/save-file.js';
import { parseId, wholeOption } from './cli-numbers.js';
import { appVersion } from './paths.js';
import { reportSourcesFromApi } from './report-sources.js';
import { out, unwrap, UsageError, withHeatlab, type Options } from './cli-support.js';

export const reportUsage = `  report                 A study report as one self-contained HTML file, from
                         --evaluations ID,ID (and/or --runs, --models, --datasets)
                         [--title T --question Q --citation C --n IMAGES --out DIR --pdf]
  report --figure grid   The heatmap figure for a paper instead (--rows 0,3,5
                         --methods a,b --width single|double --format svg|png|pdf)`;

/** The options `heatlab report` reads beyond the common ones. */
export type ReportOptions = Options & {
  evaluations?: string;
  models?: string;
  datasets?: string;
  title?: string;
  question?: string;
  citation?: string;
  out?: string;
  pdf?: boolean;
  figure?: string;
  rows?: string;
  width?: string;
  format?: string;
};

function ids(value: string | undefined, name: string): number[] {
  return (value ?? '').split(',').filter((v) => v.trim() !== '').map((v) => {
    const id = parseId(v.trim());
    if (id === null) throw new UsageError(`--${name} takes ids separated by commas, not "${v}".`);
    return id;
  });
}

function rowList(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const rows = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  if (rows.length === 0 || rows.some((r) => !/^\d+$/.test(r))) throw new UsageError(`--rows takes row numbers from 0 separated by commas, such as 0,3,5, not "${value}".`);
  return rows.map(Number);
}

function choice<T extends string>(value: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} takes ${allowed.join(' or ')}, not "${value}".`);
  return value as T;
}

/** A file name from a title: letters, digits, dot, dash and underscore. */
const slug = (title: string) => title.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'report';

export async function reportCommand(options: ReportOptions, args: string[]): Promise<void> {
  if (args.length > 0) throw new UsageError(`Unexpected argument "${args[0]}".`);
  const request: ReportRequest = {
    title: '',
    question: options.question ?? '',
    citation: options.citation,
    datasetIds: ids(options.datasets, 'datasets'),
    modelIds: ids(options.models, 'models'),
    runIds: ids(options.runs, 'runs'),
    evaluationIds: ids(options.evaluations, 'evaluations'),
    sampleImages: wholeOption(options.n, 'n', { min: 1, max: MAX_SAMPLES }),
    figureRows: rowList(options.rows),
    figureMethods: options.methods?.split(',').map((m) => m.trim()).filter((m) => m !== ''),
  };
  const given = request.datasetIds.length + request.modelIds.length + request.runIds.length + request.evaluationIds.length;
  if (given === 0) throw new UsageError('report needs --evaluations ID,ID (or --runs, --models, --datasets); see `heatlab evaluate list`.');
  request.title = options.title ?? `Heatlab report on ${request.evaluationIds.length > 0 ? `evaluation${request.evaluationIds.length === 1 ? '' : 's'} ${request.evaluationIds.join(', ')}` : request.runIds.length > 0 ? `runs ${request.runIds.join(', ')}` : 'the chosen entities'}`;
  const figure = options.figure === undefined ? null : choice(options.figure, 'figure', ['grid'] as const, 'grid');
  if (figure === null && (options.width !== undefined || options.format !== undefined)) throw new UsageError('--width and --format belong to --figure grid.');
  const width = choice<JournalWidth>(options.width, 'width', Object.keys(journalWidths) as JournalWidth[], 'double');
  const format = choice<FigureFormat>(options.format, 'format', figureFormats, 'svg');
  if (figure !== null && options.pdf) throw new UsageError('--pdf prints the report; for a PDF figure use --format pdf.');

  const written = await withHeatlab(options, async (api) => {
    const { folder } = unwrap(await api['files.grant']({ path: resolve(options.out ?? '.') }));
    const data = await gatherReport(reportSourcesFromApi(api, appVersion()), request);
    const files: { kind: string; path: string }[] = [];
    let note: string | null = null;
    if (figure !== null) {
      if (data.grids.length === 0) throw new UsageError('The report has no explanation run, so there is no heatmap figure; give --runs or --evaluations.');
      const chromium = format === 'pdf' ? findChromium() : null;
      for (const grid of data.grids) {
        const bytes = await figureBytes(grid, width, format, chromium);
        files.push({ kind: `figure-${format}`, ...saveFile(folder, `heatlab-heatmaps-dataset-${grid.datasetId}-${width}.${format}`, bytes) });
      }
      return { files, note };
    }
    const html = renderReport(data);
    files.push({ kind: 'html', ...saveFile(folder, `${slug(data.title)}.html`, Buffer.from(html, 'utf8')) });
    if (options.pdf) {
      const chromium = findChromium();
      if (chromium === null) note = PRINT_FROM_BROWSER;
      else files.push({ kind: 'pdf', ...saveFile(folder, `${slug(data.title)}.pdf`, await printPdf(html, chromium)) });
    }
    return { files, note };
  });
  if (options.json) out(JSON.stringify(written, null, 2));
  else {
    for (const f of written.files) out(`Wrote ${f.path}`);
    if (written.note !== null) process.stderr.write(`heatlab: ${written.note}\n`);
  }
}

// Study reports in main: the HTML built from the catalogue on request, and saved as a file (and a
// PDF when asked) into a folder the caller has already checked. The PDF is printed before anything
// is written, so a failed print leaves no half of the pair behind.
import type { SavedStudyReport, Study, StudyReportFile } from '../../shared/studies.js';
import { saveFile } from '../workspace/save-file.js';
import type { PdfPrinter } from './report/pdf.js';
import type { ReportSources } from './report/sources.js';
import { studyReport } from './report/study-report.js';

/** A file name from a title: letters, digits, dot, dash and underscore. */
export const reportFileStem = (title: string): string => title.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'study-report';

export interface StudyReportsOptions {
  study: (id: number) => Study;
  sources: ReportSources;
  print: PdfPrinter;
}

export class StudyReports {
  readonly #options: StudyReportsOptions;

  constructor(options: StudyReportsOptions) {
    this.#options = options;
  }

  report(id: number): Promise<StudyReportFile> {
    return studyReport(this.#options.study(id), this.#options.sources);
  }

  /** `folder`: absolute, already checked as writable by the caller. */
  async save(id: number, folder: string, pdf: boolean): Promise<SavedStudyReport> {
    const { title, html } = await this.report(id);
    const printed = pdf ? await this.#options.print(html) : null;
    const stem = `${reportFileStem(title)}-study-${id}`;
    const { path } = saveFile(folder, `${stem}.html`, Buffer.from(html, 'utf8'));
    const pdfPath = printed === null ? null : saveFile(folder, `${stem}.pdf`, printed).path;
    return { path, pdfPath };
  }
}

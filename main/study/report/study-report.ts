// A study's report: the entities the study holds (its members) gathered from the catalogue with the
// study's question and its template's citation, rendered to one self-contained HTML file. A study
// that has not finished still gets a report of what exists, and the report says what is missing.
import type { ReportData, ReportRequest } from '../../../shared/study-report.js';
import type { Study, StudyReportFile } from '../../../shared/studies.js';
import { gatherReport } from './gather.js';
import { renderReport } from './render-report.js';
import type { ReportSources } from './sources.js';

const ids = (study: Study, kind: Study['members'][number]['kind']) => [...new Set(study.members.filter((m) => m.kind === kind).map((m) => m.id))];

/** The report's request: every member of the study, in plan order. */
export function studyReportRequest(study: Study): ReportRequest {
  const template = study.plan.template;
  const citation = template === undefined ? undefined : `${template.citation}${template.differences.length === 0 ? '' : ` Where Heatlab's version differs: ${template.differences.join(' ')}`}`;
  return {
    title: study.name,
    question: study.question,
    citation,
    datasetIds: ids(study, 'dataset'),
    modelIds: ids(study, 'model'),
    runIds: ids(study, 'run'),
    evaluationIds: ids(study, 'evaluation'),
  };
}

/** What the report lacks, one sentence each: the steps not done yet, and why the last run stopped. */
export function missingParts(study: Study): string[] {
  const pending = study.pipeline.filter((s) => s.state !== 'done');
  if (pending.length === 0) return [];
  const why =
    study.status === 'running'
      ? 'The study is running; this report shows what it had when the report was made.'
      : study.error !== null
        ? `The study's last run stopped: ${study.error.message}`
        : study.status === 'new'
          ? 'The study has not been run yet.'
          : `The study is ${study.status}.`;
  const evaluations = study.members.some((m) => m.kind === 'evaluation') ? [] : ['No evaluation has finished, so the report has no results, rankings or conclusions yet.'];
  return [
    why,
    ...evaluations,
    ...pending.map((s) => `Not done yet (${s.state === 'running' ? 'running' : 'pending'}): ${s.label}${s.members.length > 0 ? ` (${s.members.length} result${s.members.length === 1 ? '' : 's'} so far)` : ''}.`),
    `Run the study again (heatlab study run ${study.id}) to finish it; steps already done are skipped.`,
  ];
}

export async function studyReportData(study: Study, sources: ReportSources, now: () => Date = () => new Date()): Promise<ReportData> {
  const request = studyReportRequest(study);
  const missing = missingParts(study);
  const asked = request.datasetIds.length + request.modelIds.length + request.runIds.length + request.evaluationIds.length;
  if (asked === 0) {
    // Nothing to gather yet: the report is the question, the citation and what is missing.
    return { title: request.title, question: request.question.trim(), citation: request.citation?.trim() || null, generatedAt: now().toISOString(), heatlabVersion: sources.version, datasets: [], models: [], runs: [], grids: [], evaluations: [], missing };
  }
  return { ...(await gatherReport(sources, request, now)), missing };
}

export async function studyReport(study: Study, sources: ReportSources, now?: () => Date): Promise<StudyReportFile> {
  const data = await studyReportData(study, sources, now);
  return { title: data.title, html: renderReport(data) };
}

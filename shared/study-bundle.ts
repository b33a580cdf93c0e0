// A study's reproducibility bundle: one zip with the study file (its plan made portable), the
// parameters, seeds and engines of every step, software versions, the models as ONNX, heatmaps and
// masks as .npy, scores as CSV and the report. `heatlab study run bundle.zip` recomputes the study
// from it on another machine and names every score, array or model that differs.
import type { StudyEntityKind, StudyStatus, StudyStepKind } from './studies.js';

/** The manifest's own name inside the zip. */
export const BUNDLE_MANIFEST = 'heatlab-bundle.json';
/** The portable study file inside the zip: its paths are relative to the unpacked bundle. */
export const BUNDLE_PLAN = 'study.json';
export const BUNDLE_REPORT = 'report.html';

/** An array or file of a step, with its checksum; `name` is where the bundle holds it (null when it is recomputed, not carried). */
export interface BundleArray {
  role: string;
  name: string | null;
  sha256: string;
  bytes: number;
  dtype?: string;
  shape?: number[];
}

/** One entity of the study as the catalogue recorded it: what was computed, with which parameters, seeds and engines. */
export interface BundleStep {
  slot: string;
  kind: StudyStepKind | 'run';
  stepKey: string;
  entity: { kind: StudyEntityKind; id: number; name: string; createdAt: string; heatlabVersion: string };
  params: Record<string, unknown>;
  seeds: Record<string, number>;
  engine: Record<string, unknown>;
  arrays: BundleArray[];
}

export interface BundleManifest {
  format: 'heatlab-study-bundle';
  version: 1;
  createdAt: string;
  study: { id: number; name: string; question: string; status: StudyStatus; template: { id: string; size: string; citation: string } | null };
  /** The exporting Heatlab and the engines its compute host resolved. */
  software: { heatlab: string; node: string; platform: string; ort: string | null; tfjs: string | null; tfjsBackend: string | null };
  steps: BundleStep[];
  /** Every other entry of the zip with its size and sha256. */
  files: { name: string; bytes: number; sha256: string }[];
}

/** The result of `studies.export`: where the bundle went and its size on disk. */
export interface StudyBundleFile {
  path: string;
  bytes: number;
}

/** One value the recomputation does not reproduce. */
export interface BundleDifference {
  /** The bundle entry that holds the bundle's value. */
  file: string;
  /** The study's place in the plan it belongs to. */
  slot: string;
  /** What differs, in words: "row 3 (image 57), gradient: relevance-mass-accuracy". */
  what: string;
  bundle: string;
  recomputed: string;
}

/** What `heatlab study run bundle.zip` found on comparing the recomputed study with the bundle. */
export interface StudyBundleCheck {
  bundle: string;
  studyId: number;
  /** Entries that no longer match the manifest: changed after the export, missing, or added. */
  altered: { file: string; how: 'changed' | 'missing' | 'added' }[];
  differences: BundleDifference[];
  compared: { scores: number; arrays: number; models: number };
  /** Nothing altered and nothing different. */
  same: boolean;
  /** The exporting machine's software, beside this one's: a difference there is the first suspect. */
  software: { bundle: BundleManifest['software']; here: BundleManifest['software'] };
}

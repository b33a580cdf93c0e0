// Reproducibility bundles in main: a finished study exported as one zip into a folder the caller
// checked; a bundle opened (checked, unpacked into the workspace's bundles/ folder) so its plan can
// be run as a new study; and the recomputed study compared with the bundle it came from.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BundleManifest, StudyBundleCheck, StudyBundleFile } from '../../shared/study-bundle.js';
import type { Study } from '../../shared/studies.js';
import { saveFile } from '../workspace/save-file.js';
import { compareWithBundle } from './bundle/compare-bundle.js';
import { bundleEntries } from './bundle/export-bundle.js';
import { openBundle, type OpenedBundle } from './bundle/open-bundle.js';
import { writeZip } from './bundle/zip-write.js';
import type { CallApi } from './ports.js';
import { reportFileStem } from './study-reports.js';

export interface StudyBundlesOptions {
  study: (id: number) => Study;
  call: CallApi;
  workspace: string;
  /** This Heatlab's software and engines, as the manifest records them. */
  software: () => Promise<BundleManifest['software']>;
  reportHtml: (id: number) => Promise<string>;
}

export class StudyBundles {
  readonly #o: StudyBundlesOptions;

  constructor(options: StudyBundlesOptions) {
    this.#o = options;
  }

  /** `folder`: absolute, already checked as writable by the caller. A file of the same name is kept; the bundle gets a numbered name. */
  async export(id: number, folder: string): Promise<StudyBundleFile> {
    const study = this.#o.study(id);
    const entries = await bundleEntries(study, { call: this.#o.call, workspace: this.#o.workspace, software: this.#o.software, reportHtml: (s) => this.#o.reportHtml(s.id) });
    // saveFile picks the free name and checks the folder; the zip is then streamed over its placeholder.
    const { path } = saveFile(folder, `${reportFileStem(study.name)}-study-${id}-bundle.zip`, new Uint8Array(0));
    try {
      return { path, bytes: writeZip(path, entries) };
    } catch (err) {
      rmSync(path, { force: true });
      throw err;
    }
  }

  /** Checks and unpacks a bundle; its plan is ready for studies.create. */
  open(zip: string): Promise<OpenedBundle> {
    return openBundle(zip, join(this.#o.workspace, 'bundles'));
  }

  /** The recomputed study `studyId` against the bundle it was made from. */
  async check(studyId: number, bundle: OpenedBundle): Promise<StudyBundleCheck> {
    const study = this.#o.study(studyId);
    const { differences, compared } = await compareWithBundle(study, bundle, { call: this.#o.call, workspace: this.#o.workspace });
    return {
      bundle: bundle.zip,
      studyId,
      altered: bundle.altered,
      differences,
      compared,
      same: bundle.altered.length === 0 && differences.length === 0,
      software: { bundle: bundle.manifest.software, here: await this.#o.software() },
    };
  }
}

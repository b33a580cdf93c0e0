// Models in main: the catalogue rows, their files in data/models/<id>/, ONNX export to a folder the
// user picks, and the misclassified test images.
import { copyFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { HeatlabError } from '../../shared/errors.js';
import type { StagedImport } from '../../shared/model-import.js';
import type { Misclassified, Model, ModelSummary, StagedModel } from '../../shared/models.js';
import { modelFolder, type ModelsRepository } from '../catalogue/models-repository.js';
import { noDeleteGuard, type DeleteGuard } from '../jobs/in-use.js';
import { recordWithFolders } from '../workspace/entity-folder.js';
import { sweepFolders } from '../workspace/sweep.js';
import { readNpy } from '../workspace/npy.js';

export const modelsFolder = (workspace: string) => join(workspace, 'data', 'models');

/** A file name from a model name: letters, digits, dot, dash and underscore only. */
export function fileSafe(name: string): string {
  return name.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'model';
}

export class ModelsService {
  readonly #workspace: string;
  readonly #repo: ModelsRepository;
  readonly #version: string;
  readonly #inUse: DeleteGuard;

  constructor(options: { workspace: string; repo: ModelsRepository; version: string; inUse?: DeleteGuard }) {
    this.#inUse = options.inUse ?? noDeleteGuard;
    this.#workspace = options.workspace;
    this.#repo = options.repo;
    this.#version = options.version;
  }

  list(): ModelSummary[] {
    return this.#repo.list();
  }

  get(id: number): Model {
    const model = this.#repo.get(id);
    if (model === null) throw new HeatlabError('not_found', `There is no model ${id}.`);
    const { files: _files, ...rest } = model;
    return rest;
  }

  /** Records a trained model and moves its staged folder into place, atomically with the row. */
  register(staged: StagedModel, jobId: number | null): Model {
    const folder = modelFolder;
    const id = recordWithFolders((move) => this.#repo.insert(
      {
        name: staged.name,
        source: 'trained',
        datasetId: staged.datasetId,
        datasetName: staged.datasetName,
        architecture: staged.architecture,
        architectureSpec: staged.architectureSpec,
        layers: staged.layers,
        parameters: staged.parameters,
        classNames: staged.classNames,
        training: staged.training,
        preprocessing: staged.preprocessing,
        backend: staged.backend,
        epochs: staged.epochs,
        stopReason: staged.stopReason,
        stopNote: staged.stopNote,
        test: staged.test,
        testAccuracy: staged.test.accuracy,
        onnx: staged.onnx,
        tfjs: staged.tfjs,
        jobId,
        heatlabVersion: this.#version,
        seconds: staged.seconds,
      },
      (id) => staged.files.map((f) => ({ ...f, path: join(folder(id), f.path) })),
      (id) => move(join(this.#workspace, staged.stagingDir), join(this.#workspace, folder(id))),
    ));
    return this.get(id);
  }

  /** Records an imported model and moves its staged .onnx into place, atomically with the row. */
  registerImported(staged: StagedImport, jobId: number | null): Model {
    const id = recordWithFolders((move) => this.#repo.insert(
      {
        name: staged.name,
        source: 'imported',
        datasetId: staged.dataset?.id ?? null,
        datasetName: staged.dataset?.name ?? null,
        architecture: staged.architecture,
        architectureSpec: null,
        layers: staged.layers,
        parameters: staged.parameters,
        classNames: staged.classNames,
        training: null,
        preprocessing: staged.preprocessing,
        backend: null,
        epochs: [],
        stopReason: null,
        stopNote: null,
        test: staged.test,
        testAccuracy: staged.test?.accuracy ?? null,
        onnx: staged.onnx,
        tfjs: null,
        jobId,
        heatlabVersion: this.#version,
        seconds: staged.seconds,
      },
      () => [],
      (id) => move(join(this.#workspace, staged.stagingDir), join(this.#workspace, modelFolder(id))),
    ));
    return this.get(id);
  }

  rename(id: number, name: string): Model {
    this.get(id);
    this.#repo.rename(id, name);
    return this.get(id);
  }

  delete(id: number): void {
    this.get(id);
    this.#inUse.refuseIfInUse({ kind: 'model', id });
    this.#repo.delete(id);
    rmSync(join(modelsFolder(this.#workspace), String(id)), { recursive: true, force: true });
  }

  /** Removes model folders without a row (a crash between moving a folder into place and committing its row); staging folders are not numbered, so they stay. */
  sweep(): void {
    sweepFolders(modelsFolder(this.#workspace), this.#repo.ids());
  }

  /** The model's ONNX file, absolute. */
  onnxPath(id: number): string {
    return join(this.#workspace, this.get(id).onnx.path);
  }

  /** Copies the .onnx into `folder` (absolute, existing); never overwrites a file already there. */
  exportOnnx(id: number, folder: string): { path: string } {
    const model = this.get(id);
    if (!isAbsolute(folder)) throw new HeatlabError('invalid_request', `"${folder}" is not an absolute path.`);
    const target = resolve(folder);
    if (!existsSync(target) || !statSync(target).isDirectory()) throw new HeatlabError('invalid_request', `${target} is not a folder.`);
    const stem = fileSafe(model.name);
    let path = join(target, `${stem}.onnx`);
    for (let k = 2; existsSync(path); k++) path = join(target, `${stem} (${k}).onnx`);
    try {
      copyFileSync(this.onnxPath(id), path);
    } catch (err) {
      rmSync(path, { force: true });
      throw new HeatlabError('invalid_request', `The model could not be written to ${target}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
    }
    return { path };
  }

  misclassified(id: number): Misclassified {
    const model = this.#repo.get(id);
    if (model === null) throw new HeatlabError('not_found', `There is no model ${id}.`);
    const read = (role: string) => {
      const f = model.files.find((file) => file.role === role);
      if (f === undefined) throw new HeatlabError('not_found', `Model ${id} has no record of misclassified images (it was not trained here).`);
      return readNpy(join(this.#workspace, f.path)).data;
    };
    return {
      indices: read('misclassified-indices') as Int32Array,
      trueLabels: read('misclassified-true') as Int32Array,
      predicted: read('misclassified-predicted') as Int32Array,
      probabilities: read('misclassified-probabilities') as Float32Array,
    };
  }
}

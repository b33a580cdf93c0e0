// The `models.import` job (compute host): read the source file, check it against the user's
// choices, write the normalised model into a staging folder, verify it computes what the source
// computes, test-run it on a few dataset images, and hand main everything to record the model.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeatlabError } from '../../../shared/errors.js';
import type { ModelImportParams, StagedImport } from '../../../shared/model-import.js';
import { StagingArea } from '../../workspace/staging.js';
import type { OrtEngine } from '../ort-engine.js';
import type { JobContext } from '../../jobs/host/job-context.js';
import { readModel } from '../model-reader.js';
import { unsupportedOps } from '../supported-ops.js';
import { layerSummary, parameterCount } from './layers.js';
import { normaliseModel } from './normalize.js';
import { planImport } from './plan.js';
import { readOnnxSource } from './source.js';
import { testRun } from './test-run.js';
import { createSession, NORMALISE_TOLERANCE, verificationAgrees, verifyNormalised } from './verify.js';

/** Random images the normalised model is compared with the source on. */
const VERIFY_IMAGES = 4;

const STEPS = 5;

export async function runModelImport(params: ModelImportParams, ctx: JobContext, engines: OrtEngine): Promise<StagedImport> {
  const start = performance.now();
  const { dataset } = params;
  ctx.progress(0, STEPS, 'Reading the ONNX file', 'steps');
  const source = readOnnxSource(params.path);
  const plan = planImport(source.ir, params, dataset);
  const name = params.name ?? source.fileName.replace(/\.onnx$/i, '');
  await ctx.checkpoint();

  const staging = StagingArea.create(ctx.workspace, 'models', ctx.jobId);
  try {
    ctx.progress(1, STEPS, 'Writing the normalised model', 'steps');
    const metadata = (classNames: string[]) => ({
      'heatlab.name': name,
      'heatlab.classNames': JSON.stringify(classNames),
      'heatlab.preprocessing': JSON.stringify(plan.preprocessing),
      'heatlab.importedFrom': JSON.stringify({ file: source.fileName, sha256: source.sha256, producer: source.ir.producer, layout: plan.layout, channelOrder: plan.channelOrder }),
    });
    let normalised = normaliseModel(source.bytes, plan, metadata(plan.classNames ?? []));
    let session = await createSession(engines.ort, normalised.bytes, 'the model');
    try {
      ctx.progress(2, STEPS, 'Checking the normalised model against the source', 'steps');
      const n = typeof plan.batch === 'number' ? plan.batch : VERIFY_IMAGES;
      const verified = await verifyNormalised(engines.ort, source.bytes, session, plan, normalised.logitsFrom, n);
      if (!verificationAgrees(verified)) {
        throw new HeatlabError(
          'internal',
          `The normalised model's scores differ from the source model's by ${verified.maxAbsDifference.toExponential(2)} (the limit is ${(NORMALISE_TOLERANCE * Math.max(1, verified.maxAbsScore)).toExponential(1)}), so the model was not imported.`,
        );
      }
      // A class count the file did not declare is known now, from the run.
      let classNames = plan.classNames;
      if (classNames !== null && classNames.length !== verified.classes) {
        throw new HeatlabError('invalid_request', `The model's output ${plan.output.name} has ${verified.classes} classes, and ${classNames.length} class name${classNames.length === 1 ? ' was' : 's were'} given.`);
      }
      if (classNames === null) {
        classNames = Array.from({ length: verified.classes }, (_, i) => `class ${i}`);
        await session.release();
        normalised = normaliseModel(source.bytes, plan, metadata(classNames));
        session = await createSession(engines.ort, normalised.bytes, 'the model');
      }
      await ctx.checkpoint();

      ctx.progress(3, STEPS, dataset === null ? 'No test dataset chosen' : `Test-running on ${params.testImages} images of ${dataset.name}`, 'steps');
      const tested =
        dataset === null
          ? null
          : await testRun(engines.ort, session, ctx.workspace, dataset, plan.preprocessing, classNames, normalised.scores, params.testImages, typeof plan.batch === 'number' ? plan.batch : null);
      await ctx.checkpoint();

      ctx.progress(4, STEPS, 'Saving the model', 'steps');
      writeFileSync(join(staging.dir, 'model.onnx'), normalised.bytes);
      const stored = readModel(normalised.bytes);
      const producer = [source.ir.producer.name || 'an unknown exporter', source.ir.producer.version].filter((s) => s !== '').join(' ');
      const staged: StagedImport = {
        stagingDir: staging.relativeDir,
        name,
        dataset: dataset === null ? null : { id: dataset.id, name: dataset.name },
        architecture: `ONNX from ${producer}`,
        layers: layerSummary(stored, [1, plan.channels, plan.height, plan.width]),
        parameters: parameterCount(source.ir),
        classNames,
        preprocessing: plan.preprocessing,
        test: tested?.metrics ?? null,
        onnx: {
          path: 'model.onnx',
          opset: stored.opset,
          sha256: createHash('sha256').update(normalised.bytes).digest('hex'),
          bytes: normalised.bytes.length,
          maxAbsDifference: verified.maxAbsDifference,
          imported: {
            sourcePath: source.path,
            sourceFile: source.fileName,
            sourceBytes: source.bytes.length,
            sourceSha256: source.sha256,
            producer: source.ir.producer,
            sourceOpset: source.ir.opset,
            input: plan.input.name,
            output: plan.output.name,
            layout: plan.layout,
            channelOrder: plan.channelOrder,
            outputKind: plan.outputKind,
            scores: normalised.scores,
            unsupportedOps: unsupportedOps(stored),
            testRun: tested?.run ?? null,
          },
        },
        seconds: (performance.now() - start) / 1000,
      };
      staging.finish();
      ctx.progress(STEPS, STEPS, 'Imported', 'steps');
      return staged;
    } finally {
      await session.release();
    }
  } catch (err) {
    staging.discard();
    throw err;
  }
}

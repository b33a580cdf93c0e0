// What the studies domain is given by the composition root: the router's own methods (so a study's
// steps are checked and run exactly as the same API requests), the job service's wait, and the
// registries' parameter schemas — so main/study imports no other domain.
import type { Router } from '../api/router.js';
import { HeatlabError } from '../../shared/errors.js';
import { generatorInfo, type GeneratorId, type GeneratorParams } from '../../shared/generators.js';
import { generatorFor } from '../data/generators/index.js';
import { metrics } from '../evaluate/registry.js';
import { explainMethods } from '../explain/methods.js';
import type { JobService } from '../jobs/job-service.js';
import type { CallApi, StudyPorts } from '../study/ports.js';

/** `router` is read on each call: the router is made after the studies service, which it serves. */
export function studyPorts(router: () => Router, jobs: JobService): StudyPorts {
  const call: CallApi = async (method, request) => {
    const result = await router().dispatch(method, request);
    if (!result.ok) throw new HeatlabError(result.error.code, result.error.message, result.error.details);
    return result.value as never;
  };
  return {
    call,
    waitForJob: (id) => jobs.waitFor(id),
    methods: explainMethods.map((m) => ({ id: m.id, label: m.label, params: m.params })),
    metrics: metrics.map((m) => ({
      id: m.id,
      label: m.label,
      params: m.params,
      needsMask: m.needs.mask === true,
      // As the evaluation service records them: size-dependent defaults filled in, then parsed.
      fit: (params, geometry) => m.params.parse(m.fit?.(params, geometry) ?? params) as Record<string, unknown>,
    })),
    generated: (generator: GeneratorId, params) => {
      const p = params as GeneratorParams<GeneratorId>;
      return { height: p.size, width: p.size, channels: 1, classNames: generatorFor(generator).classNames(p), maskKinds: generatorInfo[generator].maskKinds };
    },
  };
}

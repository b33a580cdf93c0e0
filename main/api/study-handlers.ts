// API handlers for studies: templates, plans checked as a whole, the pipeline's runs and their state.
import type { StudiesService } from '../study/studies-service.js';
import type { Handlers } from './router.js';

type StudyMethods = Pick<
  Handlers,
  'studies.templates' | 'studies.create' | 'studies.validate' | 'studies.list' | 'studies.get' | 'studies.run' | 'studies.cancel' | 'studies.rename' | 'studies.delete'
>;

export function studyHandlers(studies: StudiesService): StudyMethods {
  return {
    'studies.templates': () => studies.templates(),
    'studies.create': (request) => studies.create(request),
    'studies.validate': ({ plan }) => studies.validate(plan),
    'studies.list': () => studies.list(),
    'studies.get': ({ id }) => studies.get(id),
    'studies.run': ({ id, cluster }) => studies.run(id, cluster ?? null),
    'studies.cancel': ({ id }) => studies.cancel(id),
    'studies.rename': ({ id, name }) => studies.rename(id, name),
    'studies.delete': ({ id, withResults }) => studies.delete(id, withResults),
  };
}

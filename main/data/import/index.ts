// Import of local image data: inspect a source before importing it, then run the import as a
// compute-host job that stages a dataset (and, with masks, an annotation set) for main to record.
export { inspectImport } from './inspect.js';
export { runImport, SOURCES_FILE } from './run-import.js';

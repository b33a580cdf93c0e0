// The tfjs-Layers → ONNX exporter and its save-time verification.
export { DEFAULT_OPSET, exportLayersModel, MIN_OPSET, type ExportOptions } from './export-layers-model.js';
export { EXPORT_TOLERANCE, exportAgrees, verifyExport } from './verify.js';
export { INPUT_NAME, LOGITS_NAME, PROBABILITIES_NAME } from './context.js';

/**
 * Models: the manifest contract, its validation, ONNX sessions and the registry over the
 * models folder.
 *
 * @example
 * import { ModelRegistry } from './models';
 * const registry = new ModelRegistry('models');
 * await registry.load('mirror-small');
 */
export * from './manifest';
export { loadManifest, validateManifest, MODEL_KINDS } from './validate-manifest';
export { MODEL_NAME_RE, PARAM_NAME_RE } from './names';
export { pitchTrackerOf, requirePitchTracker, PITCH_TRACKER_KEYS } from './pitch-tracker';
export { OnnxModel, type OnnxModelOptions, type Feeds, type Fetches } from './onnx-model';
export { ortBackend, ortStatus, ortModule, nativeAvailable, Tensor, ORT_BACKENDS, ORT_BACKEND_ENV, type OrtBackend, type OrtBackendInfo, type OrtStatus } from './ort-backend';
export { ModelRegistry, checkModelName, type ModelInfo, type ModelLease } from './registry';
export { toUnits, frameToUnits } from './param-units';

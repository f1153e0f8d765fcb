/**
 * The engine facade and its plug-in contracts.
 *
 * @example
 * import { Engine } from './engine';
 * const engine = new Engine({ modelsDir: 'models', filesDir: 'files' });
 */
export { Engine, type EngineOptions } from './engine';
export { FileFolder } from './files';
export { JobCancelled } from './jobs';
export type { BlockFrame } from './stream';
export * from './types';

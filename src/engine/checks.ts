import { checkInt, checkRange, MbError } from '../core/errors';
import type { EngineOptions } from './types';

/** Option checks at the engine's entry, naming the value and the range expected. */
export function checkEngineOptions(o: EngineOptions): EngineOptions {
  checkInt('maxStreams', o.maxStreams, 1, 4096);
  checkInt('maxStreamsPerClient', o.maxStreamsPerClient, 1, 4096);
  checkInt('streamQueueBlocks', o.streamQueueBlocks, 1, 4096);
  checkInt('jobQueueSize', o.jobQueueSize, 1, 4096);
  checkRange('jobSliceMs', o.jobSliceMs, 0.1, 1000);
  checkInt('intraOpThreads', o.intraOpThreads, 1, 64);
  checkInt('jobWorkers', o.jobWorkers, 0, 16);
  checkInt('jobNice', o.jobNice, 0, 19);
  checkInt('liveNice', o.liveNice, -20, 0);
  if (typeof o.modelHosts !== 'boolean') throw new MbError('MB_ERR_BAD_ARGS', `modelHosts must be true or false, got ${JSON.stringify(o.modelHosts)}`);
  if (typeof o.warmModels !== 'boolean') throw new MbError('MB_ERR_BAD_ARGS', `warmModels must be true or false, got ${JSON.stringify(o.warmModels)}`);
  return o;
}

import { checkInt, checkRange, MbError } from '../core/errors';
import type { EngineOptions } from './engine';
import type { StreamControl } from './types';

/** Option and control checks at the engine's entry, naming the value and the range expected. */
export function checkEngineOptions(o: EngineOptions): EngineOptions {
  checkInt('maxStreams', o.maxStreams, 1, 4096);
  checkInt('maxStreamsPerClient', o.maxStreamsPerClient, 1, 4096);
  checkInt('streamQueueBlocks', o.streamQueueBlocks, 1, 4096);
  checkInt('jobQueueSize', o.jobQueueSize, 1, 4096);
  checkRange('jobSliceMs', o.jobSliceMs, 0.1, 1000);
  checkInt('intraOpThreads', o.intraOpThreads, 1, 64);
  return o;
}

export function checkControl(c: StreamControl): void {
  if (c.kind === 'vq.target') {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(c.descriptor)) throw new MbError('MB_ERR_BAD_TARGET', `descriptor name must be a word, got ${JSON.stringify(c.descriptor)}`);
    checkRange(`target ${c.descriptor}`, c.value, -1e6, 1e6, 'MB_ERR_BAD_TARGET');
  } else if (c.kind === 'vq.deform') {
    if (!['scale', 'bias', 'randomize', 'reverse', 'transpose'].includes(c.op)) throw new MbError('MB_ERR_BAD_ARGS', `deform op must be scale, bias, randomize, reverse or transpose, got ${JSON.stringify(c.op)}`);
    checkRange(`deform ${c.op}`, c.value, -100, 100);
  } else {
    checkRange('plane x', c.x, 0, 1);
    checkRange('plane y', c.y, 0, 1);
  }
}

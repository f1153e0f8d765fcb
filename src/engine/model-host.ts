import type { MessagePort } from 'node:worker_threads';
import { toMbError } from '../core/errors';
import type { Engine } from './engine';
import { setThreadNice } from './thread-priority';
import type { BlockFrame } from './stream';
import { STATS_MS, type FromHost, type ToHost } from './host-protocol';

/**
 * A model host thread's side of the protocol of src/engine/model-hosts.ts: this thread's own
 * engine (the same plug-ins, its own onnxruntime sessions) loads one model, checks it and warms
 * it, says 'ready', and from then on runs the live streams the main thread opens on it. Blocks
 * arrive as transferred buffers; frames leave the same way. Its stream sequence numbers start
 * at 0; the main thread renumbers them so that they continue across hosts (swaps, restarts).
 *
 * @example
 * // src/app/model-host-worker.ts
 * const { engine } = await createEngine({ ...data, jobWorkers: 0, modelHostEntry: undefined });
 * await hostModel(engine, parentPort, data.model);
 */

/** Loads `model` on `engine` and serves the main thread's messages on `port`. */
export async function hostModel(engine: Engine, port: MessagePort, model: string, liveNice = 0): Promise<void> {
  const send = (m: FromHost, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  const queued: ToHost[] = [];
  let handle: (m: ToHost) => void = (m) => void queued.push(m);
  port.on('message', (m: ToHost) => (m.type === 'exit' ? process.exit(m.code) : handle(m)));

  try {
    await engine.loadModel(model);
  } catch (err) {
    const e = toMbError(err, 'MB_ERR_MODEL_LOAD');
    send({ type: 'failed', code: e.code, message: e.message });
    return;
  }
  engine.on('params', (frame) => send({ type: 'params', frame }, framesBuffers({ params: frame })));
  engine.on('vq', (frame) => send({ type: 'vq', frame }, framesBuffers({ vq: frame })));
  engine.on('error', (e) => send({ type: 'error', clientId: e.clientId, streamId: e.streamId, code: e.error.code, message: e.error.message }));
  const stats = setInterval(() => {
    const streams = engine.status().streams;
    if (streams.length > 0) send({ type: 'stats', streams });
  }, STATS_MS);
  stats.unref();

  const reply = (req: number, run: () => Promise<unknown>, transfer: (v: unknown) => ArrayBuffer[] = () => []) => {
    const fail = (err: unknown) => {
      const e = toMbError(err);
      send({ type: 'reply', req, code: e.code, message: e.message });
    };
    run().then((value) => {
      try {
        send({ type: 'reply', req, value }, transfer(value));
      } catch (err) {
        fail(err);
      }
    }, fail);
  };
  const report = (clientId: string | undefined, streamId: number | undefined, err: unknown) => {
    const e = toMbError(err);
    send({ type: 'error', clientId, streamId, code: e.code, message: e.message });
  };

  handle = (m: ToHost) => {
    switch (m.type) {
      case 'open':
        return reply(m.req, async () => {
          engine.restoreControls(m.clientId, m.controls);
          const status = await engine.openStream(m.clientId, m.id, { sampleRate: m.sampleRate, blockSize: m.blockSize, model });
          if (m.smoothing > 0) engine.setSmoothing(m.clientId, m.id, m.smoothing);
          return status;
        });
      case 'close':
        engine.closeStream(m.clientId, m.id);
        if (!engine.status().streams.some((s) => s.clientId === m.clientId)) engine.restoreControls(m.clientId, []);
        return;
      case 'block':
        if (m.req === undefined) {
          try {
            engine.pushAudio(m.clientId, m.id, m.samples, m.at);
          } catch (err) {
            report(m.clientId, m.id, err);
          }
          return;
        }
        return answerBlock(m as Required<typeof m>);
      case 'smoothing':
        try {
          engine.setSmoothing(m.clientId, m.id, m.amount);
        } catch (err) {
          report(m.clientId, m.id, err);
        }
        return;
      case 'control':
        try {
          engine.setControl(m.clientId, m.control);
        } catch (err) {
          report(m.clientId, undefined, err);
        } finally {
          // The main thread's snapshots are the truth (it checked the control before sending it).
          engine.restoreControls(m.clientId, m.snapshots);
        }
        return;
      case 'live':
        setThreadNice(liveNice, `model host ${model}`);
        return;
      case 'flush':
        return reply(m.req, () => engine.streamsIdle());
      default:
    }
  };

  // Its frames go back in the reply only (quiet: not as frame messages too).
  const answerBlock = (m: Required<Extract<ToHost, { type: 'block' }>>) =>
    reply(m.req, () => engine.processBlock(m.clientId, m.id, m.samples, true), (frames) => (frames as BlockFrame[]).flatMap(framesBuffers));

  const warm = engine.status().models.find((m) => m.name === model)?.warm ?? { state: 'none' };
  const kind = engine.registry.get(model)!.manifest.kind;
  send({ type: 'ready', kind, live: engine.status().streamKinds.includes(kind), warm });
  queued.splice(0).forEach((m) => handle(m));
}

/**
 * The buffers a frame may give away: its parameter arrays (the engine makes them per frame)
 * and its audio (an array of its own per block, by the processor contract). Codes and latents
 * are views of arrays a processor may keep: they are copied.
 */
function framesBuffers(f: BlockFrame): ArrayBuffer[] {
  const arrays = [f.params?.normalized, f.params?.units, f.vq?.audio];
  const buffers = new Set<ArrayBuffer>();
  for (const a of arrays) if (a && a.buffer instanceof ArrayBuffer && a.byteLength === a.buffer.byteLength) buffers.add(a.buffer);
  return [...buffers];
}

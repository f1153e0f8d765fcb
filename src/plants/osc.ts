import { createSocket, type Socket } from 'node:dgram';
import { MbError } from '../core/errors';
import { resample } from '../audio/resample';
import * as osc from 'osc';
import { clipSamples, type Plant } from './plant';
import { toUnits, type PlantSchema } from './schema';

/**
 * The plant protocol's own few lines of OSC, on the `osc` package (osc.js) directly: plug-ins do
 * not import the front doors (src/net), whose guarded codec serves the verb table.
 */
type PlantArg = { type: 'i' | 'f'; value: number };
const plantInt = (value: number): PlantArg => ({ type: 'i', value: value | 0 });
const plantFloat = (value: number): PlantArg => ({ type: 'f', value });
const encodePlantMessage = (address: string, args: PlantArg[]): Uint8Array => osc.writePacket({ address, args }, { metadata: true });

/** The messages of one datagram, bundles unwrapped (at most 8 deep); throws on a malformed one. */
function plantMessages(bytes: Uint8Array): { address: string; args: { value: unknown }[] }[] {
  const own = bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength ? bytes : new Uint8Array(bytes);
  const out: { address: string; args: { value: unknown }[] }[] = [];
  const walk = (p: osc.RawMessage | osc.RawBundle, depth: number): void => {
    if ('packets' in p) {
      if (depth >= 8) throw new Error('bundles nested too deep');
      for (const inner of p.packets) walk(inner, depth + 1);
    } else out.push({ address: p.address, args: Array.isArray(p.args) ? p.args : [p.args] });
  };
  walk(osc.readPacket(own, { metadata: true, unpackSingleArgs: false }), 0);
  return out;
}

/**
 * A synth controlled over OSC and recorded in real time (`learn --plant osc:host:port`): Max
 * [vst~], hardware behind an interface, another application, or a Pd patch through
 * [mb.osc-plant~]. Each render takes the schema's `seconds` of real time (plus OSC_GAP_SECONDS),
 * so the training plan for such a plant must keep the renders few (`--schedule realtime`).
 *
 * The contract, plain OSC messages over UDP (docs/learn.md):
 * - to the synth at host:port: `/plant/hello <reply port>` when the plant opens and every
 *   HELLO_SECONDS while it waits (so a synth started late still learns where to send),
 *   `/plant/<name> <value in units>` for every schema parameter before each note,
 *   `/plant/gate 1` to start it and `/plant/gate 0` after `gateSeconds`;
 * - from the synth to 127.0.0.1:<reply port>: `/plant/audio <rate> <sample> <sample> ...`, its
 *   output in blocks (floats, as Pd's [oscformat] sends them), continuously from the hello on.
 *   The first render waits for that stream (greeting again every HELLO_SECONDS), so nothing is
 *   sent to a synth that is not listening yet. A render records what arrives after its gate
 *   opened, from the first sample above ONSET_LEVEL (-60 dBFS: the synth's and the network's
 *   delay, which grows when the synth's machine is busy, do not shift the note) for `seconds` at
 *   the synth's rate, then resamples it to the schema's rate. A note that stays below that
 *   level for twice its length is recorded from the gate as it is (a silent setting).
 *
 * A synth that sends no audio within `seconds` + `timeoutMs` (default 3 s) of being greeted, or a
 * render that has not its audio within twice `seconds` + `timeoutMs`, fails with MB_ERR_BAD_AUDIO
 * naming the address and the reply port, before any training time (the probe renders first).
 * Malformed packets are dropped and counted (`dropped`).
 *
 * @example
 * const plant = new OscPlant('127.0.0.1', 9150, readPlantSchema('patches/pd/plants/fm.json'));
 * const [clip] = await plant.render([[0.5, 0.5, 0.5, 0.5, 0.5]]); // takes about a second
 */
export const OSC_GAP_SECONDS = 0.05;
/**
 * The contract's addresses, as the patch validator checks them beside the server's table:
 * `out` what mirrorbridge sends the synth (`{name}`: a schema parameter), `in` what the synth
 * sends back.
 */
export const OSC_PLANT_ADDRESSES: readonly { address: string; direction: 'in' | 'out' }[] = [
  { address: '/plant/hello', direction: 'out' },
  { address: '/plant/gate', direction: 'out' },
  { address: '/plant/{name}', direction: 'out' },
  { address: '/plant/audio', direction: 'in' },
];
export const HELLO_SECONDS = 0.5;
/** A recording starts at its first sample above this level (-60 dBFS). */
export const ONSET_LEVEL = 1e-3;

export interface OscPlantOptions {
  /** Extra wait for audio after a render's length before it fails (ms); default 3000. */
  timeoutMs?: number;
}

interface Recording {
  samples: number[];
  rate: number;
  /** Index of the first sample above ONSET_LEVEL, -1 before it. */
  onset: number;
  need: (rate: number) => number;
  done: (clip: Float32Array, rate: number) => void;
}

export class OscPlant implements Plant {
  readonly kind = 'osc' as const;
  readonly source: string;
  /** Audio packets that could not be read (malformed, wrong address). */
  dropped = 0;
  /** Renders so far and the seconds they took, for the report. */
  readonly timing = { renders: 0, seconds: 0 };
  private recording: Recording | null = null;
  /** True once the synth's first audio block arrived. */
  private connected = false;
  private closed = false;

  private readonly socket: Socket;
  private readonly timeoutMs: number;
  /** Resolves once the reply port is bound and the synth was greeted. */
  readonly ready: Promise<void>;

  constructor(readonly host: string, readonly port: number, readonly schema: PlantSchema, options: OscPlantOptions = {}) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new MbError('MB_ERR_BAD_ARGS', `OSC plant port must be an integer in [1, 65535], got ${port}`);
    this.source = `osc:${host}:${port}`;
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.socket = createSocket('udp4');
    this.socket.on('message', (msg) => this.onPacket(msg));
    this.ready = new Promise<void>((resolve, reject) => {
      this.socket.once('error', (err) => reject(new MbError('MB_ERR_INTERNAL', `OSC plant: cannot bind its reply port: ${err.message}`)));
      this.socket.bind(0, '127.0.0.1', () => {
        this.hello();
        resolve();
      });
    });
    this.ready.catch(() => undefined);
  }

  /** The port the synth sends its audio to. */
  get replyPort(): number {
    return this.socket.address().port;
  }

  async render(vectors: readonly ArrayLike<number>[]): Promise<Float32Array[]> {
    await this.ready;
    const out: Float32Array[] = [];
    for (const v of vectors) out.push(await this.renderOne(v));
    return out;
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }

  private send(address: string, args: PlantArg[]): void {
    if (!this.closed) this.socket.send(encodePlantMessage(address, args), this.port, this.host);
  }

  private hello(): void {
    this.send('/plant/hello', [plantInt(this.replyPort)]);
  }

  /** Until the synth's audio flows: greets it every HELLO_SECONDS; fails after `seconds` + the timeout. */
  private async connect(): Promise<void> {
    const limit = performance.now() + this.schema.seconds * 1000 + this.timeoutMs;
    while (!this.connected) {
      if (performance.now() > limit) {
        throw new MbError('MB_ERR_BAD_AUDIO', `OSC plant ${this.host}:${this.port} sent no audio within ${((this.schema.seconds * 1000 + this.timeoutMs) / 1000).toFixed(1)} s; it must answer /plant/hello by sending /plant/audio <rate> <samples...> to 127.0.0.1:${this.replyPort}`);
      }
      this.hello();
      await new Promise((r) => setTimeout(r, Math.min(HELLO_SECONDS * 1000, Math.max(10, limit - performance.now()))));
    }
  }

  private async renderOne(vector: ArrayLike<number>): Promise<Float32Array> {
    await this.connect();
    const started = performance.now();
    const units = toUnits(this.schema, vector);
    this.schema.params.forEach((p, i) => this.send(`/plant/${p.name}`, [plantFloat(units[i])]));
    const seconds = this.schema.seconds;
    const clip = await new Promise<{ clip: Float32Array; rate: number }>((resolve, reject) => {
      const gateOff = setTimeout(() => this.send('/plant/gate', [plantFloat(0)]), this.schema.gateSeconds * 1000);
      const limit = setTimeout(() => {
        const got = this.recording?.samples.length ?? 0;
        finish(new MbError('MB_ERR_BAD_AUDIO', `OSC plant ${this.host}:${this.port} sent ${got === 0 ? 'no audio' : `only ${got} samples`} within ${(2 * seconds + this.timeoutMs / 1000).toFixed(1)} s; it must answer /plant/hello by sending /plant/audio <rate> <samples...> to 127.0.0.1:${this.replyPort}`));
      }, 2 * seconds * 1000 + this.timeoutMs);
      const finish = (err: MbError | null, value?: { clip: Float32Array; rate: number }) => {
        clearTimeout(limit);
        if (err) clearTimeout(gateOff);
        this.recording = null;
        if (err) reject(err);
        else resolve(value!);
      };
      this.recording = { samples: [], rate: 0, onset: -1, need: (rate) => Math.round(seconds * rate), done: (c, rate) => finish(null, { clip: c, rate }) };
      this.send('/plant/gate', [plantFloat(1)]);
    });
    await new Promise((r) => setTimeout(r, OSC_GAP_SECONDS * 1000));
    this.timing.renders++;
    this.timing.seconds += (performance.now() - started) / 1000;
    const n = clipSamples(this.schema);
    const audio = clip.rate === this.schema.sampleRate ? clip.clip : resample(clip.clip, clip.rate, this.schema.sampleRate);
    const fitted = new Float32Array(n);
    fitted.set(audio.subarray(0, n));
    return fitted;
  }

  private onPacket(msg: Buffer): void {
    let messages;
    try {
      messages = plantMessages(new Uint8Array(msg));
    } catch {
      this.dropped++;
      return;
    }
    for (const m of messages) {
      if (m.address !== '/plant/audio' || m.args.length < 2) {
        this.dropped++;
        continue;
      }
      const values = m.args.map((a) => Number((a as { value: unknown }).value));
      const rate = values[0];
      if (!Number.isFinite(rate) || rate < 1000 || rate > 384000) {
        this.dropped++;
        continue;
      }
      this.connected = true;
      const rec = this.recording;
      if (!rec) continue;
      if (rec.rate !== 0 && rate !== rec.rate) {
        this.dropped++;
        continue;
      }
      rec.rate = rate;
      for (let i = 1; i < values.length; i++) {
        const v = Number.isFinite(values[i]) ? values[i] : 0;
        if (rec.onset < 0 && Math.abs(v) > ONSET_LEVEL) rec.onset = rec.samples.length;
        rec.samples.push(v);
      }
      const need = rec.need(rate);
      if (rec.onset >= 0 && rec.samples.length - rec.onset >= need) rec.done(Float32Array.from(rec.samples.slice(rec.onset, rec.onset + need)), rate);
      else if (rec.onset < 0 && rec.samples.length >= 2 * need) rec.done(Float32Array.from(rec.samples.slice(0, need)), rate);
    }
  }
}

import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { MbError, checkInt, checkRange, toMbError } from '../core/errors';
import { readWav, writeWav } from '../audio/wav';
import { resample } from '../audio/resample';
import { renderMelody } from '../synth/melody';
import { renderContinuous } from '../synth/continuous';
import { paramSchema, type ParamCount } from '../synth/params';
import { auditorySpectrogram, normalizePower } from '../dsp/auditory';
import { melodySpectrogram, refineMelody } from '../mirror/refine';
import { Yin } from '../dsp/yin';
import { NOTE_VECTOR_NAMES, noteVectorSpectrogram } from '../mirror/note-fit';

/**
 * The plant bridge for training (Python): a long-lived process that reads one JSON request
 * per line on stdin and answers one JSON line on stdout. Tensors travel as raw little-endian
 * float32 files named in the request, so the synth and the auditory spectrogram exist only
 * here in TypeScript (DESIGN.md: no Python copy of either).
 *
 * Why past 300 lines: it is one concept, the wire protocol of the training plant; each op is a
 * short handler over src/synth, src/dsp and src/mirror, and the op list below is its reference.
 *
 * Every reply is `{"ok":true, "id"?, ...}` or `{"ok":false, "id"?, "code":"MB_ERR_...", "message"}`.
 * Ops (all sizes checked against the file lengths):
 * - `ping` → `{ok, ops}`; `schema` {paramCount} → `{ok, params: ParamSpec[]}` (for model manifests)
 * - `melody_aud` {params_file [B,notes,P], batch, notes, paramCount, sampleRate?, totalSeconds?, out_file}
 *   → renders each melody, normalizes to unit RMS, writes the auditory spectrogram [B,128,frames]
 * - `continuous_aud` {params_file [B,T,P], batch, frames, paramCount, controlRate, sampleRate?, out_file}
 *   → the same through the continuous-control renderer
 * - `audio` {mode: 'melody'|'continuous', ...the fields above, out_file .wav (B=1) or .f32 [B,samples], normalize?}
 * - `refine_melody` {params_file [B,notes,P], target_file [T,128,frames], targets, batch, notes, paramCount,
 *   totalSeconds?, passes?, step?, mode: 'each' (B = T, melody b against target b) | 'shared' (B = 1,
 *   one preset repeated over the notes against the mean over all T targets), out_file}
 *   → refined parameters (src/mirror/refine.ts) and l1Before / l1After / renders (plant renderings) per melody
 * - `aud_of_f32` {in_file [B,samples], batch, sampleRate, out_file} and `aud_of_wav` {in_file, out_file}:
 *   spectrogram of given audio, resampled to 8 kHz and normalized first
 * - `yin` {in_file [B,samples], batch, samples, sampleRate, frameLength, hop, fmin, fmax, threshold, out_file}
 *   → the pitch tracker of the VQ models (src/dsp/yin.ts, the one the runtime runs; training has no
 *   copy): frame t of item b is samples [t hop, t hop + frameLength), frames = floor((samples -
 *   frameLength) / hop) + 1, no padding. Every setting is explicit (no defaults: a model's manifest
 *   records the ones it was trained with). out_file gets f0 [B,frames] (Hz, 0 = unvoiced) followed
 *   by confidence [B,frames] (1 - d' at the chosen lag, in [0, 1]); reply `{ok, shape: [2,B,frames],
 *   settings}` with the settings as YIN resolved them
 * - `note_aud` {params_file [B,7], batch, out_file} → the plant's spectrogram [B,128,125] of each note
 *   vector (src/mirror/note-fit.ts noteVectorSpectrogram: midi, duration, cutoff, resonance, attack,
 *   decay, sustain, normalized; the note 20 ms into a 1-s excerpt at 8 kHz, unit power)
 * - `quit`
 *
 * @example
 * // $ node dist/src/cli/plantServer.js
 * // > {"op":"melody_aud","params_file":"/tmp/p.f32","batch":2,"notes":5,"paramCount":7,"out_file":"/tmp/s.f32"}
 * // < {"ok":true,"shape":[2,128,250]}
 */
export type PlantRequest = Record<string, unknown> & { op?: unknown; id?: unknown };
export type PlantReply = Record<string, unknown> & { ok: boolean };

/** The analysis rate of every model trained here (the paper's 8 kHz). */
export const FEATURE_RATE = 8000;
const OPS = ['ping', 'schema', 'melody_aud', 'continuous_aud', 'audio', 'aud_of_f32', 'aud_of_wav', 'refine_melody', 'yin', 'note_aud', 'quit'] as const;

function str(req: PlantRequest, key: string): string {
  const v = req[key];
  if (typeof v !== 'string' || v.length === 0) throw new MbError('MB_ERR_BAD_ARGS', `'${key}' must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

function int(req: PlantRequest, key: string, min: number, max: number, fallback?: number): number {
  return checkInt(key, req[key] ?? fallback, min, max);
}

function num(req: PlantRequest, key: string, min: number, max: number, fallback: number): number {
  return checkRange(key, req[key] ?? fallback, min, max);
}

/** Reads a float32 file and checks it holds exactly `count` values. */
export function readF32(path: string, count: number): Float32Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new MbError('MB_ERR_NOT_FOUND', `cannot read ${path}`);
  }
  if (bytes.length !== count * 4) {
    throw new MbError('MB_ERR_BAD_ARGS', `${path} holds ${bytes.length / 4} float32 values, expected ${count}`);
  }
  const out = new Float32Array(count);
  Buffer.from(out.buffer).set(bytes);
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(out[i])) throw new MbError('MB_ERR_BAD_PARAMS', `${path}: value ${i} is not finite`);
  }
  return out;
}

function writeF32(path: string, chunks: Float32Array[]): void {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const all = new Float32Array(total);
  let pos = 0;
  for (const c of chunks) {
    all.set(c, pos);
    pos += c.length;
  }
  writeFileSync(path, Buffer.from(all.buffer, all.byteOffset, all.byteLength));
}

/** Unit-RMS normalization then the auditory spectrogram at FEATURE_RATE; returns [128 x frames] channel-major. */
export function audOf(audio: Float32Array, sampleRate: number): { data: Float32Array; channels: number; frames: number } {
  const x = sampleRate === FEATURE_RATE ? audio : resample(audio, sampleRate, FEATURE_RATE);
  return auditorySpectrogram(normalizePower(x), { sampleRate: FEATURE_RATE });
}

interface RenderJob {
  batch: number;
  sampleRate: number;
  render(b: number): Float32Array;
}

function melodyJob(req: PlantRequest): RenderJob {
  const batch = int(req, 'batch', 1, 100000);
  const notes = int(req, 'notes', 1, 64, 5);
  const paramCount = int(req, 'paramCount', 7, 10, 7);
  const sampleRate = int(req, 'sampleRate', 1000, 192000, FEATURE_RATE);
  const totalSeconds = num(req, 'totalSeconds', 0.05, 600, 2);
  const per = notes * paramCount;
  const params = readF32(str(req, 'params_file'), batch * per);
  return {
    batch,
    sampleRate,
    render: (b) => renderMelody(params.subarray(b * per, (b + 1) * per), { sampleRate, totalSeconds, notes, paramCount: paramCount as ParamCount }),
  };
}

function continuousJob(req: PlantRequest): RenderJob {
  const batch = int(req, 'batch', 1, 100000);
  const frames = int(req, 'frames', 1, 10_000_000);
  const paramCount = int(req, 'paramCount', 7, 10, 7);
  const sampleRate = int(req, 'sampleRate', 1000, 192000, FEATURE_RATE);
  const controlRate = num(req, 'controlRate', 1, 48000, 125);
  const per = frames * paramCount;
  const params = readF32(str(req, 'params_file'), batch * per);
  return {
    batch,
    sampleRate,
    render: (b) => renderContinuous(params.subarray(b * per, (b + 1) * per), paramCount, { sampleRate, controlRate }),
  };
}

function audOfJob(job: RenderJob, outFile: string): PlantReply {
  const specs: Float32Array[] = [];
  let frames = 0;
  for (let b = 0; b < job.batch; b++) {
    const s = audOf(job.render(b), job.sampleRate);
    if (b > 0 && s.frames !== frames) throw new MbError('MB_ERR_INTERNAL', `item ${b} gave ${s.frames} frames, item 0 gave ${frames}`);
    frames = s.frames;
    specs.push(s.data);
  }
  writeF32(outFile, specs);
  return { ok: true, shape: [job.batch, specs[0].length / frames, frames] };
}

function audioOp(req: PlantRequest): PlantReply {
  const mode = req.mode ?? 'melody';
  if (mode !== 'melody' && mode !== 'continuous') throw new MbError('MB_ERR_BAD_ARGS', `mode must be 'melody' or 'continuous', got ${JSON.stringify(mode)}`);
  const job = mode === 'melody' ? melodyJob(req) : continuousJob(req);
  const outFile = str(req, 'out_file');
  const clips: Float32Array[] = [];
  for (let b = 0; b < job.batch; b++) {
    const y = job.render(b);
    clips.push(req.normalize === true ? normalizePower(y) : y);
  }
  if (outFile.endsWith('.wav')) {
    if (job.batch !== 1) throw new MbError('MB_ERR_BAD_ARGS', `a .wav out_file takes batch 1, got ${job.batch}; use .f32`);
    writeWav(outFile, clips[0], job.sampleRate, { bitDepth: '32f' });
  } else {
    writeF32(outFile, clips);
  }
  return { ok: true, shape: [job.batch, clips[0].length], sampleRate: job.sampleRate };
}

function refineOp(req: PlantRequest): PlantReply {
  const batch = int(req, 'batch', 1, 100000);
  const count = int(req, 'targets', 1, 100000);
  const notes = int(req, 'notes', 1, 64, 5);
  const paramCount = int(req, 'paramCount', 7, 10, 7) as ParamCount;
  const totalSeconds = num(req, 'totalSeconds', 0.05, 600, 2);
  const mode = str(req, 'mode');
  if (mode !== 'each' && mode !== 'shared') throw new MbError('MB_ERR_BAD_ARGS', `mode must be 'each' or 'shared', got '${mode}'`);
  if (mode === 'each' && count !== batch) throw new MbError('MB_ERR_BAD_ARGS', `mode 'each' needs one target per melody (batch ${batch}, targets ${count})`);
  if (mode === 'shared' && batch !== 1) throw new MbError('MB_ERR_BAD_ARGS', `mode 'shared' refines one preset (batch 1), got batch ${batch}`);
  const layout = { notes, paramCount, totalSeconds, sampleRate: FEATURE_RATE };
  const per = notes * paramCount;
  const params = readF32(str(req, 'params_file'), batch * per);
  const { channels, frames } = melodySpectrogram(params.subarray(0, per), layout);
  const size = channels * frames;
  const flat = readF32(str(req, 'target_file'), count * size);
  const targets = Array.from({ length: count }, (_, t) => ({ data: flat.subarray(t * size, (t + 1) * size), channels, frames }));
  const options = { passes: int(req, 'passes', 0, 32, 4), step: num(req, 'step', 1e-4, 1, 0.1), tied: mode === 'shared' };
  const out: Float32Array[] = [];
  const l1Before: number[] = [];
  const l1After: number[] = [];
  const renders: number[] = [];
  for (let b = 0; b < batch; b++) {
    const r = refineMelody(mode === 'each' ? [targets[b]] : targets, params.subarray(b * per, (b + 1) * per), layout, options);
    out.push(r.params);
    l1Before.push(r.l1Before);
    l1After.push(r.l1After);
    renders.push(r.renders);
  }
  writeF32(str(req, 'out_file'), out);
  return { ok: true, batch, l1Before, l1After, renders };
}

function audOfF32(req: PlantRequest): PlantReply {
  const batch = int(req, 'batch', 1, 100000, 1);
  const samples = int(req, 'samples', 1, 100_000_000);
  const sampleRate = int(req, 'sampleRate', 1000, 192000);
  const audio = readF32(str(req, 'in_file'), batch * samples);
  const job: RenderJob = { batch, sampleRate, render: (b) => audio.subarray(b * samples, (b + 1) * samples) };
  return audOfJob(job, str(req, 'out_file'));
}

function audOfWav(req: PlantRequest): PlantReply {
  const wav = readWav(str(req, 'in_file'));
  const job: RenderJob = { batch: 1, sampleRate: wav.sampleRate, render: () => wav.samples };
  return { ...audOfJob(job, str(req, 'out_file')), inputSampleRate: wav.sampleRate };
}

function required(req: PlantRequest, key: string): unknown {
  if (req[key] === undefined) throw new MbError('MB_ERR_BAD_ARGS', `'${key}' is required (the pitch tracker takes no defaults here)`);
  return req[key];
}

function yinOp(req: PlantRequest): PlantReply {
  const batch = int(req, 'batch', 1, 100000, 1);
  const samples = int(req, 'samples', 1, 100_000_000);
  const hop = int(req, 'hop', 1, 65536);
  const yin = new Yin({
    sampleRate: required(req, 'sampleRate') as number,
    frameLength: required(req, 'frameLength') as number,
    fmin: required(req, 'fmin') as number,
    fmax: required(req, 'fmax') as number,
    threshold: required(req, 'threshold') as number,
  });
  const { frameLength } = yin.options;
  if (samples < frameLength) throw new MbError('MB_ERR_BAD_ARGS', `samples ${samples} is shorter than one frame (${frameLength})`);
  const frames = Math.floor((samples - frameLength) / hop) + 1;
  const audio = readF32(str(req, 'in_file'), batch * samples);
  const f0 = new Float32Array(batch * frames);
  const confidence = new Float32Array(batch * frames);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < frames; t++) {
      const start = b * samples + t * hop;
      const e = yin.estimate(audio.subarray(start, start + frameLength));
      f0[b * frames + t] = e.f0;
      confidence[b * frames + t] = e.confidence;
    }
  }
  writeF32(str(req, 'out_file'), [f0, confidence]);
  return { ok: true, shape: [2, batch, frames], settings: { ...yin.options } };
}

function noteAudOp(req: PlantRequest): PlantReply {
  const batch = int(req, 'batch', 1, 100000);
  const width = NOTE_VECTOR_NAMES.length;
  const params = readF32(str(req, 'params_file'), batch * width);
  const specs: Float32Array[] = [];
  let channels = 0;
  let frames = 0;
  for (let b = 0; b < batch; b++) {
    const s = noteVectorSpectrogram(params.subarray(b * width, (b + 1) * width));
    specs.push(s.data);
    [channels, frames] = [s.channels, s.frames];
  }
  writeF32(str(req, 'out_file'), specs);
  return { ok: true, shape: [batch, channels, frames] };
}

/** Executes one request; never throws (failures become `{ok:false, code, message}`). */
export function handlePlantRequest(req: PlantRequest): PlantReply {
  const id = req.id === undefined ? {} : { id: req.id };
  try {
    let reply: PlantReply;
    switch (req.op) {
      case 'ping':
      case 'quit':
        reply = { ok: true, ops: [...OPS] };
        break;
      case 'schema':
        reply = { ok: true, params: paramSchema(int(req, 'paramCount', 7, 10, 7) as ParamCount) };
        break;
      case 'melody_aud':
        reply = audOfJob(melodyJob(req), str(req, 'out_file'));
        break;
      case 'continuous_aud':
        reply = audOfJob(continuousJob(req), str(req, 'out_file'));
        break;
      case 'audio':
        reply = audioOp(req);
        break;
      case 'aud_of_f32':
        reply = audOfF32(req);
        break;
      case 'aud_of_wav':
        reply = audOfWav(req);
        break;
      case 'refine_melody':
        reply = refineOp(req);
        break;
      case 'yin':
        reply = yinOp(req);
        break;
      case 'note_aud':
        reply = noteAudOp(req);
        break;
      default:
        throw new MbError('MB_ERR_BAD_ARGS', `op must be one of ${OPS.join(', ')}, got ${JSON.stringify(req.op)}`);
    }
    return { ...reply, ...id };
  } catch (err) {
    const e = toMbError(err);
    return { ok: false, ...id, code: e.code, message: e.message };
  }
}

function parseLine(line: string): PlantRequest | PlantReply {
  try {
    const v: unknown = JSON.parse(line);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as PlantRequest;
  } catch (err) {
    return { ok: false, code: 'MB_ERR_BAD_ARGS', message: `request is not a JSON object: ${(err as Error).message}` };
  }
}

/**
 * Serves requests from stdin until EOF or `{"op":"quit"}`; resolves to the exit code.
 * Registered as `mirrorbridge plant-server`. Nothing but replies is written to stdout.
 */
export async function runPlantServer(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('usage: mirrorbridge plant-server   (JSON requests on stdin, one per line; see src/cli/plantServer.ts)\n');
    return 0;
  }
  if (argv.length > 0) throw new MbError('MB_ERR_BAD_ARGS', `plant-server takes no arguments, got '${argv.join(' ')}'`);
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const req = parseLine(line);
    const reply = 'ok' in req && req.ok === false ? (req as PlantReply) : handlePlantRequest(req as PlantRequest);
    process.stdout.write(`${JSON.stringify(reply)}\n`);
    if ((req as PlantRequest).op === 'quit') break;
  }
  lines.close();
  return 0;
}

if (require.main === module) {
  runPlantServer(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`plant-server: ${toMbError(err).toLine()}\n`);
      process.exitCode = 2;
    },
  );
}

import type { Hz } from '../core/units';
import { MbError } from '../core/errors';
import type { ControlView } from '../engine/types';
import { renderContinuous } from '../synth/continuous';
import type { InferredPlayedNote } from './notes';
import { inferStreamFile, type StreamFrames } from './streamFile';
import { DEFAULT_VOICE_MAP, MIRROR_OWNER, VOICE_MAP_CONTROLS, type VoiceMapControl, type VoiceMapSettings, type VoiceMapState } from './voice-controls';

/**
 * The offline vocal sketch (issue 17): a voice recording through the live voice stream, exactly
 * as a stream sees it (VoiceStreamProcessor: the causal pitch tracker, the level and centroid,
 * the model, then the per-stream mapping), and what comes out of it: the parameter curves, the
 * notes they play (for a MIDI file), a text score Pd's [text sequence -w 1] / [qlist] and Max's
 * [qlist] play into the plant synth, and the plant's rendering of the curves.
 *
 * @example
 * const settings = sketchSettings([{ kind: 'transpose', semitones: 12 }]);
 * const s = await sketchVoice('models/mirrornet-stream', wav.samples, wav.sampleRate, settings);
 * writeFileSync('voice.txt', sketchScore(s));
 */
export interface VoiceSketch extends StreamFrames {
  /** The mapping the stream ran with. */
  mapping: VoiceMapSettings;
}

/** A mapping control as a client sends it, without its owner and stream. */
export type SketchControl = VoiceMapControl extends infer C ? (C extends unknown ? Omit<C, 'owner' | 'stream'> : never) : never;

/** The mapping a list of controls gives, checked by the same argument specs as the /mb/stream/map verbs (MB_ERR_BAD_ARGS when out of range). */
export function sketchSettings(controls: readonly SketchControl[]): VoiceMapSettings {
  let state: VoiceMapState = { 0: DEFAULT_VOICE_MAP };
  for (const c of controls) state = VOICE_MAP_CONTROLS.apply(state, { ...c, owner: MIRROR_OWNER, stream: 0 } as VoiceMapControl);
  return state[0];
}

/** Runs the voice stream over `samples` (any rate the streams take) with `settings` as stream 0's mapping. */
export async function sketchVoice(modelDir: string, samples: Float32Array, sampleRate: Hz, settings: VoiceMapSettings = DEFAULT_VOICE_MAP, blockSize = 64): Promise<VoiceSketch> {
  const view: ControlView = { get: <S>(owner: string) => (owner === MIRROR_OWNER ? ({ 0: settings } as unknown as S) : undefined) };
  const frames = await inferStreamFile(modelDir, samples, sampleRate, blockSize, { controls: view, streamId: 0 });
  return { ...frames, mapping: settings };
}

/** Frames of at least this many 8-ms frames make a note; a pitch away from the note by more than NOTE_SPLIT_ST for this long starts a new one. */
const MIN_NOTE_FRAMES = 3;
const NOTE_SPLIT_ST = 0.5;

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * The notes the curves play: each run of the open gate, split where the pitch leaves the
 * note's running median by more than half a semitone for 3 frames (a sung step rather than
 * vibrato); per note the median pitch (key and cents) and the median of each setting.
 * Notes shorter than 3 frames (24 ms) are left out.
 */
export function sketchNotes(s: VoiceSketch): InferredPlayedNote[] {
  const ix = (name: string) => s.names.indexOf(name);
  const [note, gate, volume, cutoff, resonance, attack, decay] = ['note', 'duration', 'volume', 'cutoff', 'resonance', 'attack', 'decay'].map(ix);
  if (note < 0 || gate < 0) throw new MbError('MB_ERR_MODEL_MANIFEST', `model ${s.model} gives no note and gate`);
  const out: InferredPlayedNote[] = [];
  const dt = 1 / s.frameRate;
  let run: number[] = [];
  const close = (frames: number[]) => {
    if (frames.length < MIN_NOTE_FRAMES) return;
    const med = (k: number, field: 'units' | 'params') => (k < 0 ? NaN : median(frames.map((f) => s.frames[f][field][k])));
    const midi = med(note, 'units');
    const key = Math.round(midi);
    const onset = s.frames[frames[0]].time_s;
    const duration = frames.length * dt;
    out.push({
      onset_s: onset,
      offset_s: onset + duration,
      midi,
      key,
      cents: Math.round(100 * (midi - key)),
      units: { duration, volume: med(volume, 'units'), glide: 0, cutoff: med(cutoff, 'units'), resonance: med(resonance, 'units'), attack: med(attack, 'units'), decay: med(decay, 'units'), sustain: 0 },
      params: { volume: med(volume, 'params'), cutoff: med(cutoff, 'params'), resonance: med(resonance, 'params'), attack: med(attack, 'params'), decay: med(decay, 'params'), sustain: 0 },
    });
  };
  let away = 0;
  s.frames.forEach((f, k) => {
    if (f.params[gate] <= 0.5) {
      close(run);
      run = [];
      away = 0;
      return;
    }
    if (run.length > 0 && Math.abs(f.units[note] - median(run.map((r) => s.frames[r].units[note]))) > NOTE_SPLIT_ST) away++;
    else away = 0;
    run.push(k);
    if (away >= MIN_NOTE_FRAMES) {
      close(run.slice(0, run.length - away));
      run = run.slice(run.length - away);
      away = 0;
    }
  });
  close(run);
  return out;
}

/**
 * The curves as a text score: one line per frame, `<wait ms> <p1> ... <pN>;`, the wait before the
 * frame (the first 0, then one frame period) and its normalized values, which [mb.plant~] (Pd)
 * and [mb.synth~] (Max) take as they are. Pd plays it with [text sequence <name> -w 1] after
 * [text define -k <name>] reads it, or with [qlist]; Max with [qlist].
 */
export function sketchScore(s: VoiceSketch): string {
  const wait = 1000 / s.frameRate;
  return s.frames.map((f, k) => `${k === 0 ? 0 : wait} ${f.params.map((v) => Number(v.toFixed(5))).join(' ')};`).join('\n') + '\n';
}

/** The curves rendered by the plant (continuous mode, one frame per control period) at `sampleRate`. */
export function sketchRender(s: VoiceSketch, sampleRate: Hz): Float32Array {
  const count = s.names.length;
  const frames = new Float32Array(s.frames.length * count);
  s.frames.forEach((f, k) => frames.set(f.params, k * count));
  return renderContinuous(frames, count, { sampleRate, controlRate: s.frameRate });
}

/** The curves as JSON: per parameter its unit and its values in units, frame times, and the normalized frames. */
export function sketchJson(s: VoiceSketch): Record<string, unknown> {
  const curves: Record<string, { unit: string; values: number[] }> = {};
  s.names.forEach((n, i) => (curves[n] = { unit: s.unitNames[i], values: s.frames.map((f) => Number(f.units[i].toPrecision(6))) }));
  return {
    model: s.model, sampleRate: s.sampleRate, frameRate: s.frameRate, latencyMs: Number(s.latencyMs.toFixed(2)), frames: s.frames.length,
    mapping: s.mapping, names: s.names, time_s: s.frames.map((f) => Number(f.time_s.toFixed(4))), curves,
    params: s.frames.map((f) => f.params.map((v) => Number(v.toFixed(6)))),
  };
}

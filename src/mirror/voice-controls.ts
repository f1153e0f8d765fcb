import { checkArgValue, type ArgSpec } from '../core/arg-spec';
import { MbError } from '../core/errors';
import { STREAM_ID } from '../engine/limits';
import type { ControlSpec, ControlView } from '../engine/types';

/**
 * The live mapping of a voice onto the synth, per stream: which tracker gives the pitch, what
 * gives volume and cutoff (the voice's level and brightness, or the model),
 * transposition, octave folding, a pitch quantizer, glide, the gate threshold and, per
 * parameter, smoothing, output range and curve. The engine keeps these per client without reading them (owner
 * 'mirror'); each setting names the stream it is for, so it outlives a reopen of that stream
 * id. The argument specs below are the one declaration of the ranges: the verbs
 * (/mb/stream/pitch, /mb/stream/map/*) are built from them and `apply` checks with them.
 *
 * @example
 * engine.registerControls(MIRROR_OWNER, VOICE_MAP_CONTROLS);
 * engine.setControl('pd', { owner: 'mirror', stream: 1, kind: 'transpose', semitones: 12 });
 * voiceMapOf(ctx.controls, 1).transpose; // 12
 */
export const MIRROR_OWNER = 'mirror';

/** Scales of the quantizer, as pitch classes above the root. */
export const SCALES = {
  chromatic: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  'harmonic-minor': [0, 2, 3, 5, 7, 8, 11],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  mixolydian: [0, 2, 4, 5, 7, 9, 10],
  pentatonic: [0, 2, 4, 7, 9],
  'minor-pentatonic': [0, 3, 5, 7, 10],
  blues: [0, 3, 5, 6, 7, 10],
  'whole-tone': [0, 2, 4, 6, 8, 10],
} as const satisfies Record<string, readonly number[]>;
export type ScaleName = keyof typeof SCALES;
export const QUANTIZE_MODES = ['off', ...(Object.keys(SCALES) as ScaleName[])] as const;
export type QuantizeMode = (typeof QUANTIZE_MODES)[number];

export const PITCH_SOURCES = ['fused', 'model'] as const;
export type PitchSource = (typeof PITCH_SOURCES)[number];

export const TIMBRE_SOURCES = ['voice', 'model'] as const;
export type TimbreSource = (typeof TIMBRE_SOURCES)[number];

export const TIMBRE_SOURCE: ArgSpec = { name: 'source', type: 's', values: TIMBRE_SOURCES, description: 'voice: volume follows the input level and cutoff the voice\'s spectral centroid (DSP, causal); model: both from the stream model, like resonance, attack and decay.' };
export const PITCH_SOURCE: ArgSpec = { name: 'source', type: 's', values: PITCH_SOURCES, description: 'fused: the causal YIN gives the note (MIDI 36-96; /mb/stream/timbre says where volume and cutoff come from); model: the stream model\'s own note (MIDI 62-74 only).' };
export const TRANSPOSE: ArgSpec = { name: 'semitones', type: 'f', min: -48, max: 48, unit: 'st', description: 'Added to the voice\'s pitch before folding and quantizing.' };
export const FOLD_LOW: ArgSpec = { name: 'low', type: 'f', min: 0, max: 127, unit: 'midi', description: 'Lowest note of the target range.' };
export const FOLD_HIGH: ArgSpec = { name: 'high', type: 'f', min: 0, max: 127, unit: 'midi', description: 'Highest note; at least 12 above low. 0 127 turns folding off.' };
export const QUANTIZE: ArgSpec = { name: 'scale', type: 's', values: QUANTIZE_MODES, description: 'off (continuous pitch), chromatic, or a scale the note snaps to (nearest degree, ties down).' };
export const QUANTIZE_ROOT: ArgSpec = { name: 'root', type: 'i', min: 0, max: 11, optional: true, default: 0, description: 'Pitch class of the scale\'s root (0 = C).' };
export const GLIDE: ArgSpec = { name: 'ms', type: 'f', min: 0, max: 5000, unit: 'ms', description: 'Portamento time constant (one-pole in semitones; 0 = off). A note after silence starts on its pitch.' };
export const GATE_DB: ArgSpec = { name: 'db', type: 'f', min: -120, max: 0, unit: 'dB', description: 'Input level (dBFS RMS over the tracker\'s window) below which the gate closes; it opens on voiced frames at or above it.' };
export const SMOOTH_PARAM: ArgSpec = { name: 'param', type: 's', values: ['note', 'duration', 'volume', 'cutoff', 'resonance', 'attack', 'decay'], description: 'Parameter to smooth.' };
export const SHAPED_PARAM: ArgSpec = { name: 'param', type: 's', values: ['volume', 'cutoff', 'resonance', 'attack', 'decay'], description: 'Timbre parameter to shape (the note has transpose/fold, the gate its threshold).' };
export const RANGE_LOW: ArgSpec = { name: 'low', type: 'f', min: 0, max: 1, description: 'Normalized value the parameter\'s 0 maps to.' };
export const RANGE_HIGH: ArgSpec = { name: 'high', type: 'f', min: 0, max: 1, description: 'Normalized value its 1 maps to (below low: inverted). 0 1 = as the model says.' };
export const CURVE_EXPONENT: ArgSpec = { name: 'exponent', type: 'f', min: 0.1, max: 10, description: 'p^exponent before the range: above 1 favours low values, below 1 high ones; 1 = linear.' };
export const SMOOTH_MS: ArgSpec = { name: 'ms', type: 'f', min: 0, max: 5000, unit: 'ms', description: 'One-pole time constant on the normalized value (0 = off).' };

export interface VoiceMapSettings {
  readonly pitch: PitchSource;
  readonly timbre: TimbreSource;
  readonly transpose: number;
  readonly fold: readonly [number, number];
  readonly scale: QuantizeMode;
  readonly root: number;
  readonly glideMs: number;
  readonly gateDb: number;
  readonly smoothMs: Readonly<Record<string, number>>;
  /** Per timbre parameter: output range [value at 0, value at 1] and curve exponent. */
  readonly ranges: Readonly<Record<string, readonly [number, number]>>;
  readonly curves: Readonly<Record<string, number>>;
}

export const DEFAULT_VOICE_MAP: VoiceMapSettings = Object.freeze({
  pitch: 'fused', timbre: 'voice', transpose: 0, fold: [0, 127] as const, scale: 'off', root: 0, glideMs: 0, gateDb: -50, smoothMs: {}, ranges: {}, curves: {},
});

type Base = { owner: typeof MIRROR_OWNER; stream: number };
export type VoiceMapControl = Base &
  (
    | { kind: 'pitch'; source: PitchSource }
    | { kind: 'timbre'; source: TimbreSource }
    | { kind: 'transpose'; semitones: number }
    | { kind: 'fold'; low: number; high: number }
    | { kind: 'quantize'; scale: QuantizeMode; root?: number }
    | { kind: 'glide'; ms: number }
    | { kind: 'gate'; db: number }
    | { kind: 'smooth'; param: string; ms: number }
    | { kind: 'range'; param: string; low: number; high: number }
    | { kind: 'curve'; param: string; exponent: number }
  );

/** One client's mappings by stream id. */
export type VoiceMapState = Readonly<Record<number, VoiceMapSettings>>;

function applyOne(s: VoiceMapSettings, c: VoiceMapControl): VoiceMapSettings {
  switch (c.kind) {
    case 'pitch':
      return { ...s, pitch: checkArgValue(PITCH_SOURCE, c.source, 'pitch source') as PitchSource };
    case 'timbre':
      return { ...s, timbre: checkArgValue(TIMBRE_SOURCE, c.source, 'timbre source') as TimbreSource };
    case 'transpose':
      return { ...s, transpose: checkArgValue(TRANSPOSE, c.semitones, 'transpose') };
    case 'fold': {
      const low = checkArgValue(FOLD_LOW, c.low, 'fold low');
      const high = checkArgValue(FOLD_HIGH, c.high, 'fold high');
      if (high - low < 12) throw new MbError('MB_ERR_BAD_ARGS', `fold range must span at least 12 semitones, got ${low}..${high}`);
      return { ...s, fold: [low, high] };
    }
    case 'quantize':
      return { ...s, scale: checkArgValue(QUANTIZE, c.scale, 'quantize scale') as QuantizeMode, root: checkArgValue(QUANTIZE_ROOT, c.root ?? 0, 'quantize root') };
    case 'glide':
      return { ...s, glideMs: checkArgValue(GLIDE, c.ms, 'glide') };
    case 'gate':
      return { ...s, gateDb: checkArgValue(GATE_DB, c.db, 'gate threshold') };
    case 'smooth':
      checkArgValue(SMOOTH_PARAM, c.param, 'smooth param');
      return { ...s, smoothMs: { ...s.smoothMs, [c.param]: checkArgValue(SMOOTH_MS, c.ms, `smooth ${c.param}`) } };
    case 'range':
      checkArgValue(SHAPED_PARAM, c.param, 'range param');
      return { ...s, ranges: { ...s.ranges, [c.param]: [checkArgValue(RANGE_LOW, c.low, `range ${c.param} low`), checkArgValue(RANGE_HIGH, c.high, `range ${c.param} high`)] } };
    case 'curve':
      checkArgValue(SHAPED_PARAM, c.param, 'curve param');
      return { ...s, curves: { ...s.curves, [c.param]: checkArgValue(CURVE_EXPONENT, c.exponent, `curve ${c.param}`) } };
    default:
      throw new MbError('MB_ERR_BAD_ARGS', `mirror control kind must be pitch, timbre, transpose, fold, quantize, glide, gate, smooth, range or curve, got ${JSON.stringify((c as { kind?: unknown }).kind)}`);
  }
}

export const VOICE_MAP_CONTROLS: ControlSpec<VoiceMapState, VoiceMapControl> = {
  initial: () => ({}),
  apply(state, c) {
    const stream = checkArgValue(STREAM_ID, c.stream, 'stream id');
    return { ...state, [stream]: applyOne(state[stream] ?? DEFAULT_VOICE_MAP, c) };
  },
};

/** The mapping of stream `streamId` from the client's controls (defaults when none was set). */
export function voiceMapOf(view: ControlView | undefined, streamId: number): VoiceMapSettings {
  return view?.get<VoiceMapState>(MIRROR_OWNER)?.[streamId] ?? DEFAULT_VOICE_MAP;
}

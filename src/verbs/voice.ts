import { MbError } from '../core/errors';
import type { Engine } from '../engine/engine';
import { STREAM_ID } from '../engine/limits';
import {
  CURVE_EXPONENT, FOLD_HIGH, FOLD_LOW, GATE_DB, GLIDE, MIRROR_OWNER, PITCH_SOURCE, QUANTIZE, QUANTIZE_ROOT, RANGE_HIGH, RANGE_LOW, SHAPED_PARAM, SMOOTH_MS, SMOOTH_PARAM, TIMBRE_SOURCE, TRANSPOSE,
  type PitchSource, type QuantizeMode, type TimbreSource, type VoiceMapControl,
} from '../mirror/voice-controls';
import { verb } from './build';
import type { TableEntry } from './spec';

/**
 * The voice mapping of a live MirrorNet stream (src/mirror/voice-controls.ts declares the
 * ranges): which tracker gives the note, then transposition, octave folding, quantizer, glide,
 * gate threshold and, per parameter, smoothing, output range and curve, run after the model on
 * every frame. Each is set
 * per stream and kept for that stream id when it is reopened.
 */
type Setting = VoiceMapControl extends infer C ? (C extends VoiceMapControl ? Omit<C, 'owner' | 'stream'> : never) : never;

/** Applies one setting to an open MirrorNet stream of this client. */
function setMap(engine: Engine, clientId: string, stream: number, setting: Setting): void {
  const open = engine.status().streams.find((s) => s.clientId === clientId && s.id === stream);
  if (!open) throw new MbError('MB_ERR_UNKNOWN_STREAM', `no open stream ${stream} for this client; open it with /mb/stream/open`);
  if (open.kind !== 'mirrornet-stream') throw new MbError('MB_ERR_UNSUPPORTED', `stream ${stream} runs a ${open.kind} model; the voice mapping is for mirrornet-stream models`);
  engine.setControl(clientId, { owner: MIRROR_OWNER, stream, ...setting } as VoiceMapControl);
}

export const VOICE_ENTRIES: readonly TableEntry[] = [
  verb({
    address: '/mb/stream/pitch', group: 'streams',
    description: 'Where a MirrorNet stream\'s note comes from: fused (default; the causal pitch tracker, MIDI 36-96) or model (the stream model\'s own note, MIDI 62-74).',
    signatures: [[STREAM_ID, PITCH_SOURCE]],
    handler: (a, { engine, clientId }) => setMap(engine, clientId, a.int('id'), { kind: 'pitch', source: a.str('source') as PitchSource }),
  }),
  verb({
    address: '/mb/stream/timbre', group: 'streams',
    description: 'Where a MirrorNet stream\'s volume and cutoff come from: voice (default; the input level in dB + 10, and the voice\'s spectral centroid in Hz, causal DSP over the newest 16 ms) or model (the stream model, as resonance, attack and decay always are).',
    signatures: [[STREAM_ID, TIMBRE_SOURCE]],
    handler: (a, { engine, clientId }) => setMap(engine, clientId, a.int('id'), { kind: 'timbre', source: a.str('source') as TimbreSource }),
  }),
  verb({
    address: '/mb/stream/map/transpose', group: 'streams',
    description: 'Transposes the voice\'s pitch before folding and quantizing (0 = off).',
    signatures: [[STREAM_ID, TRANSPOSE]],
    handler: (a, { engine, clientId }) => setMap(engine, clientId, a.int('id'), { kind: 'transpose', semitones: a.float('semitones') }),
  }),
  verb({
    address: '/mb/stream/map/fold', group: 'streams',
    description: 'Folds the (transposed) pitch by octaves into low..high, the target synth\'s range; 0 127 turns folding off.',
    signatures: [[STREAM_ID, FOLD_LOW, FOLD_HIGH]],
    handler: (a, { engine, clientId }) => setMap(engine, clientId, a.int('id'), { kind: 'fold', low: a.float('low'), high: a.float('high') }),
  }),
  verb({
    address: '/mb/stream/map/quantize', group: 'streams',
    description: 'Snaps the note to a scale (or to semitones with chromatic); off keeps the continuous pitch.',
    signatures: [[STREAM_ID, QUANTIZE, QUANTIZE_ROOT]],
    handler: (a, { engine, clientId }) => setMap(engine, clientId, a.int('id'), { kind: 'quantize', scale: a.str('scale') as QuantizeMode, root: a.optInt('root') ?? 0 }),
  }),
  verb({
    address: '/mb/stream/map/glide', group: 'streams',
    description: 'Portamento between notes: a one-pole glide in semitones with this time constant (0 = off).',
    signatures: [[STREAM_ID, GLIDE]],
    handler: (a, { engine, clientId }) => setMap(engine, clientId, a.int('id'), { kind: 'glide', ms: a.float('ms') }),
  }),
  verb({
    address: '/mb/stream/map/gate', group: 'streams',
    description: 'Gate threshold: the gate (duration parameter) opens on voiced frames at or above this input level and closes below it; the last note is held while closed.',
    signatures: [[STREAM_ID, GATE_DB]],
    handler: (a, { engine, clientId }) => setMap(engine, clientId, a.int('id'), { kind: 'gate', db: a.float('db') }),
  }),
  verb({
    address: '/mb/stream/map/smooth', group: 'streams',
    description: 'Smooths one output parameter (normalized, one-pole per frame) with this time constant (0 = off).',
    signatures: [[STREAM_ID, SMOOTH_PARAM, SMOOTH_MS]],
    handler: (a, { engine, clientId }) => setMap(engine, clientId, a.int('id'), { kind: 'smooth', param: a.str('param'), ms: a.float('ms') }),
  }),
  verb({
    address: '/mb/stream/map/range', group: 'streams',
    description: 'Maps a timbre parameter\'s 0..1 onto low..high (normalized) after its curve, so one model fits a target synth\'s useful range.',
    signatures: [[STREAM_ID, SHAPED_PARAM, RANGE_LOW, RANGE_HIGH]],
    handler: (a, { engine, clientId }) => setMap(engine, clientId, a.int('id'), { kind: 'range', param: a.str('param'), low: a.float('low'), high: a.float('high') }),
  }),
  verb({
    address: '/mb/stream/map/curve', group: 'streams',
    description: 'Bends a timbre parameter: p^exponent, before its range (1 = linear).',
    signatures: [[STREAM_ID, SHAPED_PARAM, CURVE_EXPONENT]],
    handler: (a, { engine, clientId }) => setMap(engine, clientId, a.int('id'), { kind: 'curve', param: a.str('param'), exponent: a.float('exponent') }),
  }),
];

import type { Decibels, Hz, Midi } from '../core/units';
import type { ParamEntry } from '../models/manifest';
import { toUnits } from '../models/param-units';
import { CONTINUOUS_NOTE_MIDI, PARAM_SPECS } from '../synth/params';
import { DEFAULT_VOICE_MAP, SCALES, type VoiceMapSettings } from './voice-controls';

/** What the trackers say about one frame, before the mapping. */
export interface VoiceFrameInput {
  /** The voice's pitch (fractional MIDI); NaN when unvoiced. */
  midi: Midi;
  /** A clear period: the note follows `midi`. */
  voiced: boolean;
  /** Periodic enough to keep an open gate open (defaults to `voiced`). */
  periodic?: boolean;
  levelDb: Decibels;
  /** The model's newest normalized parameters (manifest order), or null before its first frame. */
  model: Float32Array | null;
  /** The voice's spectral centroid over the newest samples (timbre source `voice`); NaN or absent: unknown. */
  centroidHz?: Hz;
}

/** Input level (dBFS) + this = the volume in dB, with the timbre source `voice`: a voice at -10 dBFS plays at full volume. */
export const VOICE_VOLUME_OFFSET_DB = 10;

/** A unit value as the normalized value of a linear or exponential plant parameter, clamped to [0, 1]. */
function toNormalized(name: 'volume' | 'cutoff', value: number): number {
  const s = PARAM_SPECS[name];
  const p = s.curve === 'exponential' ? Math.log(value / s.min) / Math.log(s.max / s.min) : (value - s.min) / (s.max - s.min);
  return Math.min(1, Math.max(0, p));
}

/** Frames with neither a period nor periodicity, the level still above the gate, that keep an open gate open. */
const GATE_HOLD_FRAMES = 3;

/** The nearest note of `scale` above `root` to `midi` (ties go down). */
export function quantize(midi: Midi, scale: readonly number[], root: number): Midi {
  const rel = midi - root;
  const octave = Math.floor(rel / 12);
  let best = NaN;
  for (let o = octave - 1; o <= octave + 1; o++) {
    for (const degree of scale) {
      const cand = root + 12 * o + degree;
      if (Number.isNaN(best) || Math.abs(cand - midi) < Math.abs(best - midi) - 1e-9) best = cand;
    }
  }
  return best;
}

/** `midi` moved by octaves into [low, high] (a range at least 12 wide). */
export function fold(midi: Midi, low: Midi, high: Midi): Midi {
  let m = midi;
  while (m > high) m -= 12;
  while (m < low) m += 12;
  return m;
}

/**
 * The mapping layer of a live voice stream, run after the trackers and the model, per frame:
 * the voice's pitch → transposed → folded into the target range → quantized → clamped to what
 * the continuous plant plays (MIDI 36-96) → glide, updated on voiced frames only (else the note
 * is held); the gate from the level threshold and the voicing: it opens on a voiced frame at
 * level, stays open while the input is periodic, or for 3 frames of neither, and closes below the
 * level; the timbre parameters — volume and cutoff from the voice's level and spectral centroid
 * (timbre source `voice`, the default; the centroid is held while the input is below the gate
 * level) or from the model, the rest from the model — each through its curve (p^exponent) and
 * output range;
 * then per-parameter one-pole smoothing.
 *
 * Output per frame: the normalized values (note by the schema's 62 + 12p, so outside [0, 1]
 * when the note leaves 62-74; duration 1 or 0 = gate) and the same frame in units. Allocates
 * only the two arrays a frame owns.
 *
 * @example
 * const map = new VoiceMapping(manifest.params, 125);
 * map.configure({ ...DEFAULT_VOICE_MAP, transpose: -12, scale: 'major' });
 * const { normalized, units } = map.next({ midi: 57.2, voiced: true, levelDb: -20, model });
 */
export class VoiceMapping {
  private settings: VoiceMapSettings = DEFAULT_VOICE_MAP;
  private readonly noteIndex: number;
  private readonly gateIndex: number;
  private readonly defaults: Float32Array;
  private readonly state: Float32Array;
  private readonly coeff: Float32Array;
  /** Per parameter: output range and curve exponent (identity: 0, 1, 1). */
  private readonly low: Float32Array;
  private readonly high: Float32Array;
  private readonly exponent: Float32Array;
  private readonly source: Float32Array;
  private readonly volumeIndex: number;
  private readonly cutoffIndex: number;
  private centroid: Hz = NaN;
  private started = false;
  private gate = false;
  private unvoicedRun = 0;
  private note: Midi = 62 + 12 * PARAM_SPECS.note.defaultValue;
  private glideCoeff = 0;

  constructor(private readonly entries: readonly ParamEntry[], private readonly frameRate: number) {
    this.noteIndex = entries.findIndex((e) => e.name === 'note');
    this.gateIndex = entries.findIndex((e) => e.name === 'duration');
    this.defaults = Float32Array.from(entries, (e) => (e.name in PARAM_SPECS ? PARAM_SPECS[e.name as keyof typeof PARAM_SPECS].defaultValue : 0.5));
    this.state = new Float32Array(entries.length);
    this.coeff = new Float32Array(entries.length);
    this.low = new Float32Array(entries.length);
    this.high = new Float32Array(entries.length).fill(1);
    this.exponent = new Float32Array(entries.length).fill(1);
    this.source = new Float32Array(entries.length);
    this.volumeIndex = entries.findIndex((e) => e.name === 'volume');
    this.cutoffIndex = entries.findIndex((e) => e.name === 'cutoff');
  }

  get current(): VoiceMapSettings {
    return this.settings;
  }

  /** Takes new settings from the next frame on (state such as the held note is kept). */
  configure(settings: VoiceMapSettings): void {
    this.settings = settings;
    this.glideCoeff = this.poleOf(settings.glideMs);
    this.entries.forEach((e, i) => {
      this.coeff[i] = this.poleOf(settings.smoothMs[e.name] ?? 0);
      [this.low[i], this.high[i]] = settings.ranges[e.name] ?? [0, 1];
      this.exponent[i] = settings.curves[e.name] ?? 1;
    });
  }

  /** The pitch the synth gets for a voiced pitch, before glide. */
  target(midi: Midi): Midi {
    const s = this.settings;
    let m = midi + s.transpose;
    if (s.fold[0] > 0 || s.fold[1] < 127) m = fold(m, s.fold[0], s.fold[1]);
    if (s.scale !== 'off') m = quantize(m, SCALES[s.scale], s.root);
    return Math.min(CONTINUOUS_NOTE_MIDI[1], Math.max(CONTINUOUS_NOTE_MIDI[0], m));
  }

  next(input: VoiceFrameInput): { normalized: Float32Array; units: Float32Array } {
    const loud = input.levelDb >= this.settings.gateDb;
    const voiced = input.voiced && Number.isFinite(input.midi);
    const wasOpen = this.gate;
    this.unvoicedRun = voiced || input.periodic ? 0 : this.unvoicedRun + 1;
    this.gate = loud && (voiced || (this.gate && this.unvoicedRun <= GATE_HOLD_FRAMES));
    if (voiced && loud) {
      const t = this.target(input.midi);
      this.note = wasOpen && this.glideCoeff > 0 ? t + this.glideCoeff * (this.note - t) : t;
    }
    const normalized = new Float32Array(this.entries.length);
    const model = this.timbreOf(input, loud);
    for (let i = 0; i < normalized.length; i++) {
      const p = Math.min(1, Math.max(0, model[i]));
      normalized[i] = this.low[i] + (this.high[i] - this.low[i]) * (this.exponent[i] === 1 ? p : p ** this.exponent[i]);
    }
    if (this.noteIndex >= 0) normalized[this.noteIndex] = (this.note - 62) / 12;
    if (this.gateIndex >= 0) normalized[this.gateIndex] = this.gate ? 1 : 0;
    this.smooth(normalized);
    const units = new Float32Array(normalized.length);
    for (let i = 0; i < units.length; i++) units[i] = i === this.noteIndex ? 62 + 12 * normalized[i] : toUnits(this.entries[i], normalized[i]);
    return { normalized, units };
  }

  /** The normalized values before the curves: the model's (or the defaults), volume and cutoff from the voice when its timbre source is `voice`. */
  private timbreOf(input: VoiceFrameInput, loud: boolean): Float32Array {
    const model = input.model ?? this.defaults;
    if (this.settings.timbre !== 'voice') return model;
    this.source.set(model);
    if (loud && Number.isFinite(input.centroidHz)) this.centroid = input.centroidHz!;
    if (this.volumeIndex >= 0) this.source[this.volumeIndex] = toNormalized('volume', input.levelDb + VOICE_VOLUME_OFFSET_DB);
    if (this.cutoffIndex >= 0 && Number.isFinite(this.centroid)) this.source[this.cutoffIndex] = toNormalized('cutoff', this.centroid);
    return this.source;
  }

  /** Per-frame one-pole smoothing; the first frame sets the state. The gate is smoothed too when asked. */
  private smooth(values: Float32Array): void {
    for (let i = 0; i < values.length; i++) {
      const a = this.coeff[i];
      if (this.started && a > 0) values[i] = a * this.state[i] + (1 - a) * values[i];
      this.state[i] = values[i];
    }
    this.started = true;
  }

  private poleOf(ms: number): number {
    return ms > 0 ? Math.exp(-1000 / (ms * this.frameRate)) : 0;
  }
}

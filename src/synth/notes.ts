import { checkRange, MbError } from '../core/errors';
import { dbToGain, midiToHz } from '../core/units';
import type { Decibels, Hz, Midi, Seconds } from '../core/units';
import { TptBandPass } from './bandpass';
import { AdEnvelope } from './envelope';
import { SawPulseOscillator } from './oscillator';
import { NOTE_FIELD_SPECS, NOTE_SOUND_PARAMS, normalizedToUnits, PARAM_SPECS } from './params';
import type { NoteFieldName, ParamName } from './params';
import { checkSampleRate, clampCutoff, PATCH, softClip } from './patch';

/**
 * One note of the notes configuration, in units (docs/synth.md, "Notes configuration").
 * Fields left out take their defaults (NOTE_FIELD_SPECS, PARAM_SPECS' defaults mapped to units).
 * @example const n: PlantNote = { onset: 0.25, duration: 0.6, midi: 60.3, cutoff: 900 };
 */
export interface PlantNote {
  onset: Seconds;
  duration?: Seconds;
  /** MIDI with cents (fractional), 36-96. */
  midi?: Midi;
  glide?: Seconds;
  sustain?: number;
  volume?: Decibels;
  cutoff?: Hz;
  resonance?: number;
  attack?: Seconds;
  decay?: Seconds;
  vibratoRate?: Hz;
  vibratoIntensity?: number;
  vibratoPhase?: number;
}

/** A PlantNote with every field present and checked. */
export type ResolvedNote = Required<PlantNote>;

/** Options of renderNotes. */
export interface RenderNotesOptions {
  sampleRate: Hz;
  /** Output length; default: the end of the last note's release. */
  totalSeconds?: Seconds;
}

const SEMITONE_LOG = Math.LN2 / 12;
/** Most notes one call renders (a 5-minute melody of 60-ms notes is 5,000). */
export const MAX_PLANT_NOTES = 20000;

function unitDefault(name: ParamName): number {
  return normalizedToUnits(name, PARAM_SPECS[name].defaultValue);
}

function fieldValue(note: PlantNote, i: number, name: NoteFieldName): number {
  const s = NOTE_FIELD_SPECS[name];
  const v = note[name] ?? s.defaultValue;
  return checkRange(`notes[${i}].${name}`, v, s.min, s.max, 'MB_ERR_BAD_PARAMS');
}

/**
 * Fills in defaults and checks every field against its unit range (MB_ERR_BAD_PARAMS names
 * the note and the field).
 * @example resolveNote({ onset: 0 }, 0).duration // 0.5
 */
export function resolveNote(note: PlantNote, i: number): ResolvedNote {
  if (note === null || typeof note !== 'object') throw new MbError('MB_ERR_BAD_PARAMS', `notes[${i}] must be an object, got ${typeof note}`);
  const onset = checkRange(`notes[${i}].onset`, note.onset, 0, 3600, 'MB_ERR_BAD_PARAMS');
  const sound = {} as Record<ParamName, number>;
  for (const name of NOTE_SOUND_PARAMS) {
    const spec = PARAM_SPECS[name];
    const v = note[name as keyof PlantNote] ?? unitDefault(name);
    sound[name] = checkRange(`notes[${i}].${name}`, v, Math.min(spec.min, spec.max), Math.max(spec.min, spec.max), 'MB_ERR_BAD_PARAMS');
  }
  return {
    onset,
    duration: fieldValue(note, i, 'duration'),
    midi: fieldValue(note, i, 'midi'),
    glide: fieldValue(note, i, 'glide'),
    sustain: fieldValue(note, i, 'sustain'),
    volume: sound.volume,
    cutoff: sound.cutoff,
    resonance: sound.resonance,
    attack: sound.attack,
    decay: sound.decay,
    vibratoRate: sound.vibratoRate,
    vibratoIntensity: sound.vibratoIntensity,
    vibratoPhase: sound.vibratoPhase,
  };
}

/**
 * Renders a monophonic melody of notes at any onsets (the notes configuration of the plant):
 * the same oscillator, band-pass, envelope and vibrato as the melody renderer, with pitch in
 * cents over MIDI 36-96, gates of 60 ms-4 s, a sustain level and an optional glide from the
 * previous note's pitch. Notes are played in onset order; each starts from a clean state, and
 * a note whose gate and release would reach the next onset is cut so that its release ends
 * there (one voice, never two notes at once). Gaps between notes are rests (silence).
 * Deterministic; output within [-1, 1].
 *
 * @example
 * const audio = renderNotes([{ onset: 0, duration: 0.3, midi: 48 }, { onset: 0.5, duration: 1.2, midi: 72.25, glide: 0.1 }], { sampleRate: 16000 });
 */
export function renderNotes(notes: readonly PlantNote[], options: RenderNotesOptions): Float32Array {
  const fs = checkSampleRate(options?.sampleRate);
  if (!Array.isArray(notes) || notes.length > MAX_PLANT_NOTES) {
    throw new MbError('MB_ERR_BAD_PARAMS', `notes must be an array of at most ${MAX_PLANT_NOTES} notes, got ${Array.isArray(notes) ? notes.length : typeof notes}`);
  }
  const resolved = notes.map(resolveNote).sort((a, b) => a.onset - b.onset);
  const release = PATCH.RELEASE_SECONDS;
  const natural = resolved.reduce((end, n) => Math.max(end, n.onset + n.duration + release), 0);
  const total = options.totalSeconds === undefined ? natural : checkRange('totalSeconds', options.totalSeconds, 1e-3, 3600);
  const out = new Float32Array(Math.max(1, Math.round(total * fs)));
  const voice = new NoteVoice(fs);
  resolved.forEach((note, i) => {
    const start = Math.round(note.onset * fs);
    const next = i + 1 < resolved.length ? Math.round(resolved[i + 1].onset * fs) : out.length;
    voice.render(out, start, Math.min(next, out.length), note, i > 0 ? resolved[i - 1].midi : note.midi);
  });
  return out;
}

/** One voice of the notes configuration; prepared once, allocation-free per sample. */
class NoteVoice {
  private readonly osc = new SawPulseOscillator();
  private readonly filter = new TptBandPass();
  private readonly env: AdEnvelope;
  private readonly releaseSamples: number;

  constructor(private readonly fs: Hz) {
    this.env = new AdEnvelope(fs);
    this.releaseSamples = Math.max(1, Math.round(PATCH.RELEASE_SECONDS * fs));
  }

  /** Writes `note` into out[start, limit): gate, then release, cut to end by `limit`. */
  render(out: Float32Array, start: number, limit: number, note: ResolvedNote, fromMidi: Midi): void {
    const fs = this.fs;
    const room = Math.max(0, limit - start);
    const release = Math.min(this.releaseSamples, room);
    const gate = Math.max(0, Math.min(Math.round(note.duration * fs), room - release));
    this.osc.reset();
    this.filter.reset();
    this.filter.setParams(clampCutoff(note.cutoff, fs), note.resonance, fs);
    this.env.reset();
    this.env.setTimes(note.attack, note.decay);
    this.env.setSustain(note.sustain);
    this.env.trigger();
    const glide = Math.round(note.glide * fs);
    const gain = PATCH.OUTPUT_GAIN * dbToGain(note.volume);
    const depth = note.vibratoIntensity * SEMITONE_LOG;
    const lfoStep = (2 * Math.PI * note.vibratoRate) / fs;
    const inc0 = midiToHz(note.midi) / fs;
    const sounding = Math.min(out.length, start + gate + release);
    for (let n = start, i = 0; n < sounding; n++, i++) {
      if (i === gate) this.env.release();
      const base = i < glide ? midiToHz(fromMidi + ((note.midi - fromMidi) * i) / glide) / fs : inc0;
      const inc = depth === 0 ? base : base * Math.exp(depth * Math.sin(lfoStep * i + note.vibratoPhase));
      out[n] = softClip(gain * this.env.next() * this.filter.process(this.osc.next(inc)));
    }
  }
}

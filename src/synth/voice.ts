import { dbToGain, midiToHz } from '../core/units';
import type { Decibels, Hz, Midi, Seconds } from '../core/units';
import { TptBandPass } from './bandpass';
import { AdEnvelope } from './envelope';
import { SawPulseOscillator } from './oscillator';
import { defaultNormalized, normalizedToUnits, paramNames } from './params';
import type { ParamName } from './params';
import { clampCutoff, PATCH, softClip } from './patch';

/**
 * One melody note in units (the result of the schema mappings).
 * @example noteFromNormalized(params, 0, 7, 0.4).cutoff // Hz
 */
export interface NoteUnits {
  midi: Midi;
  /** Gate length. */
  duration: Seconds;
  volume: Decibels;
  cutoff: Hz;
  /** Band-pass quality factor. */
  resonance: number;
  attack: Seconds;
  decay: Seconds;
  vibratoRate: Hz;
  /** Semitones of peak deviation. */
  vibratoIntensity: number;
  /** Radians. */
  vibratoPhase: number;
}

const SEMITONE_LOG = Math.LN2 / 12;

/**
 * Reads note `index` of a row-major normalized matrix (notes x paramCount) into units;
 * parameters the set lacks (vibrato in set 1) take their defaults.
 *
 * @example
 * const n = noteFromNormalized(params, 0, 7, 0.4); // n.midi, n.cutoff, ...
 */
export function noteFromNormalized(params: ArrayLike<number>, index: number, paramCount: number, slotSeconds: Seconds): NoteUnits {
  const names = paramNames(paramCount);
  const at = (name: ParamName): number => {
    const col = names.indexOf(name);
    const p = col < 0 ? defaultNormalized(name) : params[index * paramCount + col];
    return normalizedToUnits(name, p, { slotSeconds });
  };
  return {
    midi: at('note'),
    duration: at('duration'),
    volume: at('volume'),
    cutoff: at('cutoff'),
    resonance: at('resonance'),
    attack: at('attack'),
    decay: at('decay'),
    vibratoRate: at('vibratoRate'),
    vibratoIntensity: at('vibratoIntensity'),
    vibratoPhase: at('vibratoPhase'),
  };
}

/**
 * Renders single notes of a melody. Each note starts from a clean state (oscillator phase 0,
 * empty filter, silent envelope), so a note depends only on its own parameters and renders
 * are bit-identical from run to run. Prepared once per melody; allocation-free per sample.
 *
 * @example
 * const voice = new MelodyVoice(16000);
 * voice.render(out, 0, 6400, note); // note in the slot [0, 6400)
 */
export class MelodyVoice {
  readonly sampleRate: Hz;
  private readonly osc = new SawPulseOscillator();
  private readonly filter = new TptBandPass();
  private readonly env: AdEnvelope;
  private readonly releaseSamples: number;

  constructor(sampleRate: Hz) {
    this.sampleRate = sampleRate;
    this.env = new AdEnvelope(sampleRate);
    this.releaseSamples = Math.max(1, Math.round(PATCH.RELEASE_SECONDS * sampleRate));
  }

  /**
   * Writes `note` into out[start, slotEnd). The gate lasts round(duration fs) samples and the
   * release follows it; when gate + release would run past the slot, the gate is shortened
   * so that the release ends at the slot end (notes never overlap, the clip ends in silence).
   * Samples of the slot after the release are set to 0.
   */
  render(out: Float32Array, start: number, slotEnd: number, note: NoteUnits): void {
    const fs = this.sampleRate;
    const end = Math.min(slotEnd, out.length);
    const slot = slotEnd - start;
    const release = Math.min(this.releaseSamples, slot);
    const gate = Math.max(0, Math.min(Math.round(note.duration * fs), slot - release));
    this.osc.reset();
    this.filter.reset();
    this.filter.setParams(clampCutoff(note.cutoff, fs), note.resonance, fs);
    this.env.reset();
    this.env.setTimes(note.attack, note.decay);
    this.env.trigger();
    const inc0 = midiToHz(note.midi) / fs;
    const gain = PATCH.OUTPUT_GAIN * dbToGain(note.volume);
    const depth = note.vibratoIntensity * SEMITONE_LOG;
    const lfoStep = (2 * Math.PI * note.vibratoRate) / fs;
    const phase0 = note.vibratoPhase;
    const sounding = Math.min(end, start + gate + release);
    for (let n = start, i = 0; n < sounding; n++, i++) {
      if (i === gate) this.env.release();
      const inc = depth === 0 ? inc0 : inc0 * Math.exp(depth * Math.sin(lfoStep * i + phase0));
      const x = this.filter.process(this.osc.next(inc));
      out[n] = softClip(gain * this.env.next() * x);
    }
    out.fill(0, Math.max(start, sounding), Math.max(start, end));
  }
}

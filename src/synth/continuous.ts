import { checkRange, MbError } from '../core/errors';
import { dbToGain, midiToHz } from '../core/units';
import type { Hz, Samples } from '../core/units';
import { TptBandPass } from './bandpass';
import { AdEnvelope } from './envelope';
import { SawPulseOscillator } from './oscillator';
import { checkContinuous, normalizedToUnits, PARAM_SPECS, paramNames, SET2 } from './params';
import type { ParamName } from './params';
import { checkSampleRate, clampCutoff, PATCH, softClip } from './patch';

/**
 * Options of ContinuousSynth and renderContinuous.
 * @example new ContinuousSynth({ sampleRate: 8000, controlRate: 125 }) // 64 samples per frame
 */
export interface ContinuousSynthOptions {
  sampleRate: Hz;
  /** Control frames per second, e.g. 125 (8 ms frames). */
  controlRate: number;
}

/** Derived values (filter, envelope times, pitch step, gain) are recomputed every TICK samples. */
const TICK = 16;
const [NOTE, DURATION, VOLUME, CUTOFF, RESONANCE, ATTACK, DECAY, V_RATE, V_DEPTH, V_PHASE] = SET2.map((_, i) => i);
/**
 * A frame-to-frame pitch jump of at least this many semitones (gate held) starts a new note.
 * @example Math.abs(12 * (0.5 - 0.45)) >= RETRIGGER_SEMITONES // true: 0.6 semitone retriggers
 */
export const RETRIGGER_SEMITONES = 0.5;
/**
 * The gate is on while the normalized duration is above this.
 * @example synth.setFrame([0.5, 0.9, 0.8, 0.45, 0.25, 0.3, 0.4]); // duration 0.9 > 0.5: gate on
 */
export const GATE_THRESHOLD = 0.5;
const SEMITONE_LOG = Math.LN2 / 12;

/** Units of a ramped value; clamped because a ramp may land an ulp outside [0, 1]. */
function units(name: ParamName, p: number): number {
  return normalizedToUnits(name, Math.min(1, Math.max(0, p)));
}

/**
 * The plant under frame-wise control, for live streaming and for causal, frame-wise
 * MirrorNet. Semantics:
 *
 * - Parameters are normalized as in PARAM_SPECS; a frame has 7 (set 1) or 10 values; with 7,
 *   vibrato takes its defaults (off).
 * - note: continuous pitch, MIDI = 62 + 12p, no grid snap; p may leave [0, 1] within the
 *   note's `continuousRange` (MIDI 36-96, CONTINUOUS_NOTE_MIDI). Every other value is in [0, 1].
 * - duration acts as the gate: on while p > 0.5 (GATE_THRESHOLD).
 * - The envelope (attack, then decay with sustain 0, 10 ms release at gate off) triggers when
 *   the gate rises, and retriggers (from its current level, so no click) when, with the gate
 *   held, the note jumps by >= 0.5 semitone from one frame to the next. Slower pitch changes
 *   glide without retriggering.
 * - Interpolation: each setFrame starts a linear ramp, in the normalized domain, from the
 *   current values to the frame over one control period (so cutoff glides exponentially in
 *   Hz, volume linearly in dB, pitch linearly in semitones). A new note (trigger from
 *   silence) or a retriggering jump sets the pitch at once; a trigger from silence sets all
 *   parameters at once. Latency: one control period (`latencySamples`).
 * - Before the first frame, and after reset(), the synth is silent (gate off).
 * - Output within [-1, 1] (patch.ts). process() allocates nothing.
 *
 * @example
 * const synth = new ContinuousSynth({ sampleRate: 16000, controlRate: 125 });
 * const block = new Float32Array(128);
 * synth.setFrame([0.5, 1, 0.8, 0.45, 0.25, 0.3, 0.9]);
 * synth.process(block);
 */
export class ContinuousSynth {
  readonly sampleRate: Hz;
  readonly controlRate: number;
  /** Samples from a setFrame until its values are fully reached. */
  readonly latencySamples: Samples;
  private readonly osc = new SawPulseOscillator();
  private readonly filter = new TptBandPass();
  private readonly env: AdEnvelope;
  private readonly current = new Float64Array(SET2.length);
  private readonly target = new Float64Array(SET2.length);
  private readonly step = new Float64Array(SET2.length);
  private rampLeft = 0;
  private gateOn = false;
  private lfoPhase = 0;
  private gain = 0;
  private inc = 0;
  private gainStep = 0;
  private incStep = 0;
  private tickLeft = 0;

  constructor(options: ContinuousSynthOptions) {
    this.sampleRate = checkSampleRate(options?.sampleRate);
    this.controlRate = checkRange('controlRate', options.controlRate, 1, this.sampleRate);
    this.latencySamples = Math.max(1, Math.round(this.sampleRate / this.controlRate));
    this.env = new AdEnvelope(this.sampleRate);
    this.reset();
  }

  /** Silence, default parameters, gate off, oscillator and filter cleared. */
  reset(): void {
    SET2.forEach((name, i) => {
      this.current[i] = PARAM_SPECS[name].defaultValue;
      this.target[i] = this.current[i];
    });
    this.current[DURATION] = this.target[DURATION] = 0;
    this.step.fill(0);
    this.rampLeft = 0;
    this.gateOn = false;
    this.lfoPhase = 0;
    this.osc.reset();
    this.filter.reset();
    this.env.reset();
    this.gain = this.targetGain();
    this.inc = this.targetIncrement();
    this.gainStep = 0;
    this.incStep = 0;
    this.tickLeft = 0;
  }

  /**
   * Sets the next control frame (7 or 10 normalized values, in SET1/SET2 order). Throws
   * MB_ERR_BAD_PARAMS for a wrong length or a value outside [0, 1] (the note: outside its
   * continuous range), leaving the state as it was.
   */
  setFrame(params: ArrayLike<number>): void {
    const count = params?.length;
    if (count !== 7 && count !== 10) paramNames(count);
    for (let i = 0; i < count; i++) {
      const v = params[i];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) checkContinuous(`frame.${SET2[i]}`, SET2[i], v);
    }
    const jump = Math.abs(12 * (params[NOTE] - this.target[NOTE])) >= RETRIGGER_SEMITONES;
    for (let i = 0; i < SET2.length; i++) this.target[i] = i < count ? params[i] : PARAM_SPECS[SET2[i]].defaultValue;
    const gate = this.target[DURATION] > GATE_THRESHOLD;
    const trigger = gate && (!this.gateOn || jump);
    const fromSilence = trigger && this.env.idle;
    if (fromSilence) {
      this.current.set(this.target);
      this.lfoPhase = 0;
    } else if (trigger) {
      this.current[NOTE] = this.target[NOTE];
    }
    if (trigger) this.env.trigger();
    else if (!gate && this.gateOn) this.env.release();
    this.gateOn = gate;
    for (let i = 0; i < SET2.length; i++) this.step[i] = (this.target[i] - this.current[i]) / this.latencySamples;
    this.rampLeft = this.latencySamples;
    if (fromSilence) {
      this.gain = this.targetGain();
      this.gainStep = 0;
    }
    if (trigger) {
      this.applyControls();
      this.inc = this.targetIncrement();
      this.incStep = 0;
    }
  }

  /**
   * Renders the next out.length samples. Real-time safe: no allocation, no waiting. The
   * control tick grid runs on the synth's own sample count, so the output does not depend on
   * how the host splits it into blocks (only on where setFrame calls fall).
   */
  process(out: Float32Array): void {
    for (let n = 0; n < out.length; ) {
      if (this.tickLeft === 0) this.startTick();
      const end = Math.min(out.length, n + this.tickLeft);
      this.tickLeft -= end - n;
      for (; n < end; n++) {
        this.gain += this.gainStep;
        this.inc += this.incStep;
        const x = this.filter.process(this.osc.next(this.inc));
        out[n] = softClip(this.gain * this.env.next() * x);
      }
    }
  }

  /** Advances the ramps by one tick and recomputes the derived values it uses. */
  private startTick(): void {
    const fs = this.sampleRate;
    const c = this.current;
    this.advanceRamp(TICK);
    this.lfoPhase = (this.lfoPhase + (2 * Math.PI * units('vibratoRate', c[V_RATE]) * TICK) / fs) % (2 * Math.PI);
    this.applyControls();
    this.gainStep = (this.targetGain() - this.gain) / TICK;
    this.incStep = (this.targetIncrement() - this.inc) / TICK;
    this.tickLeft = TICK;
  }

  /** Filter and envelope settings from the current (ramped) values. */
  private applyControls(): void {
    const c = this.current;
    const fs = this.sampleRate;
    this.filter.setParams(clampCutoff(units('cutoff', c[CUTOFF]), fs), units('resonance', c[RESONANCE]), fs);
    this.env.setTimes(units('attack', c[ATTACK]), units('decay', c[DECAY]));
  }

  private advanceRamp(len: number): void {
    if (this.rampLeft <= 0) return;
    const k = Math.min(len, this.rampLeft);
    this.rampLeft -= k;
    if (this.rampLeft === 0) {
      this.current.set(this.target);
      return;
    }
    for (let i = 0; i < SET2.length; i++) this.current[i] += this.step[i] * k;
  }

  private targetGain(): number {
    return PATCH.OUTPUT_GAIN * dbToGain(units('volume', this.current[VOLUME]));
  }

  /** Phase increment for the current pitch (62 + 12p, unsnapped) plus vibrato at the LFO phase. */
  private targetIncrement(): number {
    const c = this.current;
    const depth = units('vibratoIntensity', c[V_DEPTH]) * SEMITONE_LOG;
    const vibrato = depth === 0 ? 1 : Math.exp(depth * Math.sin(this.lfoPhase + units('vibratoPhase', c[V_PHASE])));
    return (midiToHz(62 + 12 * c[NOTE]) / this.sampleRate) * vibrato;
  }
}

/**
 * Offline wrapper: renders T control frames (row-major T x paramCount, normalized) with a
 * fresh ContinuousSynth. Frame t is applied at sample round(t fs / controlRate); the output
 * has round(T fs / controlRate) samples. Deterministic.
 *
 * @example
 * const audio = renderContinuous(frames, 7, { sampleRate: 8000, controlRate: 125 }); // 64 samples per frame
 */
export function renderContinuous(frames: Float32Array, paramCount: number, options: ContinuousSynthOptions): Float32Array {
  const count = paramNames(paramCount).length;
  if (!(frames instanceof Float32Array) || frames.length % count !== 0) {
    throw new MbError('MB_ERR_BAD_PARAMS', `frames must be a Float32Array of T x ${count} values, got ${frames?.length}`);
  }
  const synth = new ContinuousSynth(options);
  const t = frames.length / count;
  const at = (i: number): number => Math.round((i * synth.sampleRate) / synth.controlRate);
  const out = new Float32Array(at(t));
  for (let i = 0; i < t; i++) {
    synth.setFrame(frames.subarray(i * count, (i + 1) * count));
    synth.process(out.subarray(at(i), at(i + 1)));
  }
  return out;
}

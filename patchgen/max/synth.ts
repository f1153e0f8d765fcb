/**
 * [mb.synth~]: the plant synth in MSP, with the semantics of the TypeScript ContinuousSynth
 * (src/synth/continuous.ts). Every mapping [expr] is generated from src/synth/params.ts
 * (patchgen/mapping.ts), the frame layout and the fixed patch from patchgen/plant-frame.ts.
 */
import { exprNumber, mappingExpr, mappingFormula, product } from '../mapping';
import {
  DECAY_TO_SILENCE, FRAME_NAMES, FRAME_PADDING, FULL_FRAME, GATE, MAX_CUTOFF_RATIO, MIN_CUTOFF_HZ, NOTE_SPAN, OUTPUT_GAIN, RELEASE_MS, RETRIGGER,
  SHORT_FRAME,
} from '../plant-frame';
import { PARAM_SPECS } from '../../src/synth/params';
import { MaxPatcher } from './patcher';
import type { MaxBox } from './patcher';

const n = (v: number) => exprNumber(v, 'max');
/** DECAY_TO_SILENCE as the patch writes it. */
const SILENT_R = DECAY_TO_SILENCE.toFixed(6);

/** Frame validation and the trigger/retrigger/release decision; returns the action box and registers. */
function synthControl(p: MaxPatcher, frame: MaxBox, frameOutlet: number): { action: MaxBox; registers: MaxBox[]; rampMs: MaxBox; idle: (box: MaxBox, outlet: number) => void } {
  const check = p.obj(20, 120, 't l l');
  const len = p.obj(120, 150, 'zl.len');
  const ok = p.obj(120, 180, `expr ($i1 == ${SHORT_FRAME}) || ($i1 == ${FULL_FRAME})`);
  const gate = p.obj(20, 210, 'gate 1');
  const pad = p.obj(20, 240, `append ${FRAME_PADDING.map(n).join(' ')}`);
  const ten = p.obj(20, 270, `zl.slice ${FULL_FRAME}`);
  p.connect(frame, frameOutlet, check, 0).connect(check, 1, len, 0).connect(len, 0, ok, 0).connect(ok, 0, gate, 0);
  p.connect(check, 0, gate, 1).connect(gate, 0, pad, 0).connect(pad, 0, ten, 0);
  p.comment(220, 240, `a ${SHORT_FRAME}-value frame (set 1) gets the vibrato defaults: off`, 300);
  const unpack = p.obj(20, 300, `unpack ${FRAME_NAMES.map(() => 'f').join(' ')}`);
  p.connect(ten, 0, unpack, 0);
  const registers = FRAME_NAMES.map((_, i) => {
    const reg = p.obj(20 + i * 60, 360, 'f');
    const bang = p.obj(20 + i * 60, 330, 'r #0-frame');
    p.connect(unpack, i, reg, 1).connect(bang, 0, reg, 0);
    return reg;
  });
  const action = p.obj(20, 420, `expr ($f2 > ${n(GATE)}) * (($f4 == 0) || (abs(${n(NOTE_SPAN)} * ($f1 - $f3)) >= ${n(RETRIGGER)})) * (1 + ($f5 != 0)) + ($f2 <= ${n(GATE)}) * ($f4 != 0) * 3`);
  p.connect(unpack, 1, action, 1).connect(unpack, 0, action, 0);
  // state, written after the action from the registers: previous note, gate
  const gateState = p.obj(140, 390, `expr $f1 > ${n(GATE)}`);
  p.connect(registers[0], 0, action, 2).connect(registers[1], 0, gateState, 0).connect(gateState, 0, action, 3);
  p.comment(20, 450, `action: 0 glide / 1 retrigger (gate rises, or a jump >= ${RETRIGGER} semitone with the gate held) / 2 trigger from silence / 3 release`, 640);
  const rampMs = p.obj(700, 120, 'f 8.');
  // initial state: previous note at its default, gate off, envelope idle
  const lb = p.obj(860, 120, 'loadbang');
  const init = p.msg(860, 150, `${PARAM_SPECS.note.defaultValue.toFixed(6)} 0 1`);
  const unpackInit = p.obj(860, 180, 'unpack f i i');
  p.connect(lb, 0, init, 0).connect(init, 0, unpackInit, 0);
  p.connect(unpackInit, 0, action, 2).connect(unpackInit, 1, action, 3).connect(unpackInit, 2, action, 4);
  return { action, registers, rampMs, idle: (box, outlet) => p.connect(box, outlet, action, 4) };
}

export function maxSynth(): MaxPatcher {
  const p = new MaxPatcher({ width: 1200, height: 980 });
  const m = mappingFormula;
  p.comment(20, 10, `[mb.synth~] - the plant, in MSP: give it parameter frames (${SHORT_FRAME} or ${FULL_FRAME} values in 0..1) as [mb.params] outputs them. Same semantics as the TypeScript plant in continuous mode: note = MIDI ${m('note')} (no snap), duration = the gate (on above ${GATE}), volume ${m('volume')} dB, band-pass at ${m('cutoff')} Hz with Q ${m('resonance')} (peak gain sqrt(Q)), attack ${m('attack')} s, decay to -60 dB in ${m('decay')} s (sustain 0), ${RELEASE_MS} ms release, vibrato ${m('vibratoRate')} Hz / ${m('vibratoIntensity')} semitones / phase ${m('vibratoPhase')}. Frames glide over one frame period (8 ms; "rate <frames/s>" changes it).`, 1100);
  const inlet = p.inlet(20, 80, `frames (lists of ${SHORT_FRAME} or ${FULL_FRAME}), rate <frames/s>`);
  const route = p.obj(120, 80, 'route rate');
  const rate = p.obj(700, 80, 'expr 1000. / max($f1\\, 1.)');
  p.connect(inlet, 0, route, 0).connect(route, 0, rate, 0);
  const c = synthControl(p, route, 1);
  p.connect(rate, 0, c.rampMs, 0);

  // after the action: times, registers, LFO phase, envelope
  const at = p.obj(20, 490, 't i i b i');
  const tAll = p.obj(300, 520, 'expr ($i1 != 2) * $f2');
  const tPitch = p.obj(500, 520, 'expr ($i1 != 1) * ($i1 != 2) * $f2');
  const sFrame = p.obj(200, 520, 's #0-frame');
  p.connect(c.action, 0, at, 0).connect(at, 3, tAll, 0).connect(at, 3, tPitch, 0);
  p.connect(c.rampMs, 0, tAll, 1).connect(c.rampMs, 0, tPitch, 1).connect(at, 2, sFrame, 0);
  const lb = p.obj(800, 80, 'loadbang');
  const initRate = p.msg(800, 110, '8.');
  p.connect(lb, 0, initRate, 0).connect(initRate, 0, c.rampMs, 0);

  const [note, , volume, cutoff, resonance, attack, decay, vRate, vDepth, vPhase] = c.registers;
  const lineOf = (reg: MaxBox, x: number, map: string, time: MaxBox): MaxBox => {
    const m = p.obj(x, 560, map);
    const pk = p.obj(x, 590, 'pack 0. 0.');
    const line = p.obj(x, 620, 'line~');
    p.connect(reg, 0, m, 0).connect(m, 0, pk, 0).connect(time, 0, pk, 1).connect(pk, 0, line, 0);
    return line;
  };
  const pitch = lineOf(note, 20, `expr ${mappingExpr('note', 'max')}`, tPitch);
  const db = lineOf(volume, 160, `expr ${mappingExpr('volume', 'max')}`, tAll);
  const state = p.obj(1000, 80, 'dspstate~');
  const cutMap = p.obj(300, 560, `expr max(${n(MIN_CUTOFF_HZ)}\\, min(${n(MAX_CUTOFF_RATIO)} * $f2\\, ${mappingExpr('cutoff', 'max')}))`);
  p.connect(lb, 0, state, 0).connect(state, 1, cutMap, 1);
  const cutPack = p.obj(300, 590, 'pack 0. 0.');
  const cutLine = p.obj(300, 620, 'line~');
  p.connect(cutoff, 0, cutMap, 0).connect(cutMap, 0, cutPack, 0).connect(tAll, 0, cutPack, 1).connect(cutPack, 0, cutLine, 0);
  const q = lineOf(resonance, 460, `expr ${mappingExpr('resonance', 'max')}`, tAll);
  const rateLine = lineOf(vRate, 600, `expr ${mappingExpr('vibratoRate', 'max')}`, tAll);
  const depthLine = lineOf(vDepth, 740, `expr ${mappingExpr('vibratoIntensity', 'max')}`, tAll);
  // the phase in cycles, a quarter back: cycle~ (a cosine) then gives the plant's sine
  const phaseLine = lineOf(vPhase, 880, `expr ${mappingExpr('vibratoPhase', 'max', { scale: 1 / (2 * Math.PI), offset: -0.25 })}`, tAll);
  p.comment(20, 650, 'the normalized frame ramps over one frame period, in units here (differences are below audibility over 8 ms)', 600);

  // vibrato: sin(2 pi (lfo + phase)) semitones * depth
  const lfo = p.obj(600, 690, 'phasor~');
  const reset = p.obj(700, 660, 'sel 2');
  const zero = p.msg(700, 690, '0.');
  const addPhase = p.obj(600, 720, '+~');
  const cyc = p.obj(600, 750, 'cycle~ 0.');
  const dev = p.obj(600, 780, '*~');
  p.connect(rateLine, 0, lfo, 0).connect(at, 1, reset, 0).connect(reset, 0, zero, 0).connect(zero, 0, lfo, 1);
  p.connect(lfo, 0, addPhase, 0).connect(phaseLine, 0, addPhase, 1).connect(addPhase, 0, cyc, 1).connect(cyc, 0, dev, 0).connect(depthLine, 0, dev, 1);
  const addDev = p.obj(20, 690, '+~');
  const mtof = p.obj(20, 720, 'mtof~');
  const saw = p.obj(20, 750, 'saw~');
  const rect = p.obj(100, 750, 'rect~');
  const mix = p.obj(20, 780, '+~');
  const half = p.obj(20, 810, '*~ 0.5');
  p.connect(pitch, 0, addDev, 0).connect(dev, 0, addDev, 1).connect(addDev, 0, mtof, 0).connect(mtof, 0, saw, 0).connect(mtof, 0, rect, 0);
  p.connect(saw, 0, mix, 0).connect(rect, 0, mix, 1).connect(mix, 0, half, 0);
  p.comment(160, 810, 'half band-limited saw, half square (rect~ at 50 %)', 300);

  const coeff = p.obj(300, 690, 'filtercoeff~ bandpass');
  const one = p.obj(420, 660, 'sig~ 1.');
  const bq = p.obj(20, 850, 'biquad~');
  const peak = p.obj(460, 720, 'sqrt~');
  const peakGain = p.obj(20, 880, '*~');
  p.connect(cutLine, 0, coeff, 0).connect(one, 0, coeff, 1).connect(q, 0, coeff, 2);
  for (let i = 0; i < 5; i++) p.connect(coeff, i, bq, i + 1);
  p.connect(half, 0, bq, 0).connect(bq, 0, peakGain, 0).connect(q, 0, peak, 0).connect(peak, 0, peakGain, 1);
  p.comment(480, 750, 'filtercoeff~ bandpass peaks at 0 dB; * sqrt(Q) gives the plant\'s peak gain sqrt(Q)', 260);

  const env = synthEnvelope(p, at, c, attack, decay);
  const amp = p.obj(20, 910, '*~');
  const dbtoa = p.obj(160, 880, 'dbtoa~');
  const gain = p.obj(160, 910, `*~ ${n(OUTPUT_GAIN)}`);
  const amp2 = p.obj(20, 940, '*~');
  const clip = p.obj(20, 970, 'clip~ -1. 1.');
  const out = p.outlet(20, 1000, 'signal');
  p.connect(peakGain, 0, amp, 0).connect(env, 0, amp, 1).connect(db, 0, dbtoa, 0).connect(dbtoa, 0, gain, 0);
  p.connect(amp, 0, amp2, 0).connect(gain, 0, amp2, 1).connect(amp2, 0, clip, 0).connect(clip, 0, out, 0);
  p.comment(160, 970, 'difference from the TS plant: a hard clip at +-1 instead of its soft knee above 0.8 (inside the training ranges the level stays below the knee)', 500);
  return p;
}

/** Attack/decay envelope: level = A * 0.001^R with two line~s; idle tracking. */
function synthEnvelope(p: MaxPatcher, at: MaxBox, c: { idle: (box: MaxBox, outlet: number) => void }, attack: MaxBox, decay: MaxBox): MaxBox {
  const x = 700;
  const sel = p.obj(x, 820, 'sel 1 2 3');
  const trig = p.obj(x, 850, 't b b');
  const idleOff = p.msg(x + 100, 880, '0');
  const snap = p.obj(x, 880, 'snapshot~');
  const level = p.obj(x, 910, 't f f');
  const calc = p.obj(x + 60, 940, `expr (1. - $f1) * ${product(mappingExpr('attack', 'max', { input: '$f2', scale: 1000 }))}`);
  const dec = p.obj(x + 240, 910, `expr ${product(mappingExpr('decay', 'max', { scale: 1000 }))} * ${SILENT_R}`);
  const t = p.obj(x + 60, 970, 't f f f');
  const total = p.obj(x + 240, 1000, '+ 0.');
  const timer = p.obj(x + 240, 1030, 'delay');
  const idleOn = p.msg(x + 240, 1060, '1');
  const aPack = p.obj(x, 1000, 'pack 0. 0.');
  const aLine = p.msg(x, 1030, '$1, 1. $2');
  const rPack = p.obj(x + 120, 1000, 'pack 0. 0.');
  const rLine = p.msg(x + 120, 1030, `0., 0. $1 ${SILENT_R} $2`);
  const a = p.obj(x, 1090, 'line~');
  const r = p.obj(x + 120, 1090, 'line~');
  const rDb = p.obj(x + 120, 1120, '*~ -60.');
  const rGain = p.obj(x + 120, 1150, 'dbtoa~');
  const env = p.obj(x, 1180, '*~');
  p.connect(at, 0, sel, 0).connect(sel, 0, trig, 0).connect(sel, 1, trig, 0);
  p.connect(trig, 1, idleOff, 0).connect(trig, 0, snap, 0).connect(env, 0, snap, 0);
  c.idle(idleOff, 0);
  p.connect(attack, 0, calc, 1).connect(decay, 0, dec, 0).connect(dec, 0, rPack, 1).connect(dec, 0, total, 1);
  p.connect(snap, 0, level, 0).connect(level, 1, calc, 0).connect(level, 0, aPack, 0);
  p.connect(calc, 0, t, 0).connect(t, 2, total, 0).connect(t, 1, rPack, 0).connect(t, 0, aPack, 1);
  p.connect(total, 0, timer, 0).connect(timer, 0, idleOn, 0);
  c.idle(idleOn, 0);
  p.connect(rPack, 0, rLine, 0).connect(rLine, 0, r, 0).connect(aPack, 0, aLine, 0).connect(aLine, 0, a, 0);
  p.connect(r, 0, rDb, 0).connect(rDb, 0, rGain, 0).connect(a, 0, env, 0).connect(rGain, 0, env, 1);
  // release: A -> 0 in the release time from the current level, R back to 0, idle after it
  const rel = p.obj(x + 400, 850, 't b b b');
  const relSnap = p.obj(x + 400, 880, 'snapshot~');
  const relA = p.msg(x + 400, 910, `$1, 0. ${n(RELEASE_MS)}`);
  const relR = p.msg(x + 500, 910, '0.');
  const relT = p.msg(x + 560, 910, n(RELEASE_MS));
  p.connect(sel, 2, rel, 0).connect(rel, 0, relSnap, 0).connect(env, 0, relSnap, 0).connect(relSnap, 0, relA, 0).connect(relA, 0, a, 0);
  p.connect(rel, 1, relR, 0).connect(relR, 0, r, 0).connect(rel, 2, relT, 0).connect(relT, 0, timer, 0);
  p.comment(x, 1180, 'A rises from the current level to 1 in (1 - level) * attack; then R runs 0 -> 7/3 (level = A * 0.001^R: -60 dB at the decay time)', 460);
  return env;
}


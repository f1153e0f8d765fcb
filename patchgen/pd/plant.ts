/**
 * [mb.plant~]: the plant synth in vanilla Pd, with the semantics of the TypeScript
 * ContinuousSynth (src/synth/continuous.ts) and the mappings of src/synth/params.ts, which
 * every [expr] here is generated from (patchgen/mapping.ts); today:
 *
 *   note        MIDI 62 + 12p (continuous, no grid snap)
 *   duration    the gate: on while p > 0.5
 *   volume      dB -40 + 40p, times the patch's output gain 0.8
 *   cutoff      band-pass centre 100 * 2^(7p) Hz, clamped to [20, 0.45 sr]
 *   resonance   Q 0.7 + 9.3p; band-pass scaled by 1/sqrt(Q) (peak gain sqrt(Q))
 *   attack      linear rise to 1 in 0.01 * 100^p s (from the current level)
 *   decay       exponential fall, -60 dB after 0.02 * 100^p s, sustain 0; 10 ms release
 *   vibrato     rate 1 + 9p Hz, depth p semitones, phase 2 pi p (set 2 only; off in set 1)
 *
 * Oscillator: half PolyBLEP sawtooth, half PolyBLEP square. Filter: the TPT band-pass as
 * its bilinear biquad (same transfer function). Output through the same soft clipper.
 * Frames ramp linearly in the normalized domain over one frame period; a trigger from
 * silence sets everything at once, a retrigger (jump >= 0.5 semitone, gate held) sets
 * the pitch at once. Known difference: attack and decay times are read when the envelope
 * triggers, not continuously.
 */
import { PdCanvas } from './canvas';
import type { PdNode } from './canvas';
import { withDefault } from './bridge';
import { exprNumber, mappingExpr, mappingFormula, product } from '../mapping';
import {
  CLIP_KNEE, DECAY_FLOOR, DECAY_TO_SILENCE, FRAME_NAMES as NAMES, FRAME_PADDING, FULL_FRAME, GATE, MAX_CUTOFF_RATIO, MIN_CUTOFF_HZ, NOTE_SPAN,
  OUTPUT_GAIN, RELEASE_MS, RETRIGGER, SHORT_FRAME,
} from '../plant-frame';
import { PARAM_SPECS } from '../../src/synth/params';

const n = (v: number) => exprNumber(v, 'pd');
/** DECAY_TO_SILENCE as the patch writes it. */
const SILENT_R = DECAY_TO_SILENCE.toFixed(6);

interface FrameLogic {
  registers: PdNode[];
  action: PdNode;
  rate: PdNode;
  reset: PdNode;
}

/** Frame input and validation, the ten parameter registers, and the action decision. */
function frameLogic(p: PdCanvas): FrameLogic {
  const inlet = p.obj(20, 150, 'inlet');
  const route = p.obj(20, 175, 'route list rate reset');
  const warn = p.obj(420, 230, `print mb.plant~: expected a list of ${SHORT_FRAME} or ${FULL_FRAME} values, rate <frames/s> or reset`);
  p.connect(inlet, 0, route, 0).connect(route, 3, warn, 0);

  const check = p.obj(20, 205, 't l l');
  const len = p.obj(140, 230, 'list length');
  const okLen = p.obj(140, 255, `expr $f1 == ${SHORT_FRAME} || $f1 == ${FULL_FRAME}`);
  const okSel = p.obj(140, 305, 'sel 0');
  const badLen = p.obj(140, 330, `print mb.plant~: a frame has ${SHORT_FRAME} or ${FULL_FRAME} values`);
  const gate = p.obj(20, 280, 'spigot');
  p.connect(route, 0, check, 0).connect(check, 1, len, 0).connect(len, 0, okLen, 0).connect(okLen, 0, gate, 1);
  p.connect(okLen, 0, okSel, 0).connect(okSel, 0, badLen, 0).connect(check, 0, gate, 0);

  const pad = p.obj(20, 360, `list append ${FRAME_PADDING.map(n).join(' ')}`);
  const ten = p.obj(20, 385, `list split ${FULL_FRAME}`);
  const both = p.obj(20, 410, 't l l');
  const unpack = p.obj(160, 440, `unpack ${NAMES.map(() => 'f').join(' ')}`);
  const [rate0, depth0, phase0] = FRAME_PADDING;
  p.text(200, 360, `a set-1 frame (${SHORT_FRAME} values) gets the vibrato defaults: rate ${rate0}, depth ${depth0} (off), phase ${phase0}`, 50);
  p.connect(gate, 0, pad, 0).connect(pad, 0, ten, 0).connect(ten, 0, both, 0).connect(both, 1, unpack, 0);
  // Each value is clipped to what the TypeScript continuous plant accepts: [0, 1], the note its
  // continuousRange (MIDI 36-96), so a voice stream's notes outside 62-74 play as they are.
  const clipOf = (name: string) => {
    const [lo, hi] = PARAM_SPECS[name as keyof typeof PARAM_SPECS]?.continuousRange ?? [0, 1];
    return `clip ${Number(lo.toFixed(6))} ${Number(hi.toFixed(6))}`;
  };
  const registers = NAMES.map((name, i) => {
    const clip = p.obj(160 + i * 62, 470, clipOf(name));
    const bang = p.obj(160 + i * 62, 500, 'r $0-frame');
    const reg = p.obj(160 + i * 62, 530, 'f');
    p.connect(unpack, i, clip, 0).connect(clip, 0, reg, 1).connect(bang, 0, reg, 0);
    return reg;
  });
  p.text(160, 555, `registers, banged after the action is known: ${NAMES.join(' ')}`, 90);

  const two = p.obj(20, 590, 'list split 2');
  const nd = p.obj(20, 615, 'unpack f f');
  const clipNote = p.obj(20, 640, clipOf('note'));
  const clipDur = p.obj(110, 640, 'clip 0 1');
  const action = p.obj(20, 670, `expr if($f2 > ${n(GATE)} && ($f4 == 0 || abs(${n(NOTE_SPAN)} * ($f1 - $f3)) >= ${n(RETRIGGER)}), 1 + ($f5 != 0), if($f2 <= ${n(GATE)} && $f4 != 0, 3, 0))`);
  p.connect(both, 0, two, 0).connect(two, 0, nd, 0).connect(nd, 0, clipNote, 0).connect(nd, 1, clipDur, 0);
  p.connect(clipNote, 0, action, 0).connect(clipDur, 0, action, 1);
  p.text(20, 700, `action: 0 glide / 1 retrigger (the gate rises, or the note jumps >= ${RETRIGGER} semitone with the gate held) / 2 trigger from silence / 3 release. Inlets 3-5 hold the state: previous note, gate, envelope idle.`, 100);

  // state, written after the action: previous note, gate
  const gateNow = p.obj(222, 600, `> ${n(GATE)}`);
  p.connect(registers[0], 0, action, 2).connect(registers[1], 0, gateNow, 0).connect(gateNow, 0, action, 3);

  // rate <frames per second> -> ramp time in ms; reset -> silence and the initial state
  const rate = p.obj(600, 175, 'expr 1000 / max($f1, 1)');
  const reset = p.obj(420, 175, 't b b');
  const initial = p.msg(420, 290, `${PARAM_SPECS.note.defaultValue.toFixed(6)} 0 1`);
  const state = p.obj(420, 315, 'unpack f f f');
  p.connect(route, 1, rate, 0).connect(route, 2, reset, 0).connect(reset, 1, initial, 0).connect(initial, 0, state, 0);
  p.connect(state, 0, action, 2).connect(state, 1, action, 3).connect(state, 2, action, 4);
  return { registers, action, rate, reset };
}

export function mbPlant(): PdCanvas {
  const p = new PdCanvas({ width: 1180, height: 1240 });
  p.text(20, 10, `[mb.plant~ <frames per second>] is the plant synth of mirrorbridge: give it parameter frames (lists of ${SHORT_FRAME} or ${FULL_FRAME} values in 0..1 - ${NAMES.slice(0, SHORT_FRAME).join(' ')} [${NAMES.slice(SHORT_FRAME).join(' ')}]), as [mb.params] outputs them, and it plays them like the TypeScript plant in continuous mode. The argument is the frame rate (default 125/s: 8 ms ramps); "rate <n>" changes it, "reset" silences it.`, 150);
  const m = mappingFormula;
  p.text(20, 90, `Mappings: note MIDI ${m('note')} / duration is the gate (on above ${GATE}) / volume ${m('volume')} dB / cutoff ${m('cutoff')} Hz band-pass / resonance Q ${m('resonance')} / attack ${m('attack')} s / decay ${m('decay')} s to -60 dB / vibrato ${m('vibratoRate')} Hz / ${m('vibratoIntensity')} semitones / phase ${m('vibratoPhase')}.`, 150);
  const f = frameLogic(p);
  const [, , volume, cutoff, resonance, attack, decay, vRate, vDepth, vPhase] = f.registers;
  const note = f.registers[0];

  // loadbang: sample rate, frame rate (argument), initial state
  const lb = p.obj(600, 230, 'loadbang');
  const lbt = p.obj(600, 255, 't b b b');
  const rateArg = withDefault(p, 700, 255, '$1', 125, f.rate, 0);
  const sr = p.obj(600, 340, 'samplerate~');
  const sSr = p.obj(600, 365, 's $0-sr');
  p.connect(lb, 0, lbt, 0).connect(lbt, 2, f.reset, 0).connect(lbt, 1, rateArg, 0).connect(lbt, 0, sr, 0).connect(sr, 0, sSr, 0);

  // after the action: ramp times, registers out, LFO phase, envelope
  const at = p.obj(20, 750, 't f f b f');
  const times = p.obj(20, 780, 'expr if($f1 == 2, 0, $f2); if($f1 == 1 || $f1 == 2, 0, $f2)');
  const bangAll = p.obj(120, 810, 's $0-frame');
  p.connect(f.action, 0, at, 0).connect(at, 3, times, 0).connect(f.rate, 0, times, 1).connect(at, 2, bangAll, 0);
  p.text(520, 780, 'ramp times (ms): all at once from silence, the pitch at once on a retrigger', 40);

  const ramped = (reg: PdNode, x: number, map: string, target: string, time: number): void => {
    const m = p.obj(x, 840, map);
    const pk = p.obj(x, 865, 'pack f f');
    const s = p.obj(x, 890, `s $0-${target}`);
    p.connect(reg, 0, m, 0).connect(m, 0, pk, 0).connect(times, time, pk, 1).connect(pk, 0, s, 0);
  };
  ramped(note, 20, `expr ${mappingExpr('note', 'pd')}`, 'pitch', 1);
  // Pd's dB: dbtorms~ takes 100 as unity gain
  ramped(volume, 150, `expr ${mappingExpr('volume', 'pd', { offset: 100 })}`, 'db', 0);
  ramped(vRate, 280, `expr ${mappingExpr('vibratoRate', 'pd')}`, 'vrate', 0);
  ramped(vDepth, 410, `expr ${mappingExpr('vibratoIntensity', 'pd')}`, 'vdepth', 0);
  // the phase in cycles, a quarter back: cos~ then gives the plant's sine
  ramped(vPhase, 540, `expr ${mappingExpr('vibratoPhase', 'pd', { scale: 1 / (2 * Math.PI), offset: -0.25 })}`, 'vphase', 0);

  // filter: cutoff and resonance ramp (normalized) at control rate -> biquad coefficients
  const packCut = p.obj(680, 840, 'pack f f');
  const lineCut = p.obj(680, 865, 'line 0 1');
  const packRes = p.obj(780, 840, 'pack f f');
  const lineRes = p.obj(780, 865, 'line 0 1');
  const resT = p.obj(780, 890, 't b f');
  p.connect(cutoff, 0, packCut, 0).connect(times, 0, packCut, 1).connect(packCut, 0, lineCut, 0);
  p.connect(resonance, 0, packRes, 0).connect(times, 0, packRes, 1).connect(packRes, 0, lineRes, 0).connect(lineRes, 0, resT, 0);
  const rSr = p.obj(900, 890, 'r $0-sr');
  const wq = p.obj(680, 920, `expr 2 * 3.14159265 * min(max(${mappingExpr('cutoff', 'pd')}, ${n(MIN_CUTOFF_HZ)}), ${n(MAX_CUTOFF_RATIO)} * $f3) / $f3; ${mappingExpr('resonance', 'pd', { input: '$f2' })}`);
  p.connect(lineCut, 0, wq, 0).connect(resT, 1, wq, 1).connect(resT, 0, wq, 0).connect(rSr, 0, wq, 2);
  const coef = p.obj(680, 950, 'expr 2 * cos($f1) / (1 + sin($f1) / (2 * $f2)); -(1 - sin($f1) / (2 * $f2)) / (1 + sin($f1) / (2 * $f2)); sin($f1) / (2 * sqrt($f2) * (1 + sin($f1) / (2 * $f2))); -sin($f1) / (2 * sqrt($f2) * (1 + sin($f1) / (2 * $f2)))');
  const packCoef = p.obj(680, 980, 'pack f f f f');
  const coefMsg = p.msg(680, 1005, '$1 $2 $3 0 $4');
  const sCoef = p.obj(680, 1030, 's $0-biquad');
  p.connect(wq, 1, coef, 1).connect(wq, 0, coef, 0);
  for (let i = 0; i < 4; i++) p.connect(coef, i, packCoef, i);
  p.connect(packCoef, 0, coefMsg, 0).connect(coefMsg, 0, sCoef, 0);
  p.text(680, 1055, 'band-pass biquad (RBJ, peak gain sqrt(Q)): the bilinear twin of the TS plant\'s TPT band-pass', 50);

  // LFO phase back to 0 on a trigger from silence
  const from2 = p.obj(280, 920, 'sel 2');
  const phase0 = p.msg(280, 945, '0');
  const sPhase = p.obj(280, 970, 's $0-lforeset');
  p.connect(at, 1, from2, 0).connect(from2, 0, phase0, 0).connect(phase0, 0, sPhase, 0);

  envelope(p, f, at, attack, decay);
  voice(p);
  return p;
}

/** Trigger (actions 1, 2) and release (3) of the attack/decay envelope; idle tracking. */
function envelope(p: PdCanvas, f: FrameLogic, at: PdNode, attack: PdNode, decay: PdNode): void {
  const envSel = p.obj(20, 1000, 'sel 1 2 3');
  const trig = p.obj(20, 1030, 't b b');
  const idleOff = p.msg(100, 1060, '0');
  const envSig = p.obj(160, 1030, 'r~ $0-env');
  const snapTrig = p.obj(20, 1060, 'snapshot~');
  const attackMs = product(mappingExpr('attack', 'pd', { input: '$f2', scale: 1000 }));
  const silentMs = `${product(mappingExpr('decay', 'pd', { input: '$f3', scale: 1000 }))} * ${SILENT_R}`;
  const envCalc = p.obj(20, 1090, `expr $f1; ${silentMs}; (1 - $f1) * ${attackMs}; (1 - $f1) * ${attackMs} + ${silentMs}`);
  const packA = p.obj(20, 1120, 'pack f f');
  const msgA = p.msg(20, 1145, '$1, 1 $2');
  const packR = p.obj(120, 1120, 'pack f f');
  const msgR = p.msg(120, 1145, `0, ${SILENT_R} $1 $2`);
  const sA = p.obj(20, 1175, 's $0-env-a');
  const sR = p.obj(160, 1175, 's $0-env-r');
  const idleTimer = p.obj(300, 1120, 'delay');
  const idleOn = p.msg(300, 1145, '1');
  p.connect(at, 0, envSel, 0).connect(envSel, 0, trig, 0).connect(envSel, 1, trig, 0);
  p.connect(trig, 1, idleOff, 0).connect(idleOff, 0, f.action, 4).connect(trig, 0, snapTrig, 0).connect(envSig, 0, snapTrig, 0);
  p.connect(attack, 0, envCalc, 1).connect(decay, 0, envCalc, 2).connect(snapTrig, 0, envCalc, 0);
  p.connect(envCalc, 3, idleTimer, 0).connect(envCalc, 2, packA, 1).connect(envCalc, 2, packR, 1);
  p.connect(envCalc, 1, packR, 0).connect(envCalc, 0, packA, 0);
  p.connect(packA, 0, msgA, 0).connect(msgA, 0, sA, 0).connect(packR, 0, msgR, 0).connect(msgR, 0, sR, 0);
  p.connect(idleTimer, 0, idleOn, 0).connect(idleOn, 0, f.action, 4);

  const rel = p.obj(420, 1030, 't b b b');
  const snapRel = p.obj(420, 1060, 'snapshot~');
  const relA = p.msg(420, 1090, `$1, 0 ${n(RELEASE_MS)}`);
  const relR = p.msg(520, 1090, '0');
  const relTime = p.msg(580, 1090, n(RELEASE_MS));
  p.connect(envSel, 2, rel, 0).connect(rel, 2, relTime, 0).connect(relTime, 0, idleTimer, 0);
  p.connect(rel, 1, relR, 0).connect(relR, 0, sR, 0).connect(rel, 0, snapRel, 0).connect(envSig, 0, snapRel, 0);
  p.connect(snapRel, 0, relA, 0).connect(relA, 0, sA, 0);

  // reset: silence at once, stop the idle timer
  const silence = p.msg(420, 1145, '0');
  const stop = p.msg(480, 1145, 'stop');
  p.connect(f.reset, 0, silence, 0).connect(silence, 0, sA, 0).connect(silence, 0, sR, 0).connect(f.reset, 0, stop, 0).connect(stop, 0, idleTimer, 0);
  p.text(20, 1205, `envelope = A * ${DECAY_FLOOR}^R: A rises linearly from the current level to 1 (attack), then R runs 0 -> 7/3 (decay to -60 dB at R = 1, silence 1e-7 at 7/3). Release: A falls to 0 in ${n(RELEASE_MS)} ms with R at 0.`, 120);
}

/** The signal part: pitch with vibrato, oscillator, band-pass, envelope, gain, soft clip. */
function voice(p: PdCanvas): void {
  const x = 900;
  p.text(x, 150, 'voice', 20);
  const pitch = p.obj(x, 175, 'r $0-pitch');
  const vPitch = p.obj(x, 200, 'vline~');
  const rRate = p.obj(x + 90, 175, 'r $0-vrate');
  const vRate = p.obj(x + 90, 200, 'vline~');
  const lfo = p.obj(x + 90, 225, 'phasor~');
  const rReset = p.obj(x + 170, 200, 'r $0-lforeset');
  const rPhase = p.obj(x + 170, 250, 'r $0-vphase');
  const vPhase = p.obj(x + 170, 275, 'vline~');
  const addPhase = p.obj(x + 90, 300, '+~');
  const cos = p.obj(x + 90, 325, 'cos~');
  const rDepth = p.obj(x + 170, 325, 'r $0-vdepth');
  const vDepth = p.obj(x + 170, 350, 'vline~');
  const dev = p.obj(x + 90, 375, '*~');
  const addDev = p.obj(x, 400, '+~');
  const mtof = p.obj(x, 425, 'mtof~');
  p.connect(pitch, 0, vPitch, 0).connect(rRate, 0, vRate, 0).connect(vRate, 0, lfo, 0).connect(rReset, 0, lfo, 1);
  p.connect(rPhase, 0, vPhase, 0).connect(lfo, 0, addPhase, 0).connect(vPhase, 0, addPhase, 1).connect(addPhase, 0, cos, 0);
  p.connect(rDepth, 0, vDepth, 0).connect(cos, 0, dev, 0).connect(vDepth, 0, dev, 1);
  p.connect(vPitch, 0, addDev, 0).connect(dev, 0, addDev, 1).connect(addDev, 0, mtof, 0);
  p.text(x + 90, 400, 'pitch + depth * sin(2 pi (lfo + phase))', 22);

  const phase = p.obj(x, 455, 'phasor~');
  const rSr = p.obj(x + 90, 455, 'r $0-sr');
  const dt = p.obj(x + 60, 480, '/~ 44100');
  const t2 = p.obj(x, 510, 'expr~ $v1 + 0.5 - ($v1 >= 0.5)');
  const blep = p.obj(x, 540, 'expr~ if($v1 < $v2, 2 * $v1 / $v2 - ($v1 / $v2) * ($v1 / $v2) - 1, if($v1 > 1 - $v2, (($v1 - 1) / $v2) * (($v1 - 1) / $v2) + 2 * ($v1 - 1) / $v2 + 1, 0))');
  const mix = p.obj(x, 570, 'expr~ 0.5 * (2 * $v1 - 1 + if($v1 < 0.5, 1, -1) - $v2)');
  p.connect(mtof, 0, phase, 0).connect(mtof, 0, dt, 0).connect(rSr, 0, dt, 1);
  p.connect(phase, 0, t2, 0).connect(t2, 0, blep, 0).connect(dt, 0, blep, 1);
  p.connect(phase, 0, mix, 0).connect(blep, 0, mix, 1);
  p.text(x, 600, 'half saw, half square, PolyBLEP: the saw and square residuals at phase 0 cancel; the square one at phase 0.5 stays', 34);

  const rCoef = p.obj(x + 120, 660, 'r $0-biquad');
  const bq = p.obj(x, 685, 'biquad~');
  p.connect(mix, 0, bq, 0).connect(rCoef, 0, bq, 0);

  const rA = p.obj(x + 60, 720, 'r $0-env-a');
  const vA = p.obj(x + 60, 745, 'vline~');
  const rR = p.obj(x + 160, 720, 'r $0-env-r');
  const vR = p.obj(x + 160, 745, 'vline~');
  const env = p.obj(x + 60, 775, `expr~ $v1 * pow(${n(DECAY_FLOOR)}, $v2)`);
  const sEnv = p.obj(x + 160, 805, 's~ $0-env');
  p.connect(rA, 0, vA, 0).connect(rR, 0, vR, 0).connect(vA, 0, env, 0).connect(vR, 0, env, 1).connect(env, 0, sEnv, 0);

  const amp = p.obj(x, 835, '*~');
  const rDb = p.obj(x + 60, 860, 'r $0-db');
  const vDb = p.obj(x + 60, 885, 'vline~');
  const rms = p.obj(x + 60, 910, 'dbtorms~');
  const gain = p.obj(x + 60, 935, `*~ ${n(OUTPUT_GAIN)}`);
  const amp2 = p.obj(x, 965, '*~');
  const [k, w] = [n(CLIP_KNEE), n(1 - CLIP_KNEE)];
  const clip = p.obj(x, 995, `expr~ if($v1 > ${k}, ${k} + ${w} * tanh(($v1 - ${k}) / ${w}), if($v1 < -${k}, -${k} - ${w} * tanh((-$v1 - ${k}) / ${w}), $v1))`);
  const out = p.obj(x, 1025, 'outlet~');
  p.connect(bq, 0, amp, 0).connect(env, 0, amp, 1).connect(rDb, 0, vDb, 0).connect(vDb, 0, rms, 0).connect(rms, 0, gain, 0);
  p.connect(amp, 0, amp2, 0).connect(gain, 0, amp2, 1).connect(amp2, 0, clip, 0).connect(clip, 0, out, 0);
  p.text(x, 1055, `soft clip: identity up to ${k}, then a tanh bend towards 1`, 34);
}

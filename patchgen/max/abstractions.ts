/**
 * The Max package's abstractions (patches/max/patchers):
 *   [mb.bridge]        node.script running the mirrorbridge engine in Max
 *   [mb.capture~ id n] a signal to the bridge in blocks (jit.catch~ -> lists)
 *   [mb.params id]     a stream's parameter frames
 *   [mb.synth~]        the plant synth in MSP, with the plant's parameter semantics
 *   [mb.vst-map]       frames -> [vst~] parameters and MIDI notes through an editable table
 * They talk through [send mb.in] (to node.script) and [receive mb.out] (everything it says),
 * so one [mb.bridge] serves a whole Max session.
 */
import { MaxPatcher } from './patcher';
import type { MaxBox, MaxIo } from './patcher';

export function maxBridge(): MaxPatcher {
  const p = new MaxPatcher({ width: 760, height: 460 });
  p.comment(20, 10, '[mb.bridge] runs the mirrorbridge engine inside Max (Node for Max): models, live streams, offline jobs, and - on "serve" - the OSC/WebSocket servers for Pd and browsers. Use ONE per Max session; [mb.capture~], [mb.params] and the examples reach it through [send mb.in] / [receive mb.out].', 700);
  const inlet = p.inlet(20, 80, 'messages to the bridge: models, load, open, close, resynth, vq, serve, status ...');
  const rin = p.obj(120, 80, 'r mb.in');
  const node = p.obj(20, 140, 'node.script mirrorbridge.js @autostart 1 @watch 0');
  const out = p.obj(20, 200, 's mb.out');
  const route = p.obj(160, 200, 'route error');
  const print = p.obj(160, 230, 'print mirrorbridge');
  const outlet = p.outlet(20, 300, 'everything the bridge says: params, units, opened, job, model, error ...');
  const status = p.outlet(400, 300, 'node.script status');
  p.connect(inlet, 0, node, 0).connect(rin, 0, node, 0).connect(node, 0, out, 0).connect(node, 0, outlet, 0);
  p.connect(node, 0, route, 0).connect(route, 0, print, 0).connect(node, 1, status, 0);
  p.comment(20, 340, 'First time: the package\'s javascript/mirrorbridge.js loads the compiled bridge from the mirrorbridge checkout (npm install && npm run build there). If node.script reports a missing module, see the package README.', 700);
  return p;
}

export function maxCapture(): MaxPatcher {
  const p = new MaxPatcher({ width: 760, height: 520 });
  p.comment(20, 10, '[mb.capture~ <stream id> <block size>] sends its signal to the bridge in blocks: 1 opens the stream (open <id> <sample rate> <block size>) and starts sending, 0 closes it. Both arguments are needed (e.g. 1 512).', 700);
  const sig = p.inlet(20, 70, 'signal to stream');
  const ctl = p.inlet(300, 70, '1 open and send, 0 close');
  const catcher = p.obj(20, 160, 'jit.catch~ @mode 1 @framesize #2');
  const metro = p.obj(300, 160, 'metro 5');
  const spill = p.obj(20, 200, 'jit.spill @listlength #2');
  const audio = p.obj(20, 240, 'prepend audio #1');
  const send = p.obj(20, 280, 's mb.in');
  p.connect(sig, 0, catcher, 0).connect(metro, 0, catcher, 0).connect(catcher, 0, spill, 0).connect(spill, 0, audio, 0).connect(audio, 0, send, 0);
  const sel = p.obj(300, 100, 'sel 1 0');
  const openT = p.obj(300, 130, 't b b b');
  const state = p.obj(480, 160, 'dspstate~');
  const pack = p.obj(480, 200, 'pack #1 0. #2');
  const open = p.obj(480, 240, 'prepend open');
  const closeT = p.obj(620, 130, 't b b');
  const stop = p.msg(620, 160, 'stop');
  const close = p.msg(660, 200, 'close #1');
  p.connect(ctl, 0, sel, 0).connect(sel, 0, openT, 0).connect(openT, 2, state, 0).connect(state, 1, pack, 1);
  p.connect(openT, 1, pack, 0).connect(pack, 0, open, 0).connect(open, 0, send, 0).connect(openT, 0, metro, 0);
  p.connect(sel, 1, closeT, 0).connect(closeT, 1, stop, 0).connect(stop, 0, metro, 0).connect(closeT, 0, close, 0).connect(close, 0, send, 0);
  p.comment(20, 330, 'jit.catch~ (mode 1) keeps whole blocks of #2 samples; the metro collects them every 5 ms, faster than a block lasts, and jit.spill turns each into a list for the bridge (should Max stall long enough for two blocks to wait, the second is lost). Latency added: one block. The bridge answers "opened <id> <model> <latency> <params>" through [mb.bridge].', 700);
  return p;
}

export function maxParams(): MaxPatcher {
  const p = new MaxPatcher({ width: 700, height: 420 });
  p.comment(20, 10, '[mb.params <stream id>] outputs the frames the bridge computes for one stream: normalized values (0..1, model order: note duration volume cutoff resonance attack decay [vibratoRate vibratoIntensity vibratoPhase]), the same in units, and the sequence number.', 650);
  const from = p.obj(20, 80, 'r mb.out');
  const route = p.obj(20, 110, 'route params units');
  const idNorm = p.obj(20, 140, 'route #1');
  const idUnits = p.obj(200, 140, 'route #1');
  const sliceNorm = p.obj(20, 170, 'zl.slice 1');
  const sliceUnits = p.obj(200, 170, 'zl.slice 1');
  const outNorm = p.outlet(20, 230, 'normalized values');
  const outUnits = p.outlet(200, 230, 'values in units');
  const outSeq = p.outlet(380, 230, 'sequence number');
  p.chain(from, route).connect(route, 0, idNorm, 0).connect(route, 1, idUnits, 0);
  p.connect(idNorm, 0, sliceNorm, 0).connect(idUnits, 0, sliceUnits, 0);
  p.connect(sliceNorm, 1, outNorm, 0).connect(sliceNorm, 0, outSeq, 0).connect(sliceUnits, 1, outUnits, 0);
  return p;
}

/** Frame validation and the trigger/retrigger/release decision; returns the action box and registers. */
function synthControl(p: MaxPatcher, frame: MaxBox, frameOutlet: number): { action: MaxBox; registers: MaxBox[]; rampMs: MaxBox; idle: (box: MaxBox, outlet: number) => void } {
  const check = p.obj(20, 120, 't l l');
  const len = p.obj(120, 150, 'zl.len');
  const ok = p.obj(120, 180, 'expr ($i1 == 7) || ($i1 == 10)');
  const gate = p.obj(20, 210, 'gate 1');
  const pad = p.obj(20, 240, 'append 0.4 0. 0.');
  const ten = p.obj(20, 270, 'zl.slice 10');
  p.connect(frame, frameOutlet, check, 0).connect(check, 1, len, 0).connect(len, 0, ok, 0).connect(ok, 0, gate, 0);
  p.connect(check, 0, gate, 1).connect(gate, 0, pad, 0).connect(pad, 0, ten, 0);
  p.comment(220, 240, 'a 7-value frame (set 1) gets the vibrato defaults: off', 300);
  const unpack = p.obj(20, 300, 'unpack f f f f f f f f f f');
  p.connect(ten, 0, unpack, 0);
  const registers = Array.from({ length: 10 }, (_, i) => {
    const reg = p.obj(20 + i * 60, 360, 'f');
    const bang = p.obj(20 + i * 60, 330, 'r ---frame');
    p.connect(unpack, i, reg, 1).connect(bang, 0, reg, 0);
    return reg;
  });
  const action = p.obj(20, 420, 'expr ($f2 > 0.5) * (($f4 == 0) || (abs(12. * ($f1 - $f3)) >= 0.5)) * (1 + ($f5 != 0)) + ($f2 <= 0.5) * ($f4 != 0) * 3');
  p.connect(unpack, 1, action, 1).connect(unpack, 0, action, 0);
  // state, written after the action from the registers: previous note, gate
  const gateState = p.obj(140, 390, 'expr $f1 > 0.5');
  p.connect(registers[0], 0, action, 2).connect(registers[1], 0, gateState, 0).connect(gateState, 0, action, 3);
  p.comment(20, 450, 'action: 0 glide / 1 retrigger (gate rises, or a jump >= 0.5 semitone with the gate held) / 2 trigger from silence / 3 release', 640);
  const rampMs = p.obj(700, 120, 'f 8.');
  // initial state: previous note at its default (5/12), gate off, envelope idle
  const lb = p.obj(860, 120, 'loadbang');
  const init = p.msg(860, 150, '0.416667 0 1');
  const unpackInit = p.obj(860, 180, 'unpack f i i');
  p.connect(lb, 0, init, 0).connect(init, 0, unpackInit, 0);
  p.connect(unpackInit, 0, action, 2).connect(unpackInit, 1, action, 3).connect(unpackInit, 2, action, 4);
  return { action, registers, rampMs, idle: (box, outlet) => p.connect(box, outlet, action, 4) };
}

export function maxSynth(): MaxPatcher {
  const p = new MaxPatcher({ width: 1200, height: 980 });
  p.comment(20, 10, '[mb.synth~] - the plant, in MSP: give it parameter frames (7 or 10 values in 0..1) as [mb.params] outputs them. Same semantics as the TypeScript plant in continuous mode: note = MIDI 62+12p (no snap), duration = the gate (on above 0.5), volume -40+40p dB, band-pass at 100*2^(7p) Hz with Q 0.7+9.3p (peak gain sqrt(Q)), attack 0.01*100^p s, decay to -60 dB in 0.02*100^p s (sustain 0), 10 ms release, vibrato 1+9p Hz / p semitones / phase 2 pi p. Frames glide over one frame period (8 ms; "rate <frames/s>" changes it).', 1100);
  const inlet = p.inlet(20, 80, 'frames (lists of 7 or 10), rate <frames/s>');
  const route = p.obj(120, 80, 'route rate');
  const rate = p.obj(700, 80, 'expr 1000. / max($f1\\, 1.)');
  p.connect(inlet, 0, route, 0).connect(route, 0, rate, 0);
  const c = synthControl(p, route, 1);
  p.connect(rate, 0, c.rampMs, 0);

  // after the action: times, registers, LFO phase, envelope
  const at = p.obj(20, 490, 't i i b i');
  const tAll = p.obj(300, 520, 'expr ($i1 != 2) * $f2');
  const tPitch = p.obj(500, 520, 'expr ($i1 != 1) * ($i1 != 2) * $f2');
  const sFrame = p.obj(200, 520, 's ---frame');
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
  const pitch = lineOf(note, 20, 'expr 62. + 12. * $f1', tPitch);
  const db = lineOf(volume, 160, 'expr -40. + 40. * $f1', tAll);
  const state = p.obj(1000, 80, 'dspstate~');
  const cutMap = p.obj(300, 560, 'expr max(20.\\, min(0.45 * $f2\\, 100. * pow(2.\\, 7. * $f1)))');
  p.connect(lb, 0, state, 0).connect(state, 1, cutMap, 1);
  const cutPack = p.obj(300, 590, 'pack 0. 0.');
  const cutLine = p.obj(300, 620, 'line~');
  p.connect(cutoff, 0, cutMap, 0).connect(cutMap, 0, cutPack, 0).connect(tAll, 0, cutPack, 1).connect(cutPack, 0, cutLine, 0);
  const q = lineOf(resonance, 460, 'expr 0.7 + 9.3 * $f1', tAll);
  const rateLine = lineOf(vRate, 600, 'expr 1. + 9. * $f1', tAll);
  const depthLine = lineOf(vDepth, 740, 'expr $f1', tAll);
  const phaseLine = lineOf(vPhase, 880, 'expr $f1 - 0.25', tAll);
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
  const gain = p.obj(160, 910, '*~ 0.8');
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
  const calc = p.obj(x + 60, 940, 'expr (1. - $f1) * 10. * pow(100.\\, $f2)');
  const dec = p.obj(x + 240, 910, 'expr 20. * pow(100.\\, $f1) * 2.333333');
  const t = p.obj(x + 60, 970, 't f f f');
  const total = p.obj(x + 240, 1000, '+ 0.');
  const timer = p.obj(x + 240, 1030, 'delay');
  const idleOn = p.msg(x + 240, 1060, '1');
  const aPack = p.obj(x, 1000, 'pack 0. 0.');
  const aLine = p.msg(x, 1030, '$1, 1. $2');
  const rPack = p.obj(x + 120, 1000, 'pack 0. 0.');
  const rLine = p.msg(x + 120, 1030, '0., 0. $1 2.333333 $2');
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
  // release: A -> 0 in 10 ms from the current level, R back to 0, idle after 10 ms
  const rel = p.obj(x + 400, 850, 't b b b');
  const relSnap = p.obj(x + 400, 880, 'snapshot~');
  const relA = p.msg(x + 400, 910, '$1, 0. 10.');
  const relR = p.msg(x + 500, 910, '0.');
  const relT = p.msg(x + 560, 910, '10.');
  p.connect(sel, 2, rel, 0).connect(rel, 0, relSnap, 0).connect(env, 0, relSnap, 0).connect(relSnap, 0, relA, 0).connect(relA, 0, a, 0);
  p.connect(rel, 1, relR, 0).connect(relR, 0, r, 0).connect(rel, 2, relT, 0).connect(relT, 0, timer, 0);
  p.comment(x, 1180, 'A rises from the current level to 1 in (1 - level) * attack; then R runs 0 -> 7/3 (level = A * 0.001^R: -60 dB at the decay time)', 460);
  return env;
}

export function maxVstMap(): MaxPatcher {
  const p = new MaxPatcher({ width: 900, height: 560 });
  p.comment(20, 10, '[mb.vst-map] drives a plug-in in [vst~] (e.g. DIVA) from parameter frames: note and duration become MIDI notes, the other values go to the plug-in parameters listed in the mapping table. Double-click [coll mb.vstmap] to edit it: one line per frame value, "<index>, <vst~ parameter number> <min> <max>;" (index: 2 volume, 3 cutoff, 4 resonance, 5 attack, 6 decay ...). Send "params" to [vst~] to see its parameter numbers.', 850);
  const inlet = p.inlet(20, 100, 'frames (lists of 7 or 10 normalized values)');
  const t = p.obj(20, 130, 't l l');
  const funnel = p.obj(20, 160, 'listfunnel');
  const pair = p.obj(20, 190, 'unpack i f');
  const coll = p.obj(20, 250, 'coll mb.vstmap @embed 1', undefined, {
    saved_object_attributes: { embed: 1, precision: 6 },
    coll_data: {
      count: 5,
      data: [2, 3, 4, 5, 6].map((key, i) => ({ key, value: [i + 1, 0, 1] })),
    },
  });
  const entry = p.obj(20, 280, 'unpack i f f');
  const scale = p.obj(160, 320, 'expr $f2 + ($f3 - $f2) * $f4');
  const go = p.obj(20, 320, 't i b');
  const out = p.obj(20, 360, 'pack i f');
  const outlet = p.outlet(20, 480, 'to vst~: <parameter> <value> and midievent messages');
  p.connect(inlet, 0, t, 0).connect(t, 1, funnel, 0).connect(funnel, 0, pair, 0).connect(pair, 1, scale, 3).connect(pair, 0, coll, 0);
  p.connect(coll, 0, entry, 0).connect(entry, 2, scale, 2).connect(entry, 1, scale, 1).connect(entry, 0, go, 0);
  p.connect(go, 1, scale, 0).connect(scale, 0, out, 1).connect(go, 0, out, 0).connect(out, 0, outlet, 0);
  // notes: MIDI 62+12p rounded, on while duration > 0.5
  const nd = p.obj(400, 160, 'zl.slice 2');
  const unpackNd = p.obj(400, 190, 'unpack f f');
  const midi = p.obj(400, 250, 'expr int(62.5 + 12. * $f1) * ($f2 > 0.5)');
  const change = p.obj(400, 280, 'zl.change');
  const noteT = p.obj(400, 310, 't i i b');
  const last = p.obj(520, 340, 'i');
  const lastSel = p.obj(520, 370, 'sel 0');
  const off = p.msg(520, 400, 'midievent 128 $1 0');
  const onSel = p.obj(400, 340, 'sel 0');
  const on = p.msg(400, 400, 'midievent 144 $1 100');
  p.connect(t, 0, nd, 0).connect(nd, 0, unpackNd, 0).connect(unpackNd, 1, midi, 1).connect(unpackNd, 0, midi, 0);
  p.connect(midi, 0, change, 0).connect(change, 0, noteT, 0);
  p.connect(noteT, 2, last, 0).connect(last, 0, lastSel, 0).connect(lastSel, 1, off, 0).connect(noteT, 1, last, 1);
  p.connect(noteT, 0, onSel, 0).connect(onSel, 1, on, 0);
  p.connect(off, 0, outlet, 0).connect(on, 0, outlet, 0);
  p.comment(560, 250, 'a new note: note-off for the previous one, note-on for this one (0 = gate off: only the note-off)', 300);
  return p;
}

/** The io of an abstraction, for boxes that use it. */
export function ioOf(p: MaxPatcher): MaxIo {
  return p.ports();
}

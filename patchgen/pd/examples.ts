/**
 * The Pd example patches (patches/pd/examples): each one runs against a mirrorbridge server
 * (npm start) and explains itself with comments. Test hooks are plain receive names, so
 * tests/integration/pd-examples.test.ts can drive them with pd -send.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PdCanvas } from './canvas';
import type { PdNode } from './canvas';
import { noteGridExpr } from '../mapping';
import { frameOrder, FULL_FRAME } from '../plant-frame';
import { NOTE_GRID } from '../../src/synth/params';
import { bundledModel, jobName } from '../vocabulary';
import { BRIDGE_STATES } from './bridge';
import { JOB_STATES, JOB_TIMEOUT_S } from './play';
import { sendOutlet } from './net';
import { oscAddress, pdArgIndex, pdArgs, pdRequest, pdRoute, type OscVerbAddress } from './osc';

/** The common top of every example: declare, title, how to start, the connection. */
export function top(p: PdCanvas, title: string, intro: string): PdNode {
  p.declare(20, 15, '-path ..');
  p.text(160, 15, title, 80);
  p.text(20, 45, intro, 120);
  p.text(20, 135, '1) start the server: npm start (in the mirrorbridge folder) 2) turn DSP on: click [; pd dsp 1( 3) follow the numbered steps.', 120);
  p.msg(20, 165, '; pd dsp 1');
  p.msg(110, 165, '; pd dsp 0');
  const bridge = p.obj(200, 165, 'mb.bridge 9130 9140');
  const flag = p.floatatom(275, 190, 3);
  const state = p.symbolatom(350, 190, 12);
  p.connect(bridge, 1, flag, 0).connect(bridge, 2, state, 0);
  p.text(470, 190, `the bridge: ${BRIDGE_STATES.join(' / ')}`, 40);
  return bridge;
}

/**
 * [mb.job <name>] before a job request, its state shown beside it, the timeout settable from
 * [r <prefix>.timeout]. Returns the [mb.job] (outlet 0: the request to send, 1: done).
 */
export function jobWatch(p: PdCanvas, x: number, y: number, verb: OscVerbAddress, prefix: string): PdNode {
  const watch = p.obj(x, y, `mb.job ${jobName(verb, 'osc')} ${JOB_TIMEOUT_S}`);
  const state = p.symbolatom(x + 150, y + 30, 10);
  const timeout = p.obj(x + 150, y - 25, `r ${prefix}.timeout`);
  p.connect(watch, 2, state, 0).connect(timeout, 0, watch, 1);
  p.text(x + 250, y + 30, `${JOB_STATES.slice(1).join(' / ')}: gives up after ${JOB_TIMEOUT_S} s without an answer`, 30);
  return watch;
}

/** The progress of running jobs on a slider (done and timeouts: [mb.job], see jobWatch); returns the slider. */
export function jobProgress(p: PdCanvas, x: number, y: number): PdNode {
  const from = p.obj(x, y, 'r mb.from-bridge');
  const rmb = p.obj(x, y + 25, pdRoute('/mb'));
  const rjob = p.obj(x, y + 50, pdRoute('/mb/job'));
  const kind = p.obj(x, y + 75, pdRoute('/mb/job/progress'));
  const split = p.obj(x, y + 105, `list split ${pdArgIndex('/mb/job/progress', 'fraction')}`);
  const progress = p.hslider(x, y + 135, 0, 1, 'progress', 120);
  p.chain(from, rmb, rjob, kind).connect(kind, 0, split, 0).connect(split, 1, progress, 0);
  return progress;
}

/** A built-in "hum": a sung-like melody (sawtooth through a low-pass, note envelopes). */
function hum(p: PdCanvas, x: number, y: number): PdNode {
  const { node, canvas: c } = p.subpatch(x, y, 'test-hum');
  c.text(20, 10, 'A stand-in for a voice when no microphone is at hand: random notes of D major with glides and note envelopes.', 60);
  const lb = c.obj(20, 60, 'loadbang');
  const metro = c.obj(20, 85, 'metro 450');
  const t = c.obj(20, 110, 't b b');
  const rnd = c.obj(20, 140, `random ${NOTE_GRID.length}`);
  const pick = c.obj(20, 170, `expr ${noteGridExpr('$f1')}`);
  const mtof = c.obj(20, 220, 'mtof');
  const pk = c.obj(20, 245, 'pack f 40');
  const glide = c.obj(20, 270, 'line~');
  const saw = c.obj(20, 300, 'phasor~');
  const center = c.obj(20, 325, '-~ 0.5');
  const lop = c.obj(20, 350, 'lop~ 1500');
  const env = c.msg(200, 245, '0.7 30, 0.25 380 30');
  const vl = c.obj(200, 275, 'vline~');
  const amp = c.obj(20, 380, '*~');
  const out = c.obj(20, 410, 'outlet~');
  c.connect(lb, 0, metro, 0).connect(metro, 0, t, 0).connect(t, 1, rnd, 0).connect(t, 0, env, 0);
  c.connect(rnd, 0, pick, 0).connect(pick, 0, mtof, 0).connect(mtof, 0, pk, 0).connect(pk, 0, glide, 0);
  c.connect(glide, 0, saw, 0).connect(saw, 0, center, 0).connect(center, 0, lop, 0).connect(lop, 0, amp, 0);
  c.connect(env, 0, vl, 0).connect(vl, 0, amp, 1).connect(amp, 0, out, 0);
  return node;
}

/** The notes a bundled MirrorNet model follows: its manifest's note parameter, in MIDI. */
function noteRange(model: string): [number, number] {
  const file = path.join(__dirname, '..', '..', 'models', model, `${model}.json`);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { params?: { name: string; unitRange?: [number, number] }[] };
  const range = manifest.params?.find((e) => e.name === 'note')?.unitRange;
  if (!range) throw new Error(`patchgen: ${file} has no note parameter with a unit range`);
  return range;
}

const NOTE_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];
const noteName = (midi: number) => `${NOTE_NAMES[midi % 12]}${Math.floor(midi / 12) - 1}`;
const midiHz = (midi: number) => Math.round(440 * 2 ** ((midi - 69) / 12));

/** What a voice must do to be followed: stay within the model's notes. */
function rangeNote(model: string): string {
  const [lo, hi] = noteRange(bundledModel(model));
  return `Your voice must stay within the model's range: ${noteName(lo)} to ${noteName(hi)} (MIDI ${lo}-${hi}, ${midiHz(lo)}-${midiHz(hi)} Hz), the notes it learned from the plant: it follows nothing outside them, so sing an octave up or down to land inside. Watch "note" (the first bar) move.`;
}

export function vocalSketch(): PdCanvas {
  const p = new PdCanvas({ width: 900, height: 720 });
  top(p, 'mirrorbridge example 1: vocal sketch -> live parameters -> the plant', 'Sing or hum: [mb.send~] streams your voice to the server, MirrorNet (a mirrornet-stream model) turns each 8 ms into the plant\'s parameters, [mb.params] receives them and [mb.plant~] plays them - your voice drives the synth, live. The server picks its first loaded mirrornet-stream model; "model <name>" into [mb.send~]\'s right inlet picks another.');

  p.text(20, 230, '2) choose the source: microphone / test hum / off', 50);
  const source = p.hradio(20, 255, 3, 'vs.source');
  const lb = p.obj(120, 255, 'loadbang');
  const init = p.msg(120, 280, '0');
  p.connect(lb, 0, init, 0).connect(init, 0, source, 0);
  const adc = p.obj(20, 320, 'adc~ 1');
  const humNode = hum(p, 110, 320);
  const isMic = p.obj(220, 300, '== 0');
  const isHum = p.obj(280, 300, '== 1');
  const micGain = p.obj(20, 350, '*~ 0');
  const humGain = p.obj(110, 350, '*~ 0');
  p.connect(source, 0, isMic, 0).connect(source, 0, isHum, 0).connect(isMic, 0, micGain, 1).connect(isHum, 0, humGain, 1);
  p.connect(adc, 0, micGain, 0).connect(humNode, 0, humGain, 0);

  p.text(20, 390, '3) stream it (opens stream 1: 512-sample blocks)', 50);
  const stream = p.toggle(20, 415, 'stream', 'vs.stream');
  const send = p.obj(20, 445, 'mb.send~ 1 512');
  const opened = p.obj(20, 475, 'print vocal-sketch');
  p.connect(micGain, 0, send, 0).connect(humGain, 0, send, 0).connect(stream, 0, send, 1).connect(send, 0, opened, 0);
  const lbOn = p.msg(120, 415, '1');
  p.connect(lb, 0, lbOn, 0).connect(lbOn, 0, stream, 0);
  p.text(140, 475, `prints ${sendOutlet()}`, 40);
  p.text(600, 560, rangeNote('mirrornet-stream'), 38);

  p.text(460, 230, '4) the parameters, live (normalized, model order)', 50);
  const params = p.obj(460, 255, 'mb.params 1');
  const show = p.array(460, 290, 'vs.params', FULL_FRAME, { width: 200, height: 100, yTop: 1, yBottom: 0, style: 1 });
  const toArray = p.obj(700, 290, 'array set vs.params');
  const seq = p.floatatom(640, 255, 8);
  p.connect(params, 0, toArray, 0).connect(params, 2, seq, 0);
  void show;
  p.text(460, 400, frameOrder('()'), 40);
  const smoothing = p.hslider(460, 470, 0, 0.99, 'smoothing', 128);
  const smoothMsg = p.obj(460, 495, `list prepend ${pdArgs('/mb/stream/smooth', '1', { prefix: true })}`);
  const smooth = p.obj(460, 520, pdRequest('/mb/stream/smooth'));
  p.connect(smoothing, 0, smoothMsg, 0).connect(smoothMsg, 0, smooth, 0);
  p.text(600, 495, 'one-pole smoothing of the frames, on the server', 30);

  p.text(20, 540, '5) listen: the Pd plant plays the frames', 50);
  const plant = p.obj(20, 565, 'mb.plant~ 125');
  const volume = p.hslider(20, 600, 0, 1, 'volume', 128);
  const vol = p.obj(20, 625, '*~ 0');
  const dac = p.obj(20, 655, 'dac~');
  const lbVol = p.msg(200, 600, '0.5');
  p.connect(params, 0, plant, 0).connect(plant, 0, vol, 0).connect(volume, 0, vol, 1).connect(vol, 0, dac, 0).connect(vol, 0, dac, 1);
  p.connect(lb, 0, lbVol, 0).connect(lbVol, 0, volume, 0);
  p.text(200, 565, 'the same synth MirrorNet was trained with: what you hear is the model\'s reading of your voice', 50);
  return p;
}

/** Writes an array to <files>/<name> at the array's sample rate: [symbol folder] -> soundfiler. */
function fileOf(p: PdCanvas, x: number, y: number, name: string): { bang: PdNode; out: PdNode } {
  const files = p.obj(x, y, 'mb.files');
  const join = p.obj(x, y + 25, `makefilename %s/${name}`);
  p.connect(files, 0, join, 0);
  return { bang: files, out: join };
}

export function melodyResynthesis(): PdCanvas {
  const p = new PdCanvas({ width: 980, height: 760 });
  top(p, 'mirrorbridge example 2: melody resynthesis', 'Give it a melody (sung, hummed, played): MirrorNet infers the plant\'s parameters for every note, the server renders them with the plant, and you compare the rendering with the original side by side. Offline jobs only read and write inside the server\'s files folder: the patch copies your sound there ([mb.files] says where).');

  p.text(20, 230, '2) open a sound file (or record 5 s below)', 50);
  const open = p.bang(20, 255);
  const panel = p.obj(20, 280, 'openpanel');
  const hook = p.obj(110, 255, 'r ex2.open');
  const hookSym = p.obj(110, 280, 'symbol');
  const read = p.msg(20, 310, 'read -resize $1 ex2-orig');
  const sf = p.obj(20, 340, 'soundfiler');
  const info = p.obj(110, 370, 'list split 1');
  const srStore = p.obj(110, 400, 'f 44100');
  p.connect(open, 0, panel, 0).connect(panel, 0, read, 0).connect(hook, 0, hookSym, 0).connect(hookSym, 0, read, 0).connect(read, 0, sf, 0);
  p.connect(sf, 1, info, 0).connect(info, 0, srStore, 1);

  const rec = p.toggle(260, 255, 'record', 'ex2.record');
  const adc = p.obj(260, 280, 'adc~ 1');
  const tw = p.obj(260, 340, 'tabwrite~ ex2-orig');
  const recT = p.obj(340, 280, 'sel 1 0');
  const recStart = p.msg(340, 310, 'bang');
  const recSize = p.msg(400, 310, 'resize 220500');
  const recArr = p.obj(400, 340, 's ex2-orig');
  const recSr = p.obj(480, 340, 'samplerate~');
  p.connect(adc, 0, tw, 0).connect(rec, 0, recT, 0).connect(recT, 0, recSize, 0).connect(recSize, 0, recArr, 0);
  p.connect(recT, 0, recStart, 0).connect(recStart, 0, tw, 0).connect(recT, 0, recSr, 0).connect(recSr, 0, srStore, 1);
  const recStop = p.msg(560, 310, 'stop');
  p.connect(recT, 1, recStop, 0).connect(recStop, 0, tw, 0);

  p.text(20, 440, `3) resynthesize: copies the sound to <files>/pd-melody-in.wav and asks for ${oscAddress('/mb/job/resynth')}`, 60);
  const go = p.bang(20, 470);
  const goHook = p.obj(110, 470, 'r ex2.go');
  const goT = p.obj(20, 500, 't b b b');
  const inFile = fileOf(p, 200, 530, 'pd-melody-in.wav');
  const outFile = fileOf(p, 420, 530, 'pd-melody-out.wav');
  const outStore = p.obj(420, 585, 'symbol');
  const inT = p.obj(200, 560, 't s s');
  const writePk = p.obj(240, 585, 'pack s f');
  const write = p.msg(240, 610, 'write -wave -bytes 3 -rate $2 $1 ex2-orig');
  const writer = p.obj(240, 640, 'soundfiler');
  const jobArgs = p.obj(200, 670, 'pack s s');
  const watch = jobWatch(p, 200, 700, '/mb/job/resynth', 'ex2');
  const job = p.obj(200, 760, pdRequest('/mb/job/resynth'));
  p.connect(go, 0, goT, 0).connect(goHook, 0, goT, 0).connect(sf, 0, goT, 0);
  p.connect(goT, 2, outFile.bang, 0).connect(outFile.out, 0, outStore, 1).connect(outFile.out, 0, jobArgs, 1);
  p.connect(goT, 1, srStore, 0).connect(srStore, 0, writePk, 1);
  p.connect(goT, 0, inFile.bang, 0).connect(inFile.out, 0, inT, 0);
  p.connect(inT, 1, writePk, 0).connect(writePk, 0, write, 0).connect(write, 0, writer, 0);
  // the result's rate: 0 (default) leaves it to the server (your sound's rate); another rate is
  // the verb's last argument, after the model and refine
  const model = bundledModel('mirrornet-melody');
  pdArgs('/mb/job/resynth', `in.wav out.wav ${model} 0 48000`);
  const rate = p.floatatom(20, 620, 6, 0, 192000, 'ex2.rate');
  p.text(85, 620, 'Hz: the rendering\'s rate (0: your sound\'s)', 14);
  const isDefault = p.obj(20, 660, 'sel 0');
  const suffix = p.obj(60, 685, `list prepend ${model} 0`);
  const append = p.obj(300, 670, 'list append');
  p.connect(rate, 0, isDefault, 0).connect(isDefault, 0, append, 1).connect(isDefault, 1, suffix, 0).connect(suffix, 0, append, 1);
  p.connect(inT, 0, jobArgs, 0).connect(jobArgs, 0, append, 0).connect(append, 0, watch, 0).connect(watch, 0, job, 0);
  p.text(20, 530, 'loading a file resynthesizes at once', 20);

  p.text(560, 230, '4) the server answers: queued, progress, done - the result is written at your sound\'s rate', 50);
  const progress = jobProgress(p, 560, 255);
  const doneT = p.obj(700, 420, 't b b');
  const readOut = p.msg(700, 450, 'read -resize $1 ex2-resynth');
  const sfOut = p.obj(700, 480, 'soundfiler');
  const donePrint = p.obj(860, 450, 'print ex2-done');
  p.connect(watch, 1, doneT, 0);
  p.connect(doneT, 0, outStore, 0).connect(outStore, 0, readOut, 0).connect(readOut, 0, sfOut, 0).connect(outStore, 0, donePrint, 0);
  p.connect(doneT, 1, progress, 0);

  p.text(560, 520, '5) listen at each file\'s own rate: original left, plant rendering right - or one at a time', 50);
  const both = p.msg(560, 550, 'both');
  const orig = p.msg(610, 550, 'original');
  const rend = p.msg(690, 550, 'rendering');
  const playHook = p.obj(800, 550, 'r ex2.play');
  const play = p.obj(560, 580, 'route both original rendering');
  const playO = p.obj(560, 640, 'mb.play~ ex2-orig');
  const playR = p.obj(700, 640, 'mb.play~ ex2-resynth');
  const dac = p.obj(560, 680, 'dac~');
  const bothT = p.obj(560, 610, 't b b');
  p.connect(both, 0, play, 0).connect(orig, 0, play, 0).connect(rend, 0, play, 0).connect(playHook, 0, play, 0);
  p.connect(play, 0, bothT, 0).connect(bothT, 0, playO, 0).connect(bothT, 1, playR, 0).connect(play, 1, playO, 0).connect(play, 2, playR, 0);
  p.connect(playO, 0, dac, 0).connect(playR, 0, dac, 1);
  // each player gets its file's rate from [soundfiler] (a recording: Pd's rate)
  p.connect(sf, 1, playO, 1).connect(recSr, 0, playO, 1).connect(sfOut, 1, playR, 1);
  p.connect(playO, 1, p.obj(560, 710, 'print ex2-original'), 0).connect(playR, 1, p.obj(700, 710, 'print ex2-rendering'), 0);

  p.array(20, 740 - 10, 'ex2-orig', 220500, { width: 400, height: 80 });
  p.array(460, 740 - 10, 'ex2-resynth', 220500, { width: 400, height: 80 });
  return p;
}

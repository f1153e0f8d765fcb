/**
 * The Max package's example patchers and the overview that opens them. Each example holds
 * its own [mb.bridge] (they share one engine per Max session) and explains itself step by step.
 */
import { MaxPatcher } from './patcher';
import type { MaxBox } from './patcher';
import { maxBridge, maxCapture, maxParams, maxVstMap } from './abstractions';
import { maxSynth } from './synth';
import { maxJobName, maxMessage, maxPrepend, maxRoute, maxSelector, maxSliceBefore, maxUnpack } from './selectors';
import { argIndex, bundledModel, expectArgAt, outOf } from '../vocabulary';
import { FRAME_NAMES, FULL_FRAME, SHORT_FRAME } from '../plant-frame';
import { TEST_VOICE_NOTES, voiceRangeNote } from '../voice';

const IO = {
  bridge: maxBridge().ports(),
  capture: maxCapture().ports(),
  params: maxParams().ports(),
  synth: maxSynth().ports(),
  vstMap: maxVstMap().ports(),
};

/** Title, the steps to start, and the bridge with a console print. */
export function top(p: MaxPatcher, title: string, intro: string): MaxBox {
  p.comment(20, 10, title, 800);
  p.comment(20, 35, intro, 860);
  const bridge = p.obj(20, 110, 'mb.bridge', IO.bridge);
  const dsp = p.ui('ezdac~', 820, 100, 45, 45);
  void dsp;
  p.comment(120, 110, 'runs the engine (Node for Max); every reply also goes to [r mb.out]', 420);
  // What the bridge is doing: starting (the engine loads), ready, busy (jobs run), idle.
  const state = p.msg(600, 110, 'starting');
  const set = p.obj(600, 80, 'prepend set');
  p.connect(bridge, 2, set, 0).connect(set, 0, state, 0);
  p.comment(680, 80, 'bridge state', 100);
  return bridge;
}

/**
 * A model menu filled by models/list: each models/entry <name> <kind> <loaded> adds its name,
 * models/end <count> shows how many came; pick one to load it.
 */
export function modelPicker(p: MaxPatcher, x: number, y: number): void {
  const list = p.msg(x, y, maxMessage('/mb/models/list'));
  const send = p.obj(x, y + 60, 's mb.in');
  // Listed by itself once the bridge is ready (click to list again).
  const ready = p.obj(x, y + 30, 'r mb.ready');
  p.connect(ready, 0, list, 0);
  const from = p.obj(x + 80, y, 'r mb.out');
  const route = p.obj(x + 80, y + 30, maxRoute('/mb/models/entry', '/mb/models/end'));
  expectArgAt(outOf('/mb/models/entry', 'max'), 'name', 0);
  const name = p.obj(x + 80, y + 60, 'zl.slice 1');
  const append = p.obj(x + 80, y + 90, 'prepend append');
  const clear = p.msg(x + 200, y + 60, 'clear');
  const count = p.ui('number', x + 290, y + 60, 50, 22);
  const menu = p.ui('umenu', x + 80, y + 120, 180, 22, { items: [] });
  const load = p.obj(x + 80, y + 150, maxPrepend('/mb/models/load'));
  const send2 = p.obj(x + 80, y + 180, 's mb.in');
  // The menu is cleared on a bang before the list goes out (a message box is not triggered by a word).
  const before = p.obj(x + 200, y + 30, 't l b');
  p.connect(list, 0, before, 0).connect(before, 1, clear, 0).connect(before, 0, send, 0).connect(clear, 0, menu, 0);
  p.chain(from, route).connect(route, 0, name, 0).connect(name, 0, append, 0).connect(append, 0, menu, 0).connect(route, 1, count, 0);
  p.connect(menu, 1, load, 0).connect(load, 0, send2, 0);
  p.comment(x + 345, y + 60, 'models found', 90);
  p.comment(x + 270, y + 120, 'pick a model to load it', 160);
}

/** `a0 + (a1 - a0) * ($i1 >= 1) + ...`: the k-th of `notes` for k in $i1, as one [expr]. */
function stepsExpr(notes: readonly number[]): string {
  return [String(notes[0]), ...notes.slice(1).flatMap((n, k) => (n === notes[k] ? [] : [`${n - notes[k]} * ($i1 >= ${k + 1})`]))].join(' + ').replace(/\+ -/g, '- ');
}

/** Asks for stream 1's latency every 500 ms while `on` is 1 and shows it, in ms. */
function latencyView(p: MaxPatcher, x: number, y: number, on: MaxBox): void {
  const metro = p.obj(x, y, 'metro 500');
  const ask = p.msg(x, y + 30, maxMessage('/mb/stream/latency', '1'));
  const send = p.obj(x, y + 60, 's mb.in');
  p.connect(on, 0, metro, 0).connect(metro, 0, ask, 0).connect(ask, 0, send, 0);
  const from = p.obj(x + 120, y, 'r mb.out');
  const route = p.obj(x + 120, y + 30, maxRoute('/mb/stream/latencysplit'));
  const unpack = p.obj(x + 120, y + 60, maxUnpack('/mb/stream/latencysplit'));
  p.chain(from, route).connect(route, 0, unpack, 0);
  const fields = ['server', 'algorithmic', 'queued', 'block'] as const;
  fields.forEach((f, i) => {
    const box = p.ui('flonum', x + 120 + 70 * i, y + 90, 60, 22);
    p.connect(unpack, argIndex(outOf('/mb/stream/latencysplit', 'max'), f), box, 0);
    p.comment(x + 120 + 70 * i, y + 115, f, 65);
  });
  p.comment(x + 120, y + 140, 'latency, ms: the server\'s part (algorithmic + queued), your block filling, then at most one 8-ms hop to the next frame', 300);
}

export function maxVocalSketch(): MaxPatcher {
  const p = new MaxPatcher({ width: 1100, height: 820 });
  top(p, 'mirrorbridge - vocal sketch -> live parameters -> synth', 'Sing or hum: [mb.capture~] streams your voice to the engine, which turns it into the plant\'s parameters every 8 ms (a mirrornet-stream model: a pitch tracker gives the note and the gate, the voice\'s level and brightness the volume and cutoff, the model the rest), [mb.params] receives them and [mb.synth~] - the plant in MSP - plays them. Or drive a plug-in in [vst~] through an editable mapping table. Turn audio on with the speaker.');
  p.comment(20, 160, '1) list the models and load a mirrornet-stream model', 400);
  modelPicker(p, 20, 185);

  p.comment(400, 160, '2) the voice: microphone, or a test voice (three octaves)', 400);
  const adc = p.ui('ezadc~', 400, 185, 45, 45);
  const humOn = p.ui('toggle', 480, 185, 24, 24);
  const metro = p.obj(480, 220, 'metro 400');
  // a counter: [i] holds the index, the right branch of [t i i] stores the next one
  const index = p.obj(480, 250, 'i');
  const both = p.obj(480, 280, 't i i');
  const next = p.obj(560, 250, `expr ($i1 + 1) % ${TEST_VOICE_NOTES.length}`);
  const pick = p.obj(480, 310, `expr ${stepsExpr(TEST_VOICE_NOTES)}`);
  const mtof = p.obj(480, 340, 'mtof');
  const glide = p.obj(480, 370, 'pack f f');
  const line = p.obj(480, 400, 'line~');
  const saw = p.obj(480, 430, 'saw~');
  const humGain = p.obj(480, 460, '*~ 0.2');
  const glideMs = p.obj(560, 340, 'loadmess 20');
  p.connect(humOn, 0, metro, 0).connect(metro, 0, index, 0).connect(index, 0, both, 0).connect(both, 1, next, 0).connect(next, 0, index, 1);
  p.connect(both, 0, pick, 0).connect(pick, 0, mtof, 0).connect(mtof, 0, glide, 0).connect(glideMs, 0, glide, 1);
  p.connect(glide, 0, line, 0).connect(line, 0, saw, 0).connect(saw, 0, humGain, 0);
  p.comment(510, 185, `test voice: an arpeggio up three octaves and down (MIDI ${TEST_VOICE_NOTES[0]}-${Math.max(...TEST_VOICE_NOTES)})`, 300);
  p.comment(650, 220, voiceRangeNote(), 300);

  p.comment(20, 420, '3) stream it: stream 1, 512-sample blocks (a smaller block leaves sooner: the latency below shows it)', 440);
  const stream = p.ui('toggle', 20, 445, 24, 24);
  const capture = p.obj(20, 480, 'mb.capture~ 1 512', IO.capture);
  p.connect(adc, 0, capture, 0).connect(humGain, 0, capture, 0).connect(stream, 0, capture, 1);
  latencyView(p, 240, 445, stream);

  p.comment(20, 520, `4) the parameters (normalized, model order: ${FRAME_NAMES.slice(0, SHORT_FRAME).join(' ')} ...)`, 500);
  const params = p.obj(20, 550, 'mb.params 1', IO.params);
  const sliders = p.ui('multislider', 20, 580, 200, 80, { size: FULL_FRAME, setminmax: [0, 1], parameter_enable: 0 });
  const seq = p.ui('number', 240, 580, 60, 22);
  p.connect(params, 0, sliders, 0).connect(params, 2, seq, 0);
  const smooth = p.ui('flonum', 320, 550, 60, 22);
  const smoothMsg = p.msg(320, 580, maxMessage('/mb/stream/smooth', '1 $1'));
  const smoothSend = p.obj(320, 610, 's mb.in');
  p.connect(smooth, 0, smoothMsg, 0).connect(smoothMsg, 0, smoothSend, 0);
  p.comment(390, 550, 'smoothing 0..0.99', 150);

  p.comment(600, 480, '5a) the built-in synth: the plant itself', 400);
  const synth = p.obj(600, 510, 'mb.synth~', IO.synth);
  const synthGain = p.obj(600, 540, '*~ 0.5');
  p.connect(params, 0, synth, 0).connect(synth, 0, synthGain, 0);

  p.comment(800, 480, '5b) or a plug-in: map the frames to its parameters (edit the table inside [mb.vst-map])', 280);
  const map = p.obj(800, 530, 'mb.vst-map', IO.vstMap);
  const plug = p.msg(960, 560, 'plug');
  const vst = p.obj(800, 590, 'vst~ 2 2');
  const vstGain = p.obj(800, 620, '*~ 0.5');
  p.connect(params, 0, map, 0).connect(map, 0, vst, 0).connect(plug, 0, vst, 0).connect(vst, 0, vstGain, 0);
  p.comment(1000, 560, 'load a plug-in (e.g. DIVA)', 100);

  const dac = p.ui('ezdac~', 600, 680, 45, 45);
  p.connect(synthGain, 0, dac, 0).connect(synthGain, 0, dac, 1).connect(vstGain, 0, dac, 0).connect(vstGain, 0, dac, 1);
  p.comment(660, 690, 'both paths sum here: mute one with its gain', 300);
  return p;
}

/** The model the melody example's jobs name by default, and the paper's model its switch offers. */
const NOTES_MODEL = 'mirrornet-notes';
const PAPER_MODEL = 'mirrornet-melody';
/** What the melody example writes inside the files folder. */
const RENDERING_FILE = 'mb-resynthesis.wav';
const MIDI_FILE = 'mb-melody.mid';

export function maxMelodyResynthesis(): MaxPatcher {
  const p = new MaxPatcher({ width: 1100, height: 1060 });
  const notes = bundledModel(NOTES_MODEL);
  const paper = bundledModel(PAPER_MODEL);
  top(p, 'mirrorbridge - melody resynthesis', `Drop a melody (sung, hummed, played, any rhythm): the file is copied into the engine's files folder, MirrorNet's note model (${notes}) finds its notes and the plant's settings for each, the plant renders them, and you see the notes and hear the rendering next to the original. One click switches to the paper's model (${paper}, 5 notes per 2 s) and back.`);
  p.comment(20, 160, '1) models: the bundled ones load with the bridge (pick one to load another)', 300);
  modelPicker(p, 20, 185);
  const filesAsk = p.msg(400, 185, maxMessage('/mb/files/locate'));
  const filesSend = p.obj(400, 215, 's mb.in');
  const lb = p.obj(400, 160, 'r mb.ready');
  p.connect(lb, 0, filesAsk, 0).connect(filesAsk, 0, filesSend, 0);

  // The model the jobs name: the note model until a switch says otherwise; a switch runs the last file again.
  maxMessage('/mb/job/resynth', 'in.wav', RENDERING_FILE, notes);
  p.comment(600, 160, `1b) the model the jobs use (click to switch; the last file runs again)`, 300);
  const useNotes = p.msg(600, 185, notes);
  const usePaper = p.msg(740, 185, paper);
  p.comment(600, 210, 'notes, any rhythm (default)', 130);
  p.comment(740, 210, 'the paper\'s 5 notes per 2 s', 150);
  const switchT = p.obj(600, 240, 't b l l');
  const setModel = p.obj(680, 270, `prepend set ${RENDERING_FILE}`);
  const showModel = p.obj(860, 270, 'prepend set');
  const current = p.msg(860, 300, notes);
  p.comment(960, 300, 'in use', 60);
  p.connect(useNotes, 0, switchT, 0).connect(usePaper, 0, switchT, 0).connect(switchT, 1, setModel, 0).connect(switchT, 2, showModel, 0).connect(showModel, 0, current, 0);

  p.comment(20, 420, '2) drop a sound file here', 300);
  const drop = p.ui('dropfile', 20, 445, 300, 60);
  const imp = p.obj(20, 520, maxPrepend('/mb/files/import'));
  const impSend = p.obj(20, 550, 's mb.in');
  p.connect(drop, 0, imp, 0).connect(imp, 0, impSend, 0);

  const from = p.obj(400, 420, 'r mb.out');
  const route = p.obj(400, 450, maxRoute('/mb/files/imported', '/mb/files/folder', '/mb/job/progress', '/mb/job/done'));
  const routeNotes = p.obj(400, 820, maxRoute('/mb/job/note', '/mb/job/notes'));
  p.connect(route, 4, routeNotes, 0);
  const imported = p.obj(400, 480, maxUnpack('/mb/files/imported'));
  const importedName = argIndex(outOf('/mb/files/imported', 'max'), 'name');
  const importedPath = argIndex(outOf('/mb/files/imported', 'max'), 'path');
  // The dropped file's name, kept in two message boxes: one runs the resynthesis, one writes the MIDI file.
  const keepT = p.obj(400, 510, 't b l');
  const keep = p.obj(480, 540, 'prepend set');
  const lastName = p.msg(400, 570, '');
  const lastForMidi = p.msg(240, 570, '');
  const askOut = p.obj(400, 600, `append ${RENDERING_FILE} ${notes}`);
  const ask = p.obj(400, 630, maxPrepend('/mb/job/resynth'));
  const askSend = p.obj(400, 660, 's mb.in');
  const loadOrig = p.obj(560, 510, 'prepend replace');
  const orig = p.obj(560, 540, 'buffer~ mb.orig');
  p.chain(from, route).connect(route, 0, imported, 0).connect(imported, importedName, keepT, 0).connect(keepT, 1, keep, 0).connect(keep, 0, lastName, 0).connect(keep, 0, lastForMidi, 0);
  p.connect(keepT, 0, lastName, 0).connect(lastName, 0, askOut, 0).connect(askOut, 0, ask, 0).connect(ask, 0, askSend, 0);
  p.connect(setModel, 0, askOut, 0).connect(switchT, 0, lastName, 0);
  p.connect(imported, importedPath, loadOrig, 0).connect(loadOrig, 0, orig, 0);
  p.comment(620, 570, 'the original, as dropped', 200);

  const outPath = p.obj(700, 480, `sprintf %s/${RENDERING_FILE}`);
  const outReg = p.obj(700, 510, 'zl.reg');
  const progSlice = p.obj(850, 510, maxSliceBefore('/mb/job/progress', 'fraction'));
  const progress = p.ui('flonum', 850, 540, 60, 22);
  const done = p.obj(950, 510, maxSliceBefore('/mb/job/done', 'name'));
  const whichJob = p.obj(950, 540, `route ${maxJobName('/mb/job/resynth')} ${maxJobName('/mb/job/infer')}`);
  const doneBang = p.obj(950, 570, 't b');
  const loadRend = p.obj(700, 570, 'prepend replace');
  const rend = p.obj(700, 600, 'buffer~ mb.rendering');
  p.connect(route, 1, outPath, 0).connect(outPath, 0, outReg, 1);
  p.connect(route, 2, progSlice, 0).connect(progSlice, 1, progress, 0).connect(route, 3, done, 0).connect(done, 1, whichJob, 0);
  p.connect(whichJob, 0, doneBang, 0).connect(doneBang, 0, outReg, 0);
  p.connect(outReg, 0, loadRend, 0).connect(loadRend, 0, rend, 0);
  p.comment(920, 600, 'job progress 0..1, then the rendering loads', 160);

  // 3b) the notes as MIDI: /mb/job/infer on the note model with a MIDI path inside the files folder.
  maxMessage('/mb/job/infer', 'in.wav', notes, '0', MIDI_FILE);
  p.comment(20, 600, `write the notes (${notes}) as MIDI: <files>/${MIDI_FILE}`, 200);
  const writeMidi = p.ui('button', 20, 640, 24, 24);
  const midiArgs = p.obj(240, 600, `append ${notes} 0 ${MIDI_FILE}`);
  const midiAsk = p.obj(240, 630, maxPrepend('/mb/job/infer'));
  const midiSend = p.obj(240, 660, 's mb.in');
  p.connect(writeMidi, 0, lastForMidi, 0).connect(lastForMidi, 0, midiArgs, 0).connect(midiArgs, 0, midiAsk, 0).connect(midiAsk, 0, midiSend, 0);
  const midiPath = p.obj(60, 690, `sprintf %s/${MIDI_FILE}`);
  const midiReg = p.obj(60, 720, 'zl.reg');
  const midiShow = p.obj(60, 750, 'prepend set');
  const midiWritten = p.msg(60, 780, '');
  const midiDone = p.obj(160, 720, 't b');
  p.connect(route, 1, midiPath, 0).connect(midiPath, 0, midiReg, 1).connect(whichJob, 1, midiDone, 0).connect(midiDone, 0, midiReg, 0).connect(midiReg, 0, midiShow, 0).connect(midiShow, 0, midiWritten, 0);
  p.comment(200, 780, 'the MIDI file written (pitch bend for the cents; docs/notes.md)', 260);

  // 4) the notes: each /mb/job/note into [coll], all pitches into [multislider]; a new job clears them.
  p.comment(20, 810, '4) the notes: MIDI with cents per note (36..96); double-click the coll for "<n>, <onset s> <duration s> <MIDI> <cents>"', 520);
  const noteSlice = p.obj(400, 850, maxSliceBefore('/mb/job/note', 'index'));
  const coll = p.obj(400, 880, 'coll mb.melody.notes');
  const lastNote = p.obj(560, 880, 'prepend set');
  const noteShown = p.msg(560, 910, '');
  const notePrint = p.obj(400, 910, 'print mb.note');
  p.connect(routeNotes, 0, noteSlice, 0).connect(noteSlice, 1, coll, 0).connect(noteSlice, 1, lastNote, 0).connect(lastNote, 0, noteShown, 0).connect(noteSlice, 1, notePrint, 0);
  p.comment(700, 910, 'the last note: n, onset s, duration s, MIDI, cents', 260);
  const allSlice = p.obj(20, 850, maxSliceBefore('/mb/job/notes', 'midi'));
  const allT = p.obj(20, 880, 't l l');
  const count = p.obj(120, 910, 'zl.len');
  const size = p.obj(200, 940, 'prepend size');
  const countShown = p.ui('number', 120, 940, 50, 22);
  const sliders = p.ui('multislider', 20, 970, 360, 80, { size: 8, setminmax: [36, 96], parameter_enable: 0 });
  p.connect(routeNotes, 1, allSlice, 0).connect(allSlice, 1, allT, 0).connect(allT, 1, count, 0).connect(count, 0, size, 0).connect(count, 0, countShown, 0).connect(size, 0, sliders, 0).connect(allT, 0, sliders, 0);
  p.comment(175, 940, 'notes', 50);
  const clear = p.msg(480, 850, 'clear');
  p.connect(keepT, 0, clear, 0).connect(switchT, 0, clear, 0).connect(writeMidi, 0, clear, 0).connect(clear, 0, coll, 0);

  p.comment(600, 640, '3) listen: original left, rendering right', 300);
  const both = p.msg(600, 665, 'start');
  const playO = p.obj(600, 700, 'play~ mb.orig');
  const playR = p.obj(740, 700, 'play~ mb.rendering');
  const o = p.ui('button', 880, 665, 24, 24);
  const r = p.ui('button', 920, 665, 24, 24);
  const startO = p.msg(880, 700, 'start');
  const startR = p.msg(920, 730, 'start');
  const dac = p.ui('ezdac~', 600, 750, 45, 45);
  p.connect(both, 0, playO, 0).connect(both, 0, playR, 0).connect(o, 0, startO, 0).connect(startO, 0, playO, 0).connect(r, 0, startR, 0).connect(startR, 0, playR, 0);
  p.connect(playO, 0, dac, 0).connect(playR, 0, dac, 1);
  p.comment(960, 665, 'one at a time: original / rendering', 120);
  const viewO = p.ui('waveform~', 620, 800, 220, 70);
  const viewR = p.ui('waveform~', 860, 800, 220, 70);
  const setO = p.obj(620, 770, 'loadmess set mb.orig');
  const setR = p.obj(860, 770, 'loadmess set mb.rendering');
  p.connect(setO, 0, viewO, 0).connect(setR, 0, viewR, 0);
  return p;
}

export function maxOverview(names: { file: string; what: string }[]): MaxPatcher {
  const p = new MaxPatcher({ width: 820, height: 120 + names.length * 50 + 160 });
  p.comment(20, 10, 'mirrorbridge - neural models of a synthesizer\'s controls (MirrorNet) and of timbre (VQ-VAE), in Max', 760);
  p.comment(20, 35, `The engine runs inside Max through Node for Max ([mb.bridge]); "${maxSelector('/mb/server/start')}" lets PureData and browsers join the same session over OSC (UDP 9130) and WebSocket/OSCQuery (HTTP 9131). Click a message to open an example; several can be open at once: their [mb.bridge]s share one engine (the first one opened runs it).`, 760);
  const pc = p.obj(20, 110 + names.length * 50, 'pcontrol');
  names.forEach((n, i) => {
    const m = p.msg(20, 100 + i * 50, `load ${n.file}`);
    p.connect(m, 0, pc, 0);
    p.comment(300, 100 + i * 50, n.what, 480);
  });
  p.comment(20, 150 + names.length * 50, 'Abstractions (each has a help patch): [mb.bridge] [mb.capture~] [mb.params] [mb.synth~] [mb.vst-map]. First time: run npm install && npm run build in the mirrorbridge folder; see the package README.', 760);
  return p;
}

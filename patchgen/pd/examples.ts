/**
 * The Pd example patches (patches/pd/examples): each one runs against a mirrorbridge server
 * (npm start) and explains itself with comments. Test hooks are plain receive names, so
 * tests/integration/pd-examples.test.ts can drive them with pd -send.
 */
import { PdCanvas } from './canvas';
import type { PdNode } from './canvas';
import { frameOrder, FULL_FRAME } from '../plant-frame';
import { CONTINUOUS_NOTE_MIDI } from '../../src/synth/params';
import { TEST_VOICE_NOTES, voiceRangeNote } from '../voice';
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

const TEST_VOICE_NOTE_MS = 400;

/** A stand-in voice: TEST_VOICE_NOTES sung on a vowel-like saw (low-passed, note envelopes, short glides). */
function testVoice(p: PdCanvas, x: number, y: number): PdNode {
  const { node, canvas: c } = p.subpatch(x, y, 'test-voice');
  c.text(20, 10, `A stand-in for a voice when no microphone is at hand: an arpeggio up three octaves and down (MIDI ${TEST_VOICE_NOTES.join(' ')}), ${TEST_VOICE_NOTE_MS} ms a note.`, 60);
  const lb = c.obj(20, 35, 'loadbang');
  const first = c.obj(20, 60, 't b b');
  const fill = c.msg(120, 60, `; vs.voice-notes 0 ${TEST_VOICE_NOTES.join(' ')}`);
  c.array(320, 60, 'vs.voice-notes', TEST_VOICE_NOTES.length, { width: 100, height: 60, yTop: 96, yBottom: 36 });
  const metro = c.obj(20, 85, `metro ${TEST_VOICE_NOTE_MS}`);
  const t = c.obj(20, 110, 't b b');
  const count = c.obj(20, 140, 'f');
  const inc = c.obj(60, 140, '+ 1');
  const wrap = c.obj(60, 165, `mod ${TEST_VOICE_NOTES.length}`);
  const read = c.obj(20, 190, 'tabread vs.voice-notes');
  const mtof = c.obj(20, 220, 'mtof');
  const pk = c.obj(20, 245, 'pack f 20');
  const glide = c.obj(20, 270, 'line~');
  const saw = c.obj(20, 300, 'phasor~');
  const center = c.obj(20, 325, '-~ 0.5');
  const lop = c.obj(20, 350, 'lop~ 1500');
  const env = c.msg(200, 245, `0.7 20, 0.5 ${TEST_VOICE_NOTE_MS - 120} 20, 0 40 ${TEST_VOICE_NOTE_MS - 60}`);
  const vl = c.obj(200, 275, 'vline~');
  const amp = c.obj(20, 380, '*~');
  const out = c.obj(20, 410, 'outlet~');
  c.connect(lb, 0, first, 0).connect(first, 1, fill, 0).connect(first, 0, metro, 0).connect(metro, 0, t, 0).connect(t, 1, count, 0).connect(t, 0, env, 0);
  c.connect(count, 0, inc, 0).connect(inc, 0, wrap, 0).connect(wrap, 0, count, 1).connect(count, 0, read, 0);
  c.connect(read, 0, mtof, 0).connect(mtof, 0, pk, 0).connect(pk, 0, glide, 0);
  c.connect(glide, 0, saw, 0).connect(saw, 0, center, 0).connect(center, 0, lop, 0).connect(lop, 0, amp, 0);
  c.connect(env, 0, vl, 0).connect(vl, 0, amp, 1).connect(amp, 0, out, 0);
  return node;
}

/** The frames per second of a live stream (one per 8-ms hop). */
const FRAME_RATE = 125;

/** Asks for stream `id`'s latency every 500 ms while `on` is 1, shows it and prints it ([print vs-latency]). */
function latencyView(p: PdCanvas, x: number, y: number, on: PdNode, id: number): void {
  const metro = p.obj(x, y + 25, 'metro 500');
  const idMsg = p.msg(x, y + 50, String(id));
  const ask = p.obj(x, y + 75, pdRequest('/mb/stream/latency'));
  p.connect(on, 0, metro, 0).connect(metro, 0, idMsg, 0).connect(idMsg, 0, ask, 0);
  const from = p.obj(x + 150, y + 25, 'r mb.from-bridge');
  const rmb = p.obj(x + 150, y + 50, pdRoute('/mb'));
  const rstream = p.obj(x + 150, y + 75, pdRoute('/mb/stream'));
  const rsplit = p.obj(x + 150, y + 100, pdRoute('/mb/stream/latencysplit'));
  const mine = p.obj(x + 150, y + 125, `route ${id}`);
  const print = p.obj(x + 350, y + 150, 'print vs-latency');
  const fields = ['server', 'algorithmic', 'queued', 'block'] as const;
  for (const [i, f] of fields.entries()) if (pdArgIndex('/mb/stream/latencysplit', f) !== i + 1) throw new Error(`patchgen: /mb/stream/latencysplit's ${f} moved`);
  const unpack = p.obj(x + 150, y + 150, 'unpack f f f f');
  p.chain(from, rmb, rstream, rsplit, mine).connect(mine, 0, unpack, 0).connect(mine, 0, print, 0);
  const total = p.obj(x + 150, y + 210, `expr $f1 + $f2 + ${1000 / FRAME_RATE}`);
  const pk = p.obj(x + 150, y + 185, 'pack f f');
  p.connect(unpack, 0, pk, 0).connect(unpack, 3, pk, 1).connect(pk, 0, total, 0);
  fields.forEach((f, i) => {
    const box = p.floatatom(x + 150 + 80 * i, y + 245, 6);
    p.connect(unpack, i, box, 0);
    p.text(x + 150 + 80 * i, y + 270, f, 8);
  });
  // [unpack]'s outlets fire right to left: the pack's left inlet (server) fires last, with the block in
  const worst = p.floatatom(x, y + 245, 6);
  p.connect(total, 0, worst, 0);
  p.text(x, y + 270, 'at most, ms', 12);
  p.text(x, y + 300, `latency, ms: the server's part (the note's algorithmic latency + audio queued there), your block filling before it leaves, and at most one ${1000 / FRAME_RATE}-ms hop until the next frame; the network on loopback adds well under 1 ms. "at most" adds them up.`, 60);
}

export function vocalSketch(): PdCanvas {
  const p = new PdCanvas({ width: 1000, height: 900 });
  top(p, 'mirrorbridge example 1: vocal sketch -> live parameters -> the plant', 'Sing or hum: [mb.send~] streams your voice to the server, which turns each 8 ms into the plant\'s parameters (a mirrornet-stream model: a pitch tracker gives the note and the gate, the voice\'s level and brightness the volume and cutoff, the model the rest), [mb.params] receives them and [mb.plant~] plays them - your voice drives the synth, live. The server picks its first loaded mirrornet-stream model; "model <name>" into [mb.send~]\'s right inlet picks another.');

  p.text(20, 230, '2) choose the source: microphone / test voice (three octaves) / a sound file / off', 50);
  const source = p.hradio(20, 270, 4, 'vs.source');
  const lb = p.obj(120, 270, 'loadbang');
  const init = p.msg(120, 295, '0');
  p.connect(lb, 0, init, 0).connect(init, 0, source, 0);
  const adc = p.obj(20, 340, 'adc~ 1');
  const voice = testVoice(p, 90, 340);
  const file = fileSource(p, 200, 255);
  const gains = [adc, voice, file].map((src, i) => {
    const is = p.obj(20 + 60 * i, 315, `== ${i}`);
    const gain = p.obj(20 + 90 * i, 370, '*~ 0');
    p.connect(source, 0, is, 0).connect(is, 0, gain, 1).connect(src, 0, gain, 0);
    return gain;
  });

  p.text(20, 410, '3) stream it (stream 1, 64-sample blocks: the smaller the block, the sooner it leaves)', 50);
  const stream = p.toggle(20, 450, 'stream', 'vs.stream');
  const send = p.obj(20, 480, 'mb.send~ 1 64');
  const opened = p.obj(20, 510, 'print vocal-sketch');
  for (const g of gains) p.connect(g, 0, send, 0);
  p.connect(stream, 0, send, 1).connect(send, 0, opened, 0);
  const lbOn = p.msg(120, 450, '1');
  p.connect(lb, 0, lbOn, 0).connect(lbOn, 0, stream, 0);
  p.text(160, 510, `prints ${sendOutlet()}`, 40);
  latencyView(p, 20, 540, stream, 1);

  p.text(500, 230, '4) the parameters, live (normalized, model order) and the note (MIDI) over the last 5 s', 55);
  const params = p.obj(500, 270, 'mb.params 1');
  p.array(500, 300, 'vs.params', FULL_FRAME, { width: 200, height: 100, yTop: 1, yBottom: 0, style: 1 });
  const toArray = p.obj(740, 300, 'array set vs.params');
  const seq = p.floatatom(680, 270, 8);
  p.connect(params, 0, toArray, 0).connect(params, 2, seq, 0);
  p.text(500, 410, frameOrder('()'), 40);
  const [lo, hi] = CONTINUOUS_NOTE_MIDI;
  const notes = 5 * FRAME_RATE;
  const first = p.obj(740, 330, 'list split 1');
  const note = p.floatatom(740, 360, 5);
  p.text(790, 360, 'note, MIDI', 10);
  const t = p.obj(740, 385, 't f b');
  const count = p.obj(800, 410, 'f');
  const inc = p.obj(840, 410, '+ 1');
  const wrap = p.obj(840, 435, `mod ${notes}`);
  const write = p.obj(740, 460, 'tabwrite vs.note');
  p.connect(params, 1, first, 0).connect(first, 0, note, 0).connect(first, 0, t, 0);
  p.connect(t, 1, count, 0).connect(count, 0, inc, 0).connect(inc, 0, wrap, 0).connect(wrap, 0, count, 1).connect(count, 0, write, 1).connect(t, 0, write, 0);
  p.array(500, 500, 'vs.note', notes, { width: 400, height: 120, yTop: hi, yBottom: lo });
  p.text(500, 630, `MIDI ${lo} (bottom) to ${hi} (top), written round and round`, 40);
  p.text(500, 660, voiceRangeNote(), 50);

  p.text(500, 740, '5) the mapping, on the server: transpose (semitones), glide (ms), smoothing of the frames', 50);
  const mapBox = (x: number, address: '/mb/stream/map/transpose' | '/mb/stream/map/glide', min: number, max: number, hook: string) => {
    const box = p.floatatom(x, 770, 5, min, max, hook);
    pdArgs(address, '1 0');
    const msg = p.obj(x, 795, 'list prepend 1');
    const req = p.obj(x, 820, pdRequest(address));
    p.connect(box, 0, msg, 0).connect(msg, 0, req, 0);
  };
  mapBox(500, '/mb/stream/map/transpose', -48, 48, 'vs.transpose');
  mapBox(680, '/mb/stream/map/glide', 0, 2000, 'vs.glide');
  const smoothing = p.hslider(860, 770, 0, 0.99, 'smoothing', 100);
  const smoothMsg = p.obj(860, 795, `list prepend ${pdArgs('/mb/stream/smooth', '1', { prefix: true })}`);
  const smooth = p.obj(860, 820, pdRequest('/mb/stream/smooth'));
  p.connect(smoothing, 0, smoothMsg, 0).connect(smoothMsg, 0, smooth, 0);

  p.text(20, 850, '6) listen: the Pd plant plays the frames', 50);
  const plant = p.obj(20, 875, 'mb.plant~ 125');
  const volume = p.hslider(150, 875, 0, 1, 'volume', 128);
  const vol = p.obj(20, 905, '*~ 0');
  const dac = p.obj(20, 935, 'dac~');
  const lbVol = p.msg(300, 875, '0.5');
  p.connect(params, 0, plant, 0).connect(plant, 0, vol, 0).connect(volume, 0, vol, 1).connect(vol, 0, dac, 0).connect(vol, 0, dac, 1);
  p.connect(lb, 0, lbVol, 0).connect(lbVol, 0, volume, 0);
  p.text(150, 905, 'the same synth MirrorNet was trained with', 40);
  return p;
}

/** A sound file as the voice: open one (or send "<prefix>.file symbol <path>"), it plays at its own rate; returns the signal. */
export function fileSource(p: PdCanvas, x: number, y: number, prefix = 'vs'): PdNode {
  const open = p.bang(x + 100, y);
  const panel = p.obj(x + 100, y + 25, 'openpanel');
  const hook = p.obj(x + 180, y, `r ${prefix}.file`);
  const sym = p.obj(x + 180, y + 25, 'symbol');
  const read = p.msg(x + 100, y + 50, `read -resize $1 ${prefix}-file`);
  const sf = p.obj(x + 100, y + 75, 'soundfiler');
  const loaded = p.obj(x + 100, y + 100, 't b');
  const play = p.obj(x + 100, y + 125, `mb.play~ ${prefix}-file`);
  const done = p.obj(x + 200, y + 150, `print ${prefix}-file`);
  p.connect(open, 0, panel, 0).connect(panel, 0, read, 0).connect(hook, 0, sym, 0).connect(sym, 0, read, 0).connect(read, 0, sf, 0);
  // the rate first (right outlet), then play (left outlet: the file's length)
  p.connect(sf, 1, play, 1).connect(sf, 0, loaded, 0).connect(loaded, 0, play, 0).connect(play, 1, done, 0);
  p.text(x + 260, y + 50, 'file: plays once when loaded', 14);
  p.obj(x + 280, y + 125, `array define ${prefix}-file`);
  return play;
}

/** Writes an array to <files>/<name> at the array's sample rate: [symbol folder] -> soundfiler. */
function fileOf(p: PdCanvas, x: number, y: number, name: string): { bang: PdNode; out: PdNode } {
  const files = p.obj(x, y, 'mb.files');
  const join = p.obj(x, y + 25, `makefilename %s/${name}`);
  p.connect(files, 0, join, 0);
  return { bang: files, out: join };
}

/** The most notes the melody example shows (arrays of this size). */
export const EX2_MAX_NOTES = 64;
const NOTES_MODEL = 'mirrornet-notes';
/** The JSON characters [fudiparse] should not see: { } [ ] : , " become spaces. */
const JSON_PUNCTUATION = [123, 125, 91, 93, 58, 44, 34];

/**
 * The notes of a done job on the note model, from /mb/job/done's JSON string in vanilla Pd:
 * [list fromsymbol] gives its characters, the JSON punctuation becomes spaces (an [until] loop
 * over an array), [fudiparse] turns the rest into words ("notes onset_s 0.12 offset_s 0.5 midi
 * 64.02 key 64 cents 2 ..."), and a walk over the words with [list store] picks each note's
 * onset_s, offset_s, midi and cents into the arrays ex2-onset, ex2-duration, ex2-midi and
 * ex2-cents; each note is printed ("ex2-note: <n> <onset s> <duration s> <MIDI> <cents>").
 */
function notesView(p: PdCanvas, x: number, y: number, job: '/mb/job/resynth'): void {
  const from = p.obj(x, y, 'r mb.from-bridge');
  const rmb = p.obj(x, y + 25, pdRoute('/mb'));
  const rjob = p.obj(x, y + 50, pdRoute('/mb/job'));
  const rdone = p.obj(x, y + 75, pdRoute('/mb/job/done'));
  const skipId = p.obj(x, y + 100, `list split ${pdArgIndex('/mb/job/done', 'name')}`);
  const mine = p.obj(x, y + 125, `route ${jobName(job, 'osc')}`);
  const json = p.obj(x, y + 150, 'symbol');
  const chars = p.obj(x, y + 175, 'list fromsymbol');
  const split = p.obj(x, y + 200, 't l l b');
  const clear = p.msg(x + 200, y + 200, `; ex2-json const 32; ex2-onset const 0; ex2-duration const 0; ex2-midi const 0; ex2-cents const 0; ex2-count 0`);
  const len = p.obj(x + 100, y + 225, 'list length');
  const toArr = p.obj(x, y + 225, 'array set ex2-json');
  const trimName = p.obj(x + 100, y + 125, 'list trim');
  p.chain(from, rmb, rjob, rdone, skipId).connect(skipId, 1, trimName, 0).connect(trimName, 0, mine, 0).connect(mine, 0, json, 0).connect(json, 0, chars, 0).connect(chars, 0, split, 0);
  p.connect(split, 2, clear, 0).connect(split, 1, toArr, 0).connect(split, 0, len, 0);
  // the punctuation pass, then the words
  const lenT = p.obj(x + 100, y + 250, 't b f f');
  const loop = p.obj(x + 100, y + 275, 'until');
  const i = p.obj(x + 100, y + 300, 'f');
  const inc = p.obj(x + 140, y + 300, '+ 1');
  const zero = p.msg(x + 180, y + 275, '0');
  const iT = p.obj(x + 100, y + 325, 't f f');
  const get = p.obj(x + 300, y + 250, 'array get ex2-json');
  const read = p.obj(x + 100, y + 350, 'tabread ex2-json');
  const punct = p.obj(x + 100, y + 375, `sel ${JSON_PUNCTUATION.join(' ')}`);
  const space = p.msg(x + 100, y + 400, '32');
  const write = p.obj(x + 100, y + 425, 'tabwrite ex2-json');
  p.connect(len, 0, lenT, 0).connect(lenT, 2, zero, 0).connect(zero, 0, i, 1).connect(lenT, 1, loop, 0);
  p.connect(loop, 0, i, 0).connect(i, 0, inc, 0).connect(inc, 0, i, 1).connect(i, 0, iT, 0);
  p.connect(iT, 1, write, 1).connect(iT, 0, read, 0).connect(read, 0, punct, 0);
  JSON_PUNCTUATION.forEach((_, k) => p.connect(punct, k, space, 0));
  p.connect(space, 0, write, 0);
  const words = p.obj(x + 300, y + 275, 'fudiparse');
  const asList = p.obj(x + 300, y + 300, 'list append');
  const wordsT = p.obj(x + 300, y + 325, 't l l');
  const store = p.obj(x + 300, y + 450, 'list store');
  const count = p.obj(x + 420, y + 350, 'list length');
  p.connect(lenT, 0, get, 0).connect(get, 0, words, 0).connect(words, 0, asList, 0).connect(asList, 0, wordsT, 0);
  p.connect(wordsT, 1, store, 1).connect(wordsT, 0, count, 0);
  // the walk: every pair of words, "<key> <value>"
  const countT = p.obj(x + 420, y + 375, 't b f b');
  const pairs = p.obj(x + 380, y + 400, '- 1');
  const walk = p.obj(x + 420, y + 400, 'until');
  const w = p.obj(x + 420, y + 425, 'f');
  const winc = p.obj(x + 460, y + 425, '+ 1');
  const wzero = p.msg(x + 500, y + 400, '0');
  const pair = p.msg(x + 300, y + 425, 'get $1 2');
  const note = p.obj(x + 500, y + 350, 'f -1');
  const noteZero = p.msg(x + 540, y + 325, '-1');
  p.connect(count, 0, countT, 0).connect(countT, 2, wzero, 0).connect(wzero, 0, w, 1).connect(countT, 2, noteZero, 0).connect(noteZero, 0, note, 1);
  p.connect(countT, 1, pairs, 0).connect(pairs, 0, walk, 0).connect(walk, 0, w, 0).connect(w, 0, winc, 0).connect(winc, 0, w, 1).connect(w, 0, pair, 0).connect(pair, 0, store, 0);
  const trim = p.obj(x + 300, y + 475, 'list trim');
  const keys = p.obj(x + 300, y + 500, 'route onset_s offset_s midi cents');
  p.connect(store, 0, trim, 0).connect(trim, 0, keys, 0);
  // onset_s starts a note: its number goes up by one
  const onT = p.obj(x + 300, y + 525, 't f b');
  const nInc = p.obj(x + 500, y + 525, '+ 1');
  const nT = p.obj(x + 500, y + 550, 't f f');
  p.connect(keys, 0, onT, 0).connect(onT, 1, note, 0).connect(note, 0, nInc, 0).connect(nInc, 0, note, 1).connect(nInc, 0, nT, 0);
  const wOn = p.obj(x + 300, y + 575, 'tabwrite ex2-onset');
  const wOff = p.obj(x + 380, y + 575, 'tabwrite ex2-offset');
  const wMidi = p.obj(x + 470, y + 575, 'tabwrite ex2-midi');
  const wCents = p.obj(x + 550, y + 575, 'tabwrite ex2-cents');
  for (const t of [wOn, wOff, wMidi, wCents]) p.connect(nT, 1, t, 1);
  p.connect(onT, 0, wOn, 0).connect(keys, 1, wOff, 0).connect(keys, 2, wMidi, 0).connect(keys, 3, wCents, 0);
  // after the walk: the count, the durations, one line per note
  const total = p.obj(x + 420, y + 620, 'f');
  const totalInc = p.obj(x + 420, y + 645, '+ 1');
  const listT = p.obj(x + 420, y + 670, 't f f');
  p.connect(countT, 0, total, 0).connect(nInc, 0, total, 1).connect(noteZero, 0, total, 1).connect(total, 0, totalInc, 0).connect(totalInc, 0, listT, 0);
  const shown = p.obj(x + 600, y + 645, 's ex2-count');
  p.connect(totalInc, 0, shown, 0);
  const lines = p.obj(x + 420, y + 695, 'until');
  const k = p.obj(x + 420, y + 720, 'f');
  const kinc = p.obj(x + 460, y + 720, '+ 1');
  const kzero = p.msg(x + 500, y + 695, '0');
  p.connect(listT, 1, kzero, 0).connect(kzero, 0, k, 1).connect(listT, 0, lines, 0).connect(lines, 0, k, 0).connect(k, 0, kinc, 0).connect(kinc, 0, k, 1);
  const kT = p.obj(x + 420, y + 745, 't f f f f f f');
  const rCents = p.obj(x + 700, y + 770, 'tabread ex2-cents');
  const rMidi = p.obj(x + 620, y + 770, 'tabread ex2-midi');
  const rOff = p.obj(x + 540, y + 770, 'tabread ex2-offset');
  const rOn = p.obj(x + 460, y + 770, 'tabread ex2-onset');
  const onStore = p.obj(x + 460, y + 795, 't f f');
  const dur = p.obj(x + 540, y + 820, '-');
  const durW = p.obj(x + 540, y + 845, 'tabwrite ex2-duration');
  const line = p.obj(x + 420, y + 870, 'pack f f f f f');
  const print = p.obj(x + 420, y + 895, 'print ex2-note');
  p.connect(k, 0, kT, 0).connect(kT, 5, rCents, 0).connect(kT, 4, rMidi, 0).connect(kT, 3, rOn, 0).connect(kT, 2, durW, 1).connect(kT, 1, rOff, 0);
  p.connect(rCents, 0, line, 4).connect(rMidi, 0, line, 3).connect(rOn, 0, onStore, 0).connect(onStore, 1, dur, 1).connect(onStore, 0, line, 1);
  p.connect(rOff, 0, dur, 0).connect(dur, 0, durW, 0).connect(dur, 0, line, 2).connect(kT, 0, line, 0).connect(line, 0, print, 0);
  p.obj(x + 200, y + 150, 'array define ex2-json 8192');
  p.obj(x + 200, y + 125, `array define ex2-offset ${EX2_MAX_NOTES}`);
  p.obj(x + 360, y + 125, `array define ex2-onset ${EX2_MAX_NOTES}`);
  p.obj(x + 520, y + 125, `array define ex2-cents ${EX2_MAX_NOTES}`);
}

const PAPER_MODEL = 'mirrornet-melody';

/**
 * "write MIDI": /mb/job/infer on the note model over the sound the patch last copied into the
 * files folder (pd-melody-in.wav), with <files>/pd-melody.mid as its MIDI argument; the path
 * is printed as ex2-midi-file once the job is done.
 */
function writeMidi(p: PdCanvas, x: number, y: number, model: string): void {
  pdArgs('/mb/job/infer', `in.wav ${model} 0 out.mid`);
  p.text(x, y, `7) write the notes (${model}) as MIDI: <files>/pd-melody.mid`, 30);
  const click = p.bang(x, y + 40);
  const hook = p.obj(x + 40, y + 40, 'r ex2.midi');
  const t = p.obj(x, y + 70, 't b b');
  const inFile = fileOf(p, x, y + 100, 'pd-melody-in.wav');
  const midiFile = fileOf(p, x + 140, y + 100, 'pd-melody.mid');
  const tail = p.obj(x + 140, y + 155, `list prepend ${model} 0`);
  const args = p.obj(x, y + 180, 'list append');
  const watch = jobWatch(p, x, y + 210, '/mb/job/infer', 'ex2m');
  const job = p.obj(x, y + 270, pdRequest('/mb/job/infer'));
  const path = p.obj(x + 140, y + 270, 'symbol');
  const print = p.obj(x + 140, y + 300, 'print ex2-midi-file');
  p.connect(click, 0, t, 0).connect(hook, 0, t, 0).connect(t, 1, midiFile.bang, 0).connect(midiFile.out, 0, tail, 0).connect(tail, 0, args, 1).connect(midiFile.out, 0, path, 1);
  p.connect(t, 0, inFile.bang, 0).connect(inFile.out, 0, args, 0).connect(args, 0, watch, 0).connect(watch, 0, job, 0).connect(watch, 1, path, 0).connect(path, 0, print, 0);
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
  const model = bundledModel(NOTES_MODEL);
  const paper = bundledModel(PAPER_MODEL);
  pdArgs('/mb/job/resynth', `in.wav out.wav ${model} 0 48000`);
  pdArgs('/mb/job/resynth', `in.wav out.wav ${paper} 0`);
  const rate = p.floatatom(20, 620, 6, 0, 192000, 'ex2.rate');
  p.text(85, 620, 'Hz: the rendering\'s rate (0: your sound\'s)', 14);
  // The model the request names ([symbol], the note model at first) and the rate ([f]); either
  // changing rebuilds the request's tail: "<model> 0" or "<model> 0 <rate>".
  const modelSym = p.obj(300, 470, `symbol ${model}`);
  const modelHook = p.obj(300, 445, 'r ex2.model');
  const shown = p.symbolatom(420, 470, 16);
  const rateT = p.obj(20, 645, 't b f');
  const rateF = p.obj(120, 685, 'f');
  const modelT = p.obj(300, 500, 't b s');
  const isDefault = p.obj(120, 710, 'sel 0');
  const zero = p.msg(120, 735, '0');
  const withRate = p.obj(170, 735, 'list prepend 0');
  const tailZero = p.obj(300, 735, 'list prepend');
  const tailRate = p.obj(420, 735, 'list prepend');
  const append = p.obj(300, 670, 'list append');
  const lbModel = p.obj(420, 445, 'loadbang');
  p.connect(rate, 0, rateT, 0).connect(rateT, 1, rateF, 1).connect(rateT, 0, modelSym, 0).connect(lbModel, 0, modelSym, 0).connect(modelHook, 0, modelSym, 0);
  p.connect(modelSym, 0, modelT, 0).connect(modelSym, 0, shown, 0).connect(modelT, 1, tailZero, 1).connect(modelT, 1, tailRate, 1).connect(modelT, 0, rateF, 0);
  p.connect(rateF, 0, isDefault, 0).connect(isDefault, 0, zero, 0).connect(isDefault, 1, withRate, 0).connect(zero, 0, tailZero, 0).connect(withRate, 0, tailRate, 0);
  p.connect(tailZero, 0, append, 1).connect(tailRate, 0, append, 1);
  p.connect(inT, 0, jobArgs, 0).connect(jobArgs, 0, append, 0).connect(append, 0, watch, 0).connect(watch, 0, job, 0);
  // One click: the model, then the sound again (the paper's 5 notes per 2 s, or the notes of any rhythm).
  p.text(560, 160, `the model: click one (the sound runs again); ${model} finds notes of any rhythm, ${paper} the paper's 5 notes per 2 s`, 40);
  const useNotes = p.msg(560, 200, `symbol ${model}`);
  const usePaper = p.msg(740, 200, `symbol ${paper}`);
  const switchT = p.obj(560, 225, 't b a');
  p.connect(useNotes, 0, switchT, 0).connect(usePaper, 0, switchT, 0).connect(switchT, 1, modelSym, 0).connect(switchT, 0, goT, 0);
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
  p.text(20, 850, `6) the notes (${NOTES_MODEL}): MIDI with cents per note; ex2-onset, ex2-duration in s; printed as ex2-note`, 60);
  p.floatatom(20, 880, 4, 0, 0, 'ex2-count');
  p.array(20, 910, 'ex2-midi', EX2_MAX_NOTES, { width: 400, height: 100, yTop: 96, yBottom: 36, style: 1 });
  p.array(460, 910, 'ex2-duration', EX2_MAX_NOTES, { width: 200, height: 100, yTop: 4, yBottom: 0 });
  notesView(p, 20, 1040, '/mb/job/resynth');
  writeMidi(p, 700, 850, model);
  return p;
}

/**
 * Help patchers (.maxhelp) for the Max package's abstractions: what it does, a patch that
 * runs, its messages, inlets, outlets and arguments.
 */
import { MaxPatcher } from './patcher';
import type { MaxBox } from './patcher';
import { maxBridge, maxCapture, maxParams, maxVstMap } from './abstractions';
import { maxSynth } from './synth';
import { MAX_JSON_DICTS, maxMessage, maxReply, maxReplyUsage, maxReplyUsages, maxRoute, maxSelector, maxVerbUsages, type MaxOutAddress, type MaxVerbAddress } from './selectors';
import { bundledModel } from '../vocabulary';
import { exprNumber, mappingFormula } from '../mapping';
import { demoFrame, frameIndex, FRAME_NAMES, frameOrder, FULL_FRAME, GATE, NOTE_SPAN, RETRIGGER, SHORT_FRAME } from '../plant-frame';

function titled(name: string, summary: string, height = 620): MaxPatcher {
  const p = new MaxPatcher({ width: 900, height });
  p.comment(20, 10, name, 300);
  p.comment(20, 34, summary, 840);
  return p;
}

/** Reference lines stacked from `y`, each as tall as its text; returns the y below the last. */
function reference(p: MaxPatcher, y: number, lines: string[]): number {
  let at = y;
  for (const line of lines) {
    const box = p.comment(20, at, line, 860);
    at += box.rect[3] + 4;
  }
  return at;
}

/** A bridge plus a print of everything it says, for help patches that need the engine. */
function bridged(p: MaxPatcher, x: number, y: number): MaxBox {
  const b = p.obj(x, y, 'mb.bridge', maxBridge().ports());
  const print = p.obj(x, y + 30, 'print mirrorbridge');
  p.connect(b, 0, print, 0);
  return b;
}

export function bridgeHelp(): MaxPatcher {
  const p = titled('mb.bridge', `Runs the mirrorbridge engine inside Max (Node for Max): models by name, live streams, offline jobs; "${maxSelector('/mb/server/start')}" starts the OSC (UDP) and WebSocket/OSCQuery (HTTP) servers over the same engine, so PureData and browsers join the session. A message is its OSC address without /mb/ (stream/open = /mb/stream/open), and so is a reply. Replies come out of the left outlet and [r mb.out].`, 1000);
  const messages: [MaxVerbAddress, ...string[]][] = [
    ['/mb/models/list'], ['/mb/models/load', bundledModel('mirrornet-stream')], ['/mb/stream/open', '1 44100 512'], ['/mb/stream/close', '1'],
    ['/mb/status'], ['/mb/files/locate'], ['/mb/server/start', '9130 9131'], ['/mb/server/stop'],
    ['/mb/job/resynth', 'melody.wav melody-resynth.wav', bundledModel('mirrornet-melody')], ['/mb/job/vq', 'encode voice.wav voice-codes.json', bundledModel('vqvae-timbre')],
    ['/mb/vq/deform', 'scale 1.5'], ['/mb/vq/deform', 'transpose 2'], ['/mb/vq/plane', '0.3 0.7'], ['/mb/vq/target', 'centroid 1200'],
    ['/mb/config', 'modelsdir /path/to/models'], ['/mb/job/cancel', '1'],
  ];
  const b = p.obj(20, 460, 'mb.bridge', maxBridge().ports());
  messages.forEach((m, i) => {
    const box = p.msg(20 + (i % 2) * 420, 80 + Math.floor(i / 2) * 40, maxMessage(...m));
    p.connect(box, 0, b, 0);
  });
  const print = p.obj(20, 500, 'print mirrorbridge');
  const route = p.obj(200, 500, maxRoute('/mb/error', '/mb/stream/opened', '/mb/job/done'));
  const err = p.obj(200, 530, 'print error');
  const opened = p.obj(300, 530, 'print opened');
  const done = p.obj(400, 530, 'print job-done');
  p.connect(b, 0, print, 0).connect(b, 0, route, 0).connect(route, 0, err, 0).connect(route, 1, opened, 0).connect(route, 2, done, 0);
  p.comment(520, 500, `${maxReplyUsage('/mb/job/done')}: the job's result is in the dict ${MAX_JSON_DICTS['/mb/job/done']}`, 360);
  // The state outlet: send load-time messages on "ready" ([r mb.ready]), never on loadbang.
  const state = p.msg(700, 460, 'starting');
  const set = p.obj(700, 430, 'prepend set');
  const onReady = p.obj(820, 430, 'r mb.ready');
  const listAtReady = p.msg(820, 460, maxMessage('/mb/models/list'));
  p.connect(b, 2, set, 0).connect(set, 0, state, 0).connect(onReady, 0, listAtReady, 0).connect(listAtReady, 0, b, 0);
  p.comment(900, 430, 'state: starting / ready / busy / idle; on ready this help lists the models by itself', 200);
  reference(p, 580, [
    `Messages: ${maxVerbUsages().join(' / ')}.`,
    `Also: bang = ${maxSelector('/mb/status')}; a number = ${maxSelector('/mb/stream/default')} <id> (the stream bare lists go to); a list of numbers = samples for that stream; a dict {"command": "<message>", "args": [...]} = that message.`,
    `Out: ${maxReplyUsages().join(' / ')}. JSON results go to dicts: ${Object.entries(MAX_JSON_DICTS).map(([address, dict]) => `${dict} (${maxReply(address as MaxOutAddress)})`).join(', ')}.`,
  ]);
  return p;
}

export function captureHelp(): MaxPatcher {
  const p = titled('mb.capture~', `Streams a signal to the engine in blocks: 1 opens the stream (${maxSelector('/mb/stream/open')} <id> <sample rate> <block size>) and sends each block as "${maxSelector('/mb/stream/audio')} <id> <samples>"; 0 closes it (${maxSelector('/mb/stream/close')} <id>). Needs one [mb.bridge] in the session.`);
  bridged(p, 500, 100);
  const osc = p.obj(20, 100, 'cycle~ 220');
  const amp = p.obj(20, 130, '*~ 0.3');
  const on = p.ui('toggle', 200, 100, 24, 24);
  const cap = p.obj(20, 180, 'mb.capture~ 1 512', maxCapture().ports());
  const dac = p.ui('ezdac~', 20, 230, 45, 45);
  p.chain(osc, amp, cap).connect(on, 0, cap, 1);
  void dac;
  p.comment(240, 100, 'turn audio on, then stream', 200);
  reference(p, 320, [
    'Arguments: 1) stream id 2) block size in samples (both needed; the engine takes up to 8192).',
    'Inlets: 1) the signal 2) 1 open and send / 0 close.',
    'How: [jit.catch~] keeps whole blocks, a 5 ms [metro] collects them and [jit.spill] turns each into a list. Latency added: one block.',
  ]);
  return p;
}

export function paramsHelp(): MaxPatcher {
  const p = titled('mb.params', 'Receives the parameter frames the engine computes for one stream (from [r mb.out]).');
  bridged(p, 500, 100);
  const adc = p.ui('ezadc~', 20, 100, 45, 45);
  const on = p.ui('toggle', 100, 100, 24, 24);
  const cap = p.obj(20, 160, 'mb.capture~ 1 512', maxCapture().ports());
  const params = p.obj(20, 220, 'mb.params 1', maxParams().ports());
  const norm = p.ui('multislider', 20, 260, 200, 80, { size: FULL_FRAME, setminmax: [0, 1] });
  const seq = p.ui('number', 240, 260, 60, 22);
  p.connect(adc, 0, cap, 0).connect(on, 0, cap, 1).connect(params, 0, norm, 0).connect(params, 2, seq, 0);
  reference(p, 380, [
    'Argument: the stream id.',
    `Outlets: 1) normalized values (0..1) in model order: ${frameOrder()} 2) the same in units (MIDI, s, dB, Hz, Q, ...) 3) the sequence number.`,
  ]);
  return p;
}

export function synthHelp(): MaxPatcher {
  const p = titled('mb.synth~', `The plant - the synthesizer MirrorNet learned to control - in MSP, with the plant's parameter semantics: give it frames of ${SHORT_FRAME} or ${FULL_FRAME} normalized values.`, 700);
  const n = (v: number) => exprNumber(v, 'max');
  const sliders = p.ui('multislider', 20, 100, 300, 120, { size: FULL_FRAME, setminmax: [0, 1] });
  const init = p.obj(20, 80, `loadmess ${demoFrame(FULL_FRAME).map(n).join(' ')}`);
  const metro = p.obj(340, 100, 'metro 8');
  const on = p.ui('toggle', 340, 70, 24, 24);
  const hold = p.obj(340, 130, 'zl.reg');
  const synth = p.obj(340, 170, 'mb.synth~', maxSynth().ports());
  const gain = p.obj(340, 200, '*~ 0.5');
  const dac = p.ui('ezdac~', 340, 240, 45, 45);
  p.connect(init, 0, sliders, 0).connect(on, 0, metro, 0).connect(metro, 0, hold, 0).connect(sliders, 0, hold, 1);
  p.connect(hold, 0, synth, 0).connect(synth, 0, gain, 0).connect(gain, 0, dac, 0).connect(gain, 0, dac, 1);
  p.comment(20, 230, FRAME_NAMES.join(' / '), 320);
  p.comment(380, 70, `send the frame 125 times a second; move "note" by more than half a semitone (${(RETRIGGER / NOTE_SPAN).toFixed(3)}) with duration > ${GATE} to retrigger, slower to glide`, 400);
  const m = mappingFormula;
  reference(p, 320, [
    `Inlet: a list of ${SHORT_FRAME} (set 1) or ${FULL_FRAME} (set 2) normalized values; rate <frames per second> (default 125: 8 ms ramps).`,
    `Mappings: note MIDI ${m('note')} / duration: gate on above ${GATE} / volume ${m('volume')} dB / cutoff ${m('cutoff')} Hz band-pass / resonance Q ${m('resonance')} / attack ${m('attack')} s / decay ${m('decay')} s to -60 dB / vibrato ${m('vibratoRate')} Hz, ${m('vibratoIntensity')} semitones, phase ${m('vibratoPhase')}.`,
    'The same synth exists in the TypeScript plant (what MirrorNet was trained with) and in Pd ([mb.plant~]).',
  ]);
  return p;
}

export function vstMapHelp(): MaxPatcher {
  const p = titled('mb.vst-map', 'Drives a plug-in in [vst~] from parameter frames: note/duration become MIDI notes, the other values go to the plug-in parameters in the mapping table. Double-click [coll mb.vstmap] inside to edit: "<frame index>, <vst~ parameter number> <min> <max>;".');
  const frame = p.msg(20, 100, demoFrame(SHORT_FRAME).map((v) => exprNumber(v, 'max')).join(' '));
  const map = p.obj(20, 140, 'mb.vst-map', maxVstMap().ports());
  const print = p.obj(20, 180, 'print to-vst~');
  const vst = p.obj(200, 180, 'vst~ 2 2');
  const plug = p.msg(200, 140, 'plug');
  p.connect(frame, 0, map, 0).connect(map, 0, print, 0).connect(map, 0, vst, 0).connect(plug, 0, vst, 0);
  reference(p, 260, [
    'Inlet: frames. Outlet: "<parameter> <value>" and "midievent <status> <note> <velocity>" messages for [vst~].',
    `Frame indices: ${FRAME_NAMES.map((name) => `${frameIndex(name)} ${name}`).join(', ')}.`,
    'Send "params" to [vst~] to print its parameter numbers and names.',
  ]);
  return p;
}

/**
 * The Max package's abstractions (patches/max/patchers):
 *   [mb.bridge]        node.script running the mirrorbridge engine in Max
 *   [mb.capture~ id n] a signal to the bridge in blocks (jit.catch~ -> lists)
 *   [mb.params id]     a stream's parameter frames
 *   [mb.vst-map]       frames -> [vst~] parameters and MIDI notes through an editable table
 * ([mb.synth~], the plant in MSP, is in synth.ts.) They talk through [send mb.in] (to
 * node.script) and [receive mb.out] (everything it says), so one [mb.bridge] serves a whole
 * Max session. Bridge selectors and replies go through selectors.ts.
 */
import { exprNumber, mappingExpr } from '../mapping';
import { frameIndex, frameOrder, FULL_FRAME, GATE, SHORT_FRAME } from '../plant-frame';
import { SET1 } from '../../src/synth/params';
import { MaxPatcher } from './patcher';
import type { MaxIo } from './patcher';
import { maxMessage, maxPrepend, maxReplies, maxRoute, maxSelector, maxSliceBefore, maxReplyUsage } from './selectors';
import { expectArgAt, outOf } from '../vocabulary';

export function maxBridge(): MaxPatcher {
  const p = new MaxPatcher({ width: 760, height: 460 });
  p.comment(20, 10, `[mb.bridge] runs the mirrorbridge engine inside Max (Node for Max): models, live streams, offline jobs, and - on "${maxSelector('/mb/server/start')}" - the OSC/WebSocket servers for Pd and browsers. Every [mb.bridge] of a Max session shares one engine: the first to start runs it, the others pass their messages to it (and take over if its patch closes). [mb.capture~], [mb.params] and the examples reach it through [send mb.in] / [receive mb.out]. Messages are the OSC addresses without /mb/.`, 700);
  const inlet = p.inlet(20, 80, `messages to the bridge: ${(['/mb/models/list', '/mb/models/load', '/mb/stream/open', '/mb/stream/close', '/mb/job/resynth', '/mb/job/vq', '/mb/server/start', '/mb/status'] as const).map(maxSelector).join(', ')} ...`);
  const rin = p.obj(120, 80, 'r mb.in');
  const node = p.obj(20, 140, 'node.script mirrorbridge.js @autostart 1 @watch 0');
  const out = p.obj(20, 200, 's mb.out');
  const route = p.obj(160, 200, maxRoute('/mb/error'));
  const print = p.obj(160, 230, 'print mirrorbridge');
  const outlet = p.outlet(20, 300, `everything the bridge says: ${maxReplies('/mb/params', '/mb/params/units', '/mb/stream/opened', '/mb/stream/paramnames', '/mb/job/done', '/mb/models/loaded', '/mb/error').split(' ').join(', ')} ...`);
  const status = p.outlet(400, 300, 'node.script status');
  // [s mb.in] reaches every [mb.bridge] of the session: tagged `bus`, only the one that runs
  // the engine acts on it (messages into this inlet are this patch's own).
  const bus = p.obj(120, 110, 'prepend bus');
  p.connect(inlet, 0, node, 0).connect(rin, 0, bus, 0).connect(bus, 0, node, 0).connect(node, 0, out, 0).connect(node, 0, outlet, 0);
  p.connect(node, 0, route, 0).connect(route, 0, print, 0).connect(node, 1, status, 0);
  // The handshake: Max starts node.script's process after the patch has loaded and drops what
  // is sent before the script runs, so patches send their load-time messages on [r mb.ready]
  // (a bang once the engine has loaded), and show [r mb.state] (starting, ready, busy, idle).
  const states = p.obj(400, 140, maxRoute('/mb/ready', '/mb/busy', '/mb/idle'));
  const onReady = p.obj(400, 170, 't b b');
  const sReady = p.obj(400, 230, 's mb.ready');
  const stateMsgs = (['ready', 'busy', 'idle'] as const).map((name, i) => p.msg(480 + i * 60, 200, name));
  const lb = p.obj(660, 140, 'loadbang');
  const starting = p.msg(660, 170, 'starting');
  const sState = p.obj(480, 230, 's mb.state');
  const stateOut = p.outlet(560, 300, 'state: starting, ready, busy, idle');
  p.connect(node, 0, states, 0).connect(states, 0, onReady, 0).connect(onReady, 1, stateMsgs[0], 0).connect(onReady, 0, sReady, 0);
  p.connect(states, 1, stateMsgs[1], 0).connect(states, 2, stateMsgs[2], 0).connect(lb, 0, starting, 0);
  for (const m of [...stateMsgs, starting]) p.connect(m, 0, sState, 0).connect(m, 0, stateOut, 0);
  p.comment(20, 340, 'First time: the package\'s javascript/mirrorbridge.js loads the compiled bridge from the mirrorbridge checkout (npm install && npm run build there). If node.script reports a missing module, see the package README.', 700);
  p.comment(20, 390, `"ready" (a bang on [r mb.ready]) comes once the engine has loaded its models, and again after ${maxSelector('/mb/config')} restarts it: send what a patch sends at load on it, not on loadbang. "busy" / "idle": offline jobs running / none left. The state also goes to [r mb.state].`, 700);
  return p;
}

export function maxCapture(): MaxPatcher {
  const p = new MaxPatcher({ width: 760, height: 520 });
  p.comment(20, 10, `[mb.capture~ <stream id> <block size>] sends its signal to the bridge in blocks: 1 opens the stream (${maxSelector('/mb/stream/open')} <id> <sample rate> <block size>) and starts sending, 0 closes it. Both arguments are needed (e.g. 1 512).`, 700);
  const sig = p.inlet(20, 70, 'signal to stream');
  const ctl = p.inlet(300, 70, '1 open and send, 0 close');
  const catcher = p.obj(20, 160, 'jit.catch~ @mode 1 @framesize #2');
  const metro = p.obj(300, 160, 'metro 5');
  const spill = p.obj(20, 200, 'jit.spill @listlength #2');
  const audio = p.obj(20, 240, maxPrepend('/mb/stream/audio', '#1'));
  const send = p.obj(20, 280, 's mb.in');
  // Only whole blocks go out: a tick that finds no complete frame (an empty or short list) is dropped here.
  const both = p.obj(180, 200, 't l l');
  const length = p.obj(260, 230, 'zl.len');
  const whole = p.obj(260, 260, '== #2');
  const pass = p.obj(180, 290, 'gate 1');
  p.connect(sig, 0, catcher, 0).connect(metro, 0, catcher, 0).connect(catcher, 0, spill, 0).connect(spill, 0, both, 0);
  p.connect(both, 1, length, 0).connect(length, 0, whole, 0).connect(whole, 0, pass, 0).connect(both, 0, pass, 1).connect(pass, 0, audio, 0).connect(audio, 0, send, 0);
  const sel = p.obj(300, 100, 'sel 1 0');
  const openT = p.obj(300, 130, 't b b');
  const state = p.obj(480, 160, 'dspstate~');
  const pack = p.obj(480, 200, 'pack #1 0. #2');
  const open = p.obj(480, 240, maxPrepend('/mb/stream/open'));
  const closeT = p.obj(620, 130, 't b b');
  const stop = p.msg(620, 160, 'stop');
  const close = p.msg(660, 200, maxMessage('/mb/stream/close', '#1'));
  p.connect(ctl, 0, sel, 0).connect(sel, 0, openT, 0).connect(openT, 1, state, 0).connect(state, 1, pack, 1);
  // Blocks start once the bridge says the stream is open, so none arrives before it.
  const replies = p.obj(620, 240, 'r mb.out');
  const opened = p.obj(620, 270, maxRoute('/mb/stream/opened'));
  const ours = p.obj(620, 300, 'route #1');
  const start = p.obj(620, 330, 't b');
  expectArgAt(outOf('/mb/stream/opened', 'max'), 'id', 0);
  p.connect(openT, 0, pack, 0).connect(pack, 0, open, 0).connect(open, 0, send, 0);
  p.connect(replies, 0, opened, 0).connect(opened, 0, ours, 0).connect(ours, 0, start, 0).connect(start, 0, metro, 0);
  p.connect(sel, 1, closeT, 0).connect(closeT, 1, stop, 0).connect(stop, 0, metro, 0).connect(closeT, 0, close, 0).connect(close, 0, send, 0);
  p.comment(20, 330, `jit.catch~ (mode 1) keeps whole blocks of #2 samples; the metro collects them every 5 ms, faster than a block lasts, and jit.spill turns each into a list for the bridge (should Max stall long enough for two blocks to wait, the second is lost); a list that is not a whole block (a tick with no new frame) is dropped, never sent. Blocks start when the bridge answers stream/opened for this id, so none arrives before the stream is open. Latency added: one block. The bridge answers "${maxReplyUsage('/mb/stream/opened')}" (then "${maxReplyUsage('/mb/stream/paramnames')}") through [mb.bridge].`, 700);
  return p;
}

export function maxParams(): MaxPatcher {
  const p = new MaxPatcher({ width: 700, height: 420 });
  p.comment(20, 10, `[mb.params <stream id>] outputs the frames the bridge computes for one stream: normalized values (0..1, model order: ${frameOrder()}), the same in units, and the sequence number.`, 650);
  const from = p.obj(20, 80, 'r mb.out');
  const route = p.obj(20, 110, maxRoute('/mb/params', '/mb/params/units'));
  const idNorm = p.obj(20, 140, 'route #1');
  const idUnits = p.obj(200, 140, 'route #1');
  // [route #1] takes the stream id off the front; what is left splits before the values
  for (const address of ['/mb/params', '/mb/params/units'] as const) expectArgAt(outOf(address, 'max'), 'id', 0);
  const sliceNorm = p.obj(20, 170, maxSliceBefore('/mb/params', 'values', 1));
  const sliceUnits = p.obj(200, 170, maxSliceBefore('/mb/params/units', 'values', 1));
  const outNorm = p.outlet(20, 230, 'normalized values');
  const outUnits = p.outlet(200, 230, 'values in units');
  const outSeq = p.outlet(380, 230, 'sequence number');
  p.chain(from, route).connect(route, 0, idNorm, 0).connect(route, 1, idUnits, 0);
  p.connect(idNorm, 0, sliceNorm, 0).connect(idUnits, 0, sliceUnits, 0);
  p.connect(sliceNorm, 1, outNorm, 0).connect(sliceNorm, 0, outSeq, 0).connect(sliceUnits, 1, outUnits, 0);
  return p;
}

export function maxVstMap(): MaxPatcher {
  const p = new MaxPatcher({ width: 900, height: 560 });
  // the default table: the set-1 values that are not note or duration, to plug-in parameters 1, 2, ...
  const mapped = SET1.filter((name) => name !== 'note' && name !== 'duration');
  p.comment(20, 10, `[mb.vst-map] drives a plug-in in [vst~] (e.g. DIVA) from parameter frames: note and duration become MIDI notes, the other values go to the plug-in parameters listed in the mapping table. Double-click [coll mb.vstmap] to edit it: one line per frame value, "<index>, <vst~ parameter number> <min> <max>;" (index: ${mapped.map((name) => `${frameIndex(name)} ${name}`).join(', ')} ...). Send "params" to [vst~] to see its parameter numbers.`, 850);
  const inlet = p.inlet(20, 100, `frames (lists of ${SHORT_FRAME} or ${FULL_FRAME} normalized values)`);
  const t = p.obj(20, 130, 't l l');
  const funnel = p.obj(20, 160, 'listfunnel');
  const pair = p.obj(20, 190, 'unpack i f');
  const coll = p.obj(20, 250, 'coll mb.vstmap @embed 1', undefined, {
    saved_object_attributes: { embed: 1, precision: 6 },
    coll_data: {
      count: mapped.length,
      data: mapped.map((name, i) => ({ key: frameIndex(name), value: [i + 1, 0, 1] })),
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
  // notes: the continuous note mapping rounded (int(x + 0.5)), on while the gate is
  const nd = p.obj(400, 160, 'zl.slice 2');
  const unpackNd = p.obj(400, 190, 'unpack f f');
  const midi = p.obj(400, 250, `expr int(${mappingExpr('note', 'max', { offset: 0.5 })}) * ($f2 > ${exprNumber(GATE, 'max')})`);
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

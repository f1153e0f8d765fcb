/**
 * The Pd networking abstractions besides [mb.bridge] (bridge.ts, the one connection to the
 * server): [mb.request] (any request), [mb.send~] (audio blocks out), [mb.params] (parameter
 * frames in), [mb.files] and the internal [mb.idfilter]. All vanilla (Pd >= 0.51).
 *
 * Traffic inside Pd goes through two global names, so one socket pair and one /mb/hello
 * serve a whole Pd instance:
 *   [s mb.to-bridge]    OSC packets (byte lists from [oscformat]) to send;
 *   [r mb.from-bridge]  every message from the server, parsed, as "mb <address parts> <args>";
 *   [r mb.connected]    a bang whenever the bridge answers again (late start, restart), so
 *                       streams re-open themselves.
 */
import type { MbErrorCode } from '../../src/core/errors';
import { PdCanvas } from './canvas';
import type { PdNode } from './canvas';
import { withDefault } from './bridge';
import { frameOrder } from '../plant-frame';
import { expectArgAt, outOf } from '../vocabulary';
import { oscAddress, oscOut, pdArgIndex, pdFormat, pdRequest, pdRoute, pdRouteWords } from './osc';

export function mbRequest(): PdCanvas {
  const p = new PdCanvas({ width: 560, height: 330 });
  p.text(20, 10, `[mb.request <address parts>] sends one request to the server through [mb.bridge]: [${pdRequest('/mb/models/load')}] sends ${oscAddress('/mb/models/load')} with the list at its inlet as arguments (a bang sends no arguments).`, 80);
  const inlet = p.obj(20, 70, 'inlet');
  const lb = p.obj(200, 70, 'loadbang');
  const args = p.msg(200, 95, 'args 0');
  const ctl = p.obj(200, 120, 'pdcontrol');
  const set = p.obj(200, 145, 'list prepend set mb');
  const trim = p.obj(200, 170, 'list trim');
  const asList = p.obj(20, 180, 'list');
  const fmt = p.obj(20, 210, 'oscformat');
  const send = p.obj(20, 240, 's mb.to-bridge');
  p.connect(lb, 0, args, 0).connect(args, 0, ctl, 0).connect(ctl, 0, set, 0).connect(set, 0, trim, 0).connect(trim, 0, fmt, 0);
  p.connect(inlet, 0, asList, 0).connect(asList, 0, fmt, 0).connect(fmt, 0, send, 0);
  p.text(120, 180, 'anything ("deform 1.5", "symbol x") becomes a list of arguments', 30);
  p.text(20, 280, 'Numbers go as OSC floats and symbols as strings: the server accepts integral floats where it expects integers.', 80);
  return p;
}

export function mbIdFilter(): PdCanvas {
  const p = new PdCanvas({ width: 480, height: 300 });
  p.text(20, 10, '[mb.idfilter <id>] passes a list "<id> <rest...>" on as "<rest...>" only when its first element equals the id (right inlet changes it). Internal to the mb.* abstractions.', 70);
  const inlet = p.obj(20, 70, 'inlet');
  const idIn = p.obj(200, 70, 'inlet');
  const split = p.obj(20, 100, 'list split 1');
  const eq = p.obj(20, 130, '== $1');
  const sel = p.obj(20, 155, 'sel 1');
  const keep = p.obj(20, 185, 'list append');
  const out = p.obj(20, 215, 'outlet');
  p.connect(inlet, 0, split, 0).connect(split, 1, keep, 1).connect(split, 0, eq, 0);
  p.connect(idIn, 0, eq, 1).connect(eq, 0, sel, 0).connect(sel, 0, keep, 0).connect(keep, 0, out, 0);
  p.text(130, 130, '[list split] sends the rest first, so it is stored before the id is compared', 40);
  return p;
}

export function mbSend(): PdCanvas {
  const p = new PdCanvas({ width: 1040, height: 740 });
  p.text(20, 10, `[mb.send~ <id> <block size>] streams its signal to the server as ${oscAddress('/mb/stream/audio')} <id> <samples...>, one message per block (default 512 samples; the server takes up to 8192). Right inlet: 1 opens the stream (audio flows once the server answers ${oscOut('/mb/stream/opened')}), 0 stops and closes it; "model <name>" picks the model used when the stream opens.`, 110);

  const sig = p.obj(20, 80, 'inlet~');
  const ctl = p.obj(400, 80, 'inlet');
  const blk = p.obj(120, 80, 'block~ 512');
  const tab = p.obj(20, 110, 'tabsend~ $0-block');
  p.obj(20, 560, 'array define $0-block 512');
  const bang = p.obj(20, 150, 'bang~');
  const gate = p.obj(20, 180, 'spigot');
  const get = p.obj(20, 205, 'array get $0-block');
  const prep = p.obj(20, 230, 'list prepend $1');
  const fmt = p.obj(20, 255, pdFormat('/mb/stream/audio'));
  const send = p.obj(20, 470, 's mb.to-bridge');
  p.connect(sig, 0, tab, 0).chain(bang, gate, get, prep, fmt).connect(fmt, 0, send, 0);

  // block size from the second argument
  const lb = p.obj(260, 110, 'loadbang');
  const st = p.obj(260, 215, 't f f f');
  const size = withDefault(p, 260, 135, '$2', 512, st);
  const setBlk = p.msg(120, 135, 'set $1 1 1');
  const resize = p.obj(360, 245, 'array size $0-block');
  const blockVal = p.obj(560, 340, 'f');
  p.connect(lb, 0, size, 0);
  p.connect(st, 2, setBlk, 0).connect(setBlk, 0, blk, 0).connect(st, 1, resize, 0).connect(st, 0, blockVal, 1);

  // control inlet: 1/0 and model <name>
  const route = p.obj(400, 110, 'route float model');
  const on = p.obj(400, 140, '!= 0');
  const change = p.obj(400, 165, 'change');
  const ont = p.obj(400, 190, 't f f');
  const state = p.obj(500, 250, 'f');
  const sel = p.obj(400, 250, 'sel 1 0');
  const warn = p.obj(560, 140, 'print mb.send~: expected 1/0 or model <name>');
  p.connect(ctl, 0, route, 0).connect(route, 0, on, 0).connect(on, 0, change, 0).connect(change, 0, ont, 0).connect(route, 2, warn, 0);
  p.connect(ont, 1, state, 1).connect(ont, 0, sel, 0);

  // open: /mb/stream/open <id> <sample rate> <block size> [model]; after a reconnection too
  const reconnect = p.obj(500, 225, 'r mb.connected');
  const reopen = p.obj(500, 275, 'sel 1');
  const openT = p.obj(400, 300, 't b b b');
  const sr = p.obj(480, 340, 'samplerate~');
  const id = p.obj(400, 340, 'f $1');
  const pack = p.obj(400, 370, 'pack f f f');
  const model = p.obj(400, 400, 'list append');
  const openFmt = p.obj(400, 430, pdFormat('/mb/stream/open'));
  p.connect(reconnect, 0, state, 0).connect(state, 0, reopen, 0).connect(reopen, 0, openT, 0);
  p.connect(sel, 0, openT, 0).connect(openT, 2, sr, 0).connect(openT, 1, blockVal, 0).connect(openT, 0, id, 0);
  p.connect(sr, 0, pack, 1).connect(blockVal, 0, pack, 2).connect(id, 0, pack, 0).connect(pack, 0, model, 0);
  p.connect(route, 1, model, 1).connect(model, 0, openFmt, 0).connect(openFmt, 0, send, 0);

  // close: stop sending, then /mb/stream/close <id>
  const closeT = p.obj(620, 300, 't b b');
  const stop = p.msg(700, 330, '0');
  const closeId = p.obj(620, 340, 'f $1');
  const closeFmt = p.obj(620, 430, pdFormat('/mb/stream/close'));
  p.connect(sel, 1, closeT, 0).connect(closeT, 1, stop, 0).connect(stop, 0, gate, 1);
  p.connect(closeT, 0, closeId, 0).connect(closeId, 0, closeFmt, 0).connect(closeFmt, 0, send, 0);

  // replies for this stream: audio flows only between opened and closed; the parameter names pass on
  for (const address of ['/mb/stream/opened', '/mb/stream/paramnames', '/mb/stream/closed'] as const) expectArgAt(outOf(address, 'osc'), 'id', 0);
  const from = p.obj(620, 470, 'r mb.from-bridge');
  const rmb = p.obj(620, 495, pdRoute('/mb'));
  const rstream = p.obj(620, 520, pdRoute('/mb/stream'));
  const rkind = p.obj(620, 545, pdRoute('/mb/stream/opened', '/mb/stream/closed', '/mb/stream/paramnames'));
  const fOpened = p.obj(620, 570, 'mb.idfilter $1');
  const fClosed = p.obj(760, 570, 'mb.idfilter $1');
  const fNames = p.obj(900, 570, 'mb.idfilter $1');
  const preNames = p.obj(900, 650, `list prepend ${pdRouteWords('/mb/stream/paramnames')}`);
  const openedT = p.obj(620, 595, 't l b');
  const closedT = p.obj(760, 595, 't l b');
  const flowOn = p.msg(680, 620, '1');
  const flowOff = p.msg(820, 620, '0');
  const preOpened = p.obj(620, 650, `list prepend ${pdRouteWords('/mb/stream/opened')}`);
  const preClosed = p.obj(760, 650, `list prepend ${pdRouteWords('/mb/stream/closed')}`);
  const outTrim = p.obj(620, 680, 'list trim');
  const out = p.obj(620, 705, 'outlet');
  p.chain(from, rmb, rstream, rkind).connect(rkind, 0, fOpened, 0).connect(rkind, 1, fClosed, 0);
  p.connect(fOpened, 0, openedT, 0).connect(openedT, 1, flowOn, 0).connect(flowOn, 0, gate, 1).connect(openedT, 0, preOpened, 0);
  p.connect(fClosed, 0, closedT, 0).connect(closedT, 1, flowOff, 0).connect(flowOff, 0, gate, 1).connect(closedT, 0, preClosed, 0);
  p.connect(rkind, 2, fNames, 0).connect(fNames, 0, preNames, 0).connect(preNames, 0, outTrim, 0);
  p.connect(preOpened, 0, outTrim, 0).connect(preClosed, 0, outTrim, 0).connect(outTrim, 0, out, 0);
  lostStream(p, 860, 80, rmb, state);

  p.text(20, 300, 'The abstraction runs in blocks of the block size ([block~]); [tabsend~] keeps the last block in a hidden array and [bang~] fires once per block, when it is complete.', 50);
  p.text(20, 500, `Outlet: ${sendOutlet()}, for this stream id. An open stream opens again, with the same settings, when the bridge answers again after a silence ([mb.bridge] sends mb.connected: a late start, a restart) and when the server says it has no such stream.`, 80);
  return p;
}

/**
 * The server's MB_ERR_UNKNOWN_STREAM for this stream id ("no open stream <id> for this
 * client", sent for every block after a server restart or a server-side close): bang the
 * open state, which re-opens a wanted stream, at most once per LOST_STREAM_REOPEN_MS (blocks
 * sent before the re-open still get errors). The message is one OSC string; [fudiparse]
 * splits it into words so [route] can find the id.
 */
export const LOST_STREAM_REOPEN_MS = 1000;
const UNKNOWN_STREAM: MbErrorCode = 'MB_ERR_UNKNOWN_STREAM';
/** The words before the id in the engine's message (src/engine/stream-set.ts, src/verbs/streams.ts). */
const UNKNOWN_STREAM_WORDS = ['no', 'open', 'stream'];

function lostStream(p: PdCanvas, x: number, y: number, rmb: PdNode, openState: PdNode): void {
  const rerr = p.obj(x, y, pdRoute('/mb/error'));
  const rcode = p.obj(x, y + 25, `route ${UNKNOWN_STREAM}`);
  const text = p.obj(x, y + 50, 'symbol');
  const chars = p.obj(x, y + 75, 'list fromsymbol');
  const words = p.obj(x, y + 100, 'fudiparse');
  const routes = UNKNOWN_STREAM_WORDS.map((w, i) => p.obj(x, y + 125 + 25 * i, `route ${w}`));
  const mine = p.obj(x, y + 200, 'mb.idfilter $1');
  const once = p.obj(x, y + 225, 't b');
  const limit = p.obj(x, y + 250, 'spigot 1');
  const pass = p.obj(x, y + 275, 't b b');
  const shut = p.msg(x + 90, y + 300, '0');
  const wait = p.obj(x + 130, y + 300, `delay ${LOST_STREAM_REOPEN_MS}`);
  const open = p.msg(x + 130, y + 325, '1');
  p.connect(rmb, 0, rerr, 0).chain(rerr, rcode, text, chars, words, ...routes, mine, once, limit, pass);
  p.connect(pass, 1, shut, 0).connect(shut, 0, limit, 1).connect(pass, 1, wait, 0).connect(wait, 0, open, 0).connect(open, 0, limit, 1);
  p.connect(pass, 0, openState, 0);
  p.text(x + 110, y + 175, `${UNKNOWN_STREAM} for this id: re-open, at most once per ${LOST_STREAM_REOPEN_MS} ms`, 30);
}

/** What [mb.send~]'s outlet gives: the stream replies for its id, without the id. */
export function sendOutlet(): string {
  const shape = (path: '/mb/stream/opened' | '/mb/stream/paramnames' | '/mb/stream/closed') => {
    const e = outOf(oscOut(path), 'osc');
    return `"${[pdRouteWords(path), ...e.signatures[0].slice(1).map((a) => `<${a.name}${a.repeat ? '...' : ''}>`)].join(' ')}"`;
  };
  return `${shape('/mb/stream/opened')}, then ${shape('/mb/stream/paramnames')} (streams with parameters), and ${shape('/mb/stream/closed')}`;
}

export function mbParams(): PdCanvas {
  const p = new PdCanvas({ width: 700, height: 420 });
  p.text(20, 10, `[mb.params <id>] outputs the parameter frames the server computes for stream <id>: left outlet the normalized values (0..1, in model order: ${frameOrder()}), middle outlet the same in units (MIDI, s, dB, Hz, Q...), right outlet the sequence number.`, 95);
  const inlet = p.obj(520, 90, 'inlet');
  const from = p.obj(20, 90, 'r mb.from-bridge');
  for (const address of ['/mb/params', '/mb/params/units'] as const) expectArgAt(outOf(address, 'osc'), 'id', 0);
  const rmb = p.obj(20, 115, pdRoute('/mb'));
  const rparams = p.obj(20, 140, pdRoute('/mb/params'));
  const runits = p.obj(20, 165, pdRoute('/mb/params/units'));
  const fNorm = p.obj(20, 190, 'mb.idfilter $1');
  const fUnits = p.obj(200, 190, 'mb.idfilter $1');
  p.chain(from, rmb, rparams).connect(rparams, 0, runits, 0).connect(runits, 0, fUnits, 0).connect(runits, 1, fNorm, 0);
  p.connect(inlet, 0, fNorm, 1).connect(inlet, 0, fUnits, 1);

  const tn = p.obj(20, 220, 't l l');
  // after [mb.idfilter] took the id: the sequence number, then the values
  const seqSplit = p.obj(60, 250, `list split ${pdArgIndex('/mb/params', 'values') - 1}`);
  const valSplit = p.obj(20, 280, `list split ${pdArgIndex('/mb/params', 'values') - 1}`);
  const unitSplit = p.obj(200, 220, `list split ${pdArgIndex('/mb/params/units', 'values') - 1}`);
  const outNorm = p.obj(20, 330, 'outlet');
  const outUnits = p.obj(200, 330, 'outlet');
  const outSeq = p.obj(380, 330, 'outlet');
  p.connect(fNorm, 0, tn, 0).connect(tn, 1, seqSplit, 0).connect(seqSplit, 0, outSeq, 0);
  p.connect(tn, 0, valSplit, 0).connect(valSplit, 1, outNorm, 0);
  p.connect(fUnits, 0, unitSplit, 0).connect(unitSplit, 1, outUnits, 0);
  p.text(20, 370, 'The sequence number comes out first (right to left), so it is known when the values arrive. A number at the inlet changes the stream id.', 95);
  return p;
}

export function mbFiles(): PdCanvas {
  const p = new PdCanvas({ width: 600, height: 300 });
  p.text(20, 10, '[mb.files] outputs the server\'s files folder (offline jobs read and write only there) as a symbol when banged. Default: the files folder of the mirrorbridge checkout this abstraction lives in (patches/pd/../../files), where npm start runs the server. "set <folder>" to the inlet or to [s mb.files] changes it for every [mb.files].', 80);
  const inlet = p.obj(20, 90, 'inlet');
  const rcv = p.obj(100, 90, 'r mb.files');
  const route = p.obj(20, 120, 'route bang set');
  const lb = p.obj(300, 90, 'loadbang');
  const dir = p.msg(300, 115, 'dir 0');
  const ctl = p.obj(300, 140, 'pdcontrol');
  const join = p.obj(300, 165, 'makefilename %s/../../files');
  const asSymbol = p.obj(120, 150, 'symbol');
  const store = p.obj(20, 200, 'symbol');
  const out = p.obj(20, 230, 'outlet');
  p.connect(inlet, 0, route, 0).connect(rcv, 0, route, 0).connect(route, 0, store, 0).connect(route, 1, asSymbol, 0).connect(asSymbol, 0, store, 1);
  p.connect(lb, 0, dir, 0).connect(dir, 0, ctl, 0).connect(ctl, 0, join, 0).connect(join, 0, store, 1).connect(store, 0, out, 0);
  return p;
}

/**
 * [mb.bridge]: the one connection between a Pd instance and the server, and the one place that
 * knows whether the server is there. UDP has no connection ([netsend -u] says 1 with nothing
 * listening), so "connected" means "the bridge answered lately": a ping every PING_MS, a state
 * that follows the answers, and a bang to [r mb.connected] whenever the bridge answers again,
 * which [mb.send~] takes as "re-open your stream" (a server started late, or restarted).
 *
 * Every message from the server counts as an answer (frames prove the link as well as pongs).
 * While not connected each ping goes with a /mb/hello: a restarted server has forgotten the
 * reply port, so its pongs would go to [netsend]'s socket, which Pd never reads.
 */
import { PdCanvas } from './canvas';
import type { PdNode } from './canvas';
import { oscAddress, oscOut, pdFormat, pdRoute, pdRouteWords } from './osc';

/** Heartbeat period. */
export const PING_MS = 500;
/** Silence after which a connected bridge is "reconnecting". */
export const PONG_TIMEOUT_MS = 1200;
/** Further silence after which it is "missing". */
export const MISSING_AFTER_MS = 5000;
/** Each distinct /mb/error line is printed once per this period. */
export const ERROR_REPEAT_MS = 5000;

/** The bridge states, by the code [mb.bridge] keeps them as (-1: not known yet, after connect). */
export const BRIDGE_STATES = ['missing', 'connected', 'reconnecting'] as const;
const MISSING = BRIDGE_STATES.indexOf('missing');
const CONNECTED = BRIDGE_STATES.indexOf('connected');
const RECONNECTING = BRIDGE_STATES.indexOf('reconnecting');

/**
 * [f $n] -> [sel 0] -> [fallback( : the argument, or `fallback` when it is missing ($n is 0),
 * delivered to `target`'s inlet. Returns the [f] to bang.
 */
export function withDefault(p: PdCanvas, x: number, y: number, arg: string, fallback: number, target: PdNode, inlet = 0): PdNode {
  const f = p.obj(x, y, `f ${arg}`);
  const sel = p.obj(x, y + 25, 'sel 0');
  const def = p.msg(x, y + 50, String(fallback));
  p.connect(f, 0, sel, 0).connect(sel, 0, def, 0).connect(def, 0, target, inlet).connect(sel, 1, target, inlet);
  return f;
}

/**
 * An [f] that holds a copy of the state: the state setter writes its right inlet, a bang reads
 * it. Each reader has its own, so one reader's answer never reaches another's [sel].
 */
function stateReader(p: PdCanvas, x: number, y: number, setter: PdNode): PdNode {
  const f = p.obj(x, y, 'f -1');
  p.connect(setter, 1, f, 1);
  return f;
}

export function mbBridge(): PdCanvas {
  const p = new PdCanvas({ width: 1100, height: 860 });
  p.text(20, 10, '[mb.bridge <server port> <reply port>] is the one connection between this Pd instance and the mirrorbridge server (defaults 9130 and 9140). Put exactly one in your patch: the other mb.* abstractions talk through it.', 100);

  const inlet = p.obj(20, 70, 'inlet');
  const rcv = p.obj(80, 70, 'r mb.bridge');
  const route = p.obj(20, 110, 'route connect listen hello disconnect');
  const unknown = p.obj(330, 140, 'print mb.bridge: unknown message');
  p.connect(inlet, 0, route, 0).connect(rcv, 0, route, 0).connect(route, 4, unknown, 0);

  // loadbang: listen on the reply port first, then connect (which says hello)
  const lb = p.obj(560, 70, 'loadbang');
  const lbt = p.obj(560, 95, 't b b');
  const host = p.obj(560, 210, 'list prepend 127.0.0.1');
  const port = withDefault(p, 560, 125, '$1', 9130, host);

  // the state: one setter; its right outlet updates every reader before the left reports
  const setState = p.obj(760, 520, 't f f');

  // connect <host> <port>: disconnect, connect, hello, and start the heartbeat with the state unknown
  const ct = p.obj(20, 170, 't b a b');
  const disc = p.msg(140, 200, 'disconnect');
  const cprep = p.obj(80, 230, 'list prepend connect');
  const ctrim = p.obj(80, 255, 'list trim');
  const after = p.obj(20, 290, 't b b');
  const unknownState = p.msg(20, 320, '-1');
  const heartbeat = p.obj(260, 320, `metro ${PING_MS}`);
  const pongTimeout = p.obj(760, 300, `delay ${PONG_TIMEOUT_MS}`);
  const missingTimeout = p.obj(760, 410, `delay ${MISSING_AFTER_MS}`);
  p.connect(route, 0, ct, 0).connect(host, 0, ct, 0);
  p.connect(ct, 2, disc, 0).connect(ct, 1, cprep, 0).connect(cprep, 0, ctrim, 0).connect(ct, 0, after, 0);
  // the state is unknown before the heartbeat starts: its first beat then says hello
  p.connect(after, 1, unknownState, 0).connect(unknownState, 0, setState, 0).connect(after, 0, heartbeat, 0).connect(after, 0, pongTimeout, 0);

  // listen <port>: (re)open the reply socket and say hello again
  const lt = p.obj(260, 170, 't b f');
  const listenMsg = p.msg(300, 200, 'listen $1');
  const rcvNet = p.obj(300, 560, 'netreceive -u -b');
  p.connect(route, 1, lt, 0).connect(lt, 1, listenMsg, 0).connect(listenMsg, 0, rcvNet, 0);
  const reply = withDefault(p, 660, 125, '$2', 9140, lt);
  p.connect(lb, 0, lbt, 0).connect(lbt, 0, port, 0).connect(lbt, 1, reply, 0);

  // /mb/hello <reply port>: on listen, on "hello", and with every ping while not connected
  const helloPort = p.obj(160, 400, 'f');
  const helloFmt = p.obj(160, 425, pdFormat('/mb/hello'));
  p.connect(lt, 1, helloPort, 1).connect(route, 2, helloPort, 0).connect(lt, 0, helloPort, 0);
  p.connect(helloPort, 0, helloFmt, 0);

  // heartbeat: hello first (while not connected), so the pong finds the reply port; then /mb/ping $0
  const beat = p.obj(260, 345, 't b b');
  const beatState = stateReader(p, 360, 370, setState);
  const beatSel = p.obj(360, 395, `sel ${CONNECTED}`);
  const beatHello = p.obj(420, 420, 't b');
  const token = p.obj(260, 400, 'f $0');
  const pingFmt = p.obj(260, 425, pdFormat('/mb/ping'));
  p.connect(heartbeat, 0, beat, 0).connect(beat, 1, beatState, 0).connect(beatState, 0, beatSel, 0).connect(beatSel, 1, beatHello, 0).connect(beatHello, 0, helloPort, 0);
  p.connect(beat, 0, token, 0).connect(token, 0, pingFmt, 0);

  // disconnect: /mb/bye, close the socket, stop the heartbeat; the bridge is then missing
  const dt = p.obj(440, 170, 't b b');
  const byeFmt = p.obj(440, 230, pdFormat('/mb/bye'));
  const stop = p.msg(520, 200, 'stop');
  const missingMsg = p.msg(600, 200, String(MISSING));
  p.connect(route, 3, dt, 0).connect(dt, 1, byeFmt, 0).connect(dt, 0, disc, 0).connect(dt, 0, stop, 0).connect(dt, 0, missingMsg, 0);
  p.connect(stop, 0, heartbeat, 0).connect(stop, 0, pongTimeout, 0).connect(stop, 0, missingTimeout, 0).connect(missingMsg, 0, setState, 0);

  // everything to send passes one gate: only while the socket is open
  const toBridge = p.obj(20, 400, 'r mb.to-bridge');
  const gate = p.obj(160, 460, 'spigot');
  const sprep = p.obj(160, 485, 'list prepend send');
  const strim = p.obj(160, 510, 'list trim');
  const net = p.obj(20, 560, 'netsend -u -b');
  p.connect(helloFmt, 0, gate, 0).connect(pingFmt, 0, gate, 0).connect(byeFmt, 0, gate, 0).connect(toBridge, 0, gate, 0);
  p.connect(gate, 0, sprep, 0).connect(sprep, 0, strim, 0).connect(strim, 0, net, 0);
  p.connect(disc, 0, net, 0).connect(ctrim, 0, net, 0).connect(net, 0, gate, 1);

  // any answer: re-arm the pong timeout, cancel "missing"; if not connected: connected, and tell the streams
  const parse = p.obj(300, 585, 'oscparse');
  const ptrim = p.obj(300, 610, 'list trim');
  const heard = p.obj(300, 635, 't a a');
  const answer = p.obj(560, 610, 't b b');
  const cancelMissing = p.msg(640, 640, 'stop');
  const answerState = stateReader(p, 560, 660, setState);
  const answerSel = p.obj(560, 685, `sel ${CONNECTED}`);
  const nowConnected = p.obj(620, 710, 't b b');
  const connectedMsg = p.msg(660, 735, String(CONNECTED));
  const connected = p.obj(560, 760, 's mb.connected');
  p.connect(rcvNet, 0, parse, 0).connect(parse, 0, ptrim, 0).connect(ptrim, 0, heard, 0).connect(heard, 1, answer, 0);
  p.connect(answer, 1, pongTimeout, 0).connect(answer, 1, cancelMissing, 0).connect(cancelMissing, 0, missingTimeout, 0);
  p.connect(answer, 0, answerState, 0).connect(answerState, 0, answerSel, 0).connect(answerSel, 1, nowConnected, 0);
  p.connect(nowConnected, 1, connectedMsg, 0).connect(connectedMsg, 0, setState, 0).connect(nowConnected, 0, connected, 0);

  // silence: connected -> reconnecting (and, 5 s later, missing); never connected -> missing
  const silence = stateReader(p, 760, 325, setState);
  const silenceSel = p.obj(760, 350, `sel ${CONNECTED}`);
  const lost = p.obj(760, 375, 't b b');
  const reconnectingMsg = p.msg(840, 400, String(RECONNECTING));
  const neverMsg = p.msg(860, 375, String(MISSING));
  const stillSilent = p.msg(760, 435, String(MISSING));
  p.connect(pongTimeout, 0, silence, 0).connect(silence, 0, silenceSel, 0).connect(silenceSel, 0, lost, 0).connect(silenceSel, 1, neverMsg, 0);
  p.connect(lost, 1, reconnectingMsg, 0).connect(reconnectingMsg, 0, setState, 0).connect(lost, 0, missingTimeout, 0);
  p.connect(neverMsg, 0, setState, 0).connect(missingTimeout, 0, stillSilent, 0).connect(stillSilent, 0, setState, 0);

  // report a change: 1/0 on the right outlet, the state's name on the third, [s mb.state], one console line
  const change = p.obj(760, 545, 'change -1');
  const names = p.obj(760, 570, `sel ${BRIDGE_STATES.map((_, i) => i).join(' ')}`);
  const nameMsgs = BRIDGE_STATES.map((name, i) => p.msg(760 + i * 95, 595, `symbol ${name}`));
  const named = p.obj(760, 625, 't s s s');
  const stateSend = p.obj(880, 655, 's mb.state');
  const stateTrim = p.obj(760, 655, 'list trim');
  const statePrint = p.obj(760, 680, 'print mb.bridge');
  const isConnected = p.obj(960, 545, `== ${CONNECTED}`);
  const flagChange = p.obj(960, 570, 'change');
  p.connect(setState, 0, change, 0).connect(change, 0, names, 0).connect(change, 0, isConnected, 0).connect(isConnected, 0, flagChange, 0);
  nameMsgs.forEach((m, i) => p.connect(names, i, m, 0).connect(m, 0, named, 0));
  p.connect(named, 1, stateSend, 0).connect(named, 0, stateTrim, 0).connect(stateTrim, 0, statePrint, 0);

  // everything received, less our own pongs: shared, and /mb/error printed once per cause
  const rmb = p.obj(300, 660, pdRoute('/mb'));
  const rpong = p.obj(300, 685, pdRoute('/mb/pong'));
  const ownPong = p.obj(300, 710, 'sel $0');
  const otherPong = p.obj(360, 735, `list prepend mb ${pdRouteWords('/mb/pong')}`);
  const rest = p.obj(440, 710, 'list prepend mb');
  const shared = p.obj(300, 760, 'list trim');
  const fromBridge = p.obj(420, 790, 's mb.from-bridge');
  p.connect(heard, 0, rmb, 0).connect(rmb, 0, rpong, 0).connect(rpong, 0, ownPong, 0).connect(ownPong, 1, otherPong, 0).connect(rpong, 1, rest, 0);
  p.connect(otherPong, 0, shared, 0).connect(rest, 0, shared, 0).connect(shared, 0, fromBridge, 0);
  errorLimiter(p, 20, 600, rmb);

  const out = p.obj(20, 810, 'outlet');
  const outFlag = p.obj(120, 810, 'outlet');
  const outState = p.obj(220, 810, 'outlet');
  p.connect(shared, 0, out, 0).connect(flagChange, 0, outFlag, 0).connect(named, 2, outState, 0);
  p.text(20, 240, 'Messages: connect <host> <port> / listen <port> / hello / disconnect - to the inlet or to [s mb.bridge] (pd -send "mb.bridge connect 127.0.0.1 9130" works too).', 34);
  p.text(900, 70, `Outlets: 1) every message from the server as "mb <address parts> <arguments>" (also to [r mb.from-bridge]) 2) 1 while the bridge answers, 0 when not 3) the state: ${BRIDGE_STATES.join(' | ')} (also to [r mb.state], and printed once per change).`, 30);
  p.text(900, 260, `${oscAddress('/mb/ping')} every ${PING_MS} ms. No answer for ${PONG_TIMEOUT_MS} ms: reconnecting; ${MISSING_AFTER_MS / 1000} s more: missing. The first answer after that: connected, and a bang to [r mb.connected] so streams open again. ${oscOut('/mb/error')} is printed as mb.error, each distinct line once per ${ERROR_REPEAT_MS / 1000} s.`, 30);
  return p;
}

/**
 * /mb/error lines, each printed once per ERROR_REPEAT_MS: a line already in [text define]
 * (found by [text search]) is dropped; the text is cleared every period. A stream sending to a
 * server that lost it gets one error per block, which would flood the Pd window otherwise.
 */
function errorLimiter(p: PdCanvas, x: number, y: number, rmb: PdNode): void {
  const rerr = p.obj(x, y, pdRoute('/mb/error'));
  const asList = p.obj(x, y + 25, 'list');
  const keep = p.obj(x, y + 50, 't l l');
  const search = p.obj(x, y + 75, 'text search $0-errors');
  const isNew = p.obj(x, y + 100, 'moses 0');
  const newT = p.obj(x, y + 125, 't b');
  const stored = p.obj(x + 120, y + 75, 'list');
  const record = p.obj(x + 120, y + 100, 't l l');
  const insert = p.obj(x + 120, y + 125, 'text insert $0-errors 1e+09');
  const asMessage = p.obj(x + 120, y + 150, 'list trim');
  const print = p.obj(x + 120, y + 170, 'print mb.error');
  const text = p.obj(x + 120, y + 50, 'text define $0-errors');
  const lb = p.obj(x + 240, y, 'loadbang');
  const period = p.obj(x + 240, y + 25, `metro ${ERROR_REPEAT_MS}`);
  const clear = p.msg(x + 240, y + 50, 'clear');
  p.connect(rmb, 0, rerr, 0).connect(rerr, 0, asList, 0).connect(asList, 0, keep, 0).connect(keep, 1, stored, 1).connect(keep, 0, search, 0);
  p.connect(search, 0, isNew, 0).connect(isNew, 0, newT, 0).connect(newT, 0, stored, 0).connect(stored, 0, record, 0);
  p.connect(record, 1, insert, 0).connect(record, 0, asMessage, 0).connect(asMessage, 0, print, 0);
  p.connect(lb, 0, period, 0).connect(period, 0, clear, 0).connect(clear, 0, text, 0);
}

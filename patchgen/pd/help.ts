/**
 * Help patches (NAME-help.pd) for the Pd abstractions and for the mbstream~ external.
 * Each one: what it does, a patch that runs, the inlets/outlets/arguments, see also.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PdCanvas } from './canvas';
import type { PdNode } from './canvas';
import { demoFrame, FRAME_NAMES, frameOrder, FULL_FRAME, GATE, NOTE_SPAN, RELEASE_MS, RETRIGGER, SHORT_FRAME } from '../plant-frame';
import { bundledModel } from '../vocabulary';
import { BRIDGE_STATES, ERROR_REPEAT_MS, MISSING_AFTER_MS, PING_MS, PONG_TIMEOUT_MS } from './bridge';
import { sendOutlet } from './net';
import { oscAddress, oscOut, oscUsage, pdRequest, pdRoute, pdRouteWords } from './osc';

const VERSION_NOTE = 'mirrorbridge 0.1 - vanilla Pd 0.51 or later';

/** Title box, one-line description and the reference text common to every help patch. */
export function header(p: PdCanvas, object: string, summary: string): void {
  p.text(20, 15, `[${object}] - ${summary}`, 90);
  p.text(20, 45, '____________________________________________________________________________________________', 100);
}

export function reference(p: PdCanvas, x: number, y: number, lines: string[]): void {
  const { canvas } = p.subpatch(x, y, 'reference', { width: 620, height: 40 + lines.length * 40 });
  lines.forEach((line, i) => canvas.text(20, 20 + i * 40, line, 80));
}

/** "see also" as text: an [mb.bridge] box here would open a second connection. */
export function footer(p: PdCanvas, y: number, seeAlso: string[]): void {
  p.text(20, y, `see also: ${seeAlso.map((n) => `[${n}]`).join(' ')}`, 80);
  p.text(520, y + 40, VERSION_NOTE, 40);
}

/** [mb.bridge 9130 9140] with its connected flag and state shown, used by the help patches that need a connection. */
export function withBridge(p: PdCanvas, x: number, y: number): PdNode {
  const b = p.obj(x, y, 'mb.bridge 9130 9140');
  const flag = p.floatatom(x + 75, y + 30, 3);
  const state = p.symbolatom(x + 150, y + 30, 12);
  p.connect(b, 1, flag, 0).connect(b, 2, state, 0);
  return b;
}

export function bridgeHelp(): PdCanvas {
  const p = new PdCanvas({ width: 760, height: 620 });
  header(p, 'mb.bridge', 'the connection to the mirrorbridge server');
  p.text(20, 70, `Start the server first (npm start in the mirrorbridge folder: OSC on UDP 9130). [mb.bridge] connects to it on load, listens for replies on its second argument, and registers that port with ${oscAddress('/mb/hello')} (Pd's [netsend] cannot receive on its sending socket). Put exactly ONE [mb.bridge] in a Pd instance: [mb.send~] [mb.params] [mb.request] talk through it.`, 100);
  const connect = p.msg(20, 170, 'connect 127.0.0.1 9130');
  const listen = p.msg(200, 170, 'listen 9141');
  const hello = p.msg(310, 170, 'hello');
  const disc = p.msg(370, 170, 'disconnect');
  const b = p.obj(20, 220, 'mb.bridge 9130 9140');
  const flag = p.floatatom(200, 250, 3);
  const state = p.symbolatom(380, 250, 12);
  const print = p.obj(20, 280, 'print from-server');
  p.connect(connect, 0, b, 0).connect(listen, 0, b, 0).connect(hello, 0, b, 0).connect(disc, 0, b, 0);
  p.connect(b, 0, print, 0).connect(b, 1, flag, 0).connect(b, 2, state, 0);
  p.text(240, 250, '1 = the bridge answers', 20);
  p.text(500, 250, BRIDGE_STATES.join(' / '), 30);
  const ask = p.obj(20, 340, pdRequest('/mb/status'));
  const bng = p.bang(20, 315);
  p.connect(bng, 0, ask, 0);
  p.text(50, 312, `ask for the status: watch the Pd window for "from-server: mb ${oscOut('/mb/status/summary').split('/').slice(2).join(' ')} ..."`, 60);
  const remote = p.msg(20, 390, '; mb.bridge connect 127.0.0.1 9130');
  void remote;
  p.text(20, 420, `The same messages work through [s mb.bridge] - or from the command line: pd -send "mb.bridge connect 127.0.0.1 9130" -send "mb.bridge listen 9141". Errors from the server (${oscOut('/mb/error')}) are printed as "mb.error: <code> <message>", each distinct line once per ${ERROR_REPEAT_MS / 1000} s.`, 100);
  reference(p, 20, 490, [
    'Arguments: 1) server UDP port (default 9130) 2) reply port this Pd listens on (default 9140).',
    `Inlet (or [s mb.bridge]): connect <host> <port> / listen <port> / hello / disconnect (sends ${oscAddress('/mb/bye')}).`,
    'Outlets: 1) every server message as "mb <address parts> <arguments>" (also sent to [r mb.from-bridge]) 2) 1 while the bridge answers, 0 when not 3) the state, also sent to [r mb.state].',
    `UDP has no connection, so it pings (${oscAddress('/mb/ping')} every ${PING_MS} ms): connected = the bridge answers; reconnecting = no answer for ${PONG_TIMEOUT_MS} ms; missing = none for ${MISSING_AFTER_MS / 1000} s more, or none since it connected. Each change is printed once.`,
    'When the bridge answers again it sends a bang to [r mb.connected], and every [mb.send~] opens its stream again with the same settings: start the server before or after the patch, restart it, nothing to click.',
  ]);
  footer(p, 540, ['mb.request', 'mb.send~', 'mb.params']);
  return p;
}

export function requestHelp(): PdCanvas {
  const p = new PdCanvas({ width: 760, height: 560 });
  header(p, 'mb.request', 'send one request to the server');
  p.text(20, 70, 'The arguments are the parts of the OSC address after /mb; the inlet gives its arguments. Replies come back through [mb.bridge] (its left outlet, or [r mb.from-bridge]).', 100);
  withBridge(p, 450, 120);
  const list = p.bang(20, 130);
  const models = p.obj(20, 155, pdRequest('/mb/models/list'));
  const load = p.msg(220, 130, `symbol ${bundledModel('mirrornet-stream')}`);
  const loader = p.obj(220, 155, pdRequest('/mb/models/load'));
  const status = p.bang(20, 200);
  const st = p.obj(20, 225, pdRequest('/mb/status'));
  p.connect(list, 0, models, 0).connect(load, 0, loader, 0).connect(status, 0, st, 0);
  const from = p.obj(20, 280, 'r mb.from-bridge');
  const route = p.obj(20, 305, pdRoute('/mb'));
  const kind = p.obj(20, 330, pdRoute('/mb/models', '/mb/status', '/mb/error'));
  const pm = p.obj(20, 360, 'print models');
  const ps = p.obj(140, 360, 'print status');
  const pe = p.obj(260, 360, 'print error');
  p.chain(from, route, kind).connect(kind, 0, pm, 0).connect(kind, 1, ps, 0).connect(kind, 2, pe, 0);
  p.text(20, 400, 'Numbers are sent as OSC floats and symbols as strings. See docs/osc.md for every address, its arguments and its replies.', 100);
  reference(p, 20, 440, [`Arguments: the address parts after /mb (e.g. ${pdRequest('/mb/job/resynth').replace('mb.request ', '')}).`, 'Inlet: a list of arguments, or bang for none.']);
  footer(p, 480, ['mb.bridge', 'oscformat']);
  return p;
}

export function sendHelp(): PdCanvas {
  const p = new PdCanvas({ width: 780, height: 620 });
  header(p, 'mb.send~', 'stream a signal to the server');
  p.text(20, 70, `Opens a live stream (${oscUsage('/mb/stream/open')}) and, once the server answers ${oscOut('/mb/stream/opened')}, sends each block as ${oscAddress('/mb/stream/audio')} <id> <samples>. The server turns the audio into parameter frames (MirrorNet) that [mb.params] with the same id receives.`, 100);
  withBridge(p, 480, 140);
  const on = p.toggle(250, 140, 'stream');
  const model = p.msg(300, 170, `model ${bundledModel('mirrornet-stream')}`);
  const osc = p.obj(20, 140, 'osc~ 220');
  const amp = p.obj(20, 165, '*~ 0.3');
  const s = p.obj(20, 210, 'mb.send~ 1 512');
  const print = p.obj(20, 240, 'print stream');
  p.chain(osc, amp, s).connect(on, 0, s, 1).connect(model, 0, s, 1).connect(s, 0, print, 0);
  const dsp = p.msg(20, 290, '; pd dsp 1');
  void dsp;
  p.text(110, 290, 'DSP must run for blocks to flow', 40);
  p.text(20, 330, 'Latency added on the client: one block (512 samples = 11.6 ms at 44.1 kHz). Smaller blocks cost more messages; the server accepts any size up to 8192.', 100);
  reference(p, 20, 390, [
    'Arguments: 1) stream id (default 0), unique per Pd instance 2) block size in samples (default 512).',
    'Left inlet: the signal. Right inlet: 1/0 opens/closes the stream; model <name> selects the model for the next open.',
    `Outlet: ${sendOutlet()}, for this stream.`,
  ]);
  footer(p, 480, ['mb.params', 'mb.bridge']);
  p.text(20, 520, 'The compiled [mbstream~] external (externals/) does the same from C, with its own network thread.', 100);
  return p;
}

export function paramsHelp(): PdCanvas {
  const p = new PdCanvas({ width: 780, height: 620 });
  header(p, 'mb.params', 'receive parameter frames');
  p.text(20, 70, `The server sends one frame per analysis hop (about 8 ms) for each open stream: ${oscOut('/mb/params')} <id> <seq> <values> (normalized 0..1) and ${oscOut('/mb/params/units')} (Hz, dB, MIDI, s). [mb.params <id>] picks the frames of its stream.`, 100);
  withBridge(p, 480, 140);
  const mic = p.obj(20, 140, 'adc~ 1');
  const on = p.toggle(120, 140, 'stream');
  const s = p.obj(20, 175, 'mb.send~ 1');
  p.connect(mic, 0, s, 0).connect(on, 0, s, 1);
  const params = p.obj(20, 230, 'mb.params 1');
  const norm = p.listbox(20, 270, 50);
  const units = p.listbox(20, 300, 50);
  const seq = p.floatatom(20, 330, 8);
  p.connect(params, 0, norm, 0).connect(params, 1, units, 0).connect(params, 2, seq, 0);
  p.text(420, 270, 'normalized', 20);
  p.text(420, 300, 'in units', 20);
  p.text(100, 330, 'sequence number', 20);
  const plant = p.obj(20, 370, 'mb.plant~');
  const dac = p.obj(20, 400, 'dac~');
  p.connect(params, 0, plant, 0).connect(plant, 0, dac, 0).connect(plant, 0, dac, 1);
  p.text(110, 370, 'play the frames with the Pd plant', 40);
  p.msg(200, 140, '; pd dsp 1');
  p.text(290, 140, 'DSP on: blocks flow', 20);
  reference(p, 20, 450, [
    'Argument: stream id (default 0). Inlet: a number changes the id.',
    `Outlets: 1) normalized values in model order: ${frameOrder()} 2) the same in units 3) sequence number (first).`,
  ]);
  footer(p, 520, ['mb.plant~', 'mb.send~', 'mb.bridge']);
  return p;
}

export function plantHelp(): PdCanvas {
  const p = new PdCanvas({ width: 800, height: 660 });
  header(p, 'mb.plant~', 'the plant synth, in Pd');
  p.text(20, 70, `The synthesizer MirrorNet learns to control, rebuilt in vanilla Pd with the same parameter semantics as the TypeScript plant (continuous mode): a PolyBLEP saw+square through a resonant band-pass, an attack/decay envelope (sustain 0) gated by duration > ${GATE}, a soft clipper. The tests compare its output with the TS plant.`, 100);
  const names = FRAME_NAMES;
  const init = demoFrame(FULL_FRAME);
  const sliders = names.map((name, i) => p.hslider(20, 160 + i * 30, 0, 1, name));
  const pack = p.obj(20, 470, `pack ${names.map(() => 'f').join(' ')}`);
  const metro = p.obj(400, 160, 'metro 8');
  const on = p.toggle(400, 135, 'play');
  const last = p.obj(400, 190, 'list');
  sliders.forEach((s, i) => {
    if (i === 0) {
      p.connect(s, 0, pack, 0);
      return;
    }
    const t = p.obj(160, 160 + i * 30, 't b f');
    p.connect(s, 0, t, 0).connect(t, 1, pack, i).connect(t, 0, pack, 0);
  });
  p.connect(on, 0, metro, 0).connect(metro, 0, last, 0).connect(pack, 0, last, 1);
  const lb = p.obj(560, 100, 'loadbang');
  const initMsg = p.msg(560, 125, init.join(' '));
  const unpack = p.obj(560, 150, `unpack ${names.map(() => 'f').join(' ')}`);
  p.connect(lb, 0, initMsg, 0).connect(initMsg, 0, unpack, 0);
  sliders.forEach((s, i) => p.connect(unpack, i, s, 0));
  const plant = p.obj(400, 230, 'mb.plant~ 125');
  const vol = p.obj(400, 260, '*~ 0.5');
  const dac = p.obj(400, 290, 'dac~');
  p.connect(last, 0, plant, 0).connect(plant, 0, vol, 0).connect(vol, 0, dac, 0).connect(vol, 0, dac, 1);
  p.text(420, 135, 'send the frame 125 times a second', 30);
  const rate = p.msg(520, 200, 'rate 125');
  const reset = p.msg(600, 200, 'reset');
  p.connect(rate, 0, plant, 0).connect(reset, 0, plant, 0);
  const dsp = p.msg(400, 330, '; pd dsp 1');
  void dsp;
  p.text(400, 370, `Move "note" by more than half a semitone (${(RETRIGGER / NOTE_SPAN).toFixed(3)}) while "duration" > ${GATE}: the envelope retriggers. Slower moves glide. With duration below ${GATE} the note is released (${RELEASE_MS} ms).`, 45);
  reference(p, 20, 520, [
    'Argument: frames per second (default 125); frames ramp over one frame period.',
    `Inlet: a list of ${SHORT_FRAME} (set 1) or ${FULL_FRAME} (set 2) normalized values; rate <frames/s>; reset.`,
    'Outlet: the signal, within -1..1.',
  ]);
  footer(p, 580, ['mb.params', 'vline~', 'biquad~']);
  return p;
}

/** A #define of the external (externals/mb_core.h or mbstream~.c), so the help states what the C code does. */
function coreConstant(name: string, file = 'mb_core.h'): number {
  const source = readFileSync(path.join(__dirname, '..', '..', 'externals', file), 'utf8');
  const m = new RegExp(`#define ${name} (\\d+)`).exec(source);
  if (!m) throw new Error(`patchgen: externals/${file} has no #define ${name}`);
  return Number(m[1]);
}

/** What "stats" reports, in the order the external sends them (externals/mbstream~.c). */
const MBSTREAM_STATS: [string, string][] = [
  ['port', 'the local UDP port replies come to'],
  ['streaming', '1 while the stream is open'],
  ['sent', 'audio blocks sent'],
  ['send_errors', 'sends the system refused'],
  ['overflow', 'blocks dropped before sending (the network thread fell behind)'],
  ['received', 'packets received'],
  ['returned', 'samples of returned audio'],
  ['underruns', 'times the jitter buffer ran dry'],
  ['dropped', 'returned samples dropped (more than the bound queued)'],
  ['fill', 'samples in the jitter buffer now'],
  ['latency', 'samples it adds: one block + the jitter target'],
  ['reopens', 'times it re-opened its stream by itself (late start, restart)'],
  ['suppressed', 'server errors not printed again (one line per cause)'],
];

export function mbstreamHelp(): PdCanvas {
  const p = new PdCanvas({ width: 900, height: 900 });
  header(p, 'mbstream~', 'stream audio to mirrorbridge from C');
  p.text(20, 70, `The same job as [mb.send~] + [mb.params], as one compiled object: it sends its input in blocks (${oscAddress('/mb/stream/audio')}) from its own network thread, so the audio thread never waits on the network, and plays the audio the server sends back for its stream (a VQ-VAE stream re-synthesizes its input from the codebook) through a jitter buffer. Everything else the server sends comes out of the right outlet as "<address parts after /mb> <arguments>", e.g. "params 1 17 0.5 ...". It does not need [mb.bridge]: it has its own socket and registers its own reply port.`, 110);
  const osc = p.obj(20, 230, 'osc~ 220');
  const amp = p.obj(20, 255, '*~ 0.3');
  const connect = p.msg(120, 160, 'connect 127.0.0.1 9130');
  const openVq = p.msg(120, 195, `open ${bundledModel('vqvae-timbre')}`);
  const openMirror = p.msg(280, 195, `open ${bundledModel('mirrornet-stream')}`);
  const open = p.msg(450, 195, 'open');
  const close = p.msg(500, 195, 'close');
  const stats = p.msg(555, 195, 'stats');
  const hello = p.msg(610, 195, 'hello');
  const latency = p.msg(120, 230, 'latency 40');
  const blob = p.msg(210, 230, 'blob 1');
  const send = p.msg(270, 230, `send ${oscAddress('/mb/models/list')}`);
  const ret = p.msg(460, 230, `return ${oscOut('/mb/stream/return')}`);
  const obj = p.obj(20, 290, 'mbstream~ 1 127.0.0.1 9130 512');
  for (const m of [open, openVq, openMirror, close, hello, stats, connect, latency, blob, send, ret]) p.connect(m, 0, obj, 0);
  p.connect(osc, 0, amp, 0).connect(amp, 0, obj, 0);
  const out = p.obj(20, 330, '*~ 0.5');
  const dac = p.obj(20, 355, 'dac~');
  p.connect(obj, 0, out, 0).connect(out, 0, dac, 0).connect(out, 0, dac, 1);
  // [mbstream~] drops the /mb root; "stats" and "bridge" are its own (answers to stats, and the link state)
  const route = p.obj(250, 330, `route ${pdRouteWords('/mb/params', '/mb/stream')} stats bridge ${pdRouteWords('/mb/error')}`);
  const params = p.obj(250, 390, 'print params');
  const stream = p.obj(350, 390, 'print stream');
  const st = p.obj(450, 360, 'print stats');
  const asSymbol = p.obj(540, 360, 'symbol');
  const state = p.symbolatom(540, 385, 12);
  p.connect(asSymbol, 0, state, 0);
  const err = p.obj(640, 360, 'print error');
  const other = p.obj(740, 360, 'print other');
  p.connect(obj, 1, route, 0).connect(route, 0, params, 0).connect(route, 1, stream, 0).connect(route, 2, st, 0).connect(route, 3, asSymbol, 0).connect(route, 4, err, 0).connect(route, 5, other, 0);
  p.text(650, 385, 'the bridge: connected / reconnecting / missing', 25);
  p.msg(20, 390, '; pd dsp 1');
  p.text(20, 430, `"open <model>" opens the stream on that model (a vqvae model returns audio; a mirrornet-stream model sends parameter frames); "open" alone opens on the model named last, or the server's first loaded stream model. The names come from the server's model list (${oscAddress('/mb/models/list')}). The stream stays open, with the same settings, until "close": mbstream~ pings the server every ${coreConstant('MB_PING_MS')} ms and says "bridge connected", "bridge reconnecting" (no answer for ${coreConstant('MB_LINK_TIMEOUT_MS') / 1000} s) or "bridge missing" (${coreConstant('MB_MISSING_AFTER_MS') / 1000} s more, or never answered) on its right outlet and once in the Pd window per change. When the server answers again (started after the patch, or restarted) it registers and re-opens by itself, and again every ${coreConstant('MB_REOPEN_RETRY_MS') / 1000} s until the server confirms. Each server error is printed once; repeats within ${coreConstant('ERROR_QUIET_MS', 'mbstream~.c') / 1000} s are counted ("stats": suppressed).`, 120);
  p.text(20, 560, 'Latency it adds: one block (send side) + the jitter target (return side, default two blocks; "latency <ms>" sets it). Every queue is bounded: when the network stalls the oldest blocks are dropped and counted.', 120);
  p.text(20, 610, 'Build: make -C externals (Debian: apt install puredata-dev; see externals/README.md). The Pd window shows "mbstream~: mirrorbridge audio streaming" when it loads.', 120);
  reference(p, 20, 660, [
    'Arguments: 1) stream id (default 0) 2) server host (127.0.0.1) 3) server UDP port (9130) 4) block size (512, 16..4096).',
    'Inlet: signal; open [model] / close / hello / connect <host> <port> / latency <ms> / blob 0|1 (float32 blobs instead of float arguments) / return <address> / send <address> <args> / stats.',
    'Outlets: 1) returned audio 2) server messages, "bridge <state>" and "stats <name> <value>".',
    `stats: ${MBSTREAM_STATS.map(([n, what]) => `${n} (${what})`).join(', ')}.`,
  ]);
  footer(p, 840, ['mb.send~', 'mb.params', 'mb.bridge']);
  return p;
}

export function filesHelp(): PdCanvas {
  const p = new PdCanvas({ width: 760, height: 420 });
  header(p, 'mb.files', 'where the server reads and writes files');
  p.text(20, 70, `Offline jobs (${oscAddress('/mb/job/resynth')}, ${oscAddress('/mb/job/vq')} ...) only read and write inside the server's files folder. [mb.files] says where that is, so a patch can write its input there and load the results. Default: the files folder of this mirrorbridge checkout. If you start the server with another folder (mirrorbridge serve --files DIR), tell every [mb.files] once:`, 100);
  p.text(20, 150, '[; mb.files set DIR( in your own patch (a message box: DIR is the folder). Here, "set" goes into this one [mb.files] only, so clicking it changes nothing else:', 100);
  const set = p.msg(200, 200, 'set /tmp');
  const b = p.bang(20, 200);
  const files = p.obj(20, 225, 'mb.files');
  p.connect(set, 0, files, 0);
  p.text(280, 200, 'then bang: the symbol changes here only', 30);
  const join = p.obj(20, 250, 'makefilename %s/take.wav');
  const show = p.symbolatom(20, 280, 50);
  p.connect(b, 0, files, 0).connect(files, 0, join, 0).connect(join, 0, show, 0);
  reference(p, 20, 330, ['Inlet: bang outputs the folder; set <folder> changes it (also through [s mb.files]).', 'Outlet: the folder, as a symbol.']);
  footer(p, 370, ['mb.request', 'soundfiler']);
  return p;
}

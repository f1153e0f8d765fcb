/**
 * Two abstractions the examples share for offline jobs and their results:
 *
 * [mb.play~ <array>] plays an array at the sample rate of the file it came from, not Pd's:
 * the server's results are 8-kHz (MirrorNet resynthesis at the model's rate) or 16-kHz (VQ)
 * WAVs unless asked otherwise, and [tabplay~] would play them 5.5x or 2.76x too fast. It reads
 * the array with [tabread4~] along a [vline~] ramp that lasts <samples> / <rate> seconds.
 *
 * [mb.job <job name> <timeout s>] sends one job at a time and watches for its answer: a job
 * that gets no answer within the bound (a missing server, a lost packet) is given up with one
 * console line, and the button that asked works again.
 */
import { PdCanvas } from './canvas';
import { withDefault } from './bridge';
import { oscOut, pdArgIndex, pdRoute } from './osc';

/** Seconds without any answer after which [mb.job] gives up (its second argument's default). */
export const JOB_TIMEOUT_S = 60;
/** What [mb.job]'s right outlet shows. */
export const JOB_STATES = ['idle', 'waiting', 'queued', 'running', 'done', 'failed', 'timed-out'] as const;
/** Ramp of [mb.play~]'s gate at start and end, against clicks. */
const GATE_MS = 3;

export function mbPlay(): PdCanvas {
  const p = new PdCanvas({ width: 900, height: 560 });
  p.text(20, 10, '[mb.play~ <array>] plays the array at the sample rate it was recorded at. Left inlet: bang plays from the start, stop stops. Right inlet: that rate in Hz, or the list [soundfiler]\'s right outlet gives when it reads a file (its first element is the file\'s rate). Until a rate arrives: Pd\'s own.', 110);
  const ctl = p.obj(20, 80, 'inlet');
  const rateIn = p.obj(420, 80, 'inlet');
  const route = p.obj(20, 110, 'route bang stop');
  const warn = p.obj(200, 140, 'print mb.play~: expected bang or stop');
  p.connect(ctl, 0, route, 0).connect(route, 2, warn, 0);

  // the rate: a float, or soundfiler's "<rate> <header> <channels> <bytes> <endianness>"
  const first = p.obj(420, 110, 'list split 1');
  const rate = p.obj(420, 140, 'f 0');
  p.connect(rateIn, 0, first, 0).connect(first, 0, rate, 1);

  // play: 1) stop a playback under way, read the rate 2) open the gate 3) ramp over the array
  const play = p.obj(20, 170, 't b b b');
  const pdRate = p.obj(500, 220, 'samplerate~');
  const isZero = p.obj(420, 195, 'sel 0');
  const ms = p.obj(20, 300, 'expr $f1 * 1000 / $f2');
  const info = p.obj(560, 300, 'pack f f');
  const rateT = p.obj(420, 250, 't f f');
  p.connect(route, 0, play, 0).connect(play, 2, rate, 0).connect(rate, 0, isZero, 0).connect(isZero, 0, pdRate, 0);
  p.connect(isZero, 1, rateT, 0).connect(pdRate, 0, rateT, 0).connect(rateT, 1, info, 1).connect(rateT, 0, ms, 1);
  const size = p.obj(20, 220, 'array size $1');
  const sizeT = p.obj(20, 250, 't f f');
  const msT = p.obj(20, 330, 't f f f');
  const seconds = p.obj(560, 270, '/ 1000');
  const ramp = p.obj(180, 360, 'pack f f');
  const rampMsg = p.msg(180, 390, '0, $1 $2');
  const index = p.obj(180, 420, 'vline~');
  const read = p.obj(180, 450, 'tabread4~ $1');
  const gated = p.obj(180, 480, '*~');
  const out = p.obj(180, 520, 'outlet~');
  p.connect(play, 0, size, 0).connect(size, 0, sizeT, 0).connect(sizeT, 1, ms, 0).connect(sizeT, 0, ramp, 0);
  p.connect(ms, 0, msT, 0).connect(msT, 2, seconds, 0).connect(seconds, 0, info, 0).connect(msT, 1, ramp, 1);
  p.chain(ramp, rampMsg, index, read, gated).connect(gated, 0, out, 0);

  // the gate: open while playing, so the last sample does not stay on the outlet
  const open = p.msg(420, 360, `1 ${GATE_MS}`);
  const shut = p.msg(480, 360, `0 ${GATE_MS}`);
  const gate = p.obj(420, 390, 'vline~');
  p.connect(play, 1, open, 0).connect(open, 0, gate, 0).connect(shut, 0, gate, 0).connect(gate, 0, gated, 1);

  // the end: after the duration, or on stop
  const wait = p.obj(20, 390, 'delay');
  const end = p.obj(20, 420, 't b b');
  const stop = p.obj(100, 140, 't b b');
  const halt = p.msg(100, 170, 'stop');
  const status = p.obj(620, 520, 'outlet');
  p.connect(msT, 0, wait, 0).connect(wait, 0, end, 0).connect(end, 1, shut, 0).connect(end, 0, status, 0);
  p.connect(route, 1, stop, 0).connect(stop, 1, halt, 0).connect(halt, 0, wait, 0).connect(stop, 0, shut, 0).connect(play, 2, halt, 0);
  p.connect(info, 0, status, 0);
  p.text(620, 390, 'Right outlet: "<seconds> <rate>" when it starts, bang when it ends (not on stop).', 30);
  return p;
}

export function mbJob(): PdCanvas {
  const p = new PdCanvas({ width: 1100, height: 760 });
  p.text(20, 10, `[mb.job <job name> <timeout s>] passes a job request on (left outlet, to [mb.request job ...]) when no job of its own is pending, and watches the server's answers for that job name: queued, progress, done, or ${oscOut('/mb/error')}. Without any answer for <timeout> seconds (default ${JOB_TIMEOUT_S}) it gives up: one console line, and the next request goes out. Middle outlet: bang when the job is done. Right outlet: the state, ${JOB_STATES.join(' / ')}. Right inlet: the timeout in seconds.`, 120);
  const inlet = p.obj(20, 90, 'inlet');
  const timeoutIn = p.obj(700, 90, 'inlet');
  const asList = p.obj(20, 120, 'list');
  const check = p.obj(20, 150, 't l b');
  const pending = p.obj(120, 180, 'f 0');
  const busy = p.obj(120, 205, 'sel 1');
  const busyMsg = p.msg(120, 230, 'still waiting for the last job - asked again when it answers or times out');
  const busyPrint = p.obj(120, 255, 'print mb.job-$1');
  const gate = p.obj(20, 290, 'spigot 1');
  const sent = p.obj(20, 320, 't l b');
  const out = p.obj(20, 700, 'outlet');
  p.connect(inlet, 0, asList, 0).chain(asList, check).connect(check, 1, pending, 0).chain(pending, busy, busyMsg, busyPrint);
  p.connect(check, 0, gate, 0).connect(gate, 0, sent, 0).connect(sent, 0, out, 0);

  // pending: 1 closes the gate and starts the clock; 0 opens it and stops the clock
  const setPending = p.obj(300, 380, 't f f f');
  const closed = p.obj(300, 410, '== 0');
  const on = p.msg(200, 350, '1');
  const off = p.msg(300, 350, '0');
  p.connect(sent, 1, on, 0).connect(on, 0, setPending, 0).connect(off, 0, setPending, 0);
  p.connect(setPending, 2, pending, 1).connect(setPending, 1, closed, 0).connect(closed, 0, gate, 1);

  // the clock: restarted by every answer while pending
  const lb = p.obj(700, 120, 'loadbang');
  const seconds = p.obj(700, 180, 't f');
  const timeoutS = withDefault(p, 700, 145, '$2', JOB_TIMEOUT_S, seconds);
  const timeoutMs = p.obj(700, 250, '* 1000');
  const clockOn = p.obj(300, 440, 'sel 1 0');
  const clock = p.obj(300, 500, 'delay');
  const halt = p.msg(380, 470, 'stop');
  p.connect(lb, 0, timeoutS, 0).connect(timeoutIn, 0, seconds, 0).connect(seconds, 0, timeoutMs, 0).connect(timeoutMs, 0, clock, 1);
  p.connect(setPending, 0, clockOn, 0).connect(clockOn, 0, clock, 0).connect(clockOn, 1, halt, 0).connect(halt, 0, clock, 0);

  const state = p.obj(900, 700, 'outlet');
  const stateOf = (x: number, y: number, s: (typeof JOB_STATES)[number]) => {
    const m = p.msg(x, y, `symbol ${s}`);
    p.connect(m, 0, state, 0);
    return m;
  };
  p.connect(on, 0, stateOf(200, 620, 'waiting'), 0);
  const lbIdle = stateOf(780, 120, 'idle');
  p.connect(lb, 0, lbIdle, 0);

  // given up: one line naming the bound, the gate open again
  const gaveUp = p.obj(300, 530, 't b b b');
  const seconds2 = p.obj(420, 560, 'f');
  const tell = p.msg(420, 590, 'no answer from the server for $1 s - gave up waiting (is it running? [mb.bridge] shows its state) - you can ask again');
  const tellPrint = p.obj(420, 620, 'print mb.job-$1');
  p.connect(seconds, 0, seconds2, 1).connect(clock, 0, gaveUp, 0).connect(gaveUp, 2, off, 0).connect(gaveUp, 1, stateOf(300, 650, 'timed-out'), 0);
  p.connect(gaveUp, 0, seconds2, 0).connect(seconds2, 0, tell, 0).connect(tell, 0, tellPrint, 0);

  // the answers for this job name (queued and done carry it; progress carries the id queued gave)
  const from = p.obj(560, 300, 'r mb.from-bridge');
  const rmb = p.obj(560, 325, pdRoute('/mb'));
  const kind = p.obj(560, 350, pdRoute('/mb/job', '/mb/error'));
  const rjob = p.obj(560, 375, pdRoute('/mb/job/queued', '/mb/job/progress', '/mb/job/done'));
  p.chain(from, rmb, kind, rjob);
  const ifPending = p.obj(760, 470, 'spigot');
  const answer = p.obj(760, 500, 't b');
  p.connect(setPending, 2, ifPending, 1).connect(ifPending, 0, answer, 0).connect(answer, 0, clock, 0);
  const restart = p.msg(760, 440, '1');
  p.connect(restart, 0, ifPending, 0);

  // "<id> <name> ...": the id first kept aside ([list split] sends its right part first), then the name checked
  const named = (x: number, address: '/mb/job/queued' | '/mb/job/done', outlet: number) => {
    const both = p.obj(x, 400, 't l l');
    const idSplit = p.obj(x + 80, 425, `list split ${pdArgIndex(address, 'name')}`);
    const rest = p.obj(x, 425, `list split ${pdArgIndex(address, 'name')}`);
    const name = p.obj(x, 450, 'list split 1');
    const trim = p.obj(x, 475, 'list trim');
    const mine = p.obj(x, 500, 'route $1');
    p.connect(rjob, outlet, both, 0).connect(both, 1, idSplit, 0).connect(both, 0, rest, 0).connect(rest, 1, name, 0).connect(name, 0, trim, 0).connect(trim, 0, mine, 0);
    return { idSplit, mine };
  };
  const queued = named(560, '/mb/job/queued', 0);
  const done = named(720, '/mb/job/done', 2);
  // queued: keep its id, so progress can be told apart from other jobs' progress
  const candidate = p.obj(640, 560, 'f');
  const keepId = p.obj(560, 530, 't b b');
  p.connect(queued.idSplit, 0, candidate, 1).connect(queued.mine, 0, keepId, 0).connect(keepId, 1, candidate, 0).connect(keepId, 0, restart, 0).connect(keepId, 0, stateOf(560, 650, 'queued'), 0);
  const progressId = p.obj(900, 400, 'mb.idfilter');
  const progressT = p.obj(900, 430, 't b');
  p.connect(rjob, 1, progressId, 0).connect(candidate, 0, progressId, 1).connect(progressId, 0, progressT, 0).connect(progressT, 0, restart, 0);
  p.connect(progressT, 0, stateOf(900, 650, 'running'), 0);
  // done (a late one, after giving up, too: the result is there): stop waiting, tell
  const doneT = p.obj(720, 560, 't b b');
  const doneOut = p.obj(720, 700, 'outlet');
  p.connect(done.mine, 0, doneT, 0).connect(doneT, 1, off, 0).connect(doneT, 1, stateOf(720, 620, 'done'), 0).connect(doneT, 0, doneOut, 0);
  // an error while a job is pending: the refusal of the request, or the job's failure
  const errorT = p.obj(1000, 500, 't b');
  const failedGate = p.obj(1000, 470, 'spigot');
  const failT = p.obj(1000, 530, 't b b');
  p.connect(kind, 1, errorT, 0).connect(setPending, 2, failedGate, 1);
  p.connect(errorT, 0, failedGate, 0).connect(failedGate, 0, failT, 0).connect(failT, 1, off, 0).connect(failT, 0, stateOf(1000, 560, 'failed'), 0);
  return p;
}

/**
 * The Pd examples built on the VQ-VAE jobs: 3 (descriptor-based synthesis from drawn
 * curves) and 4 (latent deformation and the interpolation plane).
 */
import { PdCanvas } from './canvas';
import type { PdNode } from './canvas';
import { bundledModel } from '../vocabulary';
import { jobProgress, jobWatch, top } from './examples';
import { oscAddress, pdArgIndex, pdArgs, pdRequest, pdRoute } from './osc';

/**
 * Loads <files>/<name> into `array` when banged (`load`), and plays it at the file's own rate
 * on a bang at `play` (or [r <hook>]); the player's "<seconds> <rate>" and end go to [print <hook>ed].
 */
function loadAndPlay(p: PdCanvas, x: number, y: number, name: string, array: string, hook: string): { load: PdNode; play: PdNode; out: PdNode; info: PdNode } {
  const files = p.obj(x, y, 'mb.files');
  const path = p.obj(x, y + 25, `makefilename %s/${name}`);
  const read = p.msg(x, y + 50, `read -resize $1 ${array}`);
  const sf = p.obj(x, y + 75, 'soundfiler');
  const play = p.obj(x + 100, y + 150, `mb.play~ ${array}`);
  const r = p.obj(x + 100, y + 125, `r ${hook}`);
  p.chain(files, path, read, sf).connect(sf, 1, play, 1).connect(r, 0, play, 0);
  p.connect(play, 1, p.obj(x + 100, y + 210, `print ${hook}ed`), 0);
  return { load: files, play, out: play, info: sf };
}

/**
 * The guide's band-pass: GUIDE_STAGES [vcf~ GUIDE_Q] in a row. Measured in 44.1-kHz Pd, the
 * centroid of [noise~] through them is 637, 1584 and 3175 Hz for centres of 600, 1500 and 3000
 * (one [vcf~ 3]: 5005, 6196, 7453), and the power they keep is the centre frequency over
 * GUIDE_POWER_HZ (-31.2 dB at 600 Hz, -23.7 dB at 3000).
 */
const GUIDE_STAGES = 4;
const GUIDE_Q = 5;
const GUIDE_POWER_HZ = 790000;

export function descriptorSynthesis(): PdCanvas {
  const p = new PdCanvas({ width: 1000, height: 800 });
  top(p, 'mirrorbridge example 3: descriptor-based synthesis', `Draw how loud and how bright the sound should be over time; the VQ-VAE picks, frame by frame, the codebook entries whose descriptors match, and decodes them. The patch renders your curves as a guide sound (noise shaped by them) into the files folder; ${oscAddress('/mb/job/vq')} synth takes the guide's descriptor series as the target. Constant targets (${oscAddress('/mb/vq/target')}) override single descriptors.`);
  const frames = 64;
  const centroid = Array.from({ length: frames }, (_, i) => 600 + (2400 * i) / (frames - 1));
  const loudness = Array.from({ length: frames }, (_, i) => -30 + 12 * Math.sin((Math.PI * i) / (frames - 1)));
  p.text(20, 230, '2) draw the targets (click and drag in the graphs): loudness in dB, centroid in Hz, over the duration', 60);
  p.array(20, 270, 'ex3-loudness', frames, { width: 300, height: 100, yTop: 0, yBottom: -60, style: 1, values: loudness });
  p.array(360, 270, 'ex3-centroid', frames, { width: 300, height: 100, yTop: 6000, yBottom: 100, style: 1, values: centroid });
  p.text(20, 380, 'loudness (dB, 0 at the top)', 30);
  p.text(360, 380, 'centroid (Hz, 100 to 6000)', 30);
  const seconds = p.floatatom(700, 270, 5, 0.5, 10);
  p.text(760, 270, 'seconds', 10);
  const lb = p.obj(700, 240, 'loadbang');
  const three = p.msg(780, 240, '3');
  p.connect(lb, 0, three, 0).connect(three, 0, seconds, 0);
  const ms = p.obj(700, 300, '* 1000');
  p.connect(seconds, 0, ms, 0);

  p.text(20, 420, '3) optional constant targets: flatness (0 tonal .. 1 noisy)', 60);
  const flat = p.hslider(20, 450, 0, 1, 'flatness', 128, 'ex3.flatness');
  const flatMsg = p.obj(20, 475, `list prepend ${pdArgs('/mb/vq/target', 'flatness', { prefix: true })}`);
  const target = p.obj(20, 500, pdRequest('/mb/vq/target'));
  p.connect(flat, 0, flatMsg, 0).connect(flatMsg, 0, target, 0);

  p.text(360, 420, `4) synthesize: renders the guide, writes it, asks for ${oscAddress('/mb/job/vq')} synth`, 60);
  const go = p.bang(360, 450);
  const goHook = p.obj(400, 450, 'r ex3.go');
  const seq = p.obj(360, 480, 't b b b b');
  const dur = p.obj(700, 330, 'f');
  p.connect(ms, 0, dur, 1).connect(go, 0, seq, 0).connect(goHook, 0, seq, 0);
  // 1) size the guide array 2) ramp the curve index 3) record 4) after the duration: write, ask
  const samples = p.obj(540, 510, 'expr $f1 * $f2 / 1000');
  const sr = p.obj(640, 480, 'samplerate~');
  const resize = p.msg(540, 540, '; ex3-guide resize $1');
  p.connect(seq, 3, sr, 0).connect(sr, 0, samples, 1).connect(seq, 3, dur, 0).connect(dur, 0, samples, 0).connect(samples, 0, resize, 0);
  const ramp = p.msg(360, 540, '0, 63 $1');
  const durRamp = p.obj(360, 510, 'f');
  p.connect(ms, 0, durRamp, 1).connect(seq, 2, durRamp, 0).connect(durRamp, 0, ramp, 0);
  const index = p.obj(360, 570, 'line~');
  const readC = p.obj(360, 600, 'tabread4~ ex3-centroid');
  const readL = p.obj(520, 600, 'tabread4~ ex3-loudness');
  // The guide: noise through GUIDE_STAGES band-passes at the drawn centroid (one [vcf~] leaves
  // skirts so wide that the measured centroid was 5-7 kHz for a drawn 0.6-3), brought back to
  // full power by the measured share the bands keep, then scaled to the drawn loudness.
  const noise = p.obj(200, 600, 'noise~');
  const stages = Array.from({ length: GUIDE_STAGES }, (_, i) => p.obj(20, 625 + 25 * i, `vcf~ ${GUIDE_Q}`));
  const level = p.obj(200, 640, `expr~ sqrt(${GUIDE_POWER_HZ} / max($v1, 20))`);
  const unity = p.obj(200, 665, '*~');
  const db = p.obj(520, 630, '+~ 100');
  const amp = p.obj(520, 660, 'dbtorms~');
  const shaped = p.obj(200, 690, '*~');
  const record = p.obj(200, 745, 'tabwrite~ ex3-guide');
  p.connect(ramp, 0, index, 0).connect(index, 0, readC, 0).connect(index, 0, readL, 0);
  p.chain(noise, ...stages).connect(stages[stages.length - 1], 0, unity, 0).connect(readC, 0, level, 0).connect(level, 0, unity, 1);
  for (const stage of stages) p.connect(readC, 0, stage, 1);
  p.connect(readL, 0, db, 0).connect(db, 0, amp, 0);
  p.connect(unity, 0, shaped, 0).connect(amp, 0, shaped, 1).connect(shaped, 0, record, 0).connect(seq, 1, record, 0);
  const wait = p.obj(360, 630, 'delay');
  const durWait = p.obj(420, 630, 'f');
  p.connect(ms, 0, durWait, 1).connect(seq, 0, durWait, 0).connect(durWait, 0, wait, 0);
  const files = p.obj(700, 560, 'mb.files');
  const guide = p.obj(700, 585, 'makefilename %s/pd-guide.wav');
  const gT = p.obj(700, 610, 't s s');
  const write = p.msg(780, 640, 'write -wave -bytes 3 $1 ex3-guide');
  const writer = p.obj(780, 670, 'soundfiler');
  const out = p.obj(700, 640, 'mb.files');
  const outName = p.obj(700, 665, 'makefilename %s/pd-synth.wav');
  const args = p.obj(620, 700, 'pack s s');
  const synth = p.msg(620, 725, pdArgs('/mb/job/vq', 'synth $1 $2'));
  const watch = jobWatch(p, 620, 750, '/mb/job/vq', 'ex3');
  const withRate = resultRate(p, { x: 860, y: 700, sel: 725, prepend: [900, 750], append: [620, 740] }, 'ex3', 'synth', 'the guide\'s');
  const job = p.obj(620, 810, pdRequest('/mb/job/vq'));
  const lastOut = p.obj(860, 640, 'symbol');
  p.connect(outName, 0, lastOut, 1);
  const waitT = p.obj(560, 600, 't b b');
  p.connect(wait, 0, waitT, 0).connect(waitT, 1, out, 0).connect(out, 0, outName, 0).connect(outName, 0, args, 1);
  p.connect(waitT, 0, files, 0).connect(files, 0, guide, 0).connect(guide, 0, gT, 0).connect(gT, 1, write, 0).connect(write, 0, writer, 0);
  p.connect(gT, 0, args, 0).connect(args, 0, synth, 0).connect(synth, 0, withRate, 0).connect(withRate, 0, watch, 0).connect(watch, 0, job, 0);
  p.array(20, 780, 'ex3-guide', 132300, { width: 300, height: 60 });

  p.text(700, 380, '5) the result: loaded when the job is done, played at its own rate', 40);
  jobProgress(p, 700, 410);
  const result = loadAndPlay(p, 860, 410, 'pd-synth.wav', 'ex3-synth', 'ex3.play');
  const doneT = p.obj(860, 380, 't b b');
  const donePrint = p.obj(960, 670, 'print ex3-done');
  p.connect(watch, 1, doneT, 0).connect(doneT, 1, result.load, 0).connect(doneT, 0, lastOut, 0).connect(lastOut, 0, donePrint, 0);
  const play = p.bang(860, 510);
  const dac = p.obj(860, 600, 'dac~');
  p.connect(play, 0, result.play, 0).connect(result.out, 0, dac, 0).connect(result.out, 0, dac, 1);
  p.text(880, 510, 'play', 10);
  p.array(360, 780, 'ex3-synth', 132300, { width: 300, height: 60 });
  return p;
}

/**
 * A sound chosen with a file dialog (bang at `pick`, or a path at [r <hook>]) copied into
 * <files>/<name> through `array`, at its own sample rate.
 */
function importSound(p: PdCanvas, x: number, y: number, pick: PdNode | string, hook: string, array: string, name: string): void {
  const panel = p.obj(x, y + 25, 'openpanel');
  if (typeof pick === 'string') p.connect(p.obj(x, y, `r ${pick}`), 0, panel, 0);
  else p.connect(pick, 0, panel, 0);
  const r = p.obj(x + 100, y, `r ${hook}`);
  const sym = p.obj(x + 100, y + 25, 'symbol');
  const read = p.msg(x, y + 50, `read -resize $1 ${array}`);
  const sf = p.obj(x, y + 75, 'soundfiler');
  const info = p.obj(x + 100, y + 100, 'list split 1');
  const sr = p.obj(x + 100, y + 125, 'f 44100');
  const t = p.obj(x, y + 100, 't b b');
  const files = p.obj(x, y + 150, 'mb.files');
  const path = p.obj(x, y + 175, `makefilename %s/${name}`);
  const pk = p.obj(x, y + 200, 'pack s f');
  const write = p.msg(x, y + 225, `write -wave -bytes 3 -rate $2 $1 ${array}`);
  const writer = p.obj(x, y + 250, 'soundfiler');
  p.connect(panel, 0, read, 0).connect(r, 0, sym, 0).connect(sym, 0, read, 0).connect(read, 0, sf, 0);
  p.connect(sf, 1, info, 0).connect(info, 0, sr, 1).connect(sf, 0, t, 0).connect(t, 1, sr, 0).connect(sr, 0, pk, 1);
  p.connect(t, 0, files, 0).connect(files, 0, path, 0).connect(path, 0, pk, 0).connect(pk, 0, write, 0).connect(write, 0, writer, 0);
}

/**
 * The result's rate, for a VQ job request: a number box `<prefix>.rate` (0, the default, leaves
 * it to the server: `defaultIs`) and a [list append] that adds the verb's last argument, after
 * the model, to the request that goes through it. Returns the [list append].
 */
function resultRate(p: PdCanvas, at: { x: number; y: number; sel: number; prepend: [number, number]; append: [number, number] }, prefix: string, op: string, defaultIs: string): PdNode {
  const model = bundledModel('vqvae-timbre');
  pdArgs('/mb/job/vq', `${op} in.wav out.wav ${model} 48000`);
  const outRate = p.floatatom(at.x, at.y, 6, 0, 192000, `${prefix}.rate`);
  p.text(at.x + 65, at.y, `Hz: the result's rate (0: ${defaultIs})`, 14);
  const isDefault = p.obj(at.x, at.sel, 'sel 0');
  const suffix = p.obj(at.prepend[0], at.prepend[1], `list prepend ${model}`);
  const withRate = p.obj(at.append[0], at.append[1], 'list append');
  p.connect(outRate, 0, isDefault, 0).connect(isDefault, 0, withRate, 1).connect(isDefault, 1, suffix, 0).connect(suffix, 0, withRate, 1);
  return withRate;
}

/**
 * "<op> <files>/<in> <files>/<out>" into `watch` (on its way to the one [mb.job vq] of the
 * patch, so one job at a time) when `trigger` bangs.
 */
function vqJob(p: PdCanvas, x: number, y: number, trigger: PdNode, op: string, input: string, output: string, watch: PdNode): void {
  const t = p.obj(x, y + 25, 't b b');
  const outFiles = p.obj(x + 120, y + 50, 'mb.files');
  const outName = p.obj(x + 120, y + 75, `makefilename %s/${output}`);
  const inFiles = p.obj(x, y + 50, 'mb.files');
  const inName = p.obj(x, y + 75, `makefilename %s/${input}`);
  const pk = p.obj(x, y + 100, 'pack s s');
  const msg = p.msg(x, y + 125, pdArgs('/mb/job/vq', `${op} $1 $2`));
  p.connect(trigger, 0, t, 0).connect(t, 1, outFiles, 0).connect(outFiles, 0, outName, 0).connect(outName, 0, pk, 1);
  p.connect(t, 0, inFiles, 0).connect(inFiles, 0, inName, 0).connect(inName, 0, pk, 0).connect(pk, 0, msg, 0).connect(msg, 0, watch, 0);
}

export function latentDeformation(): PdCanvas {
  const p = new PdCanvas({ width: 1100, height: 960 });
  top(p, 'mirrorbridge example 4: latent deformation and the interpolation plane', `The VQ-VAE encodes a sound into a series of latent frames; deforming that series (scale, bias, randomize, reverse, and transpose: a message [${pdArgs('/mb/vq/deform', 'transpose 7')}( into an [${pdRequest('/mb/vq/deform')}] moves the pitch carried beside the codes by 7 semitones) and decoding it gives new sounds that keep something of the source. On the interpolation plane four sounds sit at the corners and a point (x, y) mixes their latent series. The settings (${oscAddress('/mb/vq/deform')}, ${oscAddress('/mb/vq/plane')}) apply to this client's next ${oscAddress('/mb/job/vq')}.`);

  p.text(20, 230, '2) open a sound - it is copied to <files>/pd-deform-in.wav', 36);
  const open = p.bang(20, 270);
  importSound(p, 20, 300, open, 'ex4.open', 'ex4-src', 'pd-deform-in.wav');

  p.text(300, 230, '3) deform the latent series (sent when you move a control)', 50);
  const ops: [string, number, number][] = [['scale', 0, 3], ['bias', -1, 1], ['randomize', 0, 1]];
  ops.forEach(([op, lo, hi], i) => {
    const sl = p.hslider(300, 275 + i * 50, lo, hi, op, 160, `ex4.${op}`);
    const m = p.obj(300, 295 + i * 50, `list prepend ${pdArgs('/mb/vq/deform', op, { prefix: true })}`);
    const req = p.obj(470, 295 + i * 50, pdRequest('/mb/vq/deform'));
    p.connect(sl, 0, m, 0).connect(m, 0, req, 0);
  });
  const rev = p.toggle(300, 425, 'reverse', 'ex4.reverse');
  const revMsg = p.obj(300, 450, `list prepend ${pdArgs('/mb/vq/deform', 'reverse', { prefix: true })}`);
  const revReq = p.obj(470, 450, pdRequest('/mb/vq/deform'));
  p.connect(rev, 0, revMsg, 0).connect(revMsg, 0, revReq, 0);
  const lb = p.obj(660, 230, 'loadbang');
  const init = p.msg(660, 255, '; ex4.scale 1; ex4.bias 0; ex4.randomize 0; ex4.x 0.5; ex4.y 0.5');
  p.connect(lb, 0, init, 0);

  // One job at a time: [mb.job] passes a request on only when none is pending; the result
  // array loads the output of the last request sent (its third word), when that job is done.
  const last = p.obj(20, 760, 'symbol');
  const watch = jobWatch(p, 460, 640, '/mb/job/vq', 'ex4');
  const sendT = p.obj(460, 700, 't l l');
  const words = p.obj(560, 725, 'unpack s s s');
  const request = p.obj(460, 750, pdRequest('/mb/job/vq'));
  p.connect(watch, 0, sendT, 0).connect(sendT, 1, words, 0).connect(words, 2, last, 1).connect(sendT, 0, request, 0);
  const withRate = resultRate(p, { x: 300, y: 700, sel: 730, prepend: [300, 755], append: [460, 615] }, 'ex4', 'deform', 'the input\'s');
  p.connect(withRate, 0, watch, 0);

  p.text(300, 490, `4) decode the deformed series: ${oscAddress('/mb/job/vq')} deform`, 50);
  const go = p.bang(300, 515);
  const goHook = p.obj(340, 515, 'r ex4.go');
  const goT = p.obj(300, 540, 't b');
  p.connect(go, 0, goT, 0).connect(goHook, 0, goT, 0);
  vqJob(p, 300, 540, goT, 'deform', 'pd-deform-in.wav', 'pd-deform-out.wav', withRate);

  p.text(660, 300, '5) the interpolation plane: pick the four corner sounds (a b c d), then a point', 50);
  const corners = ['a', 'b', 'c', 'd'];
  const { canvas: sub, node: subNode } = p.subpatch(660, 380, 'corners', { width: 560, height: 340 });
  void subNode;
  sub.text(20, 10, 'each corner sound is copied to <files>/pd-corner-<a..d>.wav', 60);
  corners.forEach((c, i) => {
    const b = p.bang(660 + i * 60, 345);
    const send = p.obj(660 + i * 60, 410 - 45 + 45, `s ex4.pick-${c}`);
    p.connect(b, 0, send, 0);
    importSound(sub, 20 + i * 130, 50, `ex4.pick-${c}`, `ex4.corner-${c}`, `ex4-corner-${c}`, `pd-corner-${c}.wav`);
    sub.array(20 + i * 130, 330, `ex4-corner-${c}`, 44100, { width: 110, height: 40 });
  });
  p.text(900, 345, 'a b c d', 10);
  const x = p.hslider(660, 470, 0, 1, 'x', 128, 'ex4.x');
  const y = p.hslider(660, 510, 0, 1, 'y', 128, 'ex4.y');
  const yT = p.obj(800, 510, 't b f');
  const xy = p.obj(660, 540, 'pack f f');
  const plane = p.obj(660, 565, pdRequest('/mb/vq/plane'));
  p.connect(x, 0, xy, 0).connect(y, 0, yT, 0).connect(yT, 1, xy, 1).connect(yT, 0, xy, 0).connect(xy, 0, plane, 0);
  p.text(660, 595, 'render the point: the job reads the corners from <files>/pd-corners.txt (one path a line)', 50);
  const render = p.bang(660, 640);
  const renderHook = p.obj(700, 640, 'r ex4.plane');
  const rT = p.obj(660, 670, 't b b');
  const listFiles = p.obj(800, 700, 'mb.files');
  const listPath = p.obj(800, 725, 'makefilename %s/pd-corners.txt');
  const both = p.obj(800, 750, 'pack s s');
  const listT = p.obj(800, 700 - 30, 't b b');
  const folder = p.obj(920, 700, 'mb.files');
  const lines = p.msg(800, 780, 'clear, add $1/pd-corner-a.wav, add $1/pd-corner-b.wav, add $1/pd-corner-c.wav, add $1/pd-corner-d.wav, write $2 cr');
  const textfile = p.obj(800, 810, 'textfile');
  p.connect(render, 0, rT, 0).connect(renderHook, 0, rT, 0).connect(rT, 1, listT, 0);
  p.connect(listT, 1, listFiles, 0).connect(listFiles, 0, listPath, 0).connect(listPath, 0, both, 1);
  p.connect(listT, 0, folder, 0).connect(folder, 0, both, 0).connect(both, 0, lines, 0).connect(lines, 0, textfile, 0);
  vqJob(p, 660, 700, rT, 'plane', 'pd-corners.txt', 'pd-plane-out.wav', withRate);

  p.text(20, 620, '6) the result (of the last job) loads when it is done: play it at its own rate, save it', 40);
  jobProgress(p, 20, 640);
  const read = p.msg(20, 785, 'read -resize $1 ex4-out');
  const sf = p.obj(20, 810, 'soundfiler');
  const donePrint = p.obj(160, 840, 'print ex4-done');
  p.connect(watch, 1, last, 0).connect(last, 0, read, 0).connect(read, 0, sf, 0).connect(last, 0, donePrint, 0);
  const play = p.bang(20, 850);
  const playHook = p.obj(60, 850, 'r ex4.play');
  const tab = p.obj(20, 875, 'mb.play~ ex4-out');
  const dac = p.obj(20, 905, 'dac~');
  p.connect(play, 0, tab, 0).connect(playHook, 0, tab, 0).connect(sf, 1, tab, 1).connect(tab, 0, dac, 0).connect(tab, 0, dac, 1);
  p.connect(tab, 1, p.obj(20, 935, 'print ex4.played'), 0);
  // saved at the result's own rate too
  const rate = p.obj(100, 900, 'list split 1');
  const save = p.bang(160, 875);
  const savePanel = p.obj(160, 900, 'savepanel');
  const savePk = p.obj(160, 925, 'pack s 44100');
  const saveMsg = p.msg(160, 950, 'write -wave -bytes 3 -rate $2 $1 ex4-out');
  const saver = p.obj(160, 975, 'soundfiler');
  p.connect(sf, 1, rate, 0).connect(rate, 0, savePk, 1);
  p.connect(save, 0, savePanel, 0).connect(savePanel, 0, savePk, 0).connect(savePk, 0, saveMsg, 0).connect(saveMsg, 0, saver, 0);
  p.text(180, 875, 'save as...', 12);
  p.array(300, 870, 'ex4-out', 44100, { width: 300, height: 60 });
  p.array(20, 560 + 0, 'ex4-src', 44100, { width: 240, height: 50 });
  return p;
}

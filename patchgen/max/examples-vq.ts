/**
 * The Max examples built on the VQ-VAE jobs: descriptor-based synthesis (function curves
 * -> guide sound -> vq synth) and latent deformation (deformations, interpolation plane).
 */
import { MaxPatcher } from './patcher';
import type { MaxBox } from './patcher';
import { modelPicker, top } from './examples';
import { maxJobName, maxMessage, maxPrepend, maxRoute, maxSelector, maxSliceBefore } from './selectors';
import { argsOf, expectArgAt, outOf, verbOf } from '../vocabulary';

/** The files folder, asked for once the bridge is ready: "files/folder <path>" -> `sprintf %s/<name>` per name. */
function filesPaths(p: MaxPatcher, x: number, y: number, names: string[]): MaxBox[] {
  const lb = p.obj(x, y, 'r mb.ready');
  const ask = p.msg(x, y + 30, maxMessage('/mb/files/locate'));
  const send = p.obj(x, y + 60, 's mb.in');
  const from = p.obj(x + 80, y, 'r mb.out');
  const route = p.obj(x + 80, y + 30, maxRoute('/mb/files/folder'));
  expectArgAt(outOf('/mb/files/folder', 'max'), 'path', 0);
  p.connect(lb, 0, ask, 0).connect(ask, 0, send, 0).connect(from, 0, route, 0);
  return names.map((name, i) => {
    const path = p.obj(x + 80, y + 60 + i * 30, `sprintf %s/${name}`);
    const reg = p.obj(x + 300, y + 60 + i * 30, 'zl.reg');
    p.connect(route, 0, path, 0).connect(path, 0, reg, 1);
    return reg;
  });
}

/** "job/done <id> vq mb.job" from the bridge bangs the returned box's outlet 0; job/progress goes to a flonum. */
function vqDone(p: MaxPatcher, x: number, y: number): MaxBox {
  const from = p.obj(x, y, 'r mb.out');
  const kind = p.obj(x, y + 30, maxRoute('/mb/job/progress', '/mb/job/done'));
  const progSlice = p.obj(x, y + 60, maxSliceBefore('/mb/job/progress', 'fraction'));
  const progress = p.ui('flonum', x, y + 90, 60, 22);
  const doneSlice = p.obj(x + 120, y + 60, maxSliceBefore('/mb/job/done', 'name'));
  const isVq = p.obj(x + 120, y + 90, `route ${maxJobName('/mb/job/vq')}`);
  const bang = p.obj(x + 120, y + 120, 't b');
  p.chain(from, kind).connect(kind, 0, progSlice, 0).connect(progSlice, 1, progress, 0);
  p.connect(kind, 1, doneSlice, 0).connect(doneSlice, 1, isVq, 0).connect(isVq, 0, bang, 0);
  return bang;
}

/** The ops of vq/deform, from its signature in the table. */
function deformOps(): readonly string[] {
  const op = argsOf(verbOf('/mb/vq/deform', 'max')).find((a) => a.name === 'op');
  if (!op?.values) throw new Error('patchgen: /mb/vq/deform has no "op" argument with a list of values');
  return op.values;
}

export function maxDescriptorSynthesis(): MaxPatcher {
  const p = new MaxPatcher({ width: 1100, height: 860 });
  top(p, 'mirrorbridge - descriptor-based synthesis', `Draw how loud and how bright the sound should be over time. The patch plays your curves as a guide sound (noise shaped by them) into the files folder; the VQ-VAE then picks, frame by frame, the codebook entries whose descriptors match the guide's, and decodes them (${maxSelector('/mb/job/vq')} synth). Constant targets ("${maxSelector('/mb/vq/target')} <descriptor> <value>") override single descriptors.`);
  p.comment(20, 160, '1) load a vqvae model', 200);
  modelPicker(p, 20, 185);
  const [guidePath, synthPath] = filesPaths(p, 620, 160, ['mb-guide.wav', 'mb-synth.wav']);

  p.comment(20, 420, '2) draw the targets: loudness (dB, -60..0) and centroid (Hz, 100..6000)', 500);
  const loud = p.ui('function', 20, 445, 300, 100, { range: [-60, 0], domain: 3000, addpoints: [0, -30, 0, 1500, -18, 0, 3000, -30, 0] });
  const cent = p.ui('function', 340, 445, 300, 100, { range: [100, 6000], domain: 3000, addpoints: [0, 600, 0, 3000, 3000, 0] });
  const seconds = p.ui('flonum', 660, 445, 60, 22);
  const ms = p.obj(660, 475, '* 1000.');
  const domain = p.msg(660, 505, 'setdomain $1');
  const init = p.obj(740, 445, 'loadmess 3.');
  p.connect(init, 0, seconds, 0).connect(seconds, 0, ms, 0).connect(ms, 0, domain, 0).connect(domain, 0, loud, 0).connect(domain, 0, cent, 0);
  p.comment(730, 470, 'seconds', 80);

  p.comment(20, 560, '3) optional constant target: flatness (0 tonal .. 1 noisy)', 400);
  const flat = p.ui('flonum', 20, 585, 60, 22);
  const flatMsg = p.msg(20, 615, maxMessage('/mb/vq/target', 'flatness $1'));
  const flatSend = p.obj(20, 645, 's mb.in');
  p.connect(flat, 0, flatMsg, 0).connect(flatMsg, 0, flatSend, 0);

  p.comment(340, 560, `4) synthesize: record the guide, write it, ask for ${maxSelector('/mb/job/vq')} synth`, 400);
  const go = p.ui('button', 340, 585, 24, 24);
  const seq = p.obj(340, 615, 't b b b b');
  const size = p.obj(560, 645, 'prepend size');
  const guide = p.obj(560, 675, 'buffer~ mb.guide');
  const dur = p.obj(460, 645, 'f 3000.');
  p.connect(ms, 0, dur, 1).connect(go, 0, seq, 0).connect(seq, 3, dur, 0).connect(dur, 0, size, 0).connect(size, 0, guide, 0);
  const lineL = p.obj(20, 700, 'line~');
  const lineC = p.obj(180, 700, 'line~');
  const noise = p.obj(340, 700, 'noise~');
  const svf = p.obj(340, 730, 'svf~');
  const q = p.obj(480, 700, 'sig~ 0.6');
  const dbtoa = p.obj(20, 730, 'dbtoa~');
  const shaped = p.obj(340, 760, '*~');
  const rec = p.obj(340, 790, 'record~ mb.guide');
  const one = p.msg(440, 760, '1');
  p.connect(seq, 2, loud, 0).connect(seq, 2, cent, 0).connect(loud, 1, lineL, 0).connect(cent, 1, lineC, 0);
  p.connect(noise, 0, svf, 0).connect(lineC, 0, svf, 1).connect(q, 0, svf, 2).connect(svf, 2, shaped, 0).connect(lineL, 0, dbtoa, 0).connect(dbtoa, 0, shaped, 1);
  p.connect(shaped, 0, rec, 0).connect(seq, 1, one, 0).connect(one, 0, rec, 0);
  const wait = p.obj(580, 720, 'delay');
  const writeT = p.obj(580, 750, 't b b');
  const write = p.obj(700, 780, 'prepend writewave');
  const ask = p.msg(580, 810, maxMessage('/mb/job/vq', 'synth mb-guide.wav mb-synth.wav'));
  const askSend = p.obj(580, 840, 's mb.in');
  p.connect(dur, 0, wait, 1).connect(seq, 0, wait, 0).connect(wait, 0, writeT, 0);
  p.connect(writeT, 1, guidePath, 0).connect(guidePath, 0, write, 0).connect(write, 0, guide, 0).connect(writeT, 0, ask, 0).connect(ask, 0, askSend, 0);

  p.comment(800, 420, '5) the result loads when the job is done', 260);
  const done = vqDone(p, 800, 445);
  const load = p.obj(800, 630, 'prepend replace');
  const result = p.obj(800, 660, 'buffer~ mb.synth');
  const play = p.msg(800, 700, 'start');
  const player = p.obj(800, 730, 'play~ mb.synth');
  const guidePlay = p.msg(920, 700, 'start');
  const guidePlayer = p.obj(920, 730, 'play~ mb.guide');
  const dac = p.ui('ezdac~', 800, 770, 45, 45);
  p.connect(done, 0, synthPath, 0).connect(synthPath, 0, load, 0).connect(load, 0, result, 0);
  p.connect(play, 0, player, 0).connect(player, 0, dac, 0).connect(player, 0, dac, 1).connect(guidePlay, 0, guidePlayer, 0).connect(guidePlayer, 0, dac, 0);
  p.comment(960, 670, 'result / guide', 100);
  return p;
}

export function maxLatentDeformation(): MaxPatcher {
  const p = new MaxPatcher({ width: 1100, height: 900 });
  // the live deformations the table declares (vq/deform <op> <value>): a number box each, a toggle for reverse
  const ops = deformOps();
  top(p, 'mirrorbridge - latent deformation and the interpolation plane', `The VQ-VAE encodes a sound into latent frames; deforming the series (${ops.join(', ')}) and decoding it makes new sounds that keep something of the source. On the plane, four sounds sit at the corners and a point mixes their latent series. "${maxSelector('/mb/vq/deform')}" and "${maxSelector('/mb/vq/plane')}" settings apply to this session's next ${maxSelector('/mb/job/vq')} job.`);
  p.comment(20, 160, '1) load a vqvae model', 200);
  modelPicker(p, 20, 185);
  const [outPath] = filesPaths(p, 620, 160, ['mb-latent-out.wav']);

  p.comment(20, 420, '2) drop a sound', 200);
  const drop = p.ui('dropfile', 20, 445, 220, 50);
  const imp = p.obj(20, 505, maxPrepend('/mb/files/import'));
  const impArgs = p.obj(20, 535, 'append mb-deform-in.wav');
  const impSend = p.obj(20, 565, 's mb.in');
  p.connect(drop, 0, imp, 0).connect(imp, 0, impArgs, 0).connect(impArgs, 0, impSend, 0);

  p.comment(280, 420, '3) deform the latent series', 200);
  const amounts = ops.filter((op) => op !== 'reverse');
  amounts.forEach((op, i) => {
    const f = p.ui('flonum', 280, 450 + i * 35, 60, 22);
    const m = p.msg(350, 450 + i * 35, maxMessage('/mb/vq/deform', op, '$1'));
    const s = p.obj(520, 450 + i * 35, 's mb.in');
    const lm = p.obj(200, 450 + i * 35, `loadmess ${op === 'scale' ? 1 : 0}`);
    p.connect(lm, 0, f, 0).connect(f, 0, m, 0).connect(m, 0, s, 0);
  });
  const below = 450 + amounts.length * 35;
  if (ops.includes('reverse')) {
    const rev = p.ui('toggle', 280, below, 24, 24);
    const revMsg = p.msg(350, below, maxMessage('/mb/vq/deform', 'reverse $1'));
    const revSend = p.obj(520, below, 's mb.in');
    p.connect(rev, 0, revMsg, 0).connect(revMsg, 0, revSend, 0);
    p.comment(310, below, 'reverse', 40);
  }
  const decode = p.ui('button', 280, below + 35, 24, 24);
  const decodeMsg = p.msg(320, below + 35, maxMessage('/mb/job/vq', 'deform mb-deform-in.wav mb-latent-out.wav'));
  const decodeSend = p.obj(320, below + 60, 's mb.in');
  p.connect(decode, 0, decodeMsg, 0).connect(decodeMsg, 0, decodeSend, 0);
  p.comment(660, below + 35, 'decode the deformed series', 130);

  p.comment(20, 680, '4) the plane: drop four corner sounds (a b c d), move the point, render', 500);
  const names = ['a', 'b', 'c', 'd'];
  names.forEach((c, i) => {
    const d = p.ui('dropfile', 20 + i * 90, 705, 80, 40);
    const im = p.obj(20 + i * 90, 755, maxPrepend('/mb/files/import'));
    const args = p.obj(20 + i * 90, 785, `append mb-corner-${c}.wav`);
    const s = p.obj(20 + i * 90, 815, 's mb.in');
    p.connect(d, 0, im, 0).connect(im, 0, args, 0).connect(args, 0, s, 0);
  });
  const pad = p.ui('pictslider', 400, 700, 120, 120);
  const sx = p.obj(540, 700, 'scale 0 127 0. 1.');
  const sy = p.obj(540, 730, 'scale 0 127 1. 0.');
  const xy = p.obj(540, 760, 'pack 0. 0.');
  const planeMsg = p.msg(540, 790, maxMessage('/mb/vq/plane', '$1 $2'));
  const planeSend = p.obj(540, 820, 's mb.in');
  p.connect(pad, 0, sx, 0).connect(pad, 1, sy, 0).connect(sy, 0, xy, 1).connect(sx, 0, xy, 0).connect(xy, 0, planeMsg, 0).connect(planeMsg, 0, planeSend, 0);
  const render = p.ui('button', 700, 700, 24, 24);
  // The list file is named here, so the reply only has to say "written": a bare symbol out of
  // [route] (the name alone) would reach the job message box as an unknown selector.
  const listName = 'mb-corners.txt';
  const cornersMsg = p.msg(740, 700, maxMessage('/mb/files/corners', ...names.map((c) => `mb-corner-${c}.wav`), listName));
  const cornersSend = p.obj(740, 730, 's mb.in');
  const fromCorners = p.obj(740, 760, 'r mb.out');
  const onCorners = p.obj(740, 790, maxRoute('/mb/files/cornerlist'));
  const written = p.obj(900, 790, 't b');
  expectArgAt(outOf('/mb/files/cornerlist', 'max'), 'list', 0);
  const planeJob = p.msg(740, 820, maxMessage('/mb/job/vq', `plane ${listName} mb-latent-out.wav`));
  const planeJobSend = p.obj(740, 850, 's mb.in');
  p.connect(render, 0, cornersMsg, 0).connect(cornersMsg, 0, cornersSend, 0).connect(fromCorners, 0, onCorners, 0).connect(onCorners, 0, written, 0).connect(written, 0, planeJob, 0).connect(planeJob, 0, planeJobSend, 0);
  p.comment(960, 780, 'the corner list is written, then the point is rendered', 130);

  p.comment(800, 420, '5) the result: play, save', 260);
  const done = vqDone(p, 800, 445);
  const load = p.obj(800, 630, 'prepend replace');
  const result = p.obj(800, 660, 'buffer~ mb.latent');
  const play = p.msg(800, 540 + 150, 'start');
  const player = p.obj(800, 720, 'play~ mb.latent');
  const save = p.msg(920, 690, 'write');
  const dac = p.ui('ezdac~', 880, 760, 45, 45);
  p.connect(done, 0, outPath, 0).connect(outPath, 0, load, 0).connect(load, 0, result, 0).connect(save, 0, result, 0);
  p.connect(play, 0, player, 0).connect(player, 0, dac, 0).connect(player, 0, dac, 1);
  p.comment(970, 690, 'save as...', 80);
  return p;
}

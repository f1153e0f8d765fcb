/**
 * Pd example 5: a voice drives your own synth through the model `mirrorbridge learn` learned
 * from it. The synth is the shipped Pd plant patches/pd/plants/fm.pd, loaded here as an
 * abstraction (the same one Pd rendered while the model learned); its parameters and their
 * receive names come from its schema (patches/pd/plants/fm.json), which the learned model's
 * manifest repeats (tests/integration/pd-learned.test.ts checks that they agree).
 */
import * as path from 'node:path';
import { readPlantSchema, type PlantSchema } from '../../src/plants/schema';
import { PLANT_HOP_SECONDS } from '../../src/plants/features';
import { PdCanvas } from './canvas';
import { fileSource, top } from './examples';
import { sendOutlet } from './net';

/** The learned model the example streams to, and the plant it was learned from. */
export const LEARNED_MODEL = 'fm';
export const LEARNED_PLANT = 'fm';
/** The test's recording of the synth (seconds at Pd's rate; 48 kHz at most). */
export const RECORD_SECONDS = 6;

export function learnedSchema(): PlantSchema {
  return readPlantSchema(path.join(__dirname, '..', '..', 'patches', 'pd', 'plants', `${LEARNED_PLANT}.json`));
}

export function learnedSynth(): PdCanvas {
  const schema = learnedSchema();
  const names = schema.params.map((q) => q.name);
  const p = new PdCanvas({ width: 1000, height: 760 });
  top(p, `mirrorbridge example 5: a voice plays your own synth (${LEARNED_PLANT}.pd, learned by mirrorbridge learn)`, `Sing or play a sound file: [mb.send~] streams it to the model "${LEARNED_MODEL}" that mirrorbridge learn learned from ../plants/${LEARNED_PLANT}.pd (see docs/learn.md: mirrorbridge learn --plant pd:patches/pd/plants/${LEARNED_PLANT}.pd --schema patches/pd/plants/${LEARNED_PLANT}.json --out models/${LEARNED_MODEL}). Every ${PLANT_HOP_SECONDS} s the model hears the last ${schema.seconds} s as one note of your synth and answers its parameters in the synth's own units (${names.join(', ')}); this patch sends them to [r plant.<name>] and plays a note of your own patch with them.`);
  p.declare(20, 60, '-path ../plants');

  p.text(20, 230, '2) choose the source: microphone / sound file / off', 50);
  const source = p.hradio(20, 255, 3, 'ex5.source');
  const lb = p.obj(120, 255, 'loadbang');
  const init = p.msg(120, 280, '1');
  p.connect(lb, 0, init, 0).connect(init, 0, source, 0);
  const adc = p.obj(20, 320, 'adc~ 1');
  const isMic = p.obj(220, 300, '== 0');
  const isFile = p.obj(280, 300, '== 1');
  const micGain = p.obj(20, 350, '*~ 0');
  const fileGain = p.obj(20, 455, '*~ 0');
  p.connect(source, 0, isMic, 0).connect(source, 0, isFile, 0).connect(isMic, 0, micGain, 1).connect(isFile, 0, fileGain, 1).connect(adc, 0, micGain, 0);
  // a sound file (a recording of a voice), played once at its own rate when loaded
  const file = fileSource(p, 60, 300, 'ex5');
  p.connect(file, 0, fileGain, 0);

  p.text(20, 480, `3) stream it to the learned model (stream 1, 512-sample blocks, model ${LEARNED_MODEL})`, 50);
  const stream = p.toggle(20, 505, 'stream', 'ex5.stream');
  const send = p.obj(20, 535, 'mb.send~ 1 512');
  const model = p.msg(120, 505, `model ${LEARNED_MODEL}`);
  const lbT = p.obj(120, 470, 't b b');
  const on = p.msg(220, 505, '1');
  p.connect(lb, 0, lbT, 0).connect(lbT, 1, model, 0).connect(lbT, 0, on, 0).connect(model, 0, send, 1).connect(on, 0, stream, 0);
  p.connect(micGain, 0, send, 0).connect(fileGain, 0, send, 0).connect(stream, 0, send, 1);
  p.connect(send, 0, p.obj(20, 565, 'print ex5-stream'), 0);
  p.text(150, 565, `prints ${sendOutlet()}`, 40);

  p.text(480, 230, `4) the parameters in ${LEARNED_PLANT}'s units, one frame per ${PLANT_HOP_SECONDS} s: sent to [r plant.<name>], then a note (gate 1, and 0 after ${schema.gateSeconds} s)`, 50);
  const params = p.obj(480, 290, 'mb.params 1');
  const frame = p.obj(480, 320, 't b l');
  const split = p.obj(560, 350, `unpack ${names.map(() => 'f').join(' ')}`);
  p.connect(params, 1, frame, 0).connect(frame, 1, split, 0);
  p.connect(frame, 1, p.obj(760, 320, 'print ex5-units'), 0);
  schema.params.forEach((q, i) => {
    const y = 385 + 30 * i;
    const box = p.floatatom(560, y, 7);
    const out = p.obj(640, y, `s plant.${q.name}`);
    p.text(780, y, `${q.name} (${q.unit || 'no unit'}, ${q.min}..${q.max})`, 30);
    p.connect(split, i, box, 0).connect(split, i, out, 0);
  });
  const yGate = 395 + 30 * schema.params.length;
  const gate = p.obj(480, yGate, 't b b');
  const gateOn = p.msg(480, yGate + 30, '1');
  const wait = p.obj(560, yGate + 30, `delay ${Math.round(schema.gateSeconds * 1000)}`);
  const gateOff = p.msg(560, yGate + 60, '0');
  const toGate = p.obj(480, yGate + 90, 's plant.gate');
  p.connect(frame, 0, gate, 0).connect(gate, 1, gateOn, 0).connect(gate, 0, wait, 0).connect(gateOn, 0, toGate, 0).connect(wait, 0, gateOff, 0).connect(gateOff, 0, toGate, 0);

  p.text(20, 610, `5) listen: your own ${LEARNED_PLANT}.pd plays what the model heard`, 50);
  const synth = p.obj(20, 635, LEARNED_PLANT);
  const volume = p.hslider(20, 665, 0, 1, 'volume', 128);
  const vol = p.obj(20, 690, '*~ 0');
  const dac = p.obj(20, 720, 'dac~');
  const lbVol = p.msg(200, 665, '0.5');
  p.connect(synth, 0, vol, 0).connect(volume, 0, vol, 1).connect(vol, 0, dac, 0).connect(vol, 0, dac, 1).connect(lb, 0, lbVol, 0).connect(lbVol, 0, volume, 0);
  // recording the synth (what the test listens to): "ex5.record bang", then "ex5.write <file>"
  const rec = p.obj(260, 635, 'r ex5.record');
  const tab = p.obj(260, 690, 'tabwrite~ ex5-synth');
  const wr = p.obj(420, 635, 'r ex5.write');
  const wrMsg = p.msg(420, 660, 'write -wave -bytes 4 $1 ex5-synth');
  const wrSf = p.obj(420, 690, 'soundfiler');
  p.connect(rec, 0, tab, 0).connect(synth, 0, tab, 0).connect(wr, 0, wrMsg, 0).connect(wrMsg, 0, wrSf, 0);
  p.connect(wrSf, 0, p.obj(420, 720, 'print ex5-written'), 0);
  p.array(700, 640, 'ex5-synth', RECORD_SECONDS * 48000, { width: 200, height: 60 });
  return p;
}

import type { PlantSchema } from './schema';
import { toUnits } from './schema';

/**
 * The host patch and score that let real Pd render a batch of parameter vectors through a
 * user's synth in batch mode (`pd -nogui -nosound -batch`, as fast as the CPU allows).
 *
 * The contract with the user's patch (docs/learn.md):
 * - it is loaded as an abstraction (its folder goes on Pd's path, its file name is the class);
 * - it receives each parameter in units at `[r plant.<name>]`, and the note gate at
 *   `[r plant.gate]` (1 = note on, 0 = release);
 * - its first signal outlet is the sound.
 *
 * The host plays a [qlist] score: for clip k it sends every parameter, then `plant.gate 1`,
 * and `plant.gate 0` after `gateSeconds`; one [tabwrite~] records the whole batch into one
 * array, which [soundfiler] writes as a float WAV before `pd quit`. Clip onsets fall on
 * 64-sample block boundaries, so clip k starts at exactly k x `periodSamples` in the array.
 */
export const PD_BLOCK = 64;
/** Silence recorded between clips so a release does not reach the next clip. */
export const PD_GAP_SECONDS = 0.05;

export interface PdBatchLayout {
  periodSamples: number;
  clipSamples: number;
  totalSamples: number;
}

/** Where each clip lies in the recorded array. */
export function batchLayout(schema: PlantSchema, clips: number): PdBatchLayout {
  const clipSamples = Math.round(schema.seconds * schema.sampleRate);
  const periodSamples = Math.ceil((clipSamples + PD_GAP_SECONDS * schema.sampleRate) / PD_BLOCK) * PD_BLOCK;
  return { periodSamples, clipSamples, totalSamples: periodSamples * clips + PD_BLOCK };
}

function atom(v: number): string {
  // Pd reads plain decimals; 7 significant digits is float32 precision.
  return Number(v.toPrecision(7)).toString();
}

/**
 * The [qlist] score for a batch: relative delays in ms, one message per line.
 * @example pdScore(schema, [vec], '/tmp/x/out.wav') // '0 mbhost.rec bang;\n0 plant.note 60;\n...'
 */
export function pdScore(schema: PlantSchema, vectors: readonly ArrayLike<number>[]): string {
  const { periodSamples } = batchLayout(schema, vectors.length);
  const msPerSample = 1000 / schema.sampleRate;
  const gateMs = Math.round((schema.gateSeconds * schema.sampleRate) / PD_BLOCK) * PD_BLOCK * msPerSample;
  const periodMs = periodSamples * msPerSample;
  const lines = ['0 mbhost.rec bang;'];
  vectors.forEach((v, k) => {
    const units = toUnits(schema, v);
    const wait = k === 0 ? 0 : periodMs - gateMs;
    schema.params.forEach((p, i) => lines.push(`${i === 0 ? atom(wait) : 0} plant.${p.name} ${atom(units[i])};`));
    lines.push('0 plant.gate 1;', `${atom(gateMs)} plant.gate 0;`);
  });
  lines.push(`${atom(periodMs - gateMs + PD_BLOCK * msPerSample)} mbhost.write bang;`, '0 pd quit;');
  return `${lines.join('\n')}\n`;
}

/**
 * The host patch: loads `className` (the user's patch), plays `scorePath`, records into an
 * array of `totalSamples` and writes it to `wavPath`. Paths must be Pd symbols (no spaces).
 */
export function pdHostPatch(className: string, scorePath: string, wavPath: string, totalSamples: number): string {
  return [
    '#N canvas 0 50 520 360 12;',
    '#X obj 10 10 loadbang;',
    '#X obj 10 35 t b b b;',
    '#X msg 200 60 \\; pd dsp 1;',
    `#X msg 100 90 read ${scorePath};`,
    '#X obj 10 120 qlist;',
    `#X obj 10 160 ${className};`,
    '#X obj 10 200 tabwrite~ mbhost.out;',
    '#X obj 200 160 r mbhost.rec;',
    `#X obj 200 240 array define mbhost.out ${totalSamples};`,
    '#X obj 200 270 r mbhost.write;',
    `#X msg 200 295 write -wave -bytes 4 ${wavPath} mbhost.out;`,
    '#X obj 200 320 soundfiler;',
    '#X connect 0 0 1 0;',
    '#X connect 1 2 2 0;',
    '#X connect 1 1 3 0;',
    '#X connect 1 0 4 0;',
    '#X connect 3 0 4 0;',
    '#X connect 5 0 6 0;',
    '#X connect 7 0 6 0;',
    '#X connect 9 0 10 0;',
    '#X connect 10 0 11 0;',
    '',
  ].join('\n');
}

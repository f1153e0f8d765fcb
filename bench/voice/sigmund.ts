import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeWav } from '../../src/audio/wav';

/**
 * Pd's own [sigmund~] (vanilla's extra, Debian puredata-extra) on a signal, in real Pd run in
 * batch mode: `pd -nogui -nosound -batch -r <rate> -open patch.pd` (MB_PD_PATH adds -path folders). The patch reads the
 * file into a table, plays it through [sigmund~ -npts N -hop H pitch] and writes one pitch per
 * hop (MIDI; sigmund~ sends -1500 where it finds none) to a text file, then quits.
 *
 * [sigmund~] analyses once its buffer first holds N samples, then every hop: output k covers the
 * N samples ending at sample N + k hop, so its centre lies N / 2 before that.
 */
export interface SigmundTrack {
  hop: number;
  npts: number;
  /** Pitch per hop, MIDI; NaN where sigmund~ found none. */
  midi: number[];
  /** Seconds from the signal's start to the centre of output k's window. */
  timeOf(k: number): number;
  /** The sample after the last one output k saw. */
  endOf(k: number): number;
}

/** Extra folders Pd searches for [sigmund~] (MB_PD_PATH, colon-separated), beside its own. */
function searchPath(): string[] {
  return (process.env.MB_PD_PATH ?? '').split(':').filter((p) => p.length > 0).flatMap((p) => ['-path', p]);
}

export function pdMissing(): string | undefined {
  return spawnSync('which', ['pd']).status === 0 ? undefined : 'pd is not installed (Debian: apt install puredata-core puredata-extra)';
}

/** The batch patch: soundfiler → tabplay~ → sigmund~ → textfile, written and quit when the table has played. */
function patch(wav: string, out: string, npts: number, hop: number): string {
  const lines = [
    '#N canvas 0 50 600 400 12;',
    '#X obj 20 20 loadbang;', // 0
    '#X obj 20 50 t b b;', // 1
    `#X msg 120 80 read -resize ${wav} snd;`, // 2
    '#X obj 120 110 soundfiler;', // 3
    '#X obj 300 20 table snd;', // 4
    '#X msg 20 140 \\; pd dsp 1;', // 5
    '#X obj 20 200 tabplay~ snd;', // 6
    `#X obj 20 240 sigmund~ -npts ${npts} -hop ${hop} pitch;`, // 7
    '#X msg 20 280 add \\$1;', // 8
    '#X obj 20 320 textfile;', // 9
    '#X obj 200 240 t b b;', // 10
    `#X msg 200 280 write ${out};`, // 11
    '#X msg 300 280 \\; pd quit;', // 12
    '#X msg 20 170 bang;', // 13
  ];
  const connect = [
    [0, 0, 1, 0], [1, 1, 2, 0], [2, 0, 3, 0], [1, 0, 5, 0], [1, 0, 13, 0], [13, 0, 6, 0],
    [6, 0, 7, 0], [7, 0, 8, 0], [8, 0, 9, 0], [6, 1, 10, 0], [10, 1, 11, 0], [11, 0, 9, 0], [10, 0, 12, 0],
  ].map(([a, o, b, i]) => `#X connect ${a} ${o} ${b} ${i};`);
  return [...lines, ...connect].join('\n') + '\n';
}

/** Runs [sigmund~] over `samples` in real Pd; throws with Pd's stderr when it fails. */
export function sigmund(samples: Float32Array, sampleRate: number, npts = 1024, hop = 128): SigmundTrack {
  const dir = mkdtempSync(join(tmpdir(), 'mb-sigmund-'));
  const wav = join(dir, 'in.wav');
  const out = join(dir, 'pitch.txt');
  writeWav(wav, samples, sampleRate);
  writeFileSync(join(dir, 'sigmund.pd'), patch(wav, out, npts, hop));
  const r = spawnSync('pd', ['-nogui', '-nosound', '-batch', ...searchPath(), '-r', String(sampleRate), '-open', join(dir, 'sigmund.pd')], { encoding: 'utf8', timeout: 120000 });
  if (/sigmund~.*\n.*couldn't create/.test(r.stderr ?? '')) throw new Error("Pd has no [sigmund~] (Debian: apt install puredata-extra, or set MB_PD_PATH to a folder holding sigmund~.pd_linux)");
  let text: string;
  try {
    text = readFileSync(out, 'utf8');
  } catch {
    throw new Error(`pd wrote no pitch file (exit ${r.status}): ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}`);
  }
  const midi = text.split(';').map((l) => l.trim()).filter((l) => l.length > 0).map(Number).map((v) => (v < 0 ? NaN : v));
  return { hop, npts, midi, timeOf: (k) => (npts / 2 + k * hop) / sampleRate, endOf: (k) => npts + k * hop };
}

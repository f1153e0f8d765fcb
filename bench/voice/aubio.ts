import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeWav } from '../../src/audio/wav';

/**
 * A pitch truth that is not ours: Debian aubio-tools' `aubiopitch` run twice on a phrase, with
 * two methods of other principles than our time-domain YIN — yinfft (YIN's difference function
 * from a weighted spectrum) and mcomb (a multi-comb over spectral peaks) — 2048-point buffers,
 * 256-sample hops at 48 kHz; a frame counts where both give a pitch and agree within 0.5
 * semitone (their mean is the truth), as issue 17 asks.
 *
 * aubiopitch prints the time of a frame as k x hop, when its buffer ends at (k + 1) hop (a tone
 * starting at 0.5 s is first reported at 0.5013 s), so the centre of what frame k saw lies at
 * (k + 1) hop - buffer / 2.
 */
export interface AubioTruth {
  /** Seconds from the start to the centre of frame k's buffer. */
  time: number[];
  /** MIDI where both methods agree, else NaN. */
  midi: number[];
  hopSeconds: number;
}

const BUFFER = 2048;
const HOP = 256;

export function aubioMissing(): string | undefined {
  return spawnSync('which', ['aubiopitch']).status === 0 ? undefined : 'aubiopitch is not installed (Debian: apt install aubio-tools)';
}

function run(wav: string, method: string): number[] {
  const r = spawnSync('aubiopitch', ['-i', wav, '-p', method, '-u', 'midi', '-B', String(BUFFER), '-H', String(HOP), '-s', '-50'], { encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0) throw new Error(`aubiopitch -p ${method} failed (exit ${r.status}): ${(r.stderr || '').trim().split('\n').slice(-2).join(' | ')}`);
  return r.stdout.trim().split('\n').map((l) => Number(l.split(/\s+/)[1]));
}

/** The agreed pitch of yinfft and mcomb per aubio frame over `samples` (written to a temporary WAV). */
export function aubioTruth(samples: Float32Array, sampleRate: number): AubioTruth {
  const dir = mkdtempSync(join(tmpdir(), 'mb-aubio-'));
  try {
    const wav = join(dir, 'phrase.wav');
    writeWav(wav, samples, sampleRate);
    const a = run(wav, 'yinfft');
    const b = run(wav, 'mcomb');
    const n = Math.min(a.length, b.length);
    const midi = Array.from({ length: n }, (_, k) => (a[k] > 0 && b[k] > 0 && Math.abs(a[k] - b[k]) <= 0.5 ? (a[k] + b[k]) / 2 : NaN));
    const time = midi.map((_, k) => ((k + 1) * HOP - BUFFER / 2) / sampleRate);
    return { time, midi, hopSeconds: HOP / sampleRate };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** aubio's agreed pitch nearest to `t`, NaN where it has none. */
export function truthAt(truth: AubioTruth, t: number): number {
  const k = Math.round((t - truth.time[0]) / truth.hopSeconds);
  return k >= 0 && k < truth.midi.length ? truth.midi[k] : NaN;
}

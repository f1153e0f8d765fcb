import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWav, writeWav } from '../../src/audio/wav';
import { midiToNotes } from '../../src/mirror/midi';
import { newVoiceMaker, singPhrase, type VoicePhrase } from '../../bench/voice/phrases';
import { medianF0, requireTool } from '../helpers';
import { ROOT, runPd } from '../patches/pd-runner';
import { mirrorbridge } from './run';

const dir = mkdtempSync(join(tmpdir(), 'mb-sketch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tools = requireTool('espeak-ng') && requireTool('sox');
/** espeak-ng sings A2 E3 A3 E4 (flat pitch: the truth is what it was asked for; bench/voice/phrases.ts). */
const ASKED = [45, 52, 57, 64];
const TRANSPOSE = 12;

describe.runIf(tools)('mirrorbridge sketch: a voice WAV through the live voice stream', () => {
  let phrase: VoicePhrase;
  const wav = join(dir, 'voice.wav');

  it('writes the curves (.json), the notes (.mid), a score Pd and Max play (.txt) and the plant\'s rendering, with the mapping applied', async () => {
    phrase = singPhrase(newVoiceMaker(), 'sketch', 'low', ASKED, false);
    writeWav(wav, phrase.samples, phrase.sampleRate);
    const [json, mid, txt, rendered] = ['curves.json', 'notes.mid', 'score.txt', 'synth.wav'].map((f) => join(dir, f));
    const r = await mirrorbridge('sketch', wav, '--out', json, '--out', mid, '--out', txt, '--render', rendered, '--transpose', String(TRANSPOSE), '--json');
    expect(r.code, r.err).toBe(0);
    const summary = JSON.parse(r.out);
    expect(summary.outputs).toEqual([json, mid, txt, rendered]);

    // curves: one frame per 8 ms of input; the note follows the voice + 12 on the notes' voiced frames
    const c = JSON.parse(readFileSync(json, 'utf8'));
    const seconds = phrase.samples.length / phrase.sampleRate;
    expect(Math.abs(c.frames - seconds * 125)).toBeLessThanOrEqual(1);
    expect(c.mapping.transpose).toBe(TRANSPOSE);
    expect(Object.keys(c.curves)).toEqual(['note', 'duration', 'volume', 'cutoff', 'resonance', 'attack', 'decay']);
    for (const n of phrase.notes) {
      const ks = c.time_s.map((_: number, k: number) => k).filter((k: number) => c.time_s[k] >= n.start && c.time_s[k] <= n.end);
      const near = ks.filter((k: number) => Math.abs(c.curves.note.values[k] - (n.midi + TRANSPOSE)) <= 0.5 && c.curves.duration.values[k] > 0.5);
      expect(near.length / ks.length, `note ${n.midi}`).toBeGreaterThanOrEqual(0.9);
    }
    // between the notes (80 ms of silence) the gate closes
    for (let i = 1; i < phrase.notes.length; i++) {
      const gap = (phrase.notes[i - 1].end + 0.03 + phrase.notes[i].onset) / 2;
      const k = c.time_s.findIndex((t: number) => t >= gap);
      expect(c.curves.duration.values[k], `gap before note ${i}`).toBe(0);
    }

    // notes: one per sung vowel, on its key (transposed), inside its span
    const notes = midiToNotes(readFileSync(mid));
    expect(notes.map((n) => n.key)).toEqual(ASKED.map((m) => m + TRANSPOSE));
    notes.forEach((n, i) => {
      expect(n.onset_s, `onset ${i}`).toBeGreaterThan(phrase.notes[i].onset - 0.03);
      expect(n.onset_s, `onset ${i}`).toBeLessThan(phrase.notes[i].start + 0.03);
      expect(n.offset_s, `offset ${i}`).toBeGreaterThan(phrase.notes[i].end - 0.05);
    });

    // score: "<wait ms> <7 normalized values>;" per frame
    const lines = readFileSync(txt, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(c.frames);
    lines.forEach((l, k) => {
      expect(l.endsWith(';')).toBe(true);
      const v = l.slice(0, -1).split(' ').map(Number);
      expect(v).toHaveLength(8);
      expect(v[0]).toBe(k === 0 ? 0 : 8);
      v.slice(1).forEach((p, i) => expect(Math.abs(p - c.params[k][i])).toBeLessThanOrEqual(1e-5));
    });

    // rendering: the plant plays the transposed notes at 16 kHz over the input's length (judged over
    // each note's first 130 ms: the plant's envelope decays, sustain 0)
    const out = readWav(rendered);
    expect(out.sampleRate).toBe(16000);
    expect(Math.abs(out.samples.length / 16000 - seconds)).toBeLessThan(0.02);
    for (const n of phrase.notes) {
      const f0 = medianF0(out.samples, 16000, Math.round((n.onset + 0.02) * 16000), Math.round((n.onset + 0.15) * 16000));
      expect(Math.abs(69 + 12 * Math.log2(f0 / 440) - (n.midi + TRANSPOSE)), `rendered note ${n.midi}`).toBeLessThan(0.5);
    }
  });

  it.runIf(requireTool('pd'))('real Pd plays the score with [text sequence -w 1] into [mb.plant~] on the sketched notes', async () => {
    const txt = join(dir, 'score.txt');
    const frames = readFileSync(txt, 'utf8').trim().split('\n').length;
    const out = join(dir, 'pd.wav');
    const run = await runPd(['-batch', '-r', '16000', '-open', join(ROOT, 'tests/patches/fixtures/score-play.pd'), '-send', 'pd dsp 1', '-send', `score-play ${txt} ${out} ${frames}`], 30_000);
    expect(run.output).not.toMatch(/error|couldn't create/);
    const pd = readWav(out).samples;
    expect(pd.length).toBe(frames * 128);
    for (const n of phrase.notes) {
      const f0 = medianF0(pd, 16000, Math.round((n.onset + 0.02) * 16000), Math.round((n.onset + 0.15) * 16000));
      expect(Math.abs(69 + 12 * Math.log2(f0 / 440) - (n.midi + TRANSPOSE)), `Pd played note ${n.midi}`).toBeLessThan(0.5);
    }
  }, 60_000);

  it('bad input: a coded error and exit 2, nothing written', async () => {
    const cases: [string[], string][] = [
      [['/no/such.wav', '--out', join(dir, 'a.json')], 'MB_ERR_NOT_FOUND'],
      [[wav], 'MB_ERR_BAD_ARGS'],
      [[wav, '--out', join(dir, 'a.wav')], 'MB_ERR_BAD_ARGS'],
      [[wav, '--out', join(dir, 'a.json'), '--fold', '40:45'], 'MB_ERR_BAD_ARGS'],
      [[wav, '--out', join(dir, 'a.json'), '--transpose', '99'], 'MB_ERR_BAD_ARGS'],
      [[wav, '--out', join(dir, 'a.json'), '--quantize', 'lydian'], 'MB_ERR_BAD_ARGS'],
      [[wav, '--out', join(dir, 'a.json'), '--smooth', 'cutoff'], 'MB_ERR_BAD_ARGS'],
      [[wav, '--out', join(dir, 'a.json'), '--model', '../x'], 'MB_ERR_BAD_ARGS'],
    ];
    for (const [args, code] of cases) {
      const r = await mirrorbridge('sketch', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toContain(code);
    }
    expect(() => readFileSync(join(dir, 'a.json'))).toThrow();
  });
});

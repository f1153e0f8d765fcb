import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readWav, writeWav } from '../../src/audio/wav';
import { midiToNotes } from '../../src/mirror/midi';
import { renderNotes } from '../../src/synth/notes';
import type { MaxSim, SimBox } from '../patches/max-sim';
import { closePatches, openPatch, until } from './patch-open';

/**
 * The Max melody-resynthesis example, run in the Max simulator against the real bridge and the
 * bundled models (only max-api is faked): a dropped melody is resynthesized on the note model by
 * default, its notes land in the patch's [coll] and [multislider], the rendering loads into the
 * buffer the player reads; one click switches to the paper's model and runs the file again; the
 * "write MIDI" button writes the notes as a MIDI file inside the files folder.
 */
afterEach(closePatches);

const MELODY = [
  { onset: 0.1, duration: 0.3, midi: 50, sustain: 0.6 },
  { onset: 0.5, duration: 0.25, midi: 69.3, sustain: 0.5 },
  { onset: 1.2, duration: 0.6, midi: 62, sustain: 0.7 },
];
const PATCH = 'patches/max/patchers/mirrorbridge.melody-resynthesis.maxpat';

const one = (sim: MaxSim, text: string): SimBox => {
  const found = sim.boxes.filter((b) => b.text === text || b.text.startsWith(`${text} `));
  if (found.length !== 1) throw new Error(`expected one box "${text}", found ${found.length}`);
  return found[0];
};
const jobsDone = (outlets: unknown[][], name: string) => outlets.filter((m) => m[0] === 'job/done' && m[2] === name).length;
// What reached node.script ([mb.bridge] sends the patch's messages with the selector bus).
const sentToScript = (sim: MaxSim) => one(sim, 'node.script').received.map(([, m]) => (m[0] === 'bus' ? m.slice(1) : m));

describe('Max example: melody resynthesis (simulator + real bridge)', () => {
  it('shows the notes of mirrornet-notes, loads the rendering, switches to the paper model in one click and writes MIDI', async () => {
    const { api, sim, filesDir } = await openPatch(PATCH);
    const wav = path.join(mkdtempSync(path.join(tmpdir(), 'mb-melody-src-')), 'played.wav');
    writeWav(wav, renderNotes(MELODY, { sampleRate: 22050, totalSeconds: 2 }), 22050);
    sim.find('dropfile')[0].receive(0, [wav]);
    await until(() => jobsDone(api.outlets, 'resynth') === 1 || api.outlets.some((m) => m[0] === 'error'), 60000);
    await api.settle();
    expect(api.outlets.filter((m) => m[0] === 'error')).toEqual([]);
    expect(sentToScript(sim)).toContainEqual(['job/resynth', 'played.wav', 'mb-resynthesis.wav', 'mirrornet-notes']);

    // The notes: each in the coll as "<onset> <duration> <MIDI> <cents>", the pitches in the multislider.
    const coll = one(sim, 'coll');
    const entries = [...coll.entries!.entries()];
    expect(entries.map(([k]) => k)).toEqual([0, 1, 2]);
    entries.forEach(([, [onset, duration, midi, cents]], i) => {
      expect(Math.abs(Number(onset) - MELODY[i].onset)).toBeLessThan(0.05);
      expect(Number(duration)).toBeGreaterThan(0.1);
      expect(Math.abs(Number(midi) - MELODY[i].midi)).toBeLessThan(0.2);
      expect(cents).toBe(Math.round(100 * (Number(midi) - Math.round(Number(midi)))));
    });
    const sliders = sim.find('multislider')[0];
    expect(sliders.state).toEqual(entries.map(([, e]) => e[2]));
    const count = one(sim, 'zl.len').outlets[0].map((c) => c.to).find((b) => b.maxclass === 'number')!;
    expect(count.state).toEqual([3]);
    expect(sim.find('message').find((b) => b.state[0] === 2 && b.state.length === 5)).toBeDefined();

    // The rendering: written inside the files folder and loaded into the buffer [play~ mb.rendering] reads.
    const rendering = path.join(filesDir, 'mb-resynthesis.wav');
    expect(one(sim, 'buffer~ mb.rendering').received.map(([, m]) => m)).toEqual([['replace', rendering]]);
    expect(readWav(rendering).samples.length).toBe(2 * 22050);
    expect(one(sim, 'buffer~ mb.orig').received.map(([, m]) => m)).toEqual([['replace', path.join(filesDir, 'played.wav')]]);

    // One click: the paper's model, the same file again; its 5 slots per 2 s replace the notes.
    sim.find('message').find((b) => b.text === 'mirrornet-melody')!.receive(0, ['bang']);
    await until(() => jobsDone(api.outlets, 'resynth') === 2 || api.outlets.some((m) => m[0] === 'error'), 60000);
    await api.settle();
    expect(api.outlets.filter((m) => m[0] === 'error')).toEqual([]);
    expect(sentToScript(sim)).toContainEqual(['job/resynth', 'played.wav', 'mb-resynthesis.wav', 'mirrornet-melody']);
    expect(coll.entries!.size).toBe(5);
    expect(sliders.state).toHaveLength(5);
    expect(sim.find('message').filter((b) => b.received.some(([, m]) => m[0] === 'set' && m[1] === 'mirrornet-melody'))).toHaveLength(1);

    // Write MIDI: the note model's notes as a MIDI file in the files folder, its path shown.
    const button = sim.find('button').find((b) => b.outlets[0]?.some((c) => c.to.maxclass === 'message' && c.to.outlets[0]?.some((d) => d.to.text.includes('mb-melody.mid'))));
    if (!button) throw new Error('no write-MIDI button');
    button.receive(0, ['bang']);
    await until(() => jobsDone(api.outlets, 'infer') === 1 || api.outlets.some((m) => m[0] === 'error'), 60000);
    await api.settle();
    expect(api.outlets.filter((m) => m[0] === 'error')).toEqual([]);
    const midiFile = path.join(filesDir, 'mb-melody.mid');
    expect(existsSync(midiFile)).toBe(true);
    expect(midiToNotes(readFileSync(midiFile)).map((n) => n.key)).toEqual([50, 69, 62]);
    expect(sim.find('message').some((b) => b.state.join(' ') === midiFile)).toBe(true);
    expect(coll.entries!.size).toBe(3);
    expect(sim.errors).toEqual([]);
  }, 120000);
});

import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMidi } from 'midi-file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWav } from '../../src/audio/wav';
import type { Engine } from '../../src/engine/engine';
import { startServers } from '../../src/net';
import { renderNotes } from '../../src/synth/notes';
import { f, UdpClient, until } from '../net/helpers';

/**
 * /mb/job/infer's `midi` argument over a real UDP socket (the door Pd uses; Max and WebSocket
 * parse through the same verb): the notes of a plant melody come back in /mb/job/done and as a
 * MIDI file inside the files folder, read back here with midi-file, and as /mb/job/note and
 * /mb/job/notes messages; bad paths get coded errors.
 */
const MODELS_DIR = join(__dirname, '..', '..', 'models');
const files = mkdtempSync(join(tmpdir(), 'mb-notes-midi-'));
const MELODY = [
  { onset: 0.1, duration: 0.3, midi: 50, sustain: 0.6 },
  { onset: 0.5, duration: 0.25, midi: 69.3, sustain: 0.5 },
  { onset: 1.2, duration: 0.6, midi: 62, sustain: 0.7 },
];

let engine: Engine;
let servers: Awaited<ReturnType<typeof startServers>>;
let client: UdpClient;

beforeAll(async () => {
  writeWav(join(files, 'melody.wav'), renderNotes(MELODY, { sampleRate: 22050, totalSeconds: 2 }), 22050);
  mkdirSync(join(files, 'out'));
  const { createEngine } = await import('../../src/app/create');
  ({ engine } = await createEngine({ modelsDir: MODELS_DIR, filesDir: files }));
  await engine.loadModel('mirrornet-notes');
  await engine.loadModel('mirrornet-melody');
  servers = await startServers(engine, { oscPort: 0, httpPort: 0 });
  client = await UdpClient.open(servers.oscPort);
  await client.hello();
}, 60_000);

afterAll(async () => {
  await client?.close();
  await servers?.close();
  await engine?.dispose();
  rmSync(files, { recursive: true, force: true });
});

const errorsSoFar = () => client.inbox.of('/mb/error').length;
async function nextError(before: number): Promise<string[]> {
  await until(() => client.inbox.of('/mb/error').length > before, 20_000, '/mb/error');
  return client.inbox.values('/mb/error')[before] as string[];
}

describe('/mb/job/infer midi (real UDP socket)', () => {
  it('writes the notes as a standard MIDI file inside the files folder, names it in /mb/job/done and sends each note as /mb/job/note', async () => {
    await client.send('/mb/job/infer', 'melody.wav', 'mirrornet-notes', f(0), 'out/melody.mid');
    await until(() => client.inbox.of('/mb/job/done').length > 0, 30_000, '/mb/job/done');
    const done = client.inbox.values('/mb/job/done')[0];
    const result = JSON.parse(done[2] as string) as { model: string; midi: string; notes: { key: number; onset_s: number }[] };
    expect(result.model).toBe('mirrornet-notes');
    expect(result.midi).toBe(join(files, 'out', 'melody.mid'));
    expect(result.notes.map((n) => n.key)).toEqual([50, 69, 62]);
    const midi = parseMidi(readFileSync(join(files, 'out', 'melody.mid')));
    expect(midi.header.format).toBe(0);
    let tick = 0;
    const ons: { key: number; s: number }[] = [];
    for (const e of midi.tracks[0]) {
      tick += e.deltaTime;
      if (e.type === 'noteOn' && e.velocity > 0) ons.push({ key: e.noteNumber, s: tick / 960 });
    }
    expect(ons.map((o) => o.key)).toEqual([50, 69, 62]);
    ons.forEach((o, i) => expect(Math.abs(o.s - MELODY[i].onset)).toBeLessThan(0.05));
    // The same notes as plain messages (what Max and Pd patches show), all before /mb/job/done.
    const notes = client.inbox.values('/mb/job/note');
    expect(notes.map((n) => n.slice(0, 2))).toEqual([[done[0], 0], [done[0], 1], [done[0], 2]]);
    notes.forEach((n, i) => {
      const [, , onset, duration, midi, cents] = n as number[];
      expect(Math.abs(onset - MELODY[i].onset)).toBeLessThan(0.05);
      expect(duration).toBeGreaterThan(0.1);
      expect(Math.abs(midi - MELODY[i].midi)).toBeLessThan(0.2);
      expect(cents).toBe(Math.round(100 * (midi - Math.round(midi))));
    });
    expect(client.inbox.values('/mb/job/notes')).toEqual([[done[0], ...notes.map((n) => n[4])]]);
    const order = client.inbox.messages.map((m) => m.address).filter((a) => a.startsWith('/mb/job/not') || a === '/mb/job/done');
    expect(order).toEqual(['/mb/job/note', '/mb/job/note', '/mb/job/note', '/mb/job/notes', '/mb/job/done']);
  }, 40_000);

  it.each([
    ['outside the files folder', '../escape.mid', 'mirrornet-notes', 'MB_ERR_PATH'],
    ['in a folder that does not exist', 'nowhere/x.mid', 'mirrornet-notes', 'MB_ERR_NOT_FOUND'],
    ['not a .mid path (would overwrite the WAV)', 'melody.wav', 'mirrornet-notes', 'MB_ERR_BAD_ARGS'],
    ['on the paper model (no notes model)', 'paper.mid', 'mirrornet-melody', 'MB_ERR_BAD_ARGS'],
  ])('refuses a MIDI path %s with a coded error', async (_what, path, model, code) => {
    const before = errorsSoFar();
    await client.send('/mb/job/infer', 'melody.wav', model, f(0), path);
    const [got, message] = await nextError(before);
    expect(got, message).toBe(code);
    expect(message.length).toBeGreaterThan(10);
  }, 40_000);

  it('leaves the input WAV and nothing else behind after the refusals', async () => {
    expect(readFileSync(join(files, 'melody.wav')).subarray(0, 4).toString()).toBe('RIFF');
    expect(() => readFileSync(join(files, 'paper.mid'))).toThrow();
  });
});

import { createSocket } from 'node:dgram';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { expect } from 'vitest';
import { createEngine } from '../../src/app/create';
import { writeWav } from '../../src/audio/wav';
import { midiToHz } from '../../src/core/units';
import { Yin } from '../../src/dsp/yin';
import type { Engine } from '../../src/engine/engine';
import { startServers, type ServerHandles } from '../../src/net';
import { encodeMessage } from '../../src/net/osc/wire';
import { until } from '../net/helpers';
import { MODELS_DIR } from '../shipped-models';
import { buildPage, CHROMIUM, fakeMicrophoneArgs } from './chromium';

/**
 * What the page's browser tests share (issue 22): a rig of a bridge serving the shipped models
 * and a fresh build of the page, and Debian's chromium driven by puppeteer-core whose fake
 * microphone sings a melody of eight notes over MIDI 57-69, looped; the sounds, the readers of
 * what the page played, and the checks on them. One test file per view (page-live, page-vq,
 * page-melody, page-shared), each with its own rig.
 */

/**
 * Screenshots are test artifacts, written to MB_SCREENSHOTS (default build/test-artifacts/ui,
 * ignored by git; printed); `MB_SCREENSHOTS=docs/img npx vitest run tests/browser` refreshes the
 * ones docs/ui.md shows.
 */
export const SHOTS = path.resolve(process.env.MB_SCREENSHOTS ?? path.join(__dirname, '..', '..', 'build', 'test-artifacts', 'ui'));
export const shot = (name: string) => path.join(SHOTS, name);

/** The plane's corner sounds in the files folder: harmonic tones at these MIDI notes (a, b, c, d). */
export const CORNERS = { 'plane-a.wav': 57, 'plane-b.wav': 62, 'plane-c.wav': 67, 'plane-d.wav': 72 };
export const RATE = 48000;
/** The sung melody: MIDI notes of 0.4 s, each followed by 0.1 s of silence (so each opens the gate anew). */
export const MELODY = [57, 60, 64, 62, 65, 69, 67, 64];
export const [NOTE_S, GAP_S] = [0.4, 0.1];
/** The note's unit mapping, as the manifest gives it (MIDI, linear over unitRange). */
export const MANIFEST = JSON.parse(readFileSync(path.join(MODELS_DIR, 'mirrornet-stream', 'mirrornet-stream.json'), 'utf8'));
export const NOTE = MANIFEST.params.findIndex((p: { name: string }) => p.name === 'note');
export const GATE = MANIFEST.params.findIndex((p: { name: string }) => p.name === 'duration');
export const [NOTE_LO, NOTE_HI] = MANIFEST.params[NOTE].unitRange as [number, number];
export const noteMidi = (p: number): number => NOTE_LO + (NOTE_HI - NOTE_LO) * p;

/** A voice-like tone (six harmonics, 10-ms fades) of `seconds`. */
export function toneWav(file: string, midi: number, seconds: number): void {
  const n = Math.round(seconds * RATE);
  const w = (2 * Math.PI * midiToHz(midi)) / RATE;
  const fade = Math.round(0.01 * RATE);
  const out = Float32Array.from({ length: n }, (_, k) => {
    let x = 0;
    for (let h = 1; h <= 6; h++) x += Math.sin(h * w * k) / h;
    return 0.3 * x * Math.min(1, k / fade, (n - k) / fade);
  });
  writeWav(file, out, RATE);
}

/** A voice-like melody (six harmonics, 10-ms fades), 4 s, which the fake microphone loops. */
export function melodyWav(file: string): void {
  const step = Math.round((NOTE_S + GAP_S) * RATE);
  const out = new Float32Array(MELODY.length * step);
  const len = Math.round(NOTE_S * RATE);
  const fade = Math.round(0.01 * RATE);
  MELODY.forEach((midi, k) => {
    const w = (2 * Math.PI * midiToHz(midi)) / RATE;
    for (let n = 0; n < len; n++) {
      let x = 0;
      for (let h = 1; h <= 6; h++) x += Math.sin(h * w * n) / h;
      out[k * step + n] = 0.3 * x * Math.min(1, n / fade, (len - n) / fade);
    }
  });
  writeWav(file, out, RATE);
}

export interface Recording {
  sampleRate: number;
  startFrame: number;
  samples: number[];
  frames: { frame: number; seq: number; values: number[] }[];
}

export const median = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1];

/** The note of each sung note the frames saw: the median note of each run of 10+ gated frames. */
export function heardNotes(rec: Recording): number[] {
  const runs: number[][] = [];
  let run: number[] = [];
  for (const f of rec.frames) {
    if (f.values[GATE] > 0.5) run.push(noteMidi(f.values[NOTE]));
    else if (run.length) {
      runs.push(run);
      run = [];
    }
  }
  return runs.filter((r) => r.length >= 10).map(median);
}

/** The frames carry the melody, shifted by `semitones`: each heard note is a sung one, and every sung note is heard. */
export function expectMelody(rec: Recording, semitones: number): void {
  const want = MELODY.map((m) => m + semitones);
  const heard = heardNotes(rec);
  console.log(`sung notes heard (melody + ${semitones}): ${heard.map((m) => m.toFixed(1)).join(' ')}`);
  expect(heard.length).toBeGreaterThanOrEqual(MELODY.length);
  expect(heard.filter((m) => want.some((n) => Math.abs(m - n) < 0.5)).length).toBeGreaterThan(0.9 * heard.length);
  expect(new Set(heard.map(Math.round))).toEqual(new Set(want));
}

/**
 * The page's synth plays the frames: the pitch of its output in audible 23-ms windows (the
 * plant's envelope decays within each note) against the note of the frames applied then, and
 * silence while the gate is closed (between sung notes; its 10-ms release aside).
 */
export function expectSynthFollows(rec: Recording): void {
  const win = 1024;
  const yin = new Yin({ sampleRate: rec.sampleRate, frameLength: win, fmin: 100, fmax: 2000 });
  const errors: number[] = [];
  const silent: number[] = [];
  for (let start = 0; start + win <= rec.samples.length; start += win / 4) {
    const at = rec.startFrame + start;
    const before = rec.frames.filter((f) => f.frame <= at - rec.sampleRate * 0.01).at(-1);
    const during = rec.frames.filter((f) => f.frame > at - rec.sampleRate * 0.01 && f.frame < at + win);
    if (!before) continue;
    const x = Float32Array.from(rec.samples.slice(start, start + win));
    const rms = Math.sqrt(x.reduce((s, v) => s + v * v, 0) / win);
    if ([before, ...during].every((f) => f.values[GATE] <= 0.5)) silent.push(rms);
    if ([before, ...during].some((f) => f.values[GATE] <= 0.5) || rms < 0.02) continue;
    const note = noteMidi((during.length ? during[during.length >> 1] : before).values[NOTE]);
    const { f0 } = yin.estimate(x);
    errors.push(f0 > 0 ? Math.abs(12 * Math.log2(f0 / midiToHz(note))) : 99);
  }
  console.log(`synth pitch vs frames: ${errors.length} windows, median error ${median(errors)?.toFixed(2)} st; ${silent.length} gate-closed windows`);
  expect(errors.length).toBeGreaterThan(40);
  expect(errors.filter((e) => e < 0.5).length).toBeGreaterThan(0.8 * errors.length);
  expect(silent.length).toBeGreaterThan(20);
  expect(silent.filter((r) => r < 1e-3).length).toBeGreaterThan(0.8 * silent.length);
}

/**
 * Keeps the page's synth output from now, waits `frames` more frames, returns the recording, the
 * stats and the main thread's long tasks so far (read before the recording is copied out, which
 * is itself one).
 */
export async function recordFrames(page: Page, frames: number): Promise<{ rec: Recording; stats: any; longTasks: number[] }> {
  const from = await page.evaluate(() => (window as any).mirrorbridge.stats().framesIn as number);
  await page.evaluate((s) => (window as any).mirrorbridge.record(s), frames / 125);
  await page.waitForFunction((n) => (window as any).mirrorbridge.stats().framesIn >= n, { timeout: 60_000, polling: 200 }, from + frames);
  const longTasks = (await page.evaluate(() => (window as any).__longTasks?.slice() ?? [])) as number[];
  const stats = await page.evaluate(() => (window as any).mirrorbridge.stats());
  const rec = (await page.evaluate(() => (window as any).mirrorbridge.recording())) as Recording;
  return { rec, stats, longTasks };
}

export interface Returned {
  sampleRate: number;
  samples: number[];
  underruns: number;
  dropped: number;
}

/** The pitch (MIDI) of the returned audio in its voiced, audible 46-ms windows. */
export function returnedPitches(r: Returned): number[] {
  const win = 2048;
  const yin = new Yin({ sampleRate: r.sampleRate, frameLength: win, fmin: 100, fmax: 2000 });
  const out: number[] = [];
  for (let start = 0; start + win <= r.samples.length; start += win / 2) {
    const x = Float32Array.from(r.samples.slice(start, start + win));
    if (Math.sqrt(x.reduce((s, v) => s + v * v, 0) / win) < 0.01) continue;
    const { f0, confidence } = yin.estimate(x);
    if (f0 > 0 && confidence > 0.8) out.push(69 + 12 * Math.log2(f0 / 440));
  }
  return out;
}

/** The returned audio sings the melody shifted by `semitones`: most voiced windows lie on its notes, and most of its notes are there. */
export function expectReturnedMelody(r: Returned, semitones: number): void {
  const want = MELODY.map((m) => m + semitones);
  const pitches = returnedPitches(r);
  const near = pitches.filter((p) => want.some((n) => Math.abs(p - n) < 0.5));
  const found = new Set(want.filter((n) => pitches.filter((p) => Math.abs(p - n) < 0.5).length >= 3));
  console.log(`returned audio (melody + ${semitones}): ${pitches.length} voiced windows, ${near.length} on the melody's notes, notes found ${[...found].join(' ')}; ${r.underruns} underruns`);
  expect(pitches.length).toBeGreaterThan(40);
  expect(near.length).toBeGreaterThan(0.6 * pitches.length);
  expect(found.size).toBeGreaterThanOrEqual(6);
}

/** Keeps the page's returned audio from now for `seconds`, then returns it. */
export async function recordReturned(page: Page, seconds: number): Promise<Returned> {
  const from = await page.evaluate(() => (window as any).mirrorbridge.stats().codeFrames as number);
  await page.evaluate((s) => (window as any).mirrorbridge.record(s), seconds);
  await page.waitForFunction((n) => (window as any).mirrorbridge.stats().codeFrames >= n, { timeout: 60_000, polling: 200 }, from + Math.ceil(seconds * 62.5) + 30);
  return (await page.evaluate(() => (window as any).mirrorbridge.returned())) as Returned;
}

/** A bridge, the page built and served at /ui/, a chromium whose microphone sings the melody, and what the page said. */
export interface PageRig {
  engine: Engine;
  servers: ServerHandles;
  browser: Browser;
  page: Page;
  dir: string;
  /** The page's build folder (a restarted server serves it again). */
  uiDir: string;
  /** Console errors and page errors so far. */
  problems: string[];
  /** Every URL the page requested. */
  requests: string[];
  /** The problems other than the refused connection attempts while the bridge was away. */
  otherProblems: () => string[];
  close: () => Promise<void>;
}

/** Starts a rig with `models` loaded; the files folder holds the plane's corner tones and the melody. */
export async function startRig(models: string[]): Promise<PageRig> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mb-ui-'));
  mkdirSync(SHOTS, { recursive: true });
  console.log(`screenshots: ${SHOTS}`);
  const uiDir = path.join(dir, 'ui');
  console.log(buildPage(uiDir).trim());
  melodyWav(path.join(dir, 'melody.wav'));
  const filesDir = path.join(dir, 'files');
  mkdirSync(filesDir);
  for (const [name, midi] of Object.entries(CORNERS)) toneWav(path.join(filesDir, name), midi, 1.5);
  copyFileSync(path.join(dir, 'melody.wav'), path.join(filesDir, 'melody.wav'));
  const { engine } = await createEngine({ modelsDir: MODELS_DIR, filesDir, jobWorkers: 0 });
  for (const m of models) await engine.loadModel(m);
  const servers = await startServers(engine, { oscPort: 0, httpPort: 0, uiDir });
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: fakeMicrophoneArgs(path.join(dir, 'melody.wav')) });
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
  page.on('request', (r) => requests.push(r.url()));
  // Long tasks on the page's main thread, printed (not asserted: timing on a shared machine).
  await page.evaluateOnNewDocument(() => {
    const seen: number[] = ((window as any).__longTasks = []);
    new PerformanceObserver((list) => list.getEntries().forEach((e) => seen.push(e.duration))).observe({ type: 'longtask', buffered: true });
  });
  const rig: PageRig = {
    engine, servers, browser, page, dir, uiDir, problems, requests,
    otherProblems: () => problems.filter((p) => !/WebSocket connection to .* failed/.test(p)),
    close: async () => {
      await browser.close();
      await rig.servers.close();
      await engine.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

/** Loads the page, chooses `model` and presses Start; resolves once it streams. */
export async function startStream(page: Page, url: string, model: string): Promise<void> {
  if (page.url() !== url) await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('#start:not([disabled])', { timeout: 10_000 });
  await page.select('#model', model);
  await page.click('#start');
  await page.waitForFunction(() => (window as any).mirrorbridge.stats()?.state === 'streaming', { timeout: 30_000 });
}

type OscArg = { type: 'i' | 'f' | 's' | 'b'; value: unknown };

/** A performer on another client: plain UDP OSC as Pd's [netsend -u -b] talks, after /mb/hello. */
export interface UdpPerformer {
  /** Every datagram it has received, as latin1 text. */
  got: string[];
  send: (address: string, ...args: OscArg[]) => void;
  /** Opens stream `id` on `model` and sings E4 (six harmonics) into it in real time, one burst of blocks every 128 ms; resolves with the performer's client id on the bridge. */
  sing: (id: number, rate: number, block: number, model: string) => Promise<string>;
  /** Stops singing, closes its stream and its socket. */
  close: () => void;
}

export async function udpPerformer(rig: PageRig): Promise<UdpPerformer> {
  const udp = createSocket('udp4');
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
  const got: string[] = [];
  udp.on('message', (m) => got.push(m.toString('latin1')));
  const send = (address: string, ...args: OscArg[]) => udp.send(encodeMessage({ address, args } as never), rig.servers.oscPort, '127.0.0.1');
  send('/mb/hello', { type: 'i', value: udp.address().port });
  let timer: NodeJS.Timeout | undefined;
  let open: number | undefined;
  return {
    got,
    send,
    async sing(id, rate, block, model) {
      const w = (2 * Math.PI * midiToHz(64)) / rate;
      let n = 0;
      const nextBlock = () => {
        const x = new Float32Array(block);
        for (let k = 0; k < block; k++, n++) for (let h = 1; h <= 6; h++) x[k] += (0.3 * Math.sin(h * w * n)) / h;
        return new Uint8Array(x.buffer);
      };
      send('/mb/stream/open', { type: 'i', value: id }, { type: 'i', value: rate }, { type: 'i', value: block }, { type: 's', value: model });
      open = id;
      await until(() => rig.engine.status().streams.some((st) => st.id === id), 10_000);
      const perTick = Math.round((0.128 * rate) / block);
      timer = setInterval(() => {
        for (let k = 0; k < perTick; k++) send('/mb/stream/audio', { type: 'i', value: id }, { type: 'b', value: nextBlock() });
      }, 128);
      return rig.engine.status().streams.find((st) => st.id === id)!.clientId;
    },
    close() {
      if (timer) clearInterval(timer);
      if (open !== undefined) send('/mb/stream/close', { type: 'i', value: open });
      udp.close();
    },
  };
}

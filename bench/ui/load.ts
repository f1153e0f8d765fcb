/**
 * The page under load (issue 22 targets; a bench, not a test: timing on a shared machine):
 *
 *   npx vite-node bench/ui/load.ts [--streams 16] [--seconds 20] [--minutes 0]
 *
 * A bridge in this process serves the shipped mirrornet-stream; `--streams` performers on plain UDP
 * OSC (one socket each, as Pd's [netsend -u -b]) stream a sung tone to it in real time; headless
 * chromium loads /ui/ and streams its fake microphone (an eight-note melody) too. Over `--seconds`
 * it reads the page's main-thread long tasks (target: none over 50 ms), its frames, gaps, round
 * trip and added latency, and the bridge's drops. With `--minutes M` the page then streams for M
 * minutes more, sampled every 30 s (frames, gaps, drops, round trip, the page's JS heap).
 * Prints a table and writes bench/results/ui-load.json (ui-long-stream.json with --minutes).
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import puppeteer from 'puppeteer-core';
import { createEngine } from '../../src/app/create';
import { writeWav } from '../../src/audio/wav';
import { packageRoot, defaultModelsDir } from '../../src/core/paths';
import { midiToHz } from '../../src/core/units';
import { startServers } from '../../src/net';
import { encodeMessage } from '../../src/net/osc/wire';
import { buildPage, CHROMIUM, fakeMicrophoneArgs } from '../../tests/browser/chromium';

const { values } = parseArgs({ options: { streams: { type: 'string', default: '16' }, seconds: { type: 'string', default: '20' }, minutes: { type: 'string', default: '0' } } });
const STREAMS = Number(values.streams);
const SECONDS = Number(values.seconds);
const MINUTES = Number(values.minutes);
const RATE = 16000;
const BLOCK = 128;

/** A voice-like tone (six harmonics) at `midi`, as successive blocks. */
function toneBlocks(midi: number): () => Uint8Array {
  const w = (2 * Math.PI * midiToHz(midi)) / RATE;
  let n = 0;
  return () => {
    const x = new Float32Array(BLOCK);
    for (let k = 0; k < BLOCK; k++, n++) for (let h = 1; h <= 6; h++) x[k] += (0.3 * Math.sin(h * w * n)) / h;
    return new Uint8Array(x.buffer);
  };
}

/** The fake microphone's melody: eight 0.4-s notes with 0.1-s rests. */
function melodyWav(file: string): void {
  const rate = 48000;
  const notes = [57, 60, 64, 62, 65, 69, 67, 64];
  const step = Math.round(0.5 * rate);
  const len = Math.round(0.4 * rate);
  const out = new Float32Array(notes.length * step);
  notes.forEach((m, j) => {
    const w = (2 * Math.PI * midiToHz(m)) / rate;
    for (let n = 0; n < len; n++) {
      let x = 0;
      for (let h = 1; h <= 6; h++) x += Math.sin(h * w * n) / h;
      out[j * step + n] = 0.3 * x * Math.min(1, n / 480, (len - n) / 480);
    }
  });
  writeWav(file, out, rate);
}

interface Performer {
  socket: Socket;
  frames: number;
  next: () => Uint8Array;
}

async function performer(oscPort: number, k: number): Promise<Performer> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const p: Performer = { socket, frames: 0, next: toneBlocks(55 + (k % 12)) };
  // Frames come as bundles (sequence number and time tag): count the packets that carry one.
  socket.on('message', (m) => {
    if (m.includes('/mb/params\0')) p.frames++;
  });
  const send = (address: string, ...args: unknown[]) => socket.send(encodeMessage({ address, args } as never), oscPort, '127.0.0.1');
  send('/mb/hello', { type: 'i', value: socket.address().port });
  send('/mb/stream/open', { type: 'i', value: 1 }, { type: 'i', value: RATE }, { type: 'i', value: BLOCK }, { type: 's', value: 'mirrornet-stream' });
  return p;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] ?? NaN;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mb-ui-load-'));
  const filesDir = path.join(dir, 'files');
  mkdirSync(filesDir);
  buildPage(path.join(dir, 'ui'));
  melodyWav(path.join(dir, 'melody.wav'));
  const { engine } = await createEngine({ modelsDir: defaultModelsDir(), filesDir, jobWorkers: 0 });
  await engine.loadModel('mirrornet-stream');
  const servers = await startServers(engine, { oscPort: 0, httpPort: 0, uiDir: path.join(dir, 'ui') });
  const performers = await Promise.all(Array.from({ length: STREAMS }, (_, k) => performer(servers.oscPort, k)));
  // Real time: 4 blocks of 8 ms every 32 ms per performer (Pd sends a block per DSP tick or so).
  const feed = setInterval(() => {
    for (const p of performers) for (let b = 0; b < 4; b++) p.socket.send(encodeMessage({ address: '/mb/stream/audio', args: [{ type: 'i', value: 1 }, { type: 'b', value: p.next() }] } as never), servers.oscPort, '127.0.0.1');
  }, 32);
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: fakeMicrophoneArgs(path.join(dir, 'melody.wav')) });
  const result: Record<string, unknown> = { streams: STREAMS, seconds: SECONDS, minutes: MINUTES, cores: cpus().length, loadAverageAtStart: loadavg()[0] };
  try {
    const page = await browser.newPage();
    await page.evaluateOnNewDocument(() => {
      const seen: number[] = ((globalThis as any).__longTasks = []);
      new PerformanceObserver((list) => list.getEntries().forEach((e) => seen.push(e.duration))).observe({ type: 'longtask', buffered: true } as never);
    });
    await page.goto(servers.uiUrl, { waitUntil: 'load' });
    await page.waitForSelector('#start:not([disabled])', { timeout: 30_000 });
    await page.click('#start');
    await page.waitForFunction(() => (globalThis as any).mirrorbridge.stats()?.state === 'streaming', { timeout: 60_000 });
    const stats = () => page.evaluate(() => (globalThis as any).mirrorbridge.stats());
    // The window measured starts once the page streams (start-up is the page-load figure's).
    const before = (await page.evaluate(() => (globalThis as any).__longTasks.length)) as number;
    const dropsBefore = engine.status().droppedFrames;
    const s0 = await stats();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const s1 = await stats();
    const tasks = ((await page.evaluate(() => (globalThis as any).__longTasks.slice())) as number[]).slice(before);
    const open = engine.status().streams.length;
    result.window = {
      bridgeStreams: open,
      longTasksOver50ms: tasks.length,
      longestTaskMs: Math.max(0, ...tasks),
      pageFrames: s1.framesIn - s0.framesIn,
      pageSeqGaps: s1.seqGaps - s0.seqGaps,
      roundTripMsMedian: s1.roundTripMs.median,
      pageAddsMs: s1.pageInputMs.median + s1.pageOutputMs.median,
      bridgeDropped: engine.status().droppedFrames - dropsBefore,
      performerFramesMedian: median(performers.map((p) => p.frames)),
      loadAverage: loadavg()[0],
    };
    console.table(result.window);
    const samples: Record<string, number>[] = [];
    const t0 = Date.now();
    for (let m = 0; m < MINUTES * 2; m++) {
      await new Promise((r) => setTimeout(r, 30_000));
      const s = await stats();
      const heap = (await page.evaluate(() => (performance as any).memory?.usedJSHeapSize ?? 0)) as number;
      samples.push({ minute: +((Date.now() - t0) / 60000).toFixed(2), frames: s.framesIn, seqGaps: s.seqGaps, bridgeDropped: engine.status().droppedFrames, roundTripMsMedian: s.roundTripMs.median, heapMB: +(heap / 2 ** 20).toFixed(1), state: s.state === 'streaming' ? 1 : 0 });
      console.log(JSON.stringify(samples.at(-1)));
    }
    if (samples.length) result.long = samples;
  } finally {
    clearInterval(feed);
    await browser.close();
    for (const p of performers) p.socket.close();
    await servers.close();
    await engine.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  const out = path.join(packageRoot(), 'bench', 'results', MINUTES > 0 ? 'ui-long-stream.json' : 'ui-load.json');
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), ...result }, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

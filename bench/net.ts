import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createEngine } from '../src/app/create';
import { Engine } from '../src/engine/engine';
import { startServers } from '../src/net';
import { entryOf } from '../src/verbs/table';
import { parseArgs } from '../src/verbs/args';
import { decodePacket, encodeBundle, encodeMessage, type OscArg, type OscMessage } from '../src/net/osc/wire';
import { runStreams, soak, streamCapacity, type StreamBenchOptions } from './net/streams';

/**
 * Network benchmarks, server and client in separate threads (the client is a worker with
 * its own event loop, so its timing does not share the server's):
 * - OSC round trip (/mb/ping → /mb/pong over UDP loopback) at 1,000 messages/s: p50/p99 ms;
 * - the same while an offline job keeps the engine busy (jobs yield every 4 ms);
 * - the maximum sustained messages/s (closed loop, 64 requests in flight);
 * - decoding: ours (osc.js behind the guard, and with argument checking) against node-osc's
 *   decode, on the same packets, in one run;
 * - live streams on the bundled models (when one has a stream processor): compute ms per
 *   block, how many 16 kHz streams (256-sample blocks) and 48 kHz streams (64-sample blocks)
 *   fit without drops (target >= 16 each), RSS with all models
 *   loaded (target <= 400 MB) and its growth over a run of 8 streams (target <= 5 %;
 *   MB_BENCH_SOAK_S sets the length, default 300 s).
 *
 * @example
 * const figures = await benchNet(); // also printed with console.table
 */
export async function benchNet(): Promise<Record<string, unknown>> {
  const server = await startBenchServer();
  try {
    await runClient({ port: server.oscPort, mode: 'rate', rate: 1000, count: 1000 }); // warm-up (JIT), not reported
    const rtt = await runClient({ port: server.oscPort, mode: 'rate', rate: 1000, count: 3000 });
    server.startBusyJob();
    const rttDuringJob = await runClient({ port: server.oscPort, mode: 'rate', rate: 1000, count: 2000 });
    server.stopBusyJob();
    const max = await runClient({ port: server.oscPort, mode: 'window', window: 64, durationMs: 2000 });
    const latency = [
      { case: 'round trip @1000 msg/s', ...summarize(rtt) },
      { case: 'round trip @1000 msg/s, offline job running', ...summarize(rttDuringJob) },
    ];
    console.table(latency);
    const throughput = { case: 'closed loop, 64 pings in flight, 2 s', maxSustainedMsgPerSec: Math.round(max.received / (max.elapsedMs / 1000)), answered: max.received };
    console.table([throughput]);
    const decode = benchDecode();
    console.table(decode);
    return { latency, throughput, decode, streams: await liveStreams() };
  } finally {
    await server.close();
  }
}

async function liveStreams(): Promise<Record<string, unknown>> {
  const { engine, loaded } = await createEngine({ loadBundled: true });
  try {
    const rssAllModelsMB = Math.round(process.memoryUsage().rss / 2 ** 20);
    const kinds = engine.status().streamKinds;
    const model = engine.registry.loaded().find((m) => kinds.includes(m.manifest.kind))?.name;
    console.table([{ modelsLoaded: loaded.join(', ') || '(none)', rssAllModelsMB, targetMB: 400 }]);
    if (!model) return { loaded, rssAllModelsMB, skipped: `no loaded model has a stream processor (kinds: ${kinds.join(', ')})` };
    const o: StreamBenchOptions = { sampleRate: 16000, blockSize: 256, seconds: 5, counts: [1, 2, 4, 8, 12, 16, 20, 24, 32, 48] };
    const perBlock = await runStreams(engine, model, 1, { ...o, seconds: 3 });
    const capacity = await streamCapacity(engine, model, o);
    console.table(capacity.runs);
    // A singer's rig: 48 kHz in 64-sample blocks (issue 17's target: >= 16 streams without drops).
    const capacity48 = await streamCapacity(engine, model, { sampleRate: 48000, blockSize: 64, seconds: 5, counts: [1, 4, 8, 12, 16, 20, 24] });
    console.table(capacity48.runs);
    const soakRun = await soak(engine, model, 8, Number(process.env.MB_BENCH_SOAK_S ?? 300), o);
    console.table([soakRun]);
    return { loaded, model, rssAllModelsMB, perBlock, capacity, target: '>= 16 streams at 16 kHz', capacity48k64: capacity48, target48k64: '>= 16 streams at 48 kHz / 64', soak: soakRun };
  } finally {
    await engine.dispose();
  }
}

async function startBenchServer() {
  const filesDir = mkdtempSync(path.join(tmpdir(), 'mb-bench-'));
  writeFileSync(path.join(filesDir, 'in.wav'), 'RIFF');
  const engine = new Engine({ modelsDir: mkdtempSync(path.join(tmpdir(), 'mb-bench-models-')), filesDir, jobSliceMs: 4 });
  let busy = false;
  engine.registerJob('infer', async (_args, ctx) => {
    while (busy) {
      const end = performance.now() + 1;
      while (performance.now() < end);
      await ctx.checkpoint();
    }
    return 'done';
  });
  const servers = await startServers(engine, { oscPort: 0, httpPort: 0 });
  return {
    oscPort: servers.oscPort,
    startBusyJob: () => {
      busy = true;
      void engine.submitJob('bench', 'infer', { file: 'in.wav' });
    },
    stopBusyJob: () => (busy = false),
    close: async () => {
      busy = false;
      await servers.close();
      await engine.dispose();
    },
  };
}

interface ClientSpec {
  port: number;
  mode: 'rate' | 'window';
  rate?: number;
  count?: number;
  window?: number;
  durationMs?: number;
}

interface ClientResult {
  rtts: number[];
  sent: number;
  received: number;
  elapsedMs: number;
}

/** The load generator, run as a worker thread: plain JS on the osc package, timing with performance.now(). */
const CLIENT_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const dgram = require('node:dgram');
const osc = require(workerData.oscPath);
const { port, mode, rate, count, durationMs } = workerData;
const inFlight = workerData.window;
const sock = dgram.createSocket('udp4');
const sentAt = new Map();
const rtts = [];
let sent = 0, received = 0, start = 0, done = false;
const send = () => {
  const token = sent++;
  const bytes = osc.writePacket({ address: '/mb/ping', args: [{ type: 'i', value: token }] }, { metadata: true });
  sentAt.set(token, performance.now());
  sock.send(bytes, port, '127.0.0.1');
};
const finish = () => {
  if (done) return;
  done = true;
  parentPort.postMessage({ rtts, sent, received, elapsedMs: performance.now() - start });
  sock.close();
};
sock.on('message', (buf) => {
  const now = performance.now();
  let p;
  try { p = osc.readPacket(new Uint8Array(buf), { metadata: true, unpackSingleArgs: false }); } catch { return; }
  for (const m of p.packets || [p]) {
    if (m.address !== '/mb/pong') continue;
    const t0 = sentAt.get(m.args[0].value);
    if (t0 === undefined) continue;
    sentAt.delete(m.args[0].value);
    rtts.push(now - t0);
    received++;
    if (mode === 'window' && !done) send();
  }
  if (mode === 'rate' && received === count) finish();
});
sock.bind(0, '127.0.0.1', () => {
  start = performance.now();
  if (mode === 'window') {
    for (let i = 0; i < inFlight; i++) send();
    setTimeout(finish, durationMs);
    return;
  }
  const timer = setInterval(() => {
    const due = Math.min(count, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    while (sent < due) send();
    if (sent >= count) { clearInterval(timer); setTimeout(finish, 1000); }
  }, 1);
});
`;

function runClient(spec: ClientSpec): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT_SOURCE, { eval: true, execArgv: [], workerData: { ...spec, oscPath: require.resolve('osc') } });
    worker.once('message', (r: ClientResult) => {
      resolve(r);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summarize(r: ClientResult) {
  const s = [...r.rtts].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { sent: r.sent, received: r.received, p50ms: round(percentile(s, 50)), p99ms: round(percentile(s, 99)), maxMs: round(s[s.length - 1] ?? Number.NaN) };
}

const floats = (n: number, seed = 1): OscArg[] => Array.from({ length: n }, (_, i) => ({ type: 'f', value: Math.sin(seed + i) }));

function blob(n: number): Uint8Array {
  const bytes = new Uint8Array(n * 4);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) dv.setFloat32(i * 4, Math.sin(i), true);
  return bytes;
}

const id = (v: number): OscArg => ({ type: 'i', value: v });

function decodeCases(): { name: string; bytes: Buffer; validate?: OscMessage }[] {
  const audioFloats = { address: '/mb/stream/audio', args: [id(1), ...floats(256)] };
  const audioBlob = { address: '/mb/stream/audio', args: [id(1), { type: 'b', value: blob(256) }] };
  const params = { address: '/mb/params', args: [id(1), id(42), ...floats(16)] };
  const frame = [params, ...Array.from({ length: 8 }, (_, i) => ({ address: `/mb/param/p${i}`, args: [id(1), ...floats(1, i)] }))];
  return [
    { name: '/mb/ping (1 int)', bytes: Buffer.from(encodeMessage({ address: '/mb/ping', args: [id(7)] })), validate: { address: '/mb/ping', args: [id(7)] } },
    { name: 'audio block, 256 float args', bytes: Buffer.from(encodeMessage(audioFloats)), validate: audioFloats },
    { name: 'audio block, 256-float blob', bytes: Buffer.from(encodeMessage(audioBlob)), validate: audioBlob },
    { name: 'params frame bundle (9 messages)', bytes: Buffer.from(encodeBundle(frame)) },
  ];
}

/** Operations per second of each function: five interleaved 100 ms rounds after a warm-up, median kept. */
function opsPerSec(fns: (() => unknown)[]): number[] {
  const run = (fn: () => unknown, ms: number) => {
    let n = 0;
    const start = performance.now();
    const end = start + ms;
    while (performance.now() < end) {
      for (let i = 0; i < 50; i++) fn();
      n += 50;
    }
    return n / ((performance.now() - start) / 1000);
  };
  fns.forEach((fn) => run(fn, 100));
  const rounds = fns.map(() => [] as number[]);
  for (let r = 0; r < 5; r++) fns.forEach((fn, i) => rounds[i].push(run(fn, 100)));
  return rounds.map((xs) => Math.round(xs.sort((a, b) => a - b)[2]));
}

function benchDecode() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeOsc = require('node-osc') as { decode: (b: Buffer) => unknown };
  return decodeCases().map(({ name, bytes, validate }) => {
    const entry = validate && entryOf(validate.address);
    const fns = [() => decodePacket(bytes), () => nodeOsc.decode(bytes)];
    if (entry) fns.push(() => parseArgs(entry, decodePacket(bytes).messages[0].args));
    const [ours, theirs, checked] = opsPerSec(fns);
    return { packet: name, bytes: bytes.length, oursOpsPerSec: ours, nodeOscOpsPerSec: theirs, oursVsNodeOsc: Math.round((ours / theirs) * 100) / 100, oursWithArgCheckOpsPerSec: checked ?? '-' };
  });
}

if (require.main === module) {
  void benchNet().then((r) => console.log(JSON.stringify(r, null, 2)));
}

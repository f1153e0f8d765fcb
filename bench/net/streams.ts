import type { Engine } from '../../src/engine/engine';

/**
 * Live-stream figures of the engine (no network): compute time per block, how many
 * real-time streams fit without drops, RSS and its growth over a long run. Fed in-process on
 * a real-time clock, so "fits" means the I/O thread keeps up with every stream at once.
 * Used by bench/net.ts when a model with a stream processor is loaded.
 */
export interface StreamBenchOptions {
  sampleRate: number;
  blockSize: number;
  /** Seconds per stream count. */
  seconds: number;
  counts: number[];
}

export interface StreamRun {
  streams: number;
  dropped: number;
  computeMsMean: number;
  computeMsMax: number;
  /** Share of one core spent computing blocks (sum of compute time / wall time). */
  load: number;
}

/** Sine blocks of a few frequencies per stream, allocated once. */
function blocksFor(stream: number, o: StreamBenchOptions): Float32Array[] {
  return Array.from({ length: 8 }, (_, k) => {
    const f = 110 * (1 + stream) * (1 + k / 8);
    return Float32Array.from({ length: o.blockSize }, (_, i) => 0.3 * Math.sin((2 * Math.PI * f * (k * o.blockSize + i)) / o.sampleRate));
  });
}

/** One client per stream, as with one Pd or Max instance each. */
interface BenchStream {
  client: string;
  id: number;
}

/** Feeds the streams in real time for `seconds`, then waits for their queues to empty. */
async function feed(engine: Engine, streams: BenchStream[], o: StreamBenchOptions, seconds: number): Promise<void> {
  const blocks = streams.map((_, i) => blocksFor(i, o));
  const blockMs = (1000 * o.blockSize) / o.sampleRate;
  const start = performance.now();
  let pushed = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.floor((performance.now() - start) / blockMs);
      for (; pushed < due; pushed++) streams.forEach((s, i) => engine.pushAudio(s.client, s.id, blocks[i][pushed % 8]));
      if (performance.now() - start >= seconds * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, Math.max(1, blockMs / 2));
  });
  const clients = new Set(streams.map((s) => s.client));
  const end = Date.now() + 2000;
  while (Date.now() < end && engine.status().streams.some((s) => clients.has(s.clientId) && s.queuedBlocks > 0)) await new Promise((r) => setTimeout(r, 5));
}

async function openAll(engine: Engine, tag: string, n: number, model: string, o: StreamBenchOptions): Promise<BenchStream[]> {
  const streams = Array.from({ length: n }, (_, i) => ({ client: `${tag}-${i}`, id: 1 }));
  for (const s of streams) await engine.openStream(s.client, s.id, { sampleRate: o.sampleRate, blockSize: o.blockSize, model });
  return streams;
}

function statusOf(engine: Engine, streams: BenchStream[]) {
  const clients = new Set(streams.map((s) => s.client));
  return engine.status().streams.filter((s) => clients.has(s.clientId));
}

function closeAll(engine: Engine, streams: BenchStream[]): void {
  streams.forEach((s) => engine.closeClient(s.client, 'bench'));
}

/** One run with `n` streams. */
export async function runStreams(engine: Engine, model: string, n: number, o: StreamBenchOptions): Promise<StreamRun> {
  const streams = await openAll(engine, `bench-${n}`, n, model, o);
  const started = performance.now();
  await feed(engine, streams, o, o.seconds);
  const wall = performance.now() - started;
  const mine = statusOf(engine, streams);
  const blocksEach = Math.floor((o.seconds * o.sampleRate) / o.blockSize);
  closeAll(engine, streams);
  return {
    streams: n,
    dropped: mine.reduce((sum, s) => sum + s.dropped, 0),
    computeMsMean: round(mine.reduce((sum, s) => sum + s.computeMs.mean, 0) / n),
    computeMsMax: round(Math.max(...mine.map((s) => s.computeMs.max))),
    load: round(mine.reduce((sum, s) => sum + s.computeMs.mean * blocksEach, 0) / wall),
  };
}

/** Stream counts in order until one drops frames; the largest count without drops is the capacity. */
export async function streamCapacity(engine: Engine, model: string, o: StreamBenchOptions): Promise<{ runs: StreamRun[]; maxStreamsWithoutDrops: number }> {
  const runs: StreamRun[] = [];
  for (const n of o.counts) {
    const run = await runStreams(engine, model, n, o);
    runs.push(run);
    if (run.dropped > 0) break;
  }
  const ok = runs.filter((r) => r.dropped === 0);
  return { runs, maxStreamsWithoutDrops: ok.length ? ok[ok.length - 1].streams : 0 };
}

/** RSS growth while `n` streams run for `seconds` (measured after a 10 s warm-up). */
export async function soak(engine: Engine, model: string, n: number, seconds: number, o: StreamBenchOptions): Promise<{ streams: number; seconds: number; rssStartMB: number; rssEndMB: number; growthPercent: number; dropped: number }> {
  const streams = await openAll(engine, 'bench-soak', n, model, o);
  await feed(engine, streams, o, Math.min(10, seconds));
  global.gc?.();
  const rssStart = process.memoryUsage().rss;
  await feed(engine, streams, o, seconds);
  global.gc?.();
  const rssEnd = process.memoryUsage().rss;
  const dropped = statusOf(engine, streams).reduce((sum, s) => sum + s.dropped, 0);
  closeAll(engine, streams);
  const mb = (b: number) => round(b / 2 ** 20);
  return { streams: n, seconds, rssStartMB: mb(rssStart), rssEndMB: mb(rssEnd), growthPercent: round((100 * (rssEnd - rssStart)) / rssStart), dropped };
}

const round = (v: number) => Math.round(v * 1000) / 1000;

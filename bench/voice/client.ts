import { Worker } from 'node:worker_threads';

/**
 * The outside client of the latency bench, as a worker thread with its own event loop (plain JS
 * on the osc package, timing with performance.now()): opens a stream over OSC/UDP, sends a tone
 * stepping between two notes in real time, block by block (float32 blobs), timestamps each send,
 * and times each step from the send of the block holding its first sample to the arrival of the
 * first /mb/params frame whose note (62 + 12p) has crossed the midpoint.
 */
export interface StepClientSpec {
  port: number;
  sampleRate: number;
  blockSize: number;
  seconds: number;
  low: number;
  high: number;
  model: string;
}

export interface StepClientResult {
  latenciesMs: number[];
  steps: number;
  framesReceived: number;
  blocksSent: number;
  latencySamples?: number;
}

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const dgram = require('node:dgram');
const osc = require(workerData.oscPath);
const { port, sampleRate: fs, blockSize: B, seconds, low, high, model } = workerData;
const sock = dgram.createSocket('udp4');
const total = Math.floor(seconds * fs / B) * B;
// steps every 0.45-0.65 s (deterministic), the first after 0.8 s
const steps = [];
let seed = 5;
for (let t = Math.round(0.8 * fs); t < total - 0.3 * fs; t += Math.round((0.45 + 0.2 * ((seed = (1103515245 * seed + 12345) % 2147483648) / 2147483648)) * fs)) steps.push(t);
const x = new Float32Array(total);
let phase = 0, si = 0, note = low;
for (let i = 0; i < total; i++) {
  if (si < steps.length && i === steps[si]) { note = note === low ? high : low; si++; }
  const f = 440 * Math.pow(2, (note - 69) / 12);
  phase += 2 * Math.PI * f / fs;
  let v = 0;
  for (let k = 1; k <= 8 && k * f < 0.45 * fs; k++) v += (0.25 / k) * Math.sin(k * phase);
  x[i] = v;
}
const blocks = total / B;
const sentAt = new Float64Array(blocks);
const lat = [];
let next = 0, want = high, frames = 0, start = 0, opened = false, latencySamples;
const send = (address, args) => sock.send(osc.writePacket({ address, args }, { metadata: true }), port, '127.0.0.1');
const mid = (low + high) / 2;
sock.on('message', (buf) => {
  const now = performance.now();
  let p;
  try { p = osc.readPacket(new Uint8Array(buf), { metadata: true, unpackSingleArgs: false }); } catch { return; }
  for (const m of p.packets || [p]) {
    if (m.address === '/mb/stream/opened' && !opened) { opened = true; latencySamples = m.args[2].value; begin(); }
    if (m.address === '/mb/error') parentPort.postMessage({ error: m.args.map((a) => a.value).join(' ') });
    if (m.address !== '/mb/params') continue;
    frames++;
    if (next >= steps.length) continue;
    const midi = 62 + 12 * m.args[2].value;
    const stepBlock = Math.floor(steps[next] / B);
    if (!(sentAt[stepBlock] > 0)) continue;
    if (want === high ? midi > mid : midi < mid) { lat.push(now - sentAt[stepBlock]); next++; want = want === high ? low : high; }
  }
});
function begin() {
  start = performance.now();
  const blockMs = 1000 * B / fs;
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.min(blocks, Math.floor((performance.now() - start) / blockMs) + 1);
    for (; sent < due; sent++) {
      const bytes = new Uint8Array(x.buffer, sent * B * 4, B * 4);
      sentAt[sent] = performance.now();
      send('/mb/stream/audio', [{ type: 'i', value: 1 }, { type: 'b', value: bytes }]);
    }
    if (sent >= blocks) {
      clearInterval(timer);
      setTimeout(() => { send('/mb/stream/close', [{ type: 'i', value: 1 }]); parentPort.postMessage({ latenciesMs: lat, steps: steps.length, framesReceived: frames, blocksSent: sent, latencySamples }); sock.close(); }, 500);
    }
  }, 1);
}
sock.bind(0, '127.0.0.1', () => {
  send('/mb/hello', [{ type: 'i', value: sock.address().port }]);
  send('/mb/stream/open', [{ type: 'i', value: 1 }, { type: 'i', value: fs }, { type: 'i', value: B }, { type: 's', value: model }]);
});
`;

export function runStepClient(spec: StepClientSpec): Promise<StepClientResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(SOURCE, { eval: true, execArgv: [], workerData: { ...spec, oscPath: require.resolve('osc') } });
    worker.on('message', (r: StepClientResult | { error: string }) => {
      if ('error' in r) {
        reject(new Error(`server said: ${r.error}`));
        void worker.terminate();
        return;
      }
      resolve(r);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

import type { BridgeClient } from './bridge-client';
import { framesPerSecond, type Catalog, type PageParam } from './catalog';
import { ParamCurves } from './curves';

/**
 * The shared session: every stream on the bridge, whichever client opened it (a Pd or Max
 * performer, another tab), from /mb/status/json (`streams`, `you`), with the bridge's CPU use;
 * "Listen" on another client's stream LISTENs to /mb/session/params (every client's frames with
 * their client) and draws that stream's parameters live, in their units. Every client's jobs
 * (queued, running, progress, done, failed) come from /mb/session/job, LISTENed from the start:
 * the latest JOBS_SHOWN of them, the page's own marked.
 *
 * @example
 * new SharedSession(table, meter, curvesDiv, bridge, () => catalog);
 */
interface SharedStream {
  clientId: string;
  id: number;
  model: string;
  frames: number;
  latencySamples: number;
  sampleRate: number;
}

interface StatusJson {
  you?: string;
  streams?: SharedStream[];
  cpu?: { processPercent: number; cores: number; loadAverage: number; overSeconds: number };
}

const keyOf = (client: string, id: number) => `${client}#${id}`;

/** Jobs the table shows (the latest first). */
export const JOBS_SHOWN = 12;

interface SharedJob {
  client: string;
  id: number;
  name: string;
  state: string;
  progress: number;
}

export class SharedSession {
  /** The stream listened to, and its curves. */
  private listened: { key: string; curves: ParamCurves; started: number; frames: number } | null = null;
  private you = '';
  private subscribed = false;
  private subscribedAudio = false;
  /** Another client's VQ stream listened to: its player and the blocks played. */
  private heard: { key: string; context: AudioContext; node: AudioWorkletNode; blocks: number } | null = null;
  /** For the tests: frames received from the stream listened to. */
  get framesHeard(): number {
    return this.listened?.frames ?? 0;
  }
  /** The latest frame listened to, in units, and its stream. */
  lastFrame: { key: string; units: number[] } | null = null;
  /** Every client's jobs seen, by client#id, the latest last. */
  readonly jobs = new Map<string, SharedJob>();
  /** Where the jobs table goes. */
  jobsTable: HTMLTableElement | null = null;

  constructor(
    private readonly table: HTMLTableElement,
    private readonly meter: HTMLElement,
    private readonly curvesRoot: HTMLElement,
    private readonly bridge: BridgeClient,
    private readonly catalog: () => Catalog | null,
  ) {
    bridge.on('/mb/status/json', (a) => this.status(JSON.parse(String(a[0])) as StatusJson));
    bridge.on('/mb/session/params', (a) => this.frame(String(a[0]), Number(a[1]), a.slice(3) as number[]));
    bridge.on('/mb/session/return', (a) => this.returned(String(a[0]), Number(a[1]), a[2] as Uint8Array));
    bridge.on('/mb/session/job', (a) => this.job({ client: String(a[0]), id: Number(a[1]), name: String(a[2]), state: String(a[3]), progress: Number(a[4]) }));
    bridge.listen('/mb/session/job');
    // The status is plain polling: once a second, whether or not this page streams.
    setInterval(() => bridge.send('/mb/status'), 1000);
  }

  private status(st: StatusJson): void {
    this.you = st.you ?? this.you;
    if (st.cpu) {
      this.meter.textContent = `bridge CPU ${st.cpu.processPercent.toFixed(0)} % of one core over the last ${st.cpu.overSeconds.toFixed(1)} s (${st.cpu.cores} cores, load average ${st.cpu.loadAverage.toFixed(1)})`;
    }
    const streams = st.streams ?? [];
    const head = document.createElement('tr');
    head.append(...['client', 'stream', 'model', 'frames', ''].map((t) => Object.assign(document.createElement('th'), { textContent: t })));
    this.table.replaceChildren(
      head,
      ...streams.map((s) => {
        const tr = document.createElement('tr');
        const key = keyOf(s.clientId, s.id);
        tr.dataset.stream = key;
        const mine = s.clientId === this.you;
        const cells = [mine ? `${s.clientId} (this page)` : s.clientId, String(s.id), s.model, String(s.frames)].map((t) => Object.assign(document.createElement('td'), { textContent: t }));
        const action = document.createElement('td');
        if (!mine && (this.paramsOf(s.model) || this.isVq(s.model))) {
          const b = document.createElement('button');
          b.name = 'listen';
          b.textContent = this.listened?.key === key || this.heard?.key === key ? 'Stop listening' : 'Listen';
          b.onclick = () => void (this.isVq(s.model) ? this.toggleAudio(key, s) : this.toggle(key, s.model));
          action.append(b);
        }
        tr.append(...cells, action);
        return tr;
      }),
    );
    if (this.listened && !streams.some((s) => keyOf(s.clientId, s.id) === this.listened!.key)) this.stopListening('the stream closed');
    if (this.heard && !streams.some((s) => keyOf(s.clientId, s.id) === this.heard!.key)) void this.stopAudio();
  }

  private isVq(model: string): boolean {
    return this.catalog()?.models.find((x) => x.name === model)?.kind === 'vqvae';
  }

  /**
   * Listens to another client's VQ stream: LISTENs /mb/session/return and plays its blocks in an
   * AudioContext at the stream's rate, through the page's return player (a jitter buffer of
   * two blocks' worth, 40 ms).
   */
  private async toggleAudio(key: string, st: SharedStream): Promise<void> {
    const was = this.heard?.key;
    await this.stopAudio();
    if (was === key) return;
    if (!this.subscribedAudio) {
      this.bridge.listen('/mb/session/return');
      this.subscribedAudio = true;
    }
    const context = new AudioContext({ sampleRate: st.sampleRate, latencyHint: 'interactive' });
    await context.audioWorklet.addModule('return-worklet.js');
    const node = new AudioWorkletNode(context, 'mb-return', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [2], processorOptions: { prebuffer: Math.round(0.04 * st.sampleRate) } });
    node.connect(context.destination);
    await context.resume();
    this.heard = { key, context, node, blocks: 0 };
    const title = document.createElement('h3');
    title.textContent = `Listening to ${key.replace('#', ', stream ')} (${st.model}): its returned audio, at ${st.sampleRate} Hz`;
    this.curvesRoot.replaceChildren(title);
  }

  private async stopAudio(): Promise<void> {
    const h = this.heard;
    this.heard = null;
    if (!h) return;
    h.node.disconnect();
    await h.context.close();
    this.curvesRoot.replaceChildren();
  }

  private returned(client: string, id: number, bytes: Uint8Array): void {
    const h = this.heard;
    if (!h || h.key !== keyOf(client, id)) return;
    // a copy, aligned, handed over to the worklet
    const samples = new Float32Array(bytes.byteLength >> 2);
    new Uint8Array(samples.buffer).set(bytes.subarray(0, samples.length * 4));
    h.blocks++;
    h.node.port.postMessage({ type: 'audio', samples }, [samples.buffer]);
  }

  /** For the tests: blocks of another client's returned audio played, and a recording of them. */
  get audioHeard(): { key: string; blocks: number } | null {
    return this.heard && { key: this.heard.key, blocks: this.heard.blocks };
  }

  recordHeard(seconds: number): void {
    this.heard?.node.port.postMessage({ type: 'record', seconds });
  }

  dumpHeard(): Promise<unknown> {
    const h = this.heard;
    if (!h) return Promise.resolve(null);
    return new Promise((resolve) => {
      h.node.port.onmessage = (e) => e.data.type === 'recording' && resolve({ ...e.data, samples: Array.from(e.data.samples as Float32Array) });
      h.node.port.postMessage({ type: 'dump' });
    });
  }

  private paramsOf(model: string): PageParam[] | undefined {
    const m = this.catalog()?.models.find((x) => x.name === model);
    return m?.params?.length ? m.params : undefined;
  }

  private toggle(key: string, model: string): void {
    if (this.listened?.key === key) return this.stopListening('');
    if (!this.subscribed) {
      this.bridge.listen('/mb/session/params');
      this.subscribed = true;
    }
    const m = this.catalog()!.models.find((x) => x.name === model)!;
    const title = document.createElement('h3');
    title.textContent = `Listening to ${key.replace('#', ', stream ')} (${model})`;
    const box = document.createElement('div');
    box.className = 'curves';
    this.curvesRoot.replaceChildren(title, box);
    this.listened = { key, curves: new ParamCurves(box, m.params!, framesPerSecond(m)), started: performance.now(), frames: 0 };
  }

  private stopListening(why: string): void {
    this.listened?.curves.dispose();
    this.listened = null;
    this.curvesRoot.replaceChildren(...(why ? [Object.assign(document.createElement('p'), { className: 'hint', textContent: why })] : []));
  }

  private frame(client: string, id: number, units: number[]): void {
    const l = this.listened;
    const key = keyOf(client, id);
    if (!l || l.key !== key) return;
    l.frames++;
    this.lastFrame = { key, units };
    l.curves.push((performance.now() - l.started) / 1000, units);
  }

  private job(j: SharedJob): void {
    const key = keyOf(j.client, j.id);
    this.jobs.delete(key);
    this.jobs.set(key, j);
    while (this.jobs.size > 4 * JOBS_SHOWN) this.jobs.delete(this.jobs.keys().next().value as string);
    const table = this.jobsTable;
    if (!table) return;
    const head = document.createElement('tr');
    head.append(...['client', 'job', 'verb', 'state'].map((t) => Object.assign(document.createElement('th'), { textContent: t })));
    const rows = [...this.jobs.values()].reverse().slice(0, JOBS_SHOWN).map((x) => {
      const tr = document.createElement('tr');
      tr.dataset.job = keyOf(x.client, x.id);
      const state = x.state === 'progress' || x.state === 'running' ? `${x.state} ${(100 * x.progress).toFixed(0)} %` : x.state;
      tr.append(...[x.client === this.you ? `${x.client} (this page)` : x.client, String(x.id), x.name, state].map((t) => Object.assign(document.createElement('td'), { textContent: t })));
      return tr;
    });
    table.replaceChildren(head, ...rows);
  }
}

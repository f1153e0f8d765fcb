import { BridgeClient } from './bridge-client';
import { framesPerSecond, loadCatalog, type Catalog, type PageModel } from './catalog';
import { CodebookMap, type DescriptorTable } from './codebook-map';
import { CONTROL_PREFIX, StreamControls } from './controls';
import { CurvePad } from './curve-pad';
import { f, s } from './bridge';
import { JobPlayer } from './job-player';
import { MelodyView } from './melody-view';
import { LevelMeters } from './meters';
import { PlanePad } from './plane-pad';
import { SharedSession } from './shared-session';
import { ParamCurves } from './curves';
import { LiveSession } from './session';
import { connectionText, renderStatus, statusRows } from './status-view';

/**
 * The page served at /ui/: one WebSocket to the bridge (held by the stream worker), the catalog
 * (verb table and model manifests), a live session started by the Start button, and the views
 * fed by it.
 * `window.mirrorbridge` exposes the session for the console and the browser tests.
 */
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const ui = {
  connection: $<HTMLSpanElement>('connection'),
  model: $<HTMLSelectElement>('model'),
  start: $<HTMLButtonElement>('start'),
  stop: $<HTMLButtonElement>('stop'),
  message: $<HTMLParagraphElement>('message'),
  status: $<HTMLTableElement>('status'),
  curves: $<HTMLDivElement>('curves'),
  controls: $<HTMLDivElement>('controls'),
  viewTitle: $<HTMLHeadingElement>('view-title'),
  melody: $<HTMLDivElement>('melody'),
  shared: $<HTMLTableElement>('shared'),
  cpu: $<HTMLParagraphElement>('cpu'),
  sharedCurves: $<HTMLDivElement>('shared-curves'),
  meters: $<HTMLDivElement>('meters'),
};

const token = new URLSearchParams(location.search).get('token');
const bridge = new BridgeClient(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/${token ? `?token=${encodeURIComponent(token)}` : ''}`);
let catalog: Catalog | null = null;
let session: LiveSession | null = null;
let curves: ParamCurves | null = null;
let map: CodebookMap | null = null;
let player: JobPlayer | null = null;
let planePlayer: JobPlayer | null = null;
let melody: { view: MelodyView; player: JobPlayer; model: string } | null = null;
const meters = new LevelMeters(ui.meters);
const shared = new SharedSession(ui.shared, ui.cpu, ui.sharedCurves, bridge, () => catalog);
shared.jobsTable = document.getElementById('shared-jobs') as HTMLTableElement;
const tokenQuery = token ? `?token=${encodeURIComponent(token)}` : '';

/** Seconds of a drawn curve: 3, within what the verb table allows /mb/job/draw. */
const DRAW_SECONDS = 3;

/** The codebook views of a VQ model: the map (click a code to hear it), the curve pad (both through /mb/job/draw) and the interpolation plane. */
async function codebookViews(model: PageModel, table: DescriptorTable): Promise<void> {
  const draw = catalog!.verbs.find((v) => v.address === '/mb/job/draw');
  const args = draw?.signatures[0] ?? [];
  const drawable = (args.find((a) => a.name === 'what')?.values ?? []).filter((w) => w !== 'code');
  const secondsArg = args.find((a) => a.name === 'seconds');
  const seconds = Math.min(secondsArg?.max ?? DRAW_SECONDS, Math.max(secondsArg?.min ?? DRAW_SECONDS, DRAW_SECONDS));
  const [mapRoot, line, padRoot, planeRoot, planeLine] = ['div', 'p', 'div', 'div', 'p'].map((t) => document.createElement(t));
  line.className = planeLine.className = 'hint draw-status';
  ui.curves.replaceChildren(mapRoot, line, padRoot, planeRoot, planeLine);
  player?.dispose();
  planePlayer?.dispose();
  const play = (player = new JobPlayer(bridge, line, token));
  const heard = (p: Promise<void>) => p.catch(() => undefined);
  const drawJob = (what: string, secs: number, values: number[]) =>
    heard(play.play({ what, values }, '/mb/job/draw', [s(model.name), s(play.file('draw')), s(what), f(secs), ...values.map((v) => f(v))]));
  map = new CodebookMap(mapRoot, table, (code) => void drawJob('code', 1, [code]));
  if (draw) new CurvePad(padRoot, table, drawable, seconds, (name, values) => void drawJob(name, seconds, values));
  const sounds = ((await (await fetch(`/ui/files/${tokenQuery}`)).json()) as { sounds: string[] }).sounds;
  const plane = (planePlayer = new JobPlayer(bridge, planeLine, token));
  let written = '';
  new PlanePad(planeRoot, sounds, async (x, y, corners) => {
    const list = plane.file('plane').replace(/\.wav$/, '.txt');
    if (corners.join('\n') !== written) {
      const listed = new Promise<void>((resolve) => {
        const off = bridge.on('/mb/files/cornerlist', () => (off(), resolve()));
      });
      bridge.send('/mb/files/corners', ...corners.map((c) => s(c)), s(list));
      await listed;
      written = corners.join('\n');
    }
    bridge.send('/mb/vq/plane', f(x), f(y));
    await plane.play({ what: 'plane', values: [x, y] }, '/mb/job/vq', [s('plane'), s(list), s(plane.file('plane')), s(model.name)]);
  });
}

/** The melody view, once a note model is loaded (again when another replaces it). */
async function melodyView(c: Catalog): Promise<void> {
  const model = c.models.find((m) => m.kind === 'mirrornet-notes');
  if (!model || melody?.model === model.name) return;
  const sounds = ((await (await fetch(`/ui/files/${tokenQuery}`)).json()) as { sounds: string[] }).sounds;
  const line = document.createElement('p');
  line.className = 'hint draw-status';
  const root = document.createElement('div');
  ui.melody.replaceChildren(root, line);
  melody?.player.dispose();
  const player = new JobPlayer(bridge, line, token);
  melody = { view: new MelodyView(root, sounds, model.name, player, token), player, model: model.name };
}

/** Models the page can stream with: MirrorNet stream models with parameters (they drive the page's synth) and VQ models (their returned audio is played). */
const streamModels = (c: Catalog): PageModel[] => c.models.filter((m) => (m.kind === 'mirrornet-stream' && m.params?.length) || (m.kind === 'vqvae' && m.codebook));

async function refreshCatalog(): Promise<void> {
  try {
    catalog = await loadCatalog();
  } catch (err) {
    ui.message.textContent = `cannot read the bridge's catalog (${(err as Error).message}); retrying`;
    setTimeout(() => void refreshCatalog(), 2000);
    return;
  }
  const models = streamModels(catalog);
  const chosen = ui.model.value;
  ui.model.replaceChildren(...models.map((m) => new Option(`${m.name} (${m.kind} ${m.version})`, m.name, false, m.name === chosen)));
  if (models.length === 0) ui.message.textContent = 'no live stream model is loaded on the bridge (load mirrornet-stream)';
  else if (ui.message.textContent?.startsWith('cannot read') || ui.message.textContent?.startsWith('no live')) ui.message.textContent = '';
  ui.start.disabled = models.length === 0 || session !== null;
  void melodyView(catalog);
}

async function start(): Promise<void> {
  const model = catalog && streamModels(catalog).find((m) => m.name === ui.model.value);
  if (!model) return;
  ui.start.disabled = true;
  ui.message.textContent = '';
  const live = new LiveSession(bridge, model);
  session = live;
  const controls = new StreamControls(ui.controls, catalog!.verbs, CONTROL_PREFIX[model.kind] ?? '/mb/stream/', (address, args, withId) =>
    withId ? live.send(address, args) : live.state === 'streaming' && bridge.send(address, ...args),
  );
  live.onOpened = () => controls.resend();
  curves?.dispose();
  curves = null;
  map = null;
  ui.viewTitle.textContent = model.codebook ? 'Codebook' : 'Parameters, live';
  if (model.codebook) {
    await codebookViews(model, (await (await fetch(model.codebook.descriptors)).json()) as DescriptorTable);
    live.onCodes = (codes) => map?.highlight(codes);
  }
  live.onParams = (params) => {
    curves?.dispose();
    curves = new ParamCurves(ui.curves, params, framesPerSecond(model));
  };
  live.onFrame = (t, units) => curves?.push(t, units);
  live.onChange = () => {
    ui.message.textContent = live.state === 'failed' || live.state === 'stopped' ? live.reason : '';
    ui.stop.disabled = live.state === 'idle';
  };
  await live.start();
  if (live.state === 'failed') {
    session = null;
    ui.start.disabled = false;
  }
}

async function stop(): Promise<void> {
  await session?.dispose();
  session = null;
  ui.stop.disabled = true;
  ui.start.disabled = false;
}

function tick(): void {
  ui.connection.textContent = connectionText(bridge.state, bridge.retryAt);
  ui.connection.className = `pill ${bridge.state}`;
  if (session) renderStatus(ui.status, statusRows(session.stats()));
}

bridge.onState((state) => state === 'open' && void refreshCatalog());
// Models loaded and unloaded by any client (another tab, Pd, Max) reach this page only on LISTEN.
bridge.listen('/mb/models/loaded');
bridge.listen('/mb/models/unloaded');
bridge.on('/mb/models/loaded', () => void refreshCatalog());
bridge.on('/mb/error', (a) => {
  // Blocks already on their way when the bridge closed the stream: the stream's own state says why.
  if (a[0] === 'MB_ERR_UNKNOWN_STREAM' && session?.state !== 'streaming') return;
  ui.message.textContent = `${String(a[0])}: ${String(a[1])}`;
});
bridge.on('/mb/models/unloaded', () => void refreshCatalog());
ui.start.onclick = () => void start();
ui.stop.onclick = () => void stop();
setInterval(tick, 250);
// The meters move faster than the status table: every 50 ms, from the audio graph's analysers.
setInterval(() => meters.show(session?.audio?.levels() ?? null), 50);
tick();
// The catalog is plain HTTP: fetched at once, not after the WebSocket opens (and again on every reconnect).
void refreshCatalog();

/** For the console and the browser tests: the live figures and the synth's recorded output. */
Object.assign(window, {
  mirrorbridge: {
    bridge,
    stats: () => session?.stats(),
    /** The levels the meters show now (dBFS). */
    levels: () => session?.audio?.levels() ?? null,
    codesUsed: () => (map ? [...map.used.keys()] : []),
    /** Where code k is drawn on the map, in page pixels (the test clicks there). */
    codePoint: (k: number) => {
      const canvas = document.querySelector<HTMLCanvasElement>('canvas.codebook-map');
      if (!map || !canvas) return null;
      const r = canvas.getBoundingClientRect();
      const p = map.pointOf(k);
      return { x: r.left + (p.x * r.width) / map.size.width, y: r.top + (p.y * r.height) / map.size.height };
    },
    picked: () => map?.picked ?? -1,
    /** The last sound /mb/job/draw rendered and the page played. */
    played: () => player?.last && { ...player.last, samples: Array.from(player.last.samples) },
    /** Frames heard from the other client's stream the page listens to, and the latest. */
    sharedHeard: () => ({ frames: shared.framesHeard, last: shared.lastFrame }),
    /** Every client's jobs the shared session has seen (/mb/session/job), the latest last. */
    sharedJobs: () => [...shared.jobs.values()],
    /** Another client's VQ stream the page plays: blocks heard; record and dump what it played. */
    sharedAudio: () => shared.audioHeard,
    recordShared: (seconds: number) => shared.recordHeard(seconds),
    sharedRecording: () => shared.dumpHeard(),
    /** The melody view's notes, and the last re-rendering it played. */
    melodyNotes: () => melody?.view.notes ?? [],
    melodyPlayed: () => melody?.player.last && { ...melody.player.last, samples: Array.from(melody.player.last.samples) },
    /** The last mix of the interpolation plane the page played, and how many it played. */
    planePlayed: () => planePlayer?.last && { ...planePlayer.last, samples: Array.from(planePlayer.last.samples), count: planePlayer.count },
    record: (seconds: number) => session?.audio?.record(seconds),
    recording: async () => {
      const r = await session?.audio?.recording();
      return r && { ...r, samples: Array.from(r.samples) };
    },
    returned: async () => {
      const r = await session?.audio?.returned();
      return r && { ...r, samples: Array.from(r.samples) };
    },
  },
});

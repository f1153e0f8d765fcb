import { MAX_CLASSES, MAX_OBJECTS, type MaxIo } from '../../patchgen/max/patcher';
import { checkBox, realTable, UNSEEN_IN_REAL_SAVES } from '../../patchgen/max/conformance/check';
import { ourBox } from '../../patchgen/max/conformance/ours';
import { addressOfSelector, entriesAt, maxSelector, outsAt, verbAt } from '../../src/verbs/table';
import { OSC_PLANT_ADDRESSES } from '../../src/plants/osc';

/** The server's OSC table, and the OSC plant contract ([mb.osc-plant~] speaks it with mirrorbridge learn). */
const OSC_TABLE: readonly { address: string; direction: string }[] = [...entriesAt('osc'), ...OSC_PLANT_ADDRESSES];
/** What the bridge sends out of node.script: the Max door's out addresses without /mb/. */
const BRIDGE_REPLIES = new Set(outsAt('max').map((e) => maxSelector(e.address)));
import { PD_EXTERNALS, PD_VANILLA, type Io } from './pd-objects';
import { allCanvases, parsePd, type PdBox, type PdCanvasData } from './pd-parse';

/**
 * The patch validator. For Pd files: well-formed; every object vanilla (PD_VANILLA), one of
 * our abstractions or our external; every connection within its boxes' inlets and outlets;
 * every OSC address sent ([oscformat], [mb.request], "send /mb/..." messages) an input
 * address of the table and every address routed from the server's replies an output
 * address (or a container of some). For Max files: valid JSON patchers; every box's
 * inlet/outlet counts those of its class; every line within them; every message sent to the
 * bridge a bridge command and every reply routed one the bridge sends.
 */
export interface Problem {
  file: string;
  message: string;
}

type Direction = 'in' | 'out';

/** True when /parts is an address of the table in that direction, or a container of some. */
export function addressKnown(parts: string[], direction: Direction, exact: boolean): boolean {
  return OSC_TABLE.some((e) => {
    if (e.direction !== direction) return false;
    const table = e.address.split('/').slice(1);
    if (exact ? table.length !== parts.length : table.length < parts.length) return false;
    return parts.every((p, i) => table[i] === p || table[i] === '{name}');
  });
}

/** True when `parts` is an out address of the table and no out address lies below it. */
function isLeafAddress(parts: string[]): boolean {
  if (!addressKnown(parts, 'out', true)) return false;
  return !OSC_TABLE.some((e) => e.direction === 'out' && e.address.split('/').length - 1 > parts.length && parts.every((p, i) => e.address.split('/')[i + 1] === p));
}

// ────────────────────────────────────────────────────────────────────────── Pd

export interface PdContext {
  /** Our abstractions by class name, with their inlet/outlet counts. */
  abstractions: Map<string, Io>;
}

/** Inlets/outlets of an abstraction or subpatch canvas: its inlet(~) and outlet(~) objects. */
export function canvasIo(canvas: PdCanvasData): Io {
  const cls = (b: PdBox) => (b.kind === 'obj' ? b.atoms[0] : '');
  return {
    inlets: canvas.boxes.filter((b) => cls(b) === 'inlet' || cls(b) === 'inlet~').length,
    outlets: canvas.boxes.filter((b) => cls(b) === 'outlet' || cls(b) === 'outlet~').length,
  };
}

/** Atom boxes (width min max flag label receive send ...) lose their inlet/outlet to a receive/send name. */
function atomIo(b: PdBox): Io {
  const named = (s: string | undefined) => s !== undefined && s !== '-' && s !== 'empty';
  return { inlets: named(b.atoms[5]) ? 0 : 1, outlets: named(b.atoms[6]) ? 0 : 1 };
}

function boxIo(b: PdBox, ctx: PdContext): Io | string {
  if (b.kind === 'msg') return { inlets: 1, outlets: 1 };
  if (b.kind === 'atom') return atomIo(b);
  if (b.kind === 'text' || b.kind === 'graph') return { inlets: 0, outlets: 0 };
  if (b.kind === 'subpatch') return canvasIo(b.canvas!);
  const [cls, ...args] = b.atoms;
  const rule = PD_VANILLA[cls];
  if (rule) {
    try {
      return rule(args, b.text);
    } catch (err) {
      return (err as Error).message;
    }
  }
  return ctx.abstractions.get(cls) ?? PD_EXTERNALS[cls] ?? `[${b.text}] is neither vanilla nor one of ours`;
}

/** Follows route chains from a source of server messages, checking every routed address. */
function checkRoutes(canvas: PdCanvasData, from: number, outlet: number, prefix: string[], report: (m: string) => void, local: string[] = []): void {
  const seen = new Set<string>();
  const walk = (box: number, out: number, parts: string[]) => {
    for (const c of canvas.connections.filter((x) => x.from === box && x.outlet === out)) {
      const key = `${c.to}:${parts.join('/')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const target = canvas.boxes[c.to];
      if (!target || target.kind !== 'obj') continue;
      const [cls, ...args] = target.atoms;
      if (cls === 'list' && args[0] === 'trim') walk(c.to, 0, parts);
      // below an address with nothing under it, a [route] picks arguments (an error code), not address parts
      if (cls !== 'route' || isLeafAddress(parts)) continue;
      args.forEach((arg, i) => {
        if (/^-?\d/.test(arg)) return;
        const next = [...parts, arg];
        if (!addressKnown(next, 'out', false) && !(parts.length === 1 && local.includes(arg))) {
          report(`[route ${args.join(' ')}] routes /${next.join('/')}, which the server never sends (not in the address table)`);
        }
        walk(c.to, i, next);
      });
      walk(c.to, args.length, parts);
    }
  };
  walk(from, outlet, prefix);
}

function checkPdAddresses(canvas: PdCanvasData, report: (m: string) => void): void {
  canvas.boxes.forEach((b) => {
    const [cls, ...args] = b.atoms;
    if (b.kind === 'obj' && cls === 'oscformat' && args.length > 0 && !args[0].startsWith('-')) {
      if (!addressKnown(args, 'in', true)) report(`[oscformat ${args.join(' ')}] sends /${args.join('/')}, not an input address of the table`);
    }
    if (b.kind === 'obj' && cls === 'mb.request') {
      if (!addressKnown(['mb', ...args], 'in', true)) report(`[mb.request ${args.join(' ')}] sends /mb/${args.join('/')}, not an input address of the table`);
    }
    if (b.kind === 'msg' && cls === 'send' && args[0]?.startsWith('/')) {
      const parts = args[0].split('/').slice(1);
      if (!addressKnown(parts, 'in', true)) report(`message "send ${args[0]}" sends an address that is not an input address of the table`);
    }
    if (b.kind === 'obj' && cls === 'r' && args[0] === 'mb.from-bridge') checkRoutes(canvas, b.index, 0, [], report);
    if (b.kind === 'obj' && cls === 'oscparse') checkRoutes(canvas, b.index, 0, [], report);
    if (b.kind === 'obj' && cls === 'mbstream~') checkRoutes(canvas, b.index, 1, ['mb'], report, ['stats', 'bridge']);
  });
}

export function validatePd(file: string, source: string, ctx: PdContext): Problem[] {
  const problems: Problem[] = [];
  const report = (message: string) => problems.push({ file, message });
  let root: PdCanvasData;
  try {
    root = parsePd(source);
  } catch (err) {
    report(`not well-formed: ${(err as Error).message}`);
    return problems;
  }
  for (const canvas of allCanvases(root)) {
    const io = canvas.boxes.map((b) => boxIo(b, ctx));
    io.forEach((x, i) => typeof x === 'string' && report(`box ${i}: ${x}`));
    for (const c of canvas.connections) {
      const from = io[c.from];
      const to = io[c.to];
      const name = (i: number) => `${i} [${canvas.boxes[i]?.text ?? '?'}]`;
      if (from === undefined || to === undefined) report(`connection ${c.from} ${c.outlet} ${c.to} ${c.inlet}: no such box`);
      else if (typeof from !== 'string' && c.outlet >= from.outlets) report(`connection from ${name(c.from)} outlet ${c.outlet}: it has ${from.outlets} outlet(s)`);
      else if (typeof to !== 'string' && c.inlet >= to.inlets) report(`connection to ${name(c.to)} inlet ${c.inlet}: it has ${to.inlets} inlet(s)`);
    }
    checkPdAddresses(canvas, report);
  }
  return problems;
}

// ───────────────────────────────────────────────────────────────────────── Max

interface MaxBoxJson {
  id: string;
  maxclass: string;
  text?: string;
  numinlets: number;
  numoutlets: number;
  outlettype?: string[];
  patcher?: { boxes: { box: MaxBoxJson }[]; lines: { patchline: { source: [string, number]; destination: [string, number] } }[] };
}

type MaxPatcherJson = NonNullable<MaxBoxJson['patcher']>;

const REAL = realTable();

function portsOf(p: MaxPatcherJson): MaxIo {
  const boxes = p.boxes.map((b) => b.box);
  const outlets = boxes.filter((b) => b.maxclass === 'outlet').length;
  return { inlets: boxes.filter((b) => b.maxclass === 'inlet').length, outlets, outlettype: Array.from({ length: outlets }, () => '') };
}

function expectedIo(b: MaxBoxJson, abstractions: Map<string, MaxIo>): MaxIo | string {
  if (b.maxclass !== 'newobj') return MAX_CLASSES[b.maxclass] ?? `unknown box class ${b.maxclass}`;
  const text = b.text ?? '';
  const [cls, ...args] = text.split(/\s+/);
  if (cls === 'p') return b.patcher ? portsOf(b.patcher) : '[p] without an embedded patcher';
  const known = MAX_OBJECTS[cls];
  if (known) return known(args, text);
  return abstractions.get(cls) ?? `unknown Max object [${text}]`;
}

function checkBridgeTraffic(p: MaxPatcherJson, report: (m: string) => void): void {
  const boxes = new Map(p.boxes.map((b) => [b.box.id, b.box]));
  const first = (b: MaxBoxJson) => (b.text ?? '').split(/\s+/);
  const toBridge = (b: MaxBoxJson) => (first(b)[0] === 's' && first(b)[1] === 'mb.in') || first(b)[0] === 'mb.bridge';
  for (const { patchline } of p.lines) {
    const src = boxes.get(patchline.source[0]);
    const dst = boxes.get(patchline.destination[0]);
    if (!src || !dst || !toBridge(dst) || patchline.destination[1] !== 0) continue;
    const words = first(src);
    const selector = src.maxclass === 'message' ? words[0] : src.maxclass === 'newobj' && words[0] === 'prepend' ? words[1] : undefined;
    if (selector !== undefined && !/^[-\d$]/.test(selector) && !verbAt(addressOfSelector(selector), 'max')) report(`"${selector}" is sent to the bridge, which has no such verb`);
  }
  const routesAfter = (id: string, outlet: number, level: number, parent?: string) => {
    for (const { patchline } of p.lines) {
      if (patchline.source[0] !== id || patchline.source[1] !== outlet) continue;
      const dst = boxes.get(patchline.destination[0]);
      if (!dst || first(dst)[0] !== 'route') continue;
      const args = first(dst).slice(1);
      args.forEach((arg, i) => {
        const ok = level > 0 || BRIDGE_REPLIES.has(arg);
        if (!/^[-\d#]/.test(arg) && !ok) report(`[route ${args.join(' ')}] waits for "${arg}", which the bridge never sends`);
        if (level === 0) routesAfter(dst.id, i, 1, arg);
      });
    }
  };
  for (const b of boxes.values()) {
    if ((first(b)[0] === 'r' && first(b)[1] === 'mb.out') || first(b)[0] === 'mb.bridge') routesAfter(b.id, 0, 0);
  }
}

function validatePatcher(p: MaxPatcherJson, abstractions: Map<string, MaxIo>, report: (m: string) => void): void {
  if (!Array.isArray(p.boxes) || !Array.isArray(p.lines)) {
    report('patcher without boxes/lines arrays');
    return;
  }
  const boxes = new Map<string, MaxBoxJson>();
  for (const { box } of p.boxes) {
    if (!box?.id || !box.maxclass || typeof box.numinlets !== 'number' || typeof box.numoutlets !== 'number') {
      report(`box ${JSON.stringify(box?.id)} lacks id, maxclass or inlet/outlet counts`);
      continue;
    }
    if (boxes.has(box.id)) report(`duplicate box id ${box.id}`);
    boxes.set(box.id, box);
    if (box.numoutlets > 0 && box.outlettype?.length !== box.numoutlets) report(`${box.id}: outlettype has ${box.outlettype?.length} entries for ${box.numoutlets} outlets`);
    const cls = (box.text ?? '').split(/\s+/)[0];
    if (box.maxclass === 'newobj' && (cls === 'p' || abstractions.has(cls))) {
      // Our own abstractions and subpatchers: their counts are their inlet and outlet boxes.
      const want = expectedIo(box, abstractions);
      if (typeof want === 'string') report(`${box.id}: ${want}`);
      else if (want.inlets !== box.numinlets || want.outlets !== box.numoutlets) {
        report(`${box.id} [${box.text ?? box.maxclass}]: ${box.numinlets}/${box.numoutlets} inlets/outlets, expected ${want.inlets}/${want.outlets}`);
      }
    } else {
      // Everything else against what real Max saves give the same box (patchgen/max/conformance).
      const ours = ourBox(box, '');
      const verdict = ours && checkBox(ours, REAL);
      if (!verdict) report(`${box.id}: a box without class or text`);
      else if (verdict.basis) verdict.problems.forEach((p) => report(`${box.id} [${box.text ?? box.maxclass}]: ${p}`));
      else if (!UNSEEN_IN_REAL_SAVES[cls || box.maxclass]) report(`${box.id} [${box.text ?? box.maxclass}]: no real Max save of this object in patchgen/max/conformance/real-objects.json`);
      else {
        const want = expectedIo(box, abstractions);
        if (typeof want === 'string') report(`${box.id}: ${want}`);
        else if (want.inlets !== box.numinlets || want.outlets !== box.numoutlets) report(`${box.id} [${box.text}]: ${box.numinlets}/${box.numoutlets} inlets/outlets, expected ${want.inlets}/${want.outlets}`);
      }
    }
    if (box.patcher) validatePatcher(box.patcher, abstractions, report);
  }
  const seen = new Set<string>();
  for (const { patchline } of p.lines) {
    const [sid, outlet] = patchline.source;
    const [did, inlet] = patchline.destination;
    const key = `${sid}:${outlet}>${did}:${inlet}`;
    if (seen.has(key)) report(`duplicate line ${key}`);
    seen.add(key);
    const s = boxes.get(sid);
    const d = boxes.get(did);
    if (!s || !d) report(`line ${key}: no such box`);
    else if (outlet >= s.numoutlets) report(`line ${key}: ${sid} has ${s.numoutlets} outlet(s)`);
    else if (inlet >= d.numinlets) report(`line ${key}: ${did} has ${d.numinlets} inlet(s)`);
  }
  checkBridgeTraffic(p, report);
}

export function validateMax(file: string, source: string, abstractions: Map<string, MaxIo>): Problem[] {
  const problems: Problem[] = [];
  const report = (message: string) => problems.push({ file, message });
  let json: { patcher?: MaxPatcherJson };
  try {
    json = JSON.parse(source) as { patcher?: MaxPatcherJson };
  } catch (err) {
    report(`not valid JSON: ${(err as Error).message}`);
    return problems;
  }
  if (!json.patcher) report('no "patcher" object');
  else validatePatcher(json.patcher, abstractions, report);
  return problems;
}

/** Inlet/outlet counts of a Max abstraction file (its inlet and outlet boxes). */
export function maxAbstractionIo(source: string): MaxIo {
  return portsOf((JSON.parse(source) as { patcher: MaxPatcherJson }).patcher);
}

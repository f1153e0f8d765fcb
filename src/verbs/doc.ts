import { MAX_BLOCK_SAMPLES } from '../engine/limits';
import type { ArgSpec, TableEntry, VerbGroup } from './spec';
import { entriesAt, maxSelector } from './table';

/**
 * Renders docs/osc.md from the verb table (the OSC door's entries). The committed file must equal this output
 * (a test checks); regenerate with `mirrorbridge docs --write`.
 *
 * @example
 * writeFileSync('docs/osc.md', renderOscDoc());
 */
const GROUP_TITLES: Record<VerbGroup, string> = {
  connection: 'Connection',
  models: 'Models',
  streams: 'Streams',
  audio: 'Audio in',
  params: 'Live parameters out',
  vq: 'VQ-VAE',
  jobs: 'Offline jobs',
  status: 'Status',
  files: 'Files (Max)',
  server: 'Server (Max)',
  errors: 'Errors',
};

function typeString(sig: readonly ArgSpec[]): string {
  return sig.map((a) => (a.repeat ? `${a.type}…` : a.optional ? `[${a.type}]` : a.type)).join('') || '(none)';
}

function rangeOf(a: ArgSpec): string {
  const parts: string[] = [];
  if (a.values) parts.push(a.values.join(' \\| '));
  if (a.min !== undefined || a.max !== undefined) parts.push(`${a.min ?? '−∞'} … ${a.max ?? '∞'}`);
  if (a.repeat) parts.push(`${a.repeat.min}–${a.repeat.max} values`);
  if (a.blob) parts.push(`≤ ${a.blob.maxBytes} bytes, ${a.blob.encoding}`);
  if (a.format) parts.push(a.format);
  if (a.unit) parts.push(a.unit);
  return parts.join(', ');
}

function argTable(sig: readonly ArgSpec[]): string[] {
  if (sig.length === 0) return ['No arguments.'];
  const rows = sig.map((a) => `| ${a.name}${a.optional ? ' (optional)' : ''} | ${a.blob ? 'b' : a.type}${a.repeat ? '…' : ''} | ${rangeOf(a)} | ${a.description} |`);
  return ['| argument | type | range | description |', '|---|---|---|---|', ...rows];
}

function entrySection(e: TableEntry): string[] {
  const lines = [`### \`${e.address}\` ${typeString(e.signatures[0])}`, '', `${e.direction === 'in' ? 'client → server' : 'server → client'} · access ${e.access}. ${e.description}`, ''];
  e.signatures.forEach((sig, i) => {
    if (e.signatures.length > 1) lines.push(`Form ${i + 1}: \`${typeString(sig)}\``, '');
    lines.push(...argTable(sig), '');
  });
  if (e.direction === 'in' && e.replies) lines.push(`Replies: ${e.replies.map((r) => `\`${r}\``).join(', ')}; on failure \`/mb/error\`.`, '');
  return lines;
}

const INTRO = [
  '# OSC reference',
  '',
  '<!-- Generated from the verb table (src/verbs/table.ts) by `mirrorbridge docs --write`. Do not edit by hand. -->',
  '',
  'mirrorbridge listens for OSC over UDP on port 9130 (127.0.0.1 by default) and over',
  'WebSocket on port 9131 (binary frames carry OSC packets; the HTTP server on the same',
  'port serves the OSCQuery namespace at `/` and host info at `/?HOST_INFO`).',
  '',
  'Conventions:',
  '',
  '- Every address lives under `/mb`. The server sends everything in OSC bundles with a time',
  '  tag (the time the frame was produced), except `/wek/outputs`, which Wekinator expects plain.',
  '- UDP clients register where replies go with `/mb/hello <port>` (Pd\'s [netsend] does not',
  '  receive on its sending socket). Without it, replies go to the sending port.',
  '- Integer arguments also accept integral floats: vanilla Pd sends every number as a float.',
  `- Audio blocks: up to ${MAX_BLOCK_SAMPLES} samples, as float arguments or one little-endian float32 blob.`,
  '- Every request that can fail gets its reply or `/mb/error <code> <message>`; the codes are',
  '  listed with their remedies in docs/errors.md.',
  '- A UDP client that has sent nothing for the silence timeout (30 s by default) loses its',
  '  streams and listens; send `/mb/ping` now and then to stay. WebSocket clients stay while',
  '  their connection answers the heartbeat.',
  '- Messages from one client are handled in the order sent (an audio block sent right after',
  '  `/mb/stream/open` waits for the stream). Queues are bounded and drop the oldest entry;',
  '  the drops are counted in `/mb/status`.',
  '- `{name}` in an address stands for a parameter name from the loaded model\'s manifest;',
  '  the OSCQuery namespace lists the actual addresses of the loaded models.',
  '- The same verbs reach the Max bridge as messages whose selector is the address without',
  '  `/mb/` (`stream/open 1 44100 512`), and its replies come out the same way (`stream/opened ...`);',
  '  the Max door\'s own verbs (files, server, config) are listed in its refpages.',
  '',
  '| address | types | direction | description |',
  '|---|---|---|---|',
];

const ADDING = [
  '## Adding a verb',
  '',
  'A verb is one entry of the verb table with its handler, in the file of the room it belongs',
  'to: `src/verbs/session.ts`, `streams.ts`, `status.ts` (the engine\'s own), `src/verbs/mirror.ts` and `src/verbs/vq.ts` (each',
  'plug-in\'s; a new plug-in gets its own file, joined in `src/verbs/table.ts`), `src/verbs/max.ts`',
  '(the Max door\'s). Declare its arguments with their types, ranges and units (reuse the',
  'plug-in\'s `ArgSpec` constants where the plug-in checks the same value), the doors it exists',
  `at, its replies, and the handler, which calls the engine and returns replies built in`,
  '`src/verbs/replies.ts`. OSC, WebSocket and Max then parse and dispatch it; run',
  '`mirrorbridge docs --write` and `npm run patches` to regenerate this page, the Max refpages',
  `and the patches (tests fail until you do). Example: the Max selector of \`/mb/vq/deform\` is \`${maxSelector('/mb/vq/deform')}\`.`,
  '',
];

/** The whole of docs/osc.md. */
export function renderOscDoc(table: readonly TableEntry[] = entriesAt('osc')): string {
  const summary = table.map((e) => `| \`${e.address}\` | ${e.signatures.map(typeString).join(' or ')} | ${e.direction} | ${e.description.split('. ')[0].replace(/\.$/, '')} |`);
  const lines = [...INTRO, ...summary, ''];
  for (const group of Object.keys(GROUP_TITLES) as VerbGroup[]) {
    const entries = table.filter((e) => e.group === group);
    if (entries.length === 0) continue;
    lines.push(`## ${GROUP_TITLES[group]}`, '');
    for (const e of entries) lines.push(...entrySection(e));
  }
  lines.push(...ADDING);
  return `${lines.join('\n').trimEnd()}\n`;
}

import { MAX_BLOCK_SAMPLES, OSC_TABLE } from './address-table';
import type { AddressEntry, AddressGroup, ArgSpec } from './address-types';

/**
 * Renders docs/osc.md from the address table. The committed file must equal this output
 * (a test checks); regenerate with `mirrorbridge docs --write`.
 *
 * @example
 * writeFileSync('docs/osc.md', renderOscDoc());
 */
const GROUP_TITLES: Record<AddressGroup, string> = {
  connection: 'Connection',
  models: 'Models',
  streams: 'Streams',
  audio: 'Audio in',
  params: 'Live parameters out',
  vq: 'VQ-VAE',
  jobs: 'Offline jobs',
  status: 'Status',
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

function entrySection(e: AddressEntry): string[] {
  const lines = [`### \`${e.address}\` ${typeString(e.signatures[0])}`, '', `${e.direction === 'in' ? 'client → server' : 'server → client'} · access ${e.access}. ${e.description}`, ''];
  e.signatures.forEach((sig, i) => {
    if (e.signatures.length > 1) lines.push(`Form ${i + 1}: \`${typeString(sig)}\``, '');
    lines.push(...argTable(sig), '');
  });
  if (e.replies) lines.push(`Replies: ${e.replies.map((r) => `\`${r}\``).join(', ')}; on failure \`/mb/error\`.`, '');
  return lines;
}

const INTRO = [
  '# OSC reference',
  '',
  '<!-- Generated from src/net/osc/address-table.ts by `mirrorbridge docs --write`. Do not edit by hand. -->',
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
  '',
  '| address | types | direction | description |',
  '|---|---|---|---|',
];

/** The whole of docs/osc.md. */
export function renderOscDoc(table: readonly AddressEntry[] = OSC_TABLE): string {
  const summary = table.map((e) => `| \`${e.address}\` | ${e.signatures.map(typeString).join(' or ')} | ${e.direction} | ${e.description.split('. ')[0].replace(/\.$/, '')} |`);
  const lines = [...INTRO, ...summary, ''];
  for (const group of Object.keys(GROUP_TITLES) as AddressGroup[]) {
    const entries = table.filter((e) => e.group === group);
    if (entries.length === 0) continue;
    lines.push(`## ${GROUP_TITLES[group]}`, '');
    for (const e of entries) lines.push(...entrySection(e));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/**
 * Max reference pages (patches/max/docs/refpages/*.maxref.xml) for the package's
 * abstractions. The bridge's page lists its messages from the verb table (the Max door's
 * verbs, selector = address without /mb/), so the reference cannot drift from what the bridge accepts.
 */
import { usageOf } from '../../src/verbs/usage';
import { maxSelector as selectorOf, verbsAt } from '../../src/verbs/table';
import { maxReplies, maxSelector } from './selectors';
import { mappingFormula } from '../mapping';
import { frameOrder, GATE } from '../plant-frame';

interface RefPage {
  name: string;
  digest: string;
  description: string;
  inlets: string[];
  outlets: string[];
  args: { name: string; type: string; digest: string }[];
  methods: { name: string; digest: string }[];
  seeAlso: string[];
}

const m = mappingFormula;
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function render(p: RefPage): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8" standalone="yes"?>',
    `<c74object name="${xml(p.name)}" module="mirrorbridge" category="mirrorbridge">`,
    `\t<digest>${xml(p.digest)}</digest>`,
    `\t<description>${xml(p.description)}</description>`,
    '\t<metadatalist>',
    '\t\t<metadata name="author">mirrorbridge</metadata>',
    '\t\t<metadata name="tag">mirrorbridge</metadata>',
    '\t</metadatalist>',
    '\t<inletlist>',
    ...p.inlets.map((d, i) => `\t\t<inlet id="${i}" type="anything"><digest>${xml(d)}</digest></inlet>`),
    '\t</inletlist>',
    '\t<outletlist>',
    ...p.outlets.map((d, i) => `\t\t<outlet id="${i}" type="anything"><digest>${xml(d)}</digest></outlet>`),
    '\t</outletlist>',
    '\t<objarglist>',
    ...p.args.map((a) => `\t\t<objarg name="${xml(a.name)}" optional="0" type="${a.type}"><digest>${xml(a.digest)}</digest></objarg>`),
    '\t</objarglist>',
    '\t<methodlist>',
    ...p.methods.map((m) => `\t\t<method name="${xml(m.name)}"><digest>${xml(m.digest)}</digest></method>`),
    '\t</methodlist>',
    '\t<seealsolist>',
    ...p.seeAlso.map((s) => `\t\t<seealso name="${xml(s)}"/>`),
    '\t</seealsolist>',
    '</c74object>',
  ];
  return `${lines.join('\n')}\n`;
}

const FRAME = `a frame: ${frameOrder()}, normalized 0..1`;

export function maxRefPages(): Map<string, string> {
  const pages: RefPage[] = [
    {
      name: 'mb.bridge',
      digest: 'Run the mirrorbridge engine in Max',
      description: `Runs the engine in Node for Max: models by name, live streams (audio in, parameter frames out), offline jobs (${(['/mb/job/infer', '/mb/job/resynth', '/mb/job/vq'] as const).map(maxSelector).join(', ')}), and on "${maxSelector('/mb/server/start')}" the OSC and WebSocket/OSCQuery servers, so PureData and browsers share the session. One per Max session; the other abstractions reach it through [send mb.in] and [receive mb.out].`,
      inlets: ['messages to the engine'],
      outlets: [`replies and events, named like their OSC addresses without /mb/: ${maxReplies('/mb/params', '/mb/params/units', '/mb/stream/opened', '/mb/stream/paramnames', '/mb/stream/closed', '/mb/job/progress', '/mb/job/done', '/mb/models/loaded', '/mb/error').split(' ').join(', ')} ...`, 'node.script status', `the bridge's state: starting, then ${maxReplies('/mb/ready', '/mb/busy', '/mb/idle').split(' ').join(', ')} (also on [receive mb.state]; "ready" bangs [receive mb.ready], the moment to send load-time messages)`],
      args: [],
      methods: [
        ...verbsAt('max').map((v) => ({ name: selectorOf(v.address), digest: `${usageOf(v, selectorOf)}: ${v.description}` })),
        { name: 'bang', digest: 'same as status' },
        { name: 'int', digest: 'the stream id bare lists of samples go to' },
        { name: 'list', digest: 'one block of samples for that stream' },
        { name: 'dictionary', digest: '{"command": "<message>", "args": [...]} runs that message' },
      ],
      seeAlso: ['mb.capture~', 'mb.params', 'node.script'],
    },
    {
      name: 'mb.capture~',
      digest: 'Stream a signal to the engine',
      description: `Opens a live stream (${maxSelector('/mb/stream/open')} <id> <sample rate> <block size>) and sends the signal in blocks (${maxSelector('/mb/stream/audio')} <id> <samples>). Latency added: one block.`,
      inlets: ['signal to stream', '1 opens and sends, 0 closes'],
      outlets: [],
      args: [
        { name: 'stream id', type: 'int', digest: 'the stream, unique in the session' },
        { name: 'block size', type: 'int', digest: 'samples per block (up to 8192)' },
      ],
      methods: [{ name: 'int', digest: 'right inlet: 1 open and send, 0 close' }],
      seeAlso: ['mb.bridge', 'mb.params', 'jit.catch~'],
    },
    {
      name: 'mb.params',
      digest: 'Receive the parameter frames of a stream',
      description: 'Outputs the frames the engine computes for one stream: normalized values, the same in units, and the sequence number.',
      inlets: [],
      outlets: ['normalized values (model order)', 'values in units', 'sequence number'],
      args: [{ name: 'stream id', type: 'int', digest: 'the stream to follow' }],
      methods: [],
      seeAlso: ['mb.capture~', 'mb.synth~', 'mb.vst-map'],
    },
    {
      name: 'mb.synth~',
      digest: 'The plant synth, in MSP',
      description: `The synthesizer MirrorNet learned to control, with the same parameter semantics as the TypeScript plant in continuous mode: note MIDI ${m('note')}, duration is the gate (above ${GATE}), volume ${m('volume')} dB, band-pass at ${m('cutoff')} Hz with Q ${m('resonance')}, attack ${m('attack')} s, decay ${m('decay')} s, vibrato ${m('vibratoRate')} Hz / ${m('vibratoIntensity')} semitones / phase ${m('vibratoPhase')}.`,
      inlets: [`${FRAME}; rate <frames per second>`],
      outlets: ['signal'],
      args: [],
      methods: [
        { name: 'list', digest: FRAME },
        { name: 'rate', digest: 'frames per second (default 125): frames glide over one frame period' },
      ],
      seeAlso: ['mb.params', 'mb.vst-map'],
    },
    {
      name: 'mb.vst-map',
      digest: 'Drive a plug-in from parameter frames',
      description: 'Note and duration become MIDI notes for [vst~]; the other values go to the plug-in parameters in the mapping table [coll mb.vstmap] ("<frame index>, <parameter number> <min> <max>;"), which you edit by double-clicking it.',
      inlets: [FRAME],
      outlets: ['messages for vst~: <parameter> <value>, midievent ...'],
      args: [],
      methods: [{ name: 'list', digest: FRAME }],
      seeAlso: ['vst~', 'mb.synth~', 'coll'],
    },
  ];
  return new Map(pages.map((p) => [`patches/max/docs/refpages/${p.name}.maxref.xml`, render(p)]));
}

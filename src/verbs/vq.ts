import { OUTPUT_RATE, STREAM_ID } from '../engine/limits';
import { DEFORM_OP, DEFORM_VALUE, PLANE_X, PLANE_Y, TARGET_DESCRIPTOR, TARGET_VALUE, VQ_OWNER, type LiveDeformOp, type VqControl } from '../vq/controls';
import { fileArg, JOB_REPLIES, modelName, out, SEQ, verb } from './build';
import type { ArgSpec, TableEntry } from './spec';
import { SELECTABLE } from '../vq/descriptor-table';

/** What /mb/job/draw draws a curve of, besides codes: the selectable descriptors and the level. */
const DRAWABLE = ['loudness', ...SELECTABLE];

/** The VQ-VAE's verbs: its live controls (argument specs from src/vq/controls.ts), its job and its frames. */
const set = (control: VqControl) => control;

export const VQ_ENTRIES: readonly TableEntry[] = [
  out({
    address: '/mb/vq/codes', group: 'vq',
    description: 'Codebook indices of one frame of a VQ stream.',
    signatures: [[STREAM_ID, SEQ, { name: 'codes', type: 'i', min: 0, repeat: { min: 1, max: 1024 }, description: 'Code indices.' }]],
  }),
  out({
    address: '/mb/vq/latent', group: 'vq',
    description: 'Latent vector of one frame of a VQ stream.',
    signatures: [[STREAM_ID, SEQ, { name: 'values', type: 'f', repeat: { min: 1, max: 4096 }, description: 'Latent values.' }]],
  }),
  verb({
    address: '/mb/vq/target', group: 'vq',
    description: 'Sets a descriptor-synthesis target for this client\'s VQ streams and jobs (codes whose descriptors match are picked).',
    signatures: [[TARGET_DESCRIPTOR, TARGET_VALUE]],
    handler: (a, { engine, clientId }) => engine.setControl(clientId, set({ owner: VQ_OWNER, kind: 'target', descriptor: a.str('descriptor'), value: a.float('value') })),
  }),
  verb({
    address: '/mb/vq/deform', group: 'vq',
    description: 'Sets a latent deformation for this client\'s VQ streams and jobs.',
    signatures: [[DEFORM_OP, DEFORM_VALUE]],
    handler: (a, { engine, clientId }) => engine.setControl(clientId, set({ owner: VQ_OWNER, kind: 'deform', op: a.str('op') as LiveDeformOp, value: a.float('value') })),
  }),
  verb({
    address: '/mb/vq/plane', group: 'vq',
    description: 'Point on the latent interpolation plane for this client\'s VQ streams and jobs.',
    signatures: [[PLANE_X, PLANE_Y]],
    handler: (a, { engine, clientId }) => engine.setControl(clientId, set({ owner: VQ_OWNER, kind: 'plane', x: a.float('x'), y: a.float('y') })),
  }),
  verb({
    address: '/mb/job/vq', group: 'jobs',
    description: 'Queues a VQ-VAE job using this client\'s VQ targets, deformations and plane point.',
    signatures: [[
      { name: 'op', type: 's', values: ['encode', 'decode', 'synth', 'deform', 'plane'], description: 'encode: WAV → codes; decode: codes → WAV; synth: descriptor targets → WAV; deform, plane: WAV → deformed WAV.' },
      fileArg('in', 'Input file, inside the files folder.'),
      fileArg('out', 'Output file, inside the files folder.'),
      modelName(true),
      { ...OUTPUT_RATE, description: `${OUTPUT_RATE.description} Not for encode (it writes codes); for decode the model's rate, for plane the first corner's. Needs the model name before it.` },
    ]],
    replies: JOB_REPLIES,
    handler: async (a, { engine, clientId }) => {
      await engine.submitJob(clientId, 'vq', { op: a.str('op'), in: a.str('in'), out: a.str('out'), model: a.optStr('model'), rate: a.optInt('rate') });
    },
  }),
  verb({
    address: '/mb/job/draw', group: 'jobs',
    description:
      'Queues a VQ-VAE job that renders a drawn curve, no input sound needed: what=code plays the codes given, each in turn for an equal share of the duration; ' +
      "what=<descriptor> runs descriptor synthesis of the curve given (points spread evenly, in the descriptor's unit) with this client's constant targets, at -20 dBFS unless loudness is drawn or set. Writes a WAV at the model's rate.",
    signatures: [[
      modelName(false),
      fileArg('out', 'Output WAV, inside the files folder.'),
      { name: 'what', type: 's', values: ['code', ...DRAWABLE], description: 'code, or the descriptor the curve is of.' },
      { name: 'seconds', type: 'f', min: 0.05, max: 60, unit: 's', description: 'Duration of the sound.' },
      { name: 'values', type: 'f', min: -1e6, max: 1e6, repeat: { min: 1, max: 1024 }, description: "Code indices, or the curve's points in the descriptor's unit." },
    ]],
    replies: JOB_REPLIES,
    handler: async (a, { engine, clientId }) => {
      const values = Array.from(a.floats('values')).join(',');
      await engine.submitJob(clientId, 'vq', { op: 'draw', model: a.str('model'), out: a.str('out'), what: a.str('what'), seconds: a.float('seconds'), values });
    },
  }),
];

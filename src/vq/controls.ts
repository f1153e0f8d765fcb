import { checkArgValue, type ArgSpec } from '../core/arg-spec';
import { MbError } from '../core/errors';
import type { ControlSpec, ControlView } from '../engine/types';

/**
 * The VQ plug-in's live controls, which the engine stores per client without reading them:
 * descriptor targets (for descriptor synthesis), latent deformations and the point on the
 * interpolation plane. The argument specs below are the one declaration of their ranges: the
 * verb table (/mb/vq/target, /mb/vq/deform, /mb/vq/plane) is built from them, and `apply`
 * checks with them when a control arrives through the engine directly.
 *
 * @example
 * engine.registerControls(VQ_OWNER, VQ_CONTROLS);
 * engine.setControl('max', { owner: 'vq', kind: 'deform', op: 'scale', value: 1.5 });
 * vqControlsOf(ctx.controls).deform.scale; // 1.5
 */
export const VQ_OWNER = 'vq';

export const LIVE_DEFORM_OPS = ['scale', 'bias', 'randomize', 'reverse', 'stretch', 'freeze', 'transpose'] as const;
/** The largest live stretch (the ring of recent frames holds 2 s). */
export const LIVE_STRETCH_MAX = 16;
export type LiveDeformOp = (typeof LIVE_DEFORM_OPS)[number];

export const TARGET_DESCRIPTOR: ArgSpec = { name: 'descriptor', type: 's', format: 'descriptor', description: 'Descriptor name from the model\'s descriptor table (e.g. centroid, loudness).' };
export const TARGET_VALUE: ArgSpec = { name: 'value', type: 'f', min: -1e6, max: 1e6, description: 'Target value in the descriptor\'s unit.' };
export const DEFORM_OP: ArgSpec = { name: 'op', type: 's', values: LIVE_DEFORM_OPS, description: 'Deformation (transpose: the pitch carried beside the code, for models that carry one).' };
export const DEFORM_VALUE: ArgSpec = { name: 'value', type: 'f', min: -100, max: 100, description: `Amount: scale factor, bias, randomization depth, reverse on (> 0) or off, stretch factor (1-${LIVE_STRETCH_MAX}; <= 1 none: live, the last 2 s slowed down), freeze on (> 0: the latent held, the level moving) or off, transposition in semitones.` };
export const PLANE_X: ArgSpec = { name: 'x', type: 'f', min: 0, max: 1, description: 'Horizontal position.' };
export const PLANE_Y: ArgSpec = { name: 'y', type: 'f', min: 0, max: 1, description: 'Vertical position.' };

export type VqControl =
  | { owner: typeof VQ_OWNER; kind: 'target'; descriptor: string; value: number }
  | { owner: typeof VQ_OWNER; kind: 'deform'; op: LiveDeformOp; value: number }
  | { owner: typeof VQ_OWNER; kind: 'plane'; x: number; y: number };

/** One client's VQ controls, as streams and jobs read them. */
export interface VqControls {
  readonly targets: Readonly<Record<string, number>>;
  readonly deform: Readonly<Partial<Record<LiveDeformOp, number>>>;
  readonly plane?: { readonly x: number; readonly y: number };
}

const NONE: VqControls = { targets: {}, deform: {} };
const DESCRIPTOR_RE = /^[A-Za-z][A-Za-z0-9_]*$/;

export const VQ_CONTROLS: ControlSpec<VqControls, VqControl> = {
  initial: () => NONE,
  apply(state, c) {
    switch (c.kind) {
      case 'target':
        if (typeof c.descriptor !== 'string' || !DESCRIPTOR_RE.test(c.descriptor)) throw new MbError('MB_ERR_BAD_TARGET', `descriptor name must be a word, got ${JSON.stringify(c.descriptor)}`);
        checkArgValue(TARGET_VALUE, c.value, `target ${c.descriptor}`, 'MB_ERR_BAD_TARGET');
        return { ...state, targets: { ...state.targets, [c.descriptor]: c.value } };
      case 'deform':
        checkArgValue(DEFORM_OP, c.op, 'deform op');
        checkArgValue(DEFORM_VALUE, c.value, `deform ${c.op}`);
        if (c.op === 'stretch' && c.value > LIVE_STRETCH_MAX) throw new MbError('MB_ERR_BAD_ARGS', `deform stretch must be at most ${LIVE_STRETCH_MAX} (<= 1: none), got ${c.value}`);
        return { ...state, deform: { ...state.deform, [c.op]: c.value } };
      case 'plane':
        checkArgValue(PLANE_X, c.x, 'plane x');
        checkArgValue(PLANE_Y, c.y, 'plane y');
        return { ...state, plane: { x: c.x, y: c.y } };
      default:
        throw new MbError('MB_ERR_BAD_ARGS', `vq control kind must be target, deform or plane, got ${JSON.stringify((c as { kind?: unknown }).kind)}`);
    }
  },
};

/** The client's VQ controls from the engine's view (none set: no targets, no deformation). */
export function vqControlsOf(view: ControlView): VqControls {
  return view.get<VqControls>(VQ_OWNER) ?? NONE;
}

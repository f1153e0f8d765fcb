import { checkOp, type DeformOp, type FrameDeformOp } from './deform';
import type { VqControls } from './controls';
import { NO_TIME_OPS, type LiveTimeOps } from './live-time';

/**
 * A client's deformation controls (src/vq/controls.ts) as typed deformation ops: every op
 * the controls set, for an offline job, or the frame-wise ones, for a live stream. No text
 * on the way: the ops are built as objects and checked with `checkOp`.
 *
 * @example
 * deformOpsOf({ targets: {}, deform: { scale: 1.5, reverse: 1 } }); // [{ op: 'scale', factor: 1.5 }, { op: 'reverse' }]
 */

/** Every deformation the controls set, in a fixed order (scale, bias, randomize, reverse, stretch, transpose; freeze is live only). */
export function deformOpsOf(controls: VqControls): DeformOp[] {
  const d = controls.deform;
  const ops: DeformOp[] = [];
  if (d.scale !== undefined) ops.push({ op: 'scale', factor: d.scale });
  if (d.bias !== undefined) ops.push({ op: 'bias', amount: d.bias });
  if (d.randomize !== undefined && d.randomize > 0) ops.push({ op: 'randomize', amount: d.randomize, seed: 1 });
  if (d.reverse !== undefined && d.reverse > 0) ops.push({ op: 'reverse' });
  if (d.stretch !== undefined && d.stretch > 1) ops.push({ op: 'stretch', factor: d.stretch });
  if (d.transpose !== undefined && d.transpose !== 0) ops.push({ op: 'transpose', semitones: d.transpose });
  return ops.map(checkOp);
}

/**
 * The frame-wise deformations of a live stream (scale, bias, randomize, transpose), from the
 * client's latest controls, and its time deformations (freeze, stretch, reverse: timeOf). The list is built when the
 * controls change (a new snapshot) and reused block after block; randomize is seeded with
 * the index of the block's first frame, so the noise differs from block to block.
 * `transpose` is left out for a model without pitch, where it means nothing.
 */
export class LiveDeformOps {
  private controls: VqControls | undefined;
  private ops: FrameDeformOp[] = [];
  private randomize: Extract<FrameDeformOp, { op: 'randomize' }> | undefined;
  private error: unknown;

  constructor(private readonly pitch: boolean) {}

  /** The ops for a block starting at stream frame `frame` (empty: play the codes as encoded). Throws what `checkOp` refused. */
  at(controls: VqControls, frame: number): readonly FrameDeformOp[] {
    if (controls !== this.controls) this.rebuild(controls);
    if (this.error) throw this.error;
    if (this.randomize) this.randomize.seed = frame % 2 ** 31;
    return this.ops;
  }

  /** The time deformations the controls set (src/vq/live-time.ts). */
  timeOf(controls: VqControls): LiveTimeOps {
    const d = controls.deform;
    if (!d.freeze && !d.reverse && !(d.stretch && d.stretch > 1)) return NO_TIME_OPS;
    return { freeze: (d.freeze ?? 0) > 0, reverse: (d.reverse ?? 0) > 0, stretch: Math.max(1, d.stretch ?? 1) };
  }

  private rebuild(controls: VqControls): void {
    this.controls = controls;
    this.randomize = undefined;
    this.error = undefined;
    const d = controls.deform;
    const ops: FrameDeformOp[] = [];
    if (d.scale !== undefined && d.scale !== 1) ops.push({ op: 'scale', factor: d.scale });
    if (d.bias !== undefined && d.bias !== 0) ops.push({ op: 'bias', amount: d.bias });
    if (d.randomize !== undefined && d.randomize > 0) ops.push((this.randomize = { op: 'randomize', amount: d.randomize, seed: 0 }));
    if (this.pitch && d.transpose !== undefined && d.transpose !== 0) ops.push({ op: 'transpose', semitones: d.transpose });
    try {
      ops.forEach(checkOp);
      this.ops = ops;
    } catch (err) {
      this.ops = [];
      this.error = err;
    }
  }
}

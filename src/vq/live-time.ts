import type { EncodedFrames } from './model';

/**
 * The time deformations of a live VQ stream, on a ring of its most recent frames (latents,
 * gains, pitch): what an offline job does to a whole series (reverse, stretch, freeze), done
 * causally so the stream keeps its rate and its latency.
 *
 * - freeze on: the latent (and pitch) of the frame where freeze was turned on is held; the gains
 *   keep moving, as in the offline freeze. Turned on in a rest (an unvoiced frame of a model with
 *   pitch), it holds the newest voiced frame of the ring, or the first voiced frame to come.
 * - stretch f > 1: the ring is read at 1/f of real time (the frames and their gains slowed
 *   down); once the read point falls a ring's length behind, it jumps to the newest frame.
 *   f <= 1 is no stretch: a live stream cannot run ahead of its input.
 * - reverse on: the ring is read backwards (at 1/f with a stretch), jumping to the newest frame
 *   once a ring's length behind: the last moments played backwards, again and again.
 *
 * Between frames the read point interpolates latents, gains and pitch linearly. Every frame is
 * written to the ring whether or not a time op is on, so one turned on has the past at hand.
 *
 * @example
 * const time = new LiveTimeline(latentDim, 125, true);
 * time.write(frames, count);
 * if (LiveTimeline.active(ops)) time.read(count, ops, latents, gains, f0);
 * else time.rest();
 */
export interface LiveTimeOps {
  freeze: boolean;
  /** 1: real time. */
  stretch: number;
  reverse: boolean;
}

export const NO_TIME_OPS: LiveTimeOps = { freeze: false, stretch: 1, reverse: false };

export class LiveTimeline {
  private readonly latents: Float32Array;
  private readonly gains: Float32Array;
  private readonly f0: Float32Array | null;
  private readonly frozen: Float32Array;
  private frozenF0 = 0;
  /** Frames written so far; the newest is written - 1. */
  private written = 0;
  /** The read point (an absolute frame index), while stretch or reverse is on. */
  private pos = -1;
  private freezing = false;

  constructor(
    private readonly d: number,
    readonly capacity: number,
    pitch: boolean,
  ) {
    this.latents = new Float32Array(capacity * d);
    this.gains = new Float32Array(capacity);
    this.f0 = pitch ? new Float32Array(capacity) : null;
    this.frozen = new Float32Array(d);
  }

  static active(ops: LiveTimeOps): boolean {
    return ops.freeze || ops.reverse || ops.stretch > 1;
  }

  /** Appends the block's `count` frames to the ring. */
  write(frames: EncodedFrames, count: number): void {
    const d = this.d;
    for (let t = 0; t < count; t++) {
      const slot = (this.written + t) % this.capacity;
      this.latents.set(frames.latents.subarray(t * d, (t + 1) * d), slot * d);
      this.gains[slot] = frames.gains[t];
      if (this.f0) this.f0[slot] = frames.f0?.[t] ?? 0;
    }
    this.written += count;
  }

  /**
   * The `count` frames to play for the frames just written, under `ops`: into latents
   * (count x d), gains and f0 (when the model carries pitch). Call after write(), while an op
   * is on (rest() while none is).
   */
  read(count: number, ops: LiveTimeOps, latents: Float32Array, gains: Float32Array, f0: Float32Array | undefined): void {
    const d = this.d;
    const moving = ops.reverse || ops.stretch > 1;
    for (let t = 0; t < count; t++) {
      const now = this.written - count + t; // the frame that arrived at this moment
      if (!moving) this.pos = -1;
      else if (this.pos < 0) this.pos = now;
      else {
        const step = 1 / Math.max(1, ops.stretch);
        this.pos += ops.reverse ? -step : step;
        if (now - this.pos >= this.capacity - 1 || this.pos > now) this.pos = now;
      }
      const at = this.pos < 0 ? now : this.pos;
      const lo = Math.floor(at);
      const hi = Math.min(now, lo + 1);
      const w = at - lo;
      const [a, b] = [lo % this.capacity, hi % this.capacity];
      for (let k = 0; k < d; k++) latents[t * d + k] = (1 - w) * this.latents[a * d + k] + w * this.latents[b * d + k];
      gains[t] = (1 - w) * this.gains[a] + w * this.gains[b];
      if (f0 && this.f0) {
        const [fa, fb] = [this.f0[a], this.f0[b]];
        // unvoiced at either end: take the nearer one, not a glide to 0 Hz
        f0[t] = fa > 0 && fb > 0 ? (1 - w) * fa + w * fb : w < 0.5 ? fa : fb;
      }
      if (ops.freeze) {
        if (!this.freezing) {
          this.freezing = true;
          this.frozen.set(latents.subarray(t * d, (t + 1) * d));
          this.frozenF0 = f0 ? f0[t] : 0;
          // Turned on in a rest (a pitched model's frame unvoiced): hold the newest voiced frame
          // of the ring instead, so freeze holds the last sung sound, not the silence between notes.
          if (f0 && this.f0 && this.frozenF0 <= 0) this.holdVoiced(now, now - this.capacity + 1);
        } else if (f0 && this.f0 && this.frozenF0 <= 0) this.holdVoiced(now, now);
        latents.set(this.frozen, t * d);
        if (f0) f0[t] = this.frozenF0;
      } else this.freezing = false;
    }
  }

  /** Freezes the newest voiced frame in [from, newest] of the ring, if there is one. */
  private holdVoiced(newest: number, from: number): void {
    for (let i = newest; i >= Math.max(0, from); i--) {
      const slot = i % this.capacity;
      if (this.f0![slot] > 0) {
        this.frozen.set(this.latents.subarray(slot * this.d, (slot + 1) * this.d));
        this.frozenF0 = this.f0![slot];
        return;
      }
    }
  }

  /** No time op on: the next one starts from the newest frame. */
  rest(): void {
    this.pos = -1;
    this.freezing = false;
  }
}

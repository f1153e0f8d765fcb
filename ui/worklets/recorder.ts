/**
 * Keeps a worklet's last `seconds` of output, for inspection and the browser tests: started by
 * a 'record' message, read by 'dump'. Storage is allocated when recording starts, not while
 * rendering.
 */
export class OutputRecorder {
  private samples: Float32Array | null = null;
  private written = 0;

  start(seconds: number, rate: number): void {
    this.samples = new Float32Array(Math.round(seconds * rate));
    this.written = 0;
  }

  get recording(): boolean {
    return this.samples !== null;
  }

  write(block: Float32Array): void {
    const buf = this.samples;
    if (!buf) return;
    for (let i = 0; i < block.length; i++) buf[(this.written + i) % buf.length] = block[i];
    this.written += block.length;
  }

  /** The kept samples in order, and the render frame of the first (`now`: the frame after the last). */
  dump(now: number): { samples: Float32Array; startFrame: number } {
    const buf = this.samples ?? new Float32Array(0);
    const n = Math.min(this.written, buf.length);
    const start = this.written - n;
    const samples = new Float32Array(n);
    for (let i = 0; i < n; i++) samples[i] = buf[(start + i) % buf.length];
    return { samples, startFrame: now - n };
  }
}

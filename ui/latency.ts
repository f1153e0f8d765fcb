/**
 * A running window of timings (ms) with its median and worst, for the status view.
 *
 * @example
 * const rtt = new TimingWindow(250);
 * rtt.add(12.5);
 * rtt.median; // 12.5
 */
export class TimingWindow {
  private readonly values: number[] = [];
  count = 0;

  constructor(private readonly size = 250) {}

  add(ms: number): void {
    if (!Number.isFinite(ms)) return;
    this.values.push(ms);
    if (this.values.length > this.size) this.values.shift();
    this.count++;
  }

  get median(): number {
    if (this.values.length === 0) return NaN;
    const s = [...this.values].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

  get max(): number {
    return this.values.length ? Math.max(...this.values) : NaN;
  }

  clear(): void {
    this.values.length = 0;
    this.count = 0;
  }
}

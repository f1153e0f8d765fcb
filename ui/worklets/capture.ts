/**
 * The microphone side of the page, on the audio thread: cuts the input (channel 0) into blocks
 * of `blockSize` samples — the stream's hop — and posts each, with the wall-clock time it was
 * complete (Date.now(): the audio thread has no performance.now()), to the port the page hands
 * it ({ type: 'port', port }: the stream worker's), so the page can tell how long a block
 * waited before it was sent.
 *
 * Messages out: { samples: Float32Array, endFrame: number, wallMs: number, peak: number }.
 */
export interface CaptureOptions {
  blockSize: number;
}

/** Blocks kept in flight at once; the page copies each on arrival, so a small pool suffices. */
const POOL = 8;

class CaptureProcessor extends AudioWorkletProcessor {
  private readonly blocks: Float32Array[];
  private current = 0;
  private filled = 0;
  private peak = 0;
  private out: MessagePort;

  constructor(options: AudioWorkletNodeOptions) {
    super(options);
    const { blockSize } = options.processorOptions as CaptureOptions;
    this.blocks = Array.from({ length: POOL }, () => new Float32Array(blockSize));
    this.out = this.port;
    this.port.onmessage = (e: MessageEvent<{ type: 'port'; port: MessagePort }>) => {
      if (e.data.type === 'port') this.out = e.data.port;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    const input = inputs[0]?.[0];
    if (!input) return true;
    let block = this.blocks[this.current];
    for (let i = 0; i < input.length; i++) {
      const x = input[i];
      block[this.filled++] = x;
      const a = x < 0 ? -x : x;
      if (a > this.peak) this.peak = a;
      if (this.filled === block.length) {
        this.out.postMessage({ samples: block, endFrame: currentFrame + i + 1, wallMs: Date.now(), peak: this.peak });
        this.current = (this.current + 1) % POOL;
        block = this.blocks[this.current];
        this.filled = 0;
        this.peak = 0;
      }
    }
    return true;
  }
}

registerProcessor('mb-capture', CaptureProcessor);

import type { StreamOutput } from '../../src/engine/types';
import type { VqStreamProcessor } from '../../src/vq';

/** The audio of a list of stream outputs (the last frame of a block carries it). */
export function audioOf(outputs: StreamOutput[]): Float32Array[] {
  return outputs.flatMap((o) => (o.audio ? [o.audio] : []));
}

export function join(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}

/**
 * Runs the live chain over `x` in blocks whose sizes cycle through `blocks`, then flushes:
 * the whole audio that came back, and each frame's code.
 */
export async function runLive(live: VqStreamProcessor, x: Float32Array, blocks: number[]): Promise<{ audio: Float32Array; codes: number[] }> {
  const parts: Float32Array[] = [];
  const codes: number[] = [];
  const take = (outputs: StreamOutput[]) => {
    parts.push(...audioOf(outputs));
    for (const o of outputs) if (o.codes) codes.push(...o.codes);
  };
  for (let i = 0, b = 0; i < x.length; i += blocks[b % blocks.length], b++) take(await live.process(x.subarray(i, i + blocks[b % blocks.length])));
  take(await live.flush());
  return { audio: join(parts), codes };
}

import * as ort from 'onnxruntime-node';
import type { Control, ControlSpec, StreamProcessor, StreamProcessorContext, StreamOutput } from '../../src/engine/types';
import { MbError } from '../../src/core/errors';

/**
 * A stand-in for the MirrorNet stream processor, for engine and network tests: per block it
 * computes [rms, zero-crossing rate, first sample, 0], runs them through the fixture model
 * (y = x + bias) and clamps to [0, 1]. A rising tone gives a rising 'pitch' (zero-crossing) value.
 */
/** A test plug-in's control: a named number. Its spec refuses non-finite values. */
export type TestControl = Control & { owner: 'test'; name: string; value: number };

export const TEST_CONTROLS: ControlSpec<Record<string, number>, TestControl> = {
  initial: () => ({}),
  apply(state, c) {
    if (!Number.isFinite(c.value)) throw new MbError('MB_ERR_BAD_ARGS', `test control ${c.name} must be finite, got ${c.value}`);
    return { ...state, [c.name]: c.value };
  },
};

export function featureProcessor(ctx: StreamProcessorContext): StreamProcessor & { controls: Control[] } {
  const features = new Float32Array(4);
  const controls: Control[] = [];
  return {
    latencySamples: 128,
    controls,
    async process(block: Float32Array): Promise<StreamOutput[]> {
      let energy = 0;
      let crossings = 0;
      for (let i = 0; i < block.length; i++) {
        energy += block[i] * block[i];
        if (i > 0 && block[i - 1] < 0 !== block[i] < 0) crossings++;
      }
      features[0] = Math.sqrt(energy / block.length);
      features[1] = crossings / block.length;
      features[2] = block[0];
      features[3] = 0;
      const out = await ctx.model.run('encoder', { features: new ort.Tensor('float32', features, [1, 4]) });
      const params = Float32Array.from(out.params.data as Float32Array, (v) => Math.min(1, Math.max(0, v)));
      return [{ params }];
    },
    setControl(control: Control) {
      if ((control as TestControl).name === 'nope') throw new MbError('MB_ERR_BAD_TARGET', 'unknown control nope');
      controls.push(control);
    },
  };
}

/**
 * The AudioWorkletGlobalScope, which TypeScript's DOM library does not declare: the base
 * class, its registration and the render clock.
 */
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: AudioWorkletNodeOptions);
}

declare function registerProcessor(name: string, ctor: new (options: AudioWorkletNodeOptions) => AudioWorkletProcessor): void;

/** Sample frames rendered so far by this context. */
declare const currentFrame: number;
declare const sampleRate: number;

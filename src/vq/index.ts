/**
 * The VQ-VAE plug-in: model loading, batch and streaming encode/decode with
 * phase-aligned or periodic overlap-add, the codebook's descriptor table, descriptor-based synthesis
 * (nearest or Viterbi selection, batch and streaming), latent deformation and interpolation.
 *
 * @example
 * import { VqRuntime } from './vq';
 * const codec = await VqRuntime.load('models/vqvae-timbre');
 * const series = await codec.encode(samples, 16000);
 * const audio = await codec.decode(codec.deform(series, [{ op: 'scale', factor: 1.5 }, parseOp('reverse')]));
 */
export { VqModel, type VqGeometry, type EncodedFrames } from './model';
export { AlignedOverlapAdd, PeriodicOverlapAdd, PeriodicAlignedOverlapAdd, PghiOverlapAdd } from './synthesis/overlap-add';
export { createOverlapAdd, overlapAddSegments, synthesisLength, SYNTHESIS_MODES, type SynthesisMode, type SegmentOverlapAdd } from './synthesis/modes';
export { PhaseReconstructor, type PhaseLookahead, type PhaseReconstructorOptions } from './synthesis/pghi';
export { encode, decode, checkSeries, overlapAddCodes, type CodeSeries, type DecodableSeries, type DecodeOptions, type EncodeOptions } from './batch';
export { StreamEncoder, StreamDecoder } from './stream';
export { VqStreamProcessor, type VqStreamOptions } from './live-processor';
export { DescriptorTable, loadDescriptorTable, validateDescriptorTable, SELECTABLE, type DescriptorTableFile } from './descriptor-table';
export { analyzeCodebook, codebookSpec, pca2 } from './analyze';
export { parseTarget, curveValues, checkTargets, targetsFromAudio, checkDescriptorName, type Target } from './targets';
export { CodeSelector, DEFAULT_BEAM, type Selection, type SelectionOptions, type Coverage } from './select';
export { Trellis } from './trellis';
export { StreamSelector, type StreamSelection, type StreamSelectorOptions } from './select-stream';
export { applyOp, parseOp, checkOp, formatOp, latentStats, gaussian, DEFORM_OPS, type DeformOp, type FrameDeformOp, type LatentSeries, type LatentStats } from './deform';
export { deformOpsOf, LiveDeformOps } from './control-ops';
export { codesJson, readCodesJson, writeCodesJson, type CodesJson } from './codes-file';
export { paddedFrameCount } from './geometry';
export { planeMix, lerpSeries } from './interpolate';
export { VqRuntime, type SynthesisResult } from './runtime';
export { spectralConvergence, spectralConvergenceAt, logSpectralDistance, METRIC_FFT_SIZES } from './metrics';
export { synthSpec, type SynthCurves } from './plot';

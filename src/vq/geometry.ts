import { MbError } from '../core/errors';
import type { Hz, Samples } from '../core/units';
import type { ModelManifest } from '../models';
import { SYNTHESIS_MODES, synthesisNeedsPitch, type SynthesisMode } from './synthesis/modes';

/**
 * What a VQ-VAE manifest says about framing, synthesis, codebook and pitch, checked:
 * `geometryOf(manifest)` throws MB_ERR_MODEL_MANIFEST for anything the runtime cannot run.
 *
 * @example
 * const g = geometryOf(manifest); // { sampleRate: 16000, frameLength: 1024, hop: 256, ... }
 */
export interface VqGeometry {
  sampleRate: Hz;
  /** Encoder window (samples per analysed frame). */
  frameLength: Samples;
  hop: Samples;
  /** Decoder output per frame: frameLength + alignment room ('aligned'), or one period ('periodic'). */
  segmentLength: Samples;
  /** How segments are overlap-added (manifest audio.settings.synthesis, default 'aligned'). */
  synthesis: SynthesisMode;
  /**
   * The graph that takes spectra instead of frames (manifest audio.settings.encoderSpectrumGraph),
   * or null. Its input is |rfft(hann(frameLength) x frame / gain)| / sqrt(frameLength), which
   * the runtime computes with an FFT; it gives the same codes and latents as the frames graph.
   */
  spectrumGraph: string | null;
  gainFloor: number;
  codes: number;
  latentDim: number;
  /** Algorithmic latency of the streaming codec: one window. */
  latencySamples: Samples;
  /** The manifest declares segments = f(latent) x gain, so code segments can be cached at unit gain. */
  linearGain: boolean;
  /**
   * The synthesis draws harmonics at a pitch carried beside each code ('harmonic-pghi'): encode
   * gives an f0 per frame (YIN on the frame, src/dsp/yin defaults, as in training) and decode
   * takes one; a series without f0 uses each code's typical pitch (manifest codebook.pitchHz).
   */
  pitch: boolean;
  /**
   * The decoder also takes each frame's f0 (manifest audio.settings.decoderPitch: 'f0', an
   * input of the decoder graph), or null. Codes are then decoded ahead at pitch anchors
   * `anchorOctaves` apart over [fmin, fmax] (plus once unvoiced), and a frame blends the two
   * anchors around its f0 (src/vq/pitch-anchors.ts).
   */
  decoderPitch: { anchorOctaves: number; fmin: Hz; fmax: Hz } | null;
}

/**
 * Frames that cover `samples` input samples once the end is zero-padded (at least one):
 * frame t covers [t*hop, t*hop + frameLength), and the last frame reaches past the last
 * sample. Batch encode, the stream encoder's flush and the synthesis length of a duration
 * all count frames with it. `samples` may be fractional (a duration times the rate).
 *
 * @example
 * paddedFrameCount(16000, 1024, 256); // 60: frames 0..59, the last one ends at sample 16128
 */
export function paddedFrameCount(samples: number, frameLength: Samples, hop: Samples): number {
  return Math.max(1, Math.ceil(Math.max(0, samples - frameLength) / hop) + 1);
}

function setting(manifest: ModelManifest, key: string): number {
  const v = manifest.audio.settings[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new MbError('MB_ERR_MODEL_MANIFEST', `manifest field audio.settings.${key} must be a positive number, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function geometryOf(manifest: ModelManifest): VqGeometry {
  if (manifest.kind !== 'vqvae' || !manifest.codebook) {
    throw new MbError('MB_ERR_MODEL_MANIFEST', `model ${manifest.name} is a ${manifest.kind} model, expected vqvae with a codebook`);
  }
  for (const g of ['encoder', 'decoder', 'codebook']) {
    if (!manifest.graphs[g]) throw new MbError('MB_ERR_MODEL_MANIFEST', `model ${manifest.name} lacks graph ${g}`);
  }
  if (manifest.audio.feature !== 'waveform') {
    throw new MbError('MB_ERR_MODEL_MANIFEST', `manifest field audio.feature must be 'waveform', got ${JSON.stringify(manifest.audio.feature)}`);
  }
  const frameLength = setting(manifest, 'frameLength');
  const hop = setting(manifest, 'hop');
  const segmentLength = setting(manifest, 'segmentLength');
  // 'aligned-overlap-add' (the first model; also the default) or 'periodic-overlap-add'.
  const declared = manifest.audio.settings.synthesis ?? 'aligned-overlap-add';
  const synthesis = SYNTHESIS_MODES.find((m) => declared === `${m}-overlap-add`);
  if (!synthesis) {
    throw new MbError('MB_ERR_MODEL_MANIFEST',
      `manifest field audio.settings.synthesis must be one of ${SYNTHESIS_MODES.map((m) => `${m}-overlap-add`).join(', ')}, got ${JSON.stringify(declared)}`);
  }
  if (synthesis === 'pghi' || synthesis === 'harmonic-pghi') {
    // The decoder gives magnitude spectra (one value per rfft bin of a frame), or a harmonic
    // and a noise envelope over those bins.
    const values = synthesis === 'pghi' ? frameLength / 2 + 1 : frameLength + 2;
    if (segmentLength !== values || (frameLength & (frameLength - 1)) !== 0) {
      throw new MbError('MB_ERR_MODEL_MANIFEST',
        `${declared} needs a power-of-two frameLength and segmentLength ${synthesis === 'pghi' ? 'frameLength / 2 + 1' : 'frameLength + 2'}, got ${frameLength} and ${segmentLength}`);
    }
  } else if (segmentLength < frameLength) {
    throw new MbError('MB_ERR_MODEL_MANIFEST', `audio.settings.segmentLength ${segmentLength} is shorter than frameLength ${frameLength}`);
  }
  const pitch = synthesisNeedsPitch(synthesis);
  if (pitch && manifest.codebook.pitchHz?.length !== manifest.codebook.size) {
    throw new MbError('MB_ERR_MODEL_MANIFEST', `${declared} needs codebook.pitchHz: the typical pitch of each of the ${manifest.codebook.size} codes`);
  }
  const decoderPitch = decoderPitchOf(manifest, pitch);
  const spectrumGraph = manifest.audio.settings.encoderSpectrumGraph ?? null;
  if (spectrumGraph !== null) {
    const spec = typeof spectrumGraph === 'string' ? manifest.graphs[spectrumGraph] : undefined;
    const bins = frameLength / 2 + 1;
    const input = spec?.inputs.find((i) => i.name === 'spectra');
    if (!spec || !input || input.shape[1] !== bins || !spec.outputs.some((o) => o.name === 'codes') || !spec.outputs.some((o) => o.name === 'latents')) {
      throw new MbError('MB_ERR_MODEL_MANIFEST',
        `audio.settings.encoderSpectrumGraph must name a graph with input spectra [frames, ${bins}] and outputs codes, latents; got ${JSON.stringify(spectrumGraph)}`);
    }
    if (!Number.isInteger(Math.log2(frameLength))) {
      throw new MbError('MB_ERR_MODEL_MANIFEST', `a spectrum encoder needs a power-of-two frameLength, got ${frameLength}`);
    }
  }
  return {
    sampleRate: manifest.audio.sampleRate,
    frameLength,
    hop,
    segmentLength,
    synthesis,
    spectrumGraph: spectrumGraph as string | null,
    gainFloor: setting(manifest, 'gainFloor'),
    codes: manifest.codebook.size,
    latentDim: manifest.codebook.latentDim,
    latencySamples: manifest.latency.samples,
    linearGain: manifest.audio.settings.decoderGain === 'linear',
    pitch,
    decoderPitch,
  };
}

function decoderPitchOf(manifest: ModelManifest, pitch: boolean): VqGeometry['decoderPitch'] {
  const settings = manifest.audio.settings;
  if (settings.decoderPitch === undefined) return null;
  const input = manifest.graphs.decoder.inputs.find((i) => i.name === 'f0');
  if (settings.decoderPitch !== 'f0' || !pitch || !input) {
    throw new MbError('MB_ERR_MODEL_MANIFEST',
      `audio.settings.decoderPitch must be 'f0' (a decoder graph input) with a pitch synthesis, got ${JSON.stringify(settings.decoderPitch)}`);
  }
  const anchorOctaves = settings.decoderPitchAnchorOctaves === undefined ? 0.25 : setting(manifest, 'decoderPitchAnchorOctaves');
  const fmin = setting(manifest, 'pitchFmin');
  const fmax = setting(manifest, 'pitchFmax');
  if (anchorOctaves > 1 || fmax <= fmin) {
    throw new MbError('MB_ERR_MODEL_MANIFEST', `decoder pitch anchors need decoderPitchAnchorOctaves <= 1 and pitchFmax > pitchFmin, got ${anchorOctaves}, ${fmin}, ${fmax}`);
  }
  return { anchorOctaves, fmin, fmax };
}

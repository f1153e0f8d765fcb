import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest, OnnxModel } from '../../src/models';
import { lcg } from '../../bench/voice/phrases';
import { makeGlides, makeWhisperAndBreath, scoreOther, type OtherPhrase } from '../../bench/voice/others';
import { streamTrack } from '../../bench/voice';
import { shippedModelDir } from '../shipped-models';

/**
 * The live voice stream (shipped mirrornet-stream fused with the causal tracker) on the held-out
 * voices bench/voice/others.ts synthesizes without any tool: glides over MIDI 36-84 at 3-24
 * semitones per second, noise-excited whispered vowels and breaths. The glides of seed 41 are the
 * bench's reported ones (`npm run bench -- voice`), 43 another draw; the whisper and breath are
 * drawn from seeds 1041 and 1043. None of them was used to set anything.
 */
describe('voice stream on glides, whisper and breath (held-out, synthesized)', () => {
  let model: OnnxModel;
  const dir = shippedModelDir('mirrornet-stream');
  beforeAll(async () => {
    model = await OnnxModel.load(dir, await loadManifest(dir));
  });
  afterAll(async () => model.dispose());
  const track = (p: OtherPhrase) => streamTrack(model, { ...p, register: 'middle', notes: [] }, true);

  for (const seed of [41, 43]) {
    it(`follows every glide within half a semitone on >= 95 % of its frames (seed ${seed})`, async () => {
      for (const p of makeGlides(lcg(seed))) {
        const s = scoreOther(p, await track(p));
        expect(s.judged, p.name).toBeGreaterThan(100);
        expect(s.hits / s.judged, p.name).toBeGreaterThanOrEqual(0.95);
        // one gate opening per glide note (two notes a phrase, 150 ms apart)
        expect(s.gateOpenings, p.name).toBe(2);
      }
    });

    it(`keeps the gate shut on breath at -40 to -12 dBFS, and open on under 10 % of whispered vowels' frames (seed ${seed})`, async () => {
      const [whisper, breath] = makeWhisperAndBreath(lcg(seed + 1000));
      const b = scoreOther(breath, await track(breath));
      expect(b.frames).toBeGreaterThan(1000);
      expect(b.gateOpenFrames).toBe(0);
      const w = scoreOther(whisper, await track(whisper));
      expect(w.gateOpenFrames / w.frames).toBeLessThan(0.1);
    });
  }
});

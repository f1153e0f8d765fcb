import { loadManifest, OnnxModel } from '../../src/models';
import { score, streamTrack } from '../voice';
import { makePhrases } from './phrases';
import { addTimbre, emptyTally, timbreRows, type TimbreTrack } from './timbre';

/**
 * A learned stream model alone (no DSP fused: its own note, gate, volume and cutoff) on the fresh
 * held-out sung phrases of bench/voice.ts (seed 29, vowels rotated by 5): % of voiced frames whose
 * note is within 0.5 st of the pitch asked for, by register, and the timbre rows of
 * bench/voice/timbre.ts (cutoff vs the voice's centroid beside the cutoff-follows-the-note
 * baseline, volume vs loudness, gate onsets). How a retrained stream model is judged against the
 * shipped one before it may replace it (docs/mirrornet.md, "A learned voice model").
 *
 * @example
 * // npm run -s build && node dist/bench/voice/models.js models/mirrornet-stream /tmp/cand/mirrornet-voice
 */
export async function judgeStreamModel(dir: string): Promise<{ pitch: Record<string, number>; timbre: Record<string, unknown>[] }> {
  const phrases = makePhrases(29, 5);
  const model = await OnnxModel.load(dir, await loadManifest(dir));
  try {
    const t = emptyTally();
    const reg: Record<string, [number, number]> = {};
    for (const p of phrases) {
      const tr = await streamTrack(model, p, false);
      addTimbre(t, tr as TimbreTrack, p);
      const s = score(tr, p);
      for (const k of [p.register, 'all']) {
        reg[k] ??= [0, 0];
        reg[k][0] += s.hits;
        reg[k][1] += s.judged;
      }
    }
    const pitch = Object.fromEntries(Object.entries(reg).map(([k, [h, j]]) => [k, Math.round((1000 * h) / j) / 10]));
    return { pitch, timbre: timbreRows('fresh (seed 29)', dir, t) };
  } finally {
    await model.dispose();
  }
}

if (require.main === module) {
  void (async () => {
    for (const dir of process.argv.slice(2)) {
      const r = await judgeStreamModel(dir);
      console.log(dir, 'note within 0.5 st (% of voiced frames):', JSON.stringify(r.pitch));
      console.table(r.timbre);
    }
  })();
}

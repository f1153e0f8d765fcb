import FFT from 'fft.js';
import { notesToMidi } from '../src/mirror/midi';
import type { InferredPlayedNote } from '../src/mirror/notes';
import { s } from './bridge';
import type { JobPlayer } from './job-player';

/**
 * The melody view: a sound of the files folder transcribed by a note model (/mb/job/infer on
 * mirrornet-notes), its notes drawn as bars over its spectrogram (log frequency, labelled in Hz
 * and note names), the notes offered as a MIDI file (src/mirror/midi.ts, the bridge's own
 * writer, bundled into the page) and re-rendered through the plant (/mb/job/resynth), played.
 *
 * @example
 * new MelodyView(div, sounds, 'mirrornet-notes', player, token);
 */
const W = 560;
const H = 260;
const M = { left: 72, right: 12, top: 10, bottom: 36 };
const [LOW, HIGH] = [36, 96];
const NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];
const hzOf = (midi: number) => 440 * 2 ** ((midi - 69) / 12);

export class MelodyView {
  readonly canvas = document.createElement('canvas');
  notes: InferredPlayedNote[] = [];
  private spectrum: { frames: Float32Array[]; seconds: number; rate: number; bins: number } | null = null;
  private readonly select = document.createElement('select');
  private readonly midiLink = document.createElement('a');

  constructor(
    root: HTMLElement,
    sounds: readonly string[],
    private readonly model: string,
    private readonly player: JobPlayer,
    private readonly token: string | null,
  ) {
    const title = document.createElement('h3');
    title.textContent = `Melody: a sound of the files folder transcribed by ${model}, its notes over its spectrogram`;
    const bar = document.createElement('div');
    bar.className = 'pad-axes';
    this.select.name = 'melody-file';
    this.select.append(...sounds.map((f) => new Option(f, f)));
    const transcribe = button('Transcribe', 'melody-transcribe', () => void this.transcribe());
    const rerender = button('Re-render through the synth', 'melody-rerender', () => void this.rerender());
    this.midiLink.textContent = 'Download MIDI';
    this.midiLink.className = 'melody-midi';
    this.midiLink.hidden = true;
    const label = document.createElement('label');
    label.append('sound ', this.select);
    bar.append(label, transcribe, rerender, this.midiLink);
    this.canvas.width = W;
    this.canvas.height = H;
    this.canvas.className = 'melody-view';
    root.append(title, bar, this.canvas);
    this.draw();
  }

  private get file(): string {
    return this.select.value;
  }

  private async transcribe(): Promise<void> {
    const file = this.file;
    const [result] = await Promise.all([
      this.player.result({ what: 'transcribe', values: [] }, '/mb/job/infer', [s(file), s(this.model)], 'infer'),
      this.loadSpectrum(file),
    ]).catch(() => [null]);
    if (!result) return;
    this.notes = (result.notes as InferredPlayedNote[]) ?? [];
    const midi = notesToMidi(this.notes, file);
    URL.revokeObjectURL(this.midiLink.href);
    this.midiLink.href = URL.createObjectURL(new Blob([Uint8Array.from(midi)], { type: 'audio/midi' }));
    this.midiLink.download = `${file.replace(/\.wav$/i, '').split('/').pop()}.mid`;
    this.midiLink.hidden = false;
    this.draw();
  }

  private async rerender(): Promise<void> {
    await this.player.play({ what: 're-render', values: [] }, '/mb/job/resynth', [s(this.file), s(this.player.file('resynth')), s(this.model)], 'resynth').catch(() => undefined);
  }

  /** The sound's magnitude spectrum (2048-point frames, hop 512), computed here from the WAV the bridge serves. */
  private async loadSpectrum(file: string): Promise<void> {
    const res = await fetch(`/ui/files/${file.split('/').map(encodeURIComponent).join('/')}${this.token ? `?token=${encodeURIComponent(this.token)}` : ''}`);
    const context = new OfflineAudioContext(1, 1, 44100);
    const audio = await context.decodeAudioData(await res.arrayBuffer());
    const x = audio.getChannelData(0);
    const n = 2048;
    const hop = 512;
    const fft = new FFT(n);
    const input = new Array<number>(n);
    const out = fft.createComplexArray() as number[];
    const frames: Float32Array[] = [];
    for (let start = 0; start + n <= x.length; start += hop) {
      for (let i = 0; i < n; i++) input[i] = x[start + i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
      fft.realTransform(out, input);
      frames.push(Float32Array.from({ length: n / 2 }, (_, k) => 20 * Math.log10(Math.hypot(out[2 * k], out[2 * k + 1]) + 1e-6)));
    }
    this.spectrum = { frames, seconds: x.length / audio.sampleRate, rate: audio.sampleRate, bins: n / 2 };
  }

  private draw(): void {
    const g = this.canvas.getContext('2d')!;
    const pw = W - M.left - M.right;
    const ph = H - M.top - M.bottom;
    const py = (midi: number) => M.top + (1 - (midi - LOW) / (HIGH - LOW)) * ph;
    g.fillStyle = '#fff';
    g.fillRect(0, 0, W, H);
    const sp = this.spectrum;
    const seconds = sp?.seconds ?? 4;
    const px = (t: number) => M.left + (t / seconds) * pw;
    if (sp && sp.frames.length) {
      const img = g.createImageData(pw, ph);
      const top = Math.max(...sp.frames.map((f) => Math.max(...f)));
      for (let y = 0; y < ph; y++) {
        const bin = Math.round((hzOf(LOW + (1 - y / ph) * (HIGH - LOW)) * 2 * sp.bins) / sp.rate);
        for (let xp = 0; xp < pw; xp++) {
          const frame = sp.frames[Math.min(sp.frames.length - 1, Math.floor((xp / pw) * sp.frames.length))];
          const v = Math.min(1, Math.max(0, (frame[Math.min(sp.bins - 1, bin)] - top + 70) / 70));
          const o = (y * pw + xp) * 4;
          img.data[o] = img.data[o + 1] = img.data[o + 2] = Math.round(255 * (1 - v));
          img.data[o + 3] = 255;
        }
      }
      g.putImageData(img, M.left, M.top);
    }
    g.strokeStyle = '#e4e4e4';
    g.fillStyle = '#333';
    g.font = '11px system-ui, sans-serif';
    g.textAlign = 'right';
    for (let midi = LOW; midi <= HIGH; midi += 12) {
      g.fillText(`${NAMES[midi % 12]}${midi / 12 - 1} ${Math.round(hzOf(midi))}`, M.left - 4, py(midi) + 4);
      g.beginPath();
      g.moveTo(M.left, py(midi));
      g.lineTo(M.left + pw, py(midi));
      g.stroke();
    }
    g.textAlign = 'center';
    for (let t = 0; t <= seconds; t += seconds > 8 ? 2 : 0.5) g.fillText(t.toFixed(1), px(t), M.top + ph + 14);
    g.font = 'bold 12px system-ui, sans-serif';
    g.fillText('time (s)', M.left + pw / 2, H - 6);
    g.save();
    g.translate(12, M.top + ph / 2);
    g.rotate(-Math.PI / 2);
    g.fillText('note (Hz)', 0, 0);
    g.restore();
    g.fillStyle = 'rgba(211, 47, 47, 0.75)';
    for (const n of this.notes) g.fillRect(px(n.onset_s), py(n.midi) - 3, Math.max(2, px(n.offset_s) - px(n.onset_s)), 6);
  }
}

function button(text: string, name: string, onclick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.textContent = text;
  b.name = name;
  b.onclick = onclick;
  return b;
}

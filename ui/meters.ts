import type { Level } from './audio';

/**
 * The level meters: the microphone's input and the page's output (its synth and the audio a VQ
 * stream returns), each a bar of RMS with a peak mark on a dBFS scale from FLOOR_DB to 0, with
 * its reading in dBFS. Drawn from what PerformerAudio.levels() measures.
 *
 * @example
 * const meters = new LevelMeters(div);
 * meters.show(audio.levels());
 */
export const FLOOR_DB = -60;
// Every 12 dB: a -6 mark crowded the 0 label in the narrow column.
const TICKS = [-60, -48, -36, -24, -12, 0];

const fraction = (db: number) => Math.min(1, Math.max(0, (db - FLOOR_DB) / -FLOOR_DB));
const reading = (db: number) => (db > FLOOR_DB ? `${db.toFixed(1)} dBFS` : `< ${FLOOR_DB} dBFS`);

export class LevelMeters {
  private readonly rows: Record<'input' | 'output', { fill: HTMLElement; peak: HTMLElement; value: HTMLElement }>;

  constructor(root: HTMLElement) {
    const row = (name: 'input' | 'output', title: string) => {
      const box = document.createElement('div');
      box.className = 'meter';
      box.dataset.meter = name;
      const label = document.createElement('span');
      label.className = 'meter-label';
      label.textContent = title;
      const bar = document.createElement('div');
      bar.className = 'meter-bar';
      const fill = document.createElement('div');
      fill.className = 'meter-fill';
      const peak = document.createElement('div');
      peak.className = 'meter-peak';
      bar.append(fill, peak);
      const value = document.createElement('output');
      value.className = 'meter-value';
      value.textContent = '–';
      box.append(label, bar, value);
      root.append(box);
      return { fill, peak, value };
    };
    root.replaceChildren();
    this.rows = { input: row('input', 'input (microphone)'), output: row('output', 'output (page)') };
    const scale = document.createElement('div');
    scale.className = 'meter-scale';
    scale.setAttribute('aria-label', 'level scale in dBFS');
    for (const t of TICKS) {
      const tick = document.createElement('span');
      tick.style.left = `${100 * fraction(t)}%`;
      tick.textContent = String(t);
      scale.append(tick);
    }
    const unit = document.createElement('span');
    unit.className = 'meter-unit';
    unit.textContent = 'dBFS (RMS bar, peak line)';
    root.append(scale, unit);
  }

  show(levels: { input: Level; output: Level } | null): void {
    for (const name of ['input', 'output'] as const) {
      const r = this.rows[name];
      const l = levels?.[name];
      r.fill.style.width = `${100 * fraction(l?.rmsDb ?? -Infinity)}%`;
      r.peak.style.left = `${100 * fraction(l?.peakDb ?? -Infinity)}%`;
      r.value.textContent = l ? reading(l.rmsDb) : '–';
      r.value.dataset.db = l && Number.isFinite(l.rmsDb) ? l.rmsDb.toFixed(2) : '';
    }
  }
}

import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { mulberry32 } from '../src/core/random';
import { openPlant, type Plant } from '../src/plants';

/**
 * Rendering speed of the plant plug-ins (src/plants), wall clock including everything a
 * training call pays: for a Pd patch that is writing the score and host patch, starting
 * `pd -batch`, rendering, writing and reading the WAV. Batches of 1, 16 and 128 one-second
 * clips at 16 kHz (128 is one Pd run, the default `clipsPerRun`), the example synths of
 * patches/pd/plants against the built-in synth. Target (issue 21): Pd batch rendering
 * >= 100x real time at 128 clips. `xRealTime` = audio seconds / wall seconds (median of runs).
 *
 * @example
 * const figures = await benchPlants();
 */
const ROOT = path.join(__dirname, '..', '..');

export async function benchPlants(): Promise<Record<string, unknown>> {
  const rows: PlantBenchRow[] = [];
  const plants: [string, () => Plant][] = [
    ['pd fm.pd', () => openPlant(`pd:${path.join(ROOT, 'patches/pd/plants/fm.pd')}`, path.join(ROOT, 'patches/pd/plants/fm.json'))],
    ['pd noise.pd', () => openPlant(`pd:${path.join(ROOT, 'patches/pd/plants/noise.pd')}`, path.join(ROOT, 'patches/pd/plants/noise.json'))],
    ['builtin', () => openPlant('builtin')],
  ];
  for (const [name, open] of plants) {
    const plant = open();
    try {
      for (const batch of [1, 16, 128]) rows.push(await measure(`${name} x${batch}`, plant, batch));
    } finally {
      plant.dispose();
    }
  }
  console.table(rows);
  const pd128 = rows.filter((r) => r.case.startsWith('pd') && r.case.endsWith('x128'));
  return { target: 'Pd batch rendering (128 clips) >= 100x real time', met: pd128.every((r) => r.xRealTime >= 100), rows };
}

interface PlantBenchRow {
  case: string;
  runs: number;
  msPerCall: number;
  audioSeconds: number;
  xRealTime: number;
}

async function measure(name: string, plant: Plant, batch: number): Promise<PlantBenchRow> {
  const rand = mulberry32(batch);
  const vectors = Array.from({ length: batch }, () => Float32Array.from(plant.schema.params, () => rand()));
  await plant.render(vectors);
  const times: number[] = [];
  const until = performance.now() + 3000;
  while (times.length < 3 || (performance.now() < until && times.length < 30)) {
    const t0 = performance.now();
    await plant.render(vectors);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)];
  const audioSeconds = batch * plant.schema.seconds;
  return { case: name, runs: times.length, msPerCall: Math.round(ms * 10) / 10, audioSeconds, xRealTime: Math.round((audioSeconds * 1000) / ms) };
}

if (require.main === module) {
  void benchPlants();
}

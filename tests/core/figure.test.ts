import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { renderFigure, schemeColour, writeFigure } from '../../src/core/figure';
import { analyzeSignal, featureSpec } from '../../src/cli/analyze';
import { spectrogramSpec } from '../../src/dsp/picture';
import { codebookSpec, synthSpec } from '../../src/vq';
import type { DescriptorTableFile } from '../../src/vq/descriptor-table';
import { VQ_MODEL_DIR } from '../shipped-models';

/*
 * The pictures are read back from the drawing's structure: vega writes each part of a figure
 * into an SVG group classed by its role (role-axis-title, role-legend-title, role-title-text, ...),
 * so a test can ask which axis titles, tick labels, legend entries and title a figure has.
 */

/** The texts of every `mark-text role-<role>` group, in drawing order. */
function texts(svg: string, role: string): string[] {
  const out: string[] = [];
  const group = new RegExp(`<g class="mark-text role-${role}"[^>]*>(.*?)</g>`, 'g');
  for (const m of svg.matchAll(group)) for (const t of m[1].matchAll(/<text[^>]*>([^<]*)<\/text>/g)) out.push(t[1].replace(/&amp;/g, '&').replace(/&#39;/g, "'"));
  return out;
}

function sine(hz: number, seconds: number, rate: number): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate));
}

function pngOf(dataUrl: string): PNG {
  return PNG.sync.read(Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
}

describe('figures', () => {
  it('an auditory spectrogram has time and frequency axes in s and Hz, a title and a colour bar', async () => {
    const m = analyzeSignal(sine(440, 0.5, 8000), 8000, 'aud');
    const { svg, png } = await renderFigure(featureSpec(m, 'a4.wav'));
    expect(texts(svg, 'title-text')).toEqual(['Auditory spectrogram of a4.wav, 8000 Hz']);
    expect(texts(svg, 'axis-title')).toEqual(['time (s)', 'frequency (Hz)']);
    // Ticks in Hz within the model's channels (about 110 Hz to 3.5 kHz at 8 kHz), 0.5 s of time.
    const labels = texts(svg, 'axis-label');
    expect(labels).toEqual(expect.arrayContaining(['200', '500', '1,000', '2,000']));
    const lastSecond = labels.filter((l) => /^0\.\d+$/.test(l)).map(Number).at(-1)!;
    expect(lastSecond).toBeGreaterThan(0.4);
    expect(lastSecond).toBeLessThanOrEqual(0.5);
    expect(labels).not.toContain('5,000');
    expect(texts(svg, 'legend-title')).toEqual(['response (linear)']);
    expect(svg).toContain('role-legend-gradient');
    // The PNG is the SVG at twice its size.
    const [w, h] = [Number(/width="(\d+)"/.exec(svg)![1]), Number(/height="(\d+)"/.exec(svg)![1])];
    const picture = PNG.sync.read(png);
    expect([picture.width, picture.height]).toEqual([2 * w, 2 * h]);
  });

  it('draws channel 0 at the bottom, in the colour bar’s own colours', async () => {
    const channels = 8;
    const frames = 4;
    const data = new Float32Array(channels * frames);
    data.fill(1, 0, frames); // channel 0, the lowest frequency, at the top of the range
    const spec = spectrogramSpec([{ title: 'low', data, channels, frames }], { title: 't', frameRate: 125, frequency: { kind: 'auditory', sampleRate: 8000 }, colourTitle: 'v', width: 80, height: 80 });
    const { svg } = await renderFigure(spec);
    const href = /<image[^>]*href="(data:image\/png;base64,[^"]+)"/.exec(svg)![1];
    const raster = pngOf(href);
    const at = (x: number, y: number) => Array.from(raster.data.subarray((y * raster.width + x) * 4, (y * raster.width + x) * 4 + 3));
    expect(at(40, 79)).toEqual(schemeColour(1));
    expect(at(40, 0)).toEqual(schemeColour(0));
    expect(texts(svg, 'legend-label').map(Number)).toEqual([0, 0.5, 1]);
  });

  it('a mel spectrogram is labelled in Hz on its mel axis', async () => {
    const m = analyzeSignal(sine(1000, 0.5, 16000), 16000, 'mel', 64);
    const { svg } = await renderFigure(featureSpec(m, 'k.wav'));
    expect(texts(svg, 'axis-title')).toEqual(['time (s)', 'frequency (Hz, mel scale)']);
    expect(texts(svg, 'axis-label')).toEqual(expect.arrayContaining(['500', '1k', '2k', '5k']));
    expect(texts(svg, 'legend-title')).toEqual(['ln(mel power)']);
  });

  it('descriptors get one axis each, with its unit', async () => {
    const m = analyzeSignal(sine(300, 0.5, 8000), 8000, 'descriptors');
    const { svg } = await renderFigure(featureSpec(m, 'd.wav'));
    const yTitles = texts(svg, 'axis-title').filter((t) => t !== 'time (s)');
    expect(yTitles).toEqual(['loudness (dBFS)', 'centroid (Hz)', 'bandwidth (Hz)', 'flatness', 'rolloff (Hz)', 'f0 (Hz)', 'voicing']);
    expect(texts(svg, 'axis-title').filter((t) => t === 'time (s)')).toHaveLength(7);
  });

  it('vq synth --plot: a panel per target, with a legend of target, clamped and achieved', async () => {
    const n = 50;
    const ramp = Float32Array.from({ length: n }, (_, i) => 300 + 40 * i);
    const spec = synthSpec(
      [
        { name: 'centroid', target: ramp, clamped: ramp.map((v) => Math.min(v, 2000)), achieved: ramp.map((v) => v * 1.05) },
        { name: 'loudness', target: new Float32Array(n).fill(-20), achieved: new Float32Array(n).fill(-21) },
      ],
      62.5,
      'synthesis',
    );
    const { svg } = await renderFigure(spec);
    expect(texts(svg, 'title-text').sort()).toEqual(['centroid', 'loudness', 'synthesis']);
    expect(texts(svg, 'axis-title')).toEqual(['time (s)', 'centroid (Hz)', 'time (s)', 'loudness (dBFS)']);
    expect(texts(svg, 'legend-title')).toEqual(['curve']);
    expect(texts(svg, 'legend-label')).toEqual(['target', "target within the codebook's range", 'achieved (measured on the output)']);
  });

  it('the codebook map: every code a dot, axes with their share of variance, a log colour bar in Hz', async () => {
    const table = JSON.parse(readFileSync(join(VQ_MODEL_DIR, 'descriptors.json'), 'utf8')) as DescriptorTableFile;
    const { svg } = await renderFigure(codebookSpec(table));
    expect(texts(svg, 'title-text')).toEqual([`Codebook of ${table.model}: ${table.values.length} codes`]);
    const [x, y] = texts(svg, 'axis-title');
    expect(x).toMatch(/^principal component 1 \(\d+ % of the variance\)$/);
    expect(y).toMatch(/^principal component 2 \(\d+ % of the variance\)$/);
    expect(texts(svg, 'legend-title')).toEqual(['centroid (Hz)']);
    expect(svg.match(/aria-roledescription="circle"/g)).toHaveLength(table.values.length);
  });

  it('writes .svg and .png by extension and refuses any other with a coded error', async () => {
    const spec = synthSpec([{ name: 'f0', target: new Float32Array(10).fill(220) }], 62.5, 'f0');
    const dir = mkdtempSync(join(tmpdir(), 'mb-figure-'));
    await writeFigure(join(dir, 'figure-test.svg'), spec);
    expect(readFileSync(join(dir, 'figure-test.svg'), 'utf8')).toContain('role-axis-title');
    await writeFigure(join(dir, 'figure-test.png'), spec);
    expect(readFileSync(join(dir, 'figure-test.png')).subarray(1, 4).toString()).toBe('PNG');
    await expect(writeFigure(join(dir, 'figure-test.jpg'), spec)).rejects.toMatchObject({ code: 'MB_ERR_PATH' });
  });
});

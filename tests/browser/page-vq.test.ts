import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { frameDescriptors } from '../../src/dsp/descriptors';
import { MODELS_DIR } from '../shipped-models';
import { type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireChromium } from './chromium';
import { CORNERS, expectReturnedMelody, median, recordReturned, returnedPitches, shot, startRig, type PageRig } from './page-helpers';

/**
 * The page's VQ views in a real browser (issue 22): the sung voice streamed to vqvae-timbre and
 * its returned audio played, its codes rung on the codebook map, a live deformation; a code
 * clicked on the map and a curve drawn with the mouse played through /mb/job/draw; the
 * four-corner plane over sounds of the files folder played as the pointer moves.
 */
const run = requireChromium();

describe.skipIf(!run)('the page at /ui/ in chromium: the VQ views (codebook map, curve pad, plane)', () => {
  let rig: PageRig;
  let page: Page;

  beforeAll(async () => {
    rig = await startRig(['vqvae-timbre']);
    page = rig.page;
  }, 120_000);

  afterAll(async () => {
    await rig?.close();
  });

  it('streams the voice to the VQ model: plays what comes back, rings its codes on the codebook map; a live transpose moves its pitch', async () => {
    if (page.url() !== rig.servers.uiUrl) await page.goto(rig.servers.uiUrl, { waitUntil: 'load' });
    if (await page.$('#stop:not([disabled])')) await page.click('#stop');
    await page.waitForSelector('#start:not([disabled])', { timeout: 10_000 });
    await page.select('#model', 'vqvae-timbre');
    await page.click('#start');
    await page.waitForFunction(() => (window as any).mirrorbridge.stats()?.state === 'streaming', { timeout: 20_000 });
    expect(await page.$eval('#view-title', (e) => e.textContent)).toBe('Codebook');
    expect(await page.$('canvas.codebook-map')).not.toBeNull();
    // The map holds every code of the model's descriptor table, served beside the page.
    const vq = JSON.parse(readFileSync(path.join(MODELS_DIR, 'vqvae-timbre', 'vqvae-timbre.json'), 'utf8'));
    expect(await page.$eval('#curves h3', (e) => e.textContent)).toContain(`${vq.codebook.size} codes`);
    const names = JSON.parse(readFileSync(path.join(MODELS_DIR, 'vqvae-timbre', vq.codebook.descriptorTable), 'utf8')).names.length;
    expect(await page.$$eval('.map-axes select', (els) => els.map((e) => (e as HTMLSelectElement).options.length))).toEqual([names, names, names]);
    const addresses = await page.$$eval('#controls fieldset', (els) => els.map((e) => (e as HTMLElement).dataset.address));
    expect(addresses).toEqual(['/mb/vq/deform', '/mb/vq/plane']);
    const plain = await recordReturned(page, 5);
    const codes = await page.evaluate(() => (window as any).mirrorbridge.codesUsed() as number[]);
    await page.screenshot({ path: shot('ui-vq.png'), fullPage: true });
    expect(codes.length).toBeGreaterThan(5);
    expectReturnedMelody(plain, 0);
    // Choosing the deformation sends nothing yet; moving its amount sends "transpose 12".
    await page.select('[data-address="/mb/vq/deform"] select', 'transpose');
    expect(await page.$eval('[data-address="/mb/vq/deform"] .control-state', (e) => e.textContent)).toBe('move each slider to send');
    await page.$eval('[data-address="/mb/vq/deform"] input', (e) => {
      (e as HTMLInputElement).value = '12';
      e.dispatchEvent(new Event('input'));
    });
    expect(await page.$eval('[data-address="/mb/vq/deform"] .control-state', (e) => e.textContent)).toBe('set');
    await recordReturned(page, 0.5); // what was in flight before the change
    expectReturnedMelody(await recordReturned(page, 5), 12);
    expect(rig.otherProblems()).toEqual([]);
  }, 180_000);

  it('freezes and stretches the live VQ stream from the deformation control (its ops from the verb table)', async () => {
    const deform = '[data-address="/mb/vq/deform"]';
    expect(await page.$eval(`${deform} select`, (e) => [...(e as HTMLSelectElement).options].map((o) => o.value))).toEqual(['scale', 'bias', 'randomize', 'reverse', 'stretch', 'freeze', 'transpose']);
    const amount = (v: number) =>
      page.$eval(`${deform} input`, (e, value) => {
        (e as HTMLInputElement).value = String(value);
        e.dispatchEvent(new Event('input'));
      }, v);
    /** Runs of consecutive voiced windows on one note (their lengths, in windows) and the notes. */
    const runs = (r: Parameters<typeof returnedPitches>[0]) => {
      const p = returnedPitches(r).map(Math.round);
      const out: number[] = [];
      let n = 1;
      for (let k = 1; k <= p.length; k++) {
        if (k < p.length && p[k] === p[k - 1]) n++;
        else (out.push(n), (n = 1));
      }
      return { lengths: out.filter((x) => x >= 3), notes: new Set(p) };
    };
    const plain = runs(await recordReturned(page, 5));
    // Freeze: the melody moves on, the returned audio holds one pitch (its level still follows the voice).
    await page.select(`${deform} select`, 'freeze');
    await amount(1);
    expect(await page.$eval(`${deform} .control-state`, (e) => e.textContent)).toBe('set');
    await recordReturned(page, 0.5);
    const frozen = returnedPitches(await recordReturned(page, 4));
    const held = median(frozen);
    const onHeld = frozen.filter((p) => Math.abs(p - held) < 0.5).length;
    console.log(`frozen: ${frozen.length} voiced windows, ${onHeld} within 0.5 st of ${held.toFixed(2)} (the melody sings 7 notes)`);
    expect(frozen.length).toBeGreaterThan(20);
    expect(onHeld).toBeGreaterThan(0.9 * frozen.length);
    await amount(0);
    // Stretch 2: the last moments slowed down, so each sung note lasts about twice as long.
    await page.select(`${deform} select`, 'stretch');
    await amount(2);
    await recordReturned(page, 0.5);
    const stretched = runs(await recordReturned(page, 6));
    console.log(`note runs (windows of 23 ms): plain median ${median(plain.lengths)}, stretched x2 median ${median(stretched.lengths)}`);
    expect(median(stretched.lengths)).toBeGreaterThan(1.5 * median(plain.lengths));
    await amount(1);
    expect(rig.otherProblems()).toEqual([]);
  }, 180_000);

  it('plays a code clicked on the codebook map, and a centroid curve drawn with the mouse', async () => {
    const table = JSON.parse(readFileSync(path.join(MODELS_DIR, 'vqvae-timbre', 'descriptors.json'), 'utf8')) as { names: string[]; values: number[][] };
    const [C, L] = [table.names.indexOf('centroid'), table.names.indexOf('loudness')];
    // The bridge serves the table with each descriptor's unit (the map's and the pad's axis titles).
    const served = (await (await fetch(`${new URL(rig.servers.uiUrl).origin}/ui/models/vqvae-timbre/descriptors.json`)).json()) as { units: string[] };
    expect([served.units[C], served.units[L]]).toEqual(['Hz', 'dBFS']);
    /** Median centroid (Hz) of the sounding frames of a stretch of what the page played. */
    const centroid = (p: { sampleRate: number; samples: number[] }, from: number, to: number) => {
      const d = frameDescriptors(Float32Array.from(p.samples.slice(Math.round(from * p.sampleRate), Math.round(to * p.sampleRate))), { sampleRate: p.sampleRate });
      return median(Array.from(d.centroid).filter((_, t) => d.loudness[t] > -45));
    };
    const played = (what: string) => page.waitForFunction((w) => (window as any).mirrorbridge.played()?.what === w, { timeout: 60_000, polling: 200 }, what);
    // A bright code (90th percentile of centroid among the loud ones), clicked where the map draws it.
    const loud = table.values.map((_, k) => k).filter((k) => table.values[k][L] > -10).sort((a, b) => table.values[a][C] - table.values[b][C]);
    const want = loud[Math.floor(0.9 * loud.length)];
    const at = await page.evaluate((k) => (window as any).mirrorbridge.codePoint(k), want);
    await page.mouse.click(at.x, at.y);
    await played('code');
    const code = await page.evaluate(() => (window as any).mirrorbridge.picked() as number);
    const sound = await page.evaluate(() => (window as any).mirrorbridge.played());
    expect(sound.values).toEqual([code]);
    const heard = centroid(sound, 0.2, 0.8);
    console.log(`clicked code ${code} (aimed at ${want}): table centroid ${table.values[code][C].toFixed(0)} Hz, played ${heard.toFixed(0)} Hz, ${(sound.samples.length / sound.sampleRate).toFixed(2)} s`);
    expect(heard / table.values[code][C]).toBeGreaterThan(0.7);
    expect(heard / table.values[code][C]).toBeLessThan(1.4);
    // A rising centroid drawn left to right, low to high, on the curve pad.
    await page.select('select[name="curve-descriptor"]', 'centroid');
    const box = (await (await page.$('canvas.curve-pad'))!.boundingBox())!;
    await page.mouse.move(box.x + 0.15 * box.width, box.y + 0.75 * box.height);
    await page.mouse.down();
    for (let k = 1; k <= 20; k++) await page.mouse.move(box.x + (0.15 + 0.04 * k) * box.width, box.y + (0.75 - 0.03 * k) * box.height);
    await page.mouse.up();
    await played('centroid');
    const curve = await page.evaluate(() => (window as any).mirrorbridge.played());
    await page.screenshot({ path: shot('ui-vq-draw.png'), fullPage: true });
    const seconds = curve.samples.length / curve.sampleRate;
    const [early, late] = [centroid(curve, 0, 0.5), centroid(curve, seconds - 0.5, seconds)];
    console.log(`drawn centroid ${curve.values[0]} -> ${curve.values.at(-1)} Hz over ${curve.values.length} points: played ${early.toFixed(0)} -> ${late.toFixed(0)} Hz, ${seconds.toFixed(2)} s`);
    expect(curve.values.at(-1)).toBeGreaterThan(2 * curve.values[0]);
    expect(late).toBeGreaterThan(2 * early);
    expect(early / curve.values[0]).toBeGreaterThan(0.6);
    expect(early / curve.values[0]).toBeLessThan(1.6);
    // Both came through the files folder, from the bridge.
    expect(rig.requests.filter((u) => u.includes('/ui/files/ui-draw-')).length).toBeGreaterThanOrEqual(2);
    expect(rig.otherProblems()).toEqual([]);
  }, 180_000);

  it('plays the four-corner plane over sounds of the files folder as the pointer moves', async () => {
    const names = Object.keys(CORNERS);
    // The corner menus list the files folder's WAVs (the page's own renders left out).
    const sounds = ['melody.wav', ...names];
    expect(await page.$$eval('select[name^="corner-"]', (els) => els.map((e) => [...(e as HTMLSelectElement).options].map((o) => o.value)))).toEqual(names.map(() => sounds));
    for (const [k, name] of names.entries()) await page.select(`select[name="corner-${'abcd'[k]}"]`, name);
    await page.$eval('canvas.plane-pad', (e) => e.scrollIntoView({ block: 'center' }));
    const box = (await (await page.$('canvas.plane-pad'))!.boundingBox())!;
    const pitchOf = async (x: number, y: number) => {
      await page
        .waitForFunction((p) => JSON.stringify((window as any).mirrorbridge.planePlayed()?.values) === JSON.stringify(p), { timeout: 60_000, polling: 200 }, [x, y])
        .catch(async (e) => {
          throw new Error(`${(e as Error).message}; the plane says: ${await page.$$eval('.draw-status', (els) => els.map((el) => el.textContent).join(' | '))}; message: ${await page.$eval('#message', (el) => el.textContent)}`);
        });
      const played = await page.evaluate(() => (window as any).mirrorbridge.planePlayed());
      return { pitch: median(returnedPitches(played)), count: played.count as number };
    };
    // Pressed outside the square's top left: the point clamps to corner a.
    await page.mouse.click(box.x + 2, box.y + 2);
    const a = await pitchOf(0, 0);
    // Dragged to the bottom right: renders follow the pointer, the last at corner d.
    await page.mouse.move(box.x + 2, box.y + 2);
    await page.mouse.down();
    for (let k = 1; k <= 12; k++) await page.mouse.move(box.x + (k / 12) * (box.width - 1), box.y + (k / 12) * (box.height - 1));
    await page.mouse.up();
    const d = await pitchOf(1, 1);
    await page.screenshot({ path: shot('ui-vq-plane.png'), fullPage: true });
    console.log(`plane: corner a (MIDI ${CORNERS['plane-a.wav']}) played at ${a.pitch.toFixed(2)}, corner d (MIDI ${CORNERS['plane-d.wav']}) at ${d.pitch.toFixed(2)}; ${d.count - a.count} renders during the drag`);
    expect(Math.abs(a.pitch - CORNERS['plane-a.wav'])).toBeLessThan(0.5);
    expect(Math.abs(d.pitch - CORNERS['plane-d.wav'])).toBeLessThan(0.5);
    expect(d.count - a.count).toBeGreaterThanOrEqual(2);
    expect(rig.otherProblems()).toEqual([]);
  }, 180_000);
});

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { midiToNotes } from '../../src/mirror/midi';
import { type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireChromium } from './chromium';
import { MELODY, returnedPitches, shot, startRig, type PageRig } from './page-helpers';
import { until } from '../net/helpers';

/**
 * The page's melody view in a real browser (issue 22): a sound of the files folder transcribed by
 * mirrornet-notes, its notes over its spectrogram, a MIDI download read back, a re-rendering played.
 */
const run = requireChromium();

describe.skipIf(!run)('the page at /ui/ in chromium: the melody view', () => {
  let rig: PageRig;
  let page: Page;

  beforeAll(async () => {
    rig = await startRig(['mirrornet-notes']);
    page = rig.page;
  }, 120_000);

  afterAll(async () => {
    await rig?.close();
  });

  it('transcribes a sound of the files folder: its notes over its spectrogram, a MIDI file of them, a re-rendering played', async () => {
    await page.goto(rig.servers.uiUrl, { waitUntil: 'load' });
    await page.waitForSelector('canvas.melody-view', { timeout: 10_000 });
    await page.$eval('canvas.melody-view', (e) => e.scrollIntoView({ block: 'center' }));
    await page.select('select[name="melody-file"]', 'melody.wav');
    await page.click('button[name="melody-transcribe"]');
    await page.waitForFunction(() => (window as any).mirrorbridge.melodyNotes().length > 0, { timeout: 120_000, polling: 250 });
    const notes = (await page.evaluate(() => (window as any).mirrorbridge.melodyNotes())) as { onset_s: number; offset_s: number; key: number }[];
    const keys = notes.map((n) => n.key);
    console.log(`melody view: ${notes.length} notes, keys ${keys.join(' ')} (sung ${MELODY.join(' ')})`);
    // The fake microphone's melody (in the files folder) comes back as its notes, in order.
    expect(notes.length).toBeGreaterThanOrEqual(MELODY.length - 1);
    expect(notes.length).toBeLessThanOrEqual(MELODY.length + 1);
    expect(keys.filter((k, i) => k === MELODY[i]).length).toBeGreaterThanOrEqual(MELODY.length - 1);
    // The MIDI download holds the same notes (read back with the bridge's own reader).
    const downloads = path.join(rig.dir, 'downloads');
    mkdirSync(downloads, { recursive: true });
    const cdp = await page.createCDPSession();
    await cdp.send('Page.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    await page.click('a.melody-midi');
    await until(() => existsSync(path.join(downloads, 'melody.mid')), 10_000);
    const midi = midiToNotes(readFileSync(path.join(downloads, 'melody.mid')));
    expect(midi.map((n) => n.key)).toEqual(keys);
    // Re-rendered by the plant on the bridge, the page plays the melody's notes.
    await page.click('button[name="melody-rerender"]');
    await page.waitForFunction(() => (window as any).mirrorbridge.melodyPlayed()?.what === 're-render', { timeout: 120_000, polling: 250 });
    const played = await page.evaluate(() => (window as any).mirrorbridge.melodyPlayed());
    await page.screenshot({ path: shot('ui-melody.png'), fullPage: true });
    const pitches = returnedPitches(played);
    const near = pitches.filter((p) => MELODY.some((n) => Math.abs(p - n) < 0.5));
    console.log(`melody re-rendered: ${(played.samples.length / played.sampleRate).toFixed(2)} s, ${pitches.length} voiced windows, ${near.length} on the sung notes`);
    expect(pitches.length).toBeGreaterThan(20);
    expect(near.length).toBeGreaterThan(0.6 * pitches.length);
    expect(rig.otherProblems()).toEqual([]);
  }, 240_000);
});

import { until } from '../net/helpers';
import { type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireChromium } from './chromium';
import { MANIFEST, median, NOTE, returnedPitches, shot, startRig, startStream, type PageRig, type Returned, udpPerformer } from './page-helpers';

/**
 * The page's shared session in a real browser (issue 22): a performer on plain UDP OSC (as Pd
 * sends it) beside the page's own stream; the page lists every stream on the bridge and listens
 * to the performer's, with the bridge's CPU use.
 */
const run = requireChromium();

describe.skipIf(!run)('the page at /ui/ in chromium: the shared session', () => {
  let rig: PageRig;
  let page: Page;

  beforeAll(async () => {
    rig = await startRig(['mirrornet-stream', 'vqvae-timbre']);
    page = rig.page;
  }, 120_000);

  afterAll(async () => {
    await rig?.close();
  });

  it('shows every stream on the bridge, and listens to a UDP performer\'s stream (as Pd sends it), with the bridge\'s CPU use', async () => {
    // The page's own stream, from its microphone.
    await startStream(page, rig.servers.uiUrl, 'mirrornet-stream');
    // A performer on plain UDP OSC, as Pd's [netsend -u -b] talks: a sung E4 in real time (16 blocks of 8 ms every 128 ms).
    const udp = await udpPerformer(rig);
    const performer = await udp.sing(7, 16000, 128, 'mirrornet-stream');
    try {
      await page.$eval('#shared', (e) => e.scrollIntoView({ block: 'center' }));
      const key = `${performer}#7`;
      await page.waitForSelector(`#shared tr[data-stream="${key}"] button[name="listen"]`, { timeout: 10_000 });
      // The page's own stream is there too, marked as its own and without a Listen button.
      expect(await page.$$eval('#shared tr td:first-child', (tds) => tds.map((td) => td.textContent))).toEqual(expect.arrayContaining([performer, expect.stringMatching(/\(this page\)$/)]));
      // The view redraws its rows as the bridge's status arrives: find and click in one step, so
      // the button cannot be replaced between the two (puppeteer's click failed "detached").
      await page.waitForFunction((sel: string) => {
        const b = document.querySelector<HTMLButtonElement>(sel);
        b?.click();
        return b !== null;
      }, { timeout: 10_000 }, `#shared tr[data-stream="${key}"] button[name="listen"]`);
      await page.waitForFunction(() => (window as any).mirrorbridge.sharedHeard().frames >= 200, { timeout: 60_000, polling: 200 });
      const heard = await page.evaluate(() => (window as any).mirrorbridge.sharedHeard());
      await page.waitForFunction(() => /^bridge CPU \d+ % of one core/.test(document.getElementById('cpu')!.textContent ?? ''), { timeout: 10_000 });
      const cpu = await page.$eval('#cpu', (e) => e.textContent);
      await page.screenshot({ path: shot('ui-shared.png'), fullPage: true });
      console.log(`shared session: listened to ${key}: ${heard.frames} frames, last note ${heard.last.units[NOTE].toFixed(2)} (sung 64); ${cpu}`);
      expect(heard.last.key).toBe(key);
      expect(Math.abs(heard.last.units[NOTE] - 64)).toBeLessThan(0.5);
      expect(await page.$$eval('#shared-curves figure.curve', (els) => els.length)).toBe(MANIFEST.params.length);
    } finally {
      udp.close();
    }
    expect(rig.otherProblems()).toEqual([]);
  }, 120_000);
  it("lists another client's jobs as they run: a UDP performer's VQ encode, queued to done", async () => {
    if (page.url() !== rig.servers.uiUrl) await page.goto(rig.servers.uiUrl, { waitUntil: 'load' });
    const udp = await udpPerformer(rig);
    const { got, send } = udp;
    try {
      await until(() => got.some((m) => m.includes('/mb/welcome')), 10_000);
      send('/mb/job/vq', { type: 's', value: 'encode' }, { type: 's', value: 'melody.wav' }, { type: 's', value: 'shared-codes.json' }, { type: 's', value: 'vqvae-timbre' });
      await page.waitForFunction(() => (window as any).mirrorbridge.sharedJobs().some((j: any) => j.name === 'vq' && j.state === 'done'), { timeout: 60_000, polling: 200 });
      const jobs = (await page.evaluate(() => (window as any).mirrorbridge.sharedJobs())) as { client: string; id: number; name: string; state: string }[];
      const mine = jobs.filter((j) => j.name === 'vq');
      const client = mine[0].client;
      console.log(`shared jobs seen: ${mine.map((j) => `${j.client}#${j.id} ${j.state}`).join(', ')}`);
      // the performer's own client, not the page's; the row shows it done
      expect(client).not.toMatch(/this page/);
      const row = await page.$eval(`#shared-jobs tr[data-job="${client}#${mine[0].id}"]`, (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
      expect(row).toEqual([client, String(mine[0].id), 'vq', 'done']);
      // the performer got its own /mb/job/done, as before
      await until(() => got.some((m) => m.includes('/mb/job/done')), 10_000);
      // ... and not the shared session's copy, which goes only to listeners
      expect(got.filter((m) => m.includes('/mb/session/job'))).toEqual([]);
      await page.$eval('#shared-jobs', (e) => e.scrollIntoView({ block: 'center' }));
      await page.screenshot({ path: shot('ui-shared-jobs.png'), fullPage: true });
    } finally {
      udp.close();
    }
    expect(rig.otherProblems()).toEqual([]);
  }, 120_000);
  it("plays another client's VQ stream: a UDP performer sings E4 into vqvae-timbre, the page listens to its returned audio", async () => {
    if (page.url() !== rig.servers.uiUrl) await page.goto(rig.servers.uiUrl, { waitUntil: 'load' });
    // Real time: 8 blocks of 16 ms every 128 ms.
    const rate = 16000;
    const udp = await udpPerformer(rig);
    const performer = await udp.sing(9, rate, 256, 'vqvae-timbre');
    const count = (address: string) => udp.got.filter((m) => m.includes(address)).length;
    try {
      const key = `${performer}#9`;
      await page.$eval('#shared', (e) => e.scrollIntoView({ block: 'center' }));
      await page.waitForFunction((sel: string) => {
        const b = document.querySelector<HTMLButtonElement>(sel);
        b?.click();
        return b !== null;
      }, { timeout: 10_000 }, `#shared tr[data-stream="${key}"] button[name="listen"]`);
      await page.waitForFunction(() => ((window as any).mirrorbridge.sharedAudio()?.blocks ?? 0) >= 20, { timeout: 30_000, polling: 200 });
      await page.evaluate(() => (window as any).mirrorbridge.recordShared(3));
      await page.waitForFunction((b: number) => (window as any).mirrorbridge.sharedAudio().blocks >= b, { timeout: 30_000, polling: 200 }, (await page.evaluate(() => (window as any).mirrorbridge.sharedAudio().blocks as number)) + 3 * (rate / 256));
      const played = (await page.evaluate(() => (window as any).mirrorbridge.sharedRecording())) as Returned;
      const pitches = returnedPitches(played);
      const onE4 = pitches.filter((p) => Math.abs(p - 64) < 0.5).length;
      console.log(`listened to ${key}: ${played.samples.length / played.sampleRate} s at ${played.sampleRate} Hz, ${pitches.length} voiced windows, ${onE4} on E4 (sung 64), median ${median(pitches)?.toFixed(2)}; ${played.underruns} underruns`);
      expect(played.sampleRate).toBe(rate);
      expect(pitches.length).toBeGreaterThan(20);
      expect(onE4).toBeGreaterThan(0.8 * pitches.length);
      // the performer hears its own /mb/stream/return, not the shared session's copy
      expect(count('/mb/stream/return')).toBeGreaterThan(20);
      expect(count('/mb/session/return')).toBe(0);
    } finally {
      udp.close();
    }
    expect(rig.otherProblems()).toEqual([]);
  }, 120_000);
});

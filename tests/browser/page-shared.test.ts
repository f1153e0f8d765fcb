import { createSocket } from 'node:dgram';
import { midiToHz } from '../../src/core/units';
import { encodeMessage } from '../../src/net/osc/wire';
import { until } from '../net/helpers';
import { type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireChromium } from './chromium';
import { MANIFEST, median, NOTE, returnedPitches, shot, startRig, startStream, type PageRig, type Returned } from './page-helpers';

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
    // A performer on plain UDP OSC, as Pd's [netsend -u -b] talks: hello, open, blocks of a sung E4.
    const udp = createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    const send = (address: string, ...args: { type: 'i' | 'f' | 's' | 'b'; value: unknown }[]) => udp.send(encodeMessage({ address, args } as never), rig.servers.oscPort, '127.0.0.1');
    const rate = 16000;
    const block = 128;
    const w = (2 * Math.PI * midiToHz(64)) / rate;
    let n = 0;
    const nextBlock = () => {
      const x = new Float32Array(block);
      for (let k = 0; k < block; k++, n++) for (let h = 1; h <= 6; h++) x[k] += (0.3 * Math.sin(h * w * n)) / h;
      return new Uint8Array(x.buffer);
    };
    send('/mb/hello', { type: 'i', value: udp.address().port });
    send('/mb/stream/open', { type: 'i', value: 7 }, { type: 'i', value: rate }, { type: 'i', value: block }, { type: 's', value: 'mirrornet-stream' });
    await until(() => rig.engine.status().streams.some((st) => st.id === 7), 10_000);
    const performer = rig.engine.status().streams.find((st) => st.id === 7)!.clientId;
    // Real time: 16 blocks of 8 ms every 128 ms.
    const timer = setInterval(() => {
      for (let k = 0; k < 16; k++) send('/mb/stream/audio', { type: 'i', value: 7 }, { type: 'b', value: nextBlock() });
    }, 128);
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
      clearInterval(timer);
      send('/mb/stream/close', { type: 'i', value: 7 });
      udp.close();
    }
    expect(rig.otherProblems()).toEqual([]);
  }, 120_000);
  it("lists another client's jobs as they run: a UDP performer's VQ encode, queued to done", async () => {
    if (page.url() !== rig.servers.uiUrl) await page.goto(rig.servers.uiUrl, { waitUntil: 'load' });
    const udp = createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    const got: string[] = [];
    udp.on('message', (m) => got.push(m.toString('latin1')));
    const send = (address: string, ...args: { type: 'i' | 'f' | 's'; value: unknown }[]) => udp.send(encodeMessage({ address, args } as never), rig.servers.oscPort, '127.0.0.1');
    try {
      send('/mb/hello', { type: 'i', value: udp.address().port });
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
    const udp = createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    const seen = { ownReturn: 0, sessionReturn: 0 };
    udp.on('message', (m) => {
      const text = m.toString('latin1');
      if (text.includes('/mb/stream/return')) seen.ownReturn++;
      if (text.includes('/mb/session/return')) seen.sessionReturn++;
    });
    const send = (address: string, ...args: { type: 'i' | 'f' | 's' | 'b'; value: unknown }[]) => udp.send(encodeMessage({ address, args } as never), rig.servers.oscPort, '127.0.0.1');
    const rate = 16000;
    const block = 256;
    const w = (2 * Math.PI * midiToHz(64)) / rate;
    let n = 0;
    const nextBlock = () => {
      const x = new Float32Array(block);
      for (let k = 0; k < block; k++, n++) for (let h = 1; h <= 6; h++) x[k] += (0.3 * Math.sin(h * w * n)) / h;
      return new Uint8Array(x.buffer);
    };
    send('/mb/hello', { type: 'i', value: udp.address().port });
    send('/mb/stream/open', { type: 'i', value: 9 }, { type: 'i', value: rate }, { type: 'i', value: block }, { type: 's', value: 'vqvae-timbre' });
    await until(() => rig.engine.status().streams.some((st) => st.id === 9), 10_000);
    const performer = rig.engine.status().streams.find((st) => st.id === 9)!.clientId;
    // Real time: 8 blocks of 16 ms every 128 ms.
    const timer = setInterval(() => {
      for (let k = 0; k < 8; k++) send('/mb/stream/audio', { type: 'i', value: 9 }, { type: 'b', value: nextBlock() });
    }, 128);
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
      await page.waitForFunction((b: number) => (window as any).mirrorbridge.sharedAudio().blocks >= b, { timeout: 30_000, polling: 200 }, (await page.evaluate(() => (window as any).mirrorbridge.sharedAudio().blocks as number)) + 3 * (rate / block));
      const played = (await page.evaluate(() => (window as any).mirrorbridge.sharedRecording())) as Returned;
      const pitches = returnedPitches(played);
      const onE4 = pitches.filter((p) => Math.abs(p - 64) < 0.5).length;
      console.log(`listened to ${key}: ${played.samples.length / played.sampleRate} s at ${played.sampleRate} Hz, ${pitches.length} voiced windows, ${onE4} on E4 (sung 64), median ${median(pitches)?.toFixed(2)}; ${played.underruns} underruns`);
      expect(played.sampleRate).toBe(rate);
      expect(pitches.length).toBeGreaterThan(20);
      expect(onE4).toBeGreaterThan(0.8 * pitches.length);
      // the performer hears its own /mb/stream/return, not the shared session's copy
      expect(seen.ownReturn).toBeGreaterThan(20);
      expect(seen.sessionReturn).toBe(0);
    } finally {
      clearInterval(timer);
      send('/mb/stream/close', { type: 'i', value: 9 });
      udp.close();
    }
    expect(rig.otherProblems()).toEqual([]);
  }, 120_000);
});

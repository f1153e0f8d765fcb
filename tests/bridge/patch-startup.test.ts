import { copyFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeMaxApi } from './fake-max-api';
import { type MaxSim, type SimBox } from '../patches/max-sim';
import { closePatches, openPatch, until } from './patch-open';

/**
 * The shipped Max patches at load, in Max's start-up order: the patch loads and fires its
 * loadbangs while node.script's process is not running yet (the fake drops what reaches it,
 * as Max does), then the script starts the bridge, which loads the bundled models and says
 * "ready". Each example must then have done its load-time work with no click: the model menu
 * filled, the files folder's paths in place, the state box showing the bridge's state.
 */
afterEach(closePatches);
const open = openPatch;

const stateText = (sim: MaxSim) => sim.find('message').filter((b) => b.received.some(([, m]) => m[0] === 'set'));
const held = (b: SimBox) => b.state.join(' ');

describe('the shipped Max examples at load, in node.script start-up order', () => {
  const examples: [string, string[]][] = [
    ['mirrorbridge.vocal-sketch.maxpat', []],
    ['mirrorbridge.melody-resynthesis.maxpat', ['mb-resynthesis.wav', 'mb-melody.mid']],
    ['mirrorbridge.descriptor-synthesis.maxpat', ['mb-guide.wav', 'mb-synth.wav']],
    ['mirrorbridge.latent-deformation.maxpat', ['mb-latent-out.wav']],
  ];
  it.each(examples)('%s lists the models, finds the files folder and shows the state, with no click', async (name, paths) => {
    const { api, sim, filesDir } = await open(path.join('patches/max/patchers', name));
    // Nothing was sent into node.script before it ran (it would have been dropped).
    expect(api.dropped).toEqual([]);
    expect(api.outlets.filter((m) => m[0] === 'error')).toEqual([]);
    for (const menu of sim.find('umenu')) expect(menu.state).toEqual(expect.arrayContaining(['mirrornet-melody', 'mirrornet-stream', 'vqvae-timbre']));
    expect(sim.find('umenu').length).toBeGreaterThan(0);
    const regs = sim.find('zl.reg').map(held).filter((t) => t.startsWith(filesDir));
    expect(regs.sort()).toEqual(paths.map((p) => path.join(filesDir, p)).sort());
    expect(stateText(sim).map(held)).toEqual(['ready']);
    expect(sim.errors).toEqual([]);
  }, 60000);

  it('latent deformation: the plane\'s render button writes the corner list and runs the plane job (no bare-symbol reply on the way)', async () => {
    const { api, sim, filesDir } = await open('patches/max/patchers/mirrorbridge.latent-deformation.maxpat');
    for (const c of ['a', 'b', 'c', 'd']) copyFileSync('tests/vq/heldout/sox-0001.wav', path.join(filesDir, `mb-corner-${c}.wav`));
    const button = sim.find('button').find((b) => b.outlets[0]?.some((c) => c.to.text.startsWith('files/corners')));
    if (!button) throw new Error('no render button wired to files/corners');
    button.receive(0, ['bang']);
    await until(() => api.outlets.some((m) => m[0] === 'job/queued' || m[0] === 'error'));
    await api.settle();
    expect(api.outlets.filter((m) => m[0] === 'error')).toEqual([]);
    expect(api.outlets.find((m) => m[0] === 'files/cornerlist')).toEqual(['files/cornerlist', 'mb-corners.txt']);
    expect(api.outlets.some((m) => m[0] === 'job/queued')).toBe(true);
    expect(sim.errors).toEqual([]);
  }, 60000);

  it('vocal sketch: the latency view asks for the stream\'s latency and shows it in ms', async () => {
    const { api, sim } = await open('patches/max/patchers/mirrorbridge.vocal-sketch.maxpat');
    // [mb.capture~] opens the stream when audio runs (not simulated): open it as it would
    await api.send('stream/open', 1, 44100, 512);
    await until(() => api.outlets.some((m) => m[0] === 'stream/opened'));
    const ask = sim.find('message').find((b) => b.text === 'stream/latency 1');
    if (!ask) throw new Error('no stream/latency message box');
    ask.receive(0, ['bang']);
    await until(() => api.outlets.some((m) => m[0] === 'stream/latencysplit'));
    await api.settle();
    const [, , server, algorithmic, queued, block] = api.outlets.find((m) => m[0] === 'stream/latencysplit') as number[];
    const shown = sim.find('flonum').filter((b) => b.received.length > 0).map((b) => b.state[0]);
    expect(shown).toEqual([server, algorithmic, queued, block]);
    expect(block).toBeCloseTo((1000 * 512) / 44100, 1);
    expect(algorithmic).toBeGreaterThan(0);
    expect(sim.errors).toEqual([]);
  }, 60000);

  it('the same patch wired to loadbang would lose its messages: the fake drops them as Max does', async () => {
    // The control: a load-time message sent on loadbang (the old wiring) never reaches the bridge.
    const api = new FakeMaxApi();
    await api.send('files/locate');
    expect(api.dropped).toEqual([['files/locate']]);
    expect(api.posts.map((p) => p.text)).toEqual([expect.stringMatching(/Node script not ready/)]);
  });

  it('mb.bridge.maxhelp lists the models by itself on ready and shows the state', async () => {
    const { api, sim } = await open('patches/max/help/mb.bridge.maxhelp');
    expect(api.dropped).toEqual([]);
    expect(api.outlets.filter((m) => m[0] === 'models/entry').map((m) => m[1])).toEqual(expect.arrayContaining(['mirrornet-melody', 'mirrornet-stream', 'vqvae-timbre']));
    expect(stateText(sim).map(held)).toEqual(['ready']);
  }, 60000);
});

import type { ConnectionState } from './bridge';
import type { LiveStats } from './session';

/**
 * The stream status panel: connection, the stream's state and why, latency (the model's
 * algorithmic latency, the measured round trip, what the page itself adds, the device's output
 * latency), frames, gaps and drops, and the bridge's compute time per hop.
 */
const ms = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : '–');

export function connectionText(state: ConnectionState, retryAt: number): string {
  if (state === 'open') return 'connected';
  if (state === 'connecting') return 'connecting…';
  return `bridge away: reconnecting in ${Math.max(0, (retryAt - performance.now()) / 1000).toFixed(1)} s`;
}

export function statusRows(st: LiveStats): [string, string][] {
  const algoMs = st.sampleRate ? (st.algorithmicLatencySamples / st.sampleRate) * 1000 : NaN;
  // A VQ stream has no synth frames: its page figure is the input side alone.
  const page = st.pageInputMs.median + (Number.isFinite(st.pageOutputMs.median) ? st.pageOutputMs.median : 0);
  return [
    ['stream', st.reason ? `${st.state}: ${st.reason}` : st.state],
    ['model', st.model],
    ['audio in', st.sampleRate ? `${st.sampleRate} Hz, blocks of ${st.blockSize} samples, peak ${st.inputPeak.toFixed(2)}` : '–'],
    ['algorithmic latency', `${st.algorithmicLatencySamples} samples (${ms(algoMs)})`],
    ['round trip (block sent → frame back)', `${ms(st.roundTripMs.median)} median, ${ms(st.roundTripMs.max)} worst`],
    ['added by the page', `${ms(page)} (capture → send ${ms(st.pageInputMs.median)}, frame → synth thread ${ms(st.pageOutputMs.median)})`],
    ['device output latency', ms(st.deviceOutputMs)],
    ['bridge compute per hop', ms(st.server.computeMs)],
    ['frames', `${st.framesIn} received of ${st.blocksSent} blocks sent; ${st.seqGaps} missing in sequence; ${st.server.dropped} dropped at the bridge`],
    ...(st.codeFrames || st.returnedBlocks ? [['VQ', `${st.codeFrames} frames of codes; ${st.returnedBlocks} blocks of audio returned and played`] as [string, string]] : []),
  ];
}

export function renderStatus(table: HTMLTableElement, rows: [string, string][]): void {
  table.replaceChildren(
    ...rows.map(([k, v]) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      const td = document.createElement('td');
      th.textContent = k;
      td.textContent = v;
      tr.append(th, td);
      return tr;
    }),
  );
}

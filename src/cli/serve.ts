import { MbError } from '../core/errors';
import { mkdirSync } from 'node:fs';
import { defaultFilesDir, defaultModelsDir } from '../core/paths';
import { startEngine } from '../app/create';
import { setThreadNice } from '../engine/thread-priority';
import { startServers } from '../net';
import { numberOption, parseCommandArgs, type Command } from './command';

/** Resolves when SIGINT or SIGTERM arrives. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => () => resolve(sig);
    process.once('SIGINT', on('SIGINT'));
    process.once('SIGTERM', on('SIGTERM'));
  });
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'start the bridge: OSC over UDP and HTTP/WebSocket (OSCQuery) with the bundled models',
  usage:
    'mirrorbridge serve [--osc-port 9130] [--http-port 9131] [--host 127.0.0.1] [--allow-lan] [--token T]\n' +
    '                   [--models DIR] [--files DIR] [--job-workers 1] [--job-nice 0]\n' +
    '                   [--no-model-hosts] [--live-nice -10]\n' +
    '  --host other than loopback needs --allow-lan (prints a warning); --token protects WebSocket\n' +
    '  --job-workers: threads that run offline jobs off the live thread (0: jobs share it, yielding every 4 ms)\n' +
    '  --job-nice: Linux, 0-19: lower the job threads\' priority so live streams win the CPU when cores are short\n' +
    '  model hosts (the default): each model\'s live streams run in a thread of its own, loads and swaps warm a new one first (docs/threads.md);\n' +
    '  --no-model-hosts: live streams on the I/O thread instead\n' +
    '  --live-nice: Linux, -20-0: the priority model host threads take once they serve live streams (needs root or CAP_SYS_NICE; 0: off)',
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      {
        'osc-port': { type: 'string' },
        'http-port': { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        'allow-lan': { type: 'boolean' },
        token: { type: 'string' },
        models: { type: 'string' },
        files: { type: 'string' },
        'job-workers': { type: 'string' },
        'job-nice': { type: 'string' },
        'live-nice': { type: 'string' },
        'model-hosts': { type: 'boolean' },
        'no-model-hosts': { type: 'boolean' },
      },
      false,
    );
    const oscPort = numberOption('osc-port', values['osc-port'], 9130, 0, 65535);
    const httpPort = numberOption('http-port', values['http-port'], 9131, 0, 65535);
    const modelsDir = values.models ?? defaultModelsDir();
    const filesDir = values.files ?? defaultFilesDir();
    mkdirSync(filesDir, { recursive: true });
    const jobWorkers = numberOption('job-workers', values['job-workers'], 1, 0, 16);
    const jobNice = numberOption('job-nice', values['job-nice'], 0, 0, 19);
    const liveNice = numberOption('live-nice', values['live-nice'], -10, -20, 0);
    if (values['model-hosts'] && values['no-model-hosts']) throw new MbError('MB_ERR_BAD_ARGS', '--model-hosts and --no-model-hosts contradict each other');
    const modelHosts = !values['no-model-hosts'];
    // The I/O thread carries every live block and frame: with hosts it takes the live priority too.
    if (modelHosts) setThreadNice(liveNice, 'the server\'s I/O thread');
    // The front doors listen while the bundled models load (a stream or job waits for the
    // loads it needs): a restarted bridge answers its clients at once. Ready is said once all are.
    const { engine, ready } = startEngine({ modelsDir, filesDir, jobWorkers, jobNice, liveNice, modelHosts, loadBundled: true });
    let servers;
    try {
      servers = await startServers(engine, { oscPort, httpPort, host: values.host, allowLan: values['allow-lan'] ?? false, token: values.token });
    } catch (err) {
      await ready.catch(() => undefined);
      await engine.dispose();
      throw err instanceof MbError ? err : new MbError('MB_ERR_INTERNAL', (err as Error).message);
    }
    const { loaded, failed } = await ready;
    process.stdout.write(
      `mirrorbridge serving\n` +
        `  OSC (UDP)     udp://${servers.host}:${servers.oscPort}  (send /mb/hello <your-port> to receive replies)\n` +
        `  OSCQuery      ${servers.oscQueryUrl}  (WebSocket on the same port)\n` +
        `  page          ${servers.uiUrl}  (sing into the browser: microphone in, the synth out)\n` +
        `  files         ${filesDir}  (offline jobs read and write only here)\n` +
        `  models        ${loaded.length ? loaded.join(', ') : 'none'}${failed.length ? `  (failed: ${failed.join(', ')})` : ''}  from ${modelsDir}\n` +
        `  Ctrl-C stops it\n`,
    );
    const signal = await untilSignal();
    process.stdout.write(`mirrorbridge: ${signal}, shutting down\n`);
    await servers.close();
    await engine.dispose();
    return 0;
  },
};

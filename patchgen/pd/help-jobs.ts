/**
 * Help patches of the two abstractions for offline jobs and their results (play.ts):
 * mb.play~-help.pd and mb.job-help.pd.
 */
import { PdCanvas } from './canvas';
import { footer, header, reference, withBridge } from './help';
import { oscAddress, pdArgs, pdRequest } from './osc';
import { JOB_STATES, JOB_TIMEOUT_S } from './play';

export function playHelp(): PdCanvas {
  const p = new PdCanvas({ width: 760, height: 560 });
  header(p, 'mb.play~', 'play an array at its file\'s sample rate');
  p.text(20, 70, 'The server writes its results at the rate you ask for, by default your input\'s - but a file from elsewhere may be at 8 or 16 kHz. [tabplay~] plays every array at Pd\'s rate: too fast or too slow. Give [mb.play~] the rate [soundfiler] reports when it reads the file (its right outlet), and it plays at the right speed and pitch.', 100);
  const open = p.bang(20, 160);
  const panel = p.obj(20, 185, 'openpanel');
  const read = p.msg(20, 210, 'read -resize $1 help-play');
  const sf = p.obj(20, 235, 'soundfiler');
  const play = p.bang(220, 235);
  const stop = p.msg(260, 235, 'stop');
  const player = p.obj(220, 270, 'mb.play~ help-play');
  const vol = p.obj(220, 300, '*~ 0.5');
  const dac = p.obj(220, 330, 'dac~');
  const info = p.listbox(400, 300, 12);
  p.connect(open, 0, panel, 0).connect(panel, 0, read, 0).connect(read, 0, sf, 0).connect(sf, 1, player, 1);
  p.connect(play, 0, player, 0).connect(stop, 0, player, 0).connect(player, 0, vol, 0).connect(vol, 0, dac, 0).connect(vol, 0, dac, 1).connect(player, 1, info, 0);
  p.text(45, 160, 'open a sound file', 20);
  p.text(245, 210, 'play', 10);
  p.text(520, 300, '<seconds> <rate> at the start, bang at the end', 24);
  p.msg(20, 370, '; pd dsp 1');
  p.array(420, 150, 'help-play', 100, { width: 200, height: 80 });
  reference(p, 20, 420, [
    'Argument: the array. Left inlet: bang plays from the start; stop. Right inlet: the rate in Hz, or [soundfiler]\'s info list (first element: the rate); until then Pd\'s rate.',
    'Outlets: 1) the signal (silent when not playing) 2) "<seconds> <rate>" when it starts, bang when it reaches the end.',
  ]);
  footer(p, 500, ['tabplay~', 'soundfiler', 'mb.job']);
  return p;
}

export function jobHelp(): PdCanvas {
  const p = new PdCanvas({ width: 800, height: 620 });
  header(p, 'mb.job', 'one offline job at a time, with a timeout');
  p.text(20, 70, `Put it before [${pdRequest('/mb/job/vq')}] (or any job verb): it passes a request on only when its last job has answered, and shows where that job is. A job that gets no answer at all for the timeout (a server that is not running, a lost packet) is given up with one line in the Pd window, and the button works again. Every answer (queued, progress) restarts the clock, so a long job that reports progress never times out.`, 100);
  withBridge(p, 480, 150);
  const ask = p.msg(20, 170, pdArgs('/mb/job/vq', 'deform in.wav out.wav'));
  const watch = p.obj(20, 210, `mb.job vq ${JOB_TIMEOUT_S}`);
  const job = p.obj(20, 250, pdRequest('/mb/job/vq'));
  const state = p.symbolatom(200, 250, 10);
  const done = p.bang(120, 250);
  const timeout = p.msg(200, 170, '5');
  p.connect(ask, 0, watch, 0).connect(watch, 0, job, 0).connect(watch, 1, done, 0).connect(watch, 2, state, 0).connect(timeout, 0, watch, 1);
  p.text(240, 170, 'timeout in seconds', 20);
  p.text(300, 250, JOB_STATES.join(' / '), 30);
  p.text(20, 290, `The paths are inside the server's files folder (see [mb.files]). Try it without a server: after the timeout the Pd window says "mb.job-vq: no answer from the server for ... s" and the state shows timed-out.`, 100);
  reference(p, 20, 360, [
    `Arguments: 1) the job name the server's replies carry (vq for ${oscAddress('/mb/job/vq')}, resynth, infer) 2) the timeout in seconds (default ${JOB_TIMEOUT_S}).`,
    'Left inlet: the request\'s arguments (passed on when no job is pending; otherwise one line says so). Right inlet: the timeout in seconds.',
    `Outlets: 1) the request, to [mb.request job ...] 2) bang when a job of that name is done 3) the state: ${JOB_STATES.join(', ')}.`,
  ]);
  footer(p, 540, ['mb.request', 'mb.play~', 'mb.bridge']);
  return p;
}

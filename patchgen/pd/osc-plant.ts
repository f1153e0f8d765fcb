/**
 * [mb.osc-plant~ <port>]: makes a Pd synth an OSC plant that `mirrorbridge learn --plant
 * osc:127.0.0.1:<port>` can learn in real time (src/plants/osc.ts has the contract): it listens
 * for `/plant/<name> <value>` and `/plant/gate <0|1>` on UDP <port> and passes them on as
 * `[s plant.<name>]` / `[s plant.gate]` (the receives a synth for `--plant pd:` has already), and
 * once `/plant/hello <reply port>` arrived it sends its signal inlet back to 127.0.0.1:<reply port>
 * as `/plant/audio <rate> <256 samples>` per 256-sample block.
 */
import { PdCanvas } from './canvas';
import { footer, header, reference } from './help';

export const OSC_PLANT_BLOCK = 256;

export function mbOscPlant(): PdCanvas {
  const p = new PdCanvas({ width: 900, height: 560 });
  p.text(20, 10, `[mb.osc-plant~ <port>] lets mirrorbridge learn this Pd synth over OSC in real time (mirrorbridge learn --plant osc:127.0.0.1:<port> --schema synth.json; docs/learn.md). It receives /plant/<name> <value> and /plant/gate 1/0 on UDP <port> and sends them on to [s plant.<name>] / [s plant.gate]; after /plant/hello <reply port> it sends the signal at its inlet (the synth's output) to 127.0.0.1:<reply port> as /plant/audio <rate> <${OSC_PLANT_BLOCK} samples> per block.`, 110);
  const sig = p.obj(20, 100, 'inlet~');
  p.obj(120, 100, `block~ ${OSC_PLANT_BLOCK}`);
  const tab = p.obj(20, 130, 'tabsend~ $0-block');
  p.obj(20, 520, `array define $0-block ${OSC_PLANT_BLOCK}`);
  p.connect(sig, 0, tab, 0);

  // control in: /plant/... on UDP <port>
  const lb = p.obj(420, 100, 'loadbang');
  const listen = p.msg(420, 125, 'listen $1');
  const port = p.obj(420, 150, 'f $1');
  const recv = p.obj(420, 200, 'netreceive -u -b');
  const parse = p.obj(420, 230, 'oscparse');
  const trim = p.obj(420, 255, 'list trim');
  const rPlant = p.obj(420, 280, 'route plant');
  const rHello = p.obj(420, 305, 'route hello');
  p.connect(lb, 0, port, 0).connect(port, 0, listen, 0).connect(listen, 0, recv, 0).chain(recv, parse, trim, rPlant, rHello);
  // a parameter or the gate: the name sets [send]'s target, then the value goes out
  const asList = p.obj(560, 335, 'list');
  const both = p.obj(560, 360, 't a a');
  const nameSplit = p.obj(660, 385, 'list split 1');
  const name = p.obj(660, 410, 'makefilename plant.%s');
  const valueSplit = p.obj(560, 410, 'list split 1');
  const send = p.obj(560, 440, 'send');
  p.connect(rHello, 1, asList, 0).connect(asList, 0, both, 0).connect(both, 1, nameSplit, 0).connect(nameSplit, 0, name, 0).connect(name, 0, send, 1);
  p.connect(both, 0, valueSplit, 0).connect(valueSplit, 1, send, 0);

  // audio out, once a reply port is known
  // disconnect first: the host greets again every second until audio flows, and a second connect
  // makes [netsend] print 'already connected'.
  const connect = p.msg(420, 335, 'disconnect, connect 127.0.0.1 $1');
  const on = p.msg(500, 360, '1');
  const helloT = p.obj(420, 360, 't f b');
  const net = p.obj(20, 470, 'netsend -u -b');
  p.connect(rHello, 0, helloT, 0).connect(helloT, 0, connect, 0).connect(connect, 0, net, 0);
  const bang = p.obj(20, 170, 'bang~');
  const gate = p.obj(20, 190, 'spigot');
  const get = p.obj(20, 238, 'array get $0-block');
  const rate = p.obj(200, 238, 'samplerate~');
  const order = p.obj(20, 212, 't b b');
  const rateT = p.obj(20, 265, 'list prepend 0');
  const fmt = p.obj(20, 300, 'oscformat plant audio');
  const out = p.obj(20, 330, 'list prepend send');
  const outTrim = p.obj(20, 355, 'list trim');
  p.connect(helloT, 1, on, 0).connect(on, 0, gate, 1);
  p.connect(bang, 0, gate, 0).connect(gate, 0, order, 0).connect(order, 1, rate, 0).connect(order, 0, get, 0).connect(rate, 0, rateT, 1).connect(get, 0, rateT, 0);
  p.connect(rateT, 0, fmt, 0).connect(fmt, 0, out, 0).connect(out, 0, outTrim, 0).connect(outTrim, 0, net, 0);
  p.text(200, 270, 'the block with the rate in front (samplerate~ is read before the block, right to left)', 30);
  return p;
}

export function oscPlantHelp(): PdCanvas {
  const p = new PdCanvas({ width: 760, height: 520 });
  header(p, 'mb.osc-plant~', 'let mirrorbridge learn a running Pd synth over OSC, in real time');
  p.text(20, 70, 'A synth that answers [r plant.<name>] and [r plant.gate] (as for mirrorbridge learn --plant pd:) can also be learned while it runs, in real time: put [mb.osc-plant~ <port>] after it and run mirrorbridge learn --plant osc:127.0.0.1:<port> --schema synth.json --schedule realtime. Each render takes the schema\'s seconds of real time.', 100);
  p.declare(20, 160, '-path plants');
  const synth = p.obj(20, 200, 'fm');
  const host = p.obj(20, 240, 'mb.osc-plant~ 9150');
  const vol = p.obj(200, 240, '*~ 0.3');
  const dac = p.obj(200, 270, 'dac~');
  p.connect(synth, 0, host, 0).connect(synth, 0, vol, 0).connect(vol, 0, dac, 0).connect(vol, 0, dac, 1);
  p.text(80, 200, 'the example FM synth of plants/fm.pd (your own synth here)', 40);
  p.msg(20, 300, '; pd dsp 1');
  reference(p, 20, 350, [
    'Argument: the UDP port it listens on for /plant/hello <reply port>, /plant/<name> <value in units> and /plant/gate 1/0.',
    `Inlet: the synth's signal, sent to 127.0.0.1:<reply port> as /plant/audio <rate> <${OSC_PLANT_BLOCK} samples> per block once a hello came. No outlets.`,
  ]);
  footer(p, 460, ['netreceive', 'oscparse', 'oscformat', 'mb.send~']);
  return p;
}

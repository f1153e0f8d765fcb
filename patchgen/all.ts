/**
 * The list of generated patch files (and patchgen/table-addresses.ts, the verb table's
 * addresses as types for the generators): repository-relative path -> file text. Shared by the
 * generator (patchgen/main.ts) and the up-to-date test (tests/patches/patches.test.ts).
 */
import { bridgeHelp, filesHelp, mbstreamHelp, paramsHelp, plantHelp, requestHelp, sendHelp } from './pd/help';
import { mbPlant } from './pd/plant';
import { maxRefPages } from './max/refpages';
import { maxBridge, maxCapture, maxParams, maxVstMap } from './max/abstractions';
import { maxSynth } from './max/synth';
import { maxMelodyResynthesis, maxOverview, maxVocalSketch } from './max/examples';
import { maxDescriptorSynthesis, maxLatentDeformation } from './max/examples-vq';
import { bridgeHelp as maxBridgeHelp, captureHelp, paramsHelp as maxParamsHelp, synthHelp, vstMapHelp } from './max/help';
import { melodyResynthesis, vocalSketch } from './pd/examples';
import { descriptorSynthesis, latentDeformation } from './pd/examples-vq';
import { learnedSynth } from './pd/examples-learn';
import { mbOscPlant, oscPlantHelp } from './pd/osc-plant';
import { mbBridge } from './pd/bridge';
import { mbFiles, mbIdFilter, mbParams, mbRequest, mbSend } from './pd/net';
import { mbJob, mbPlay } from './pd/play';
import { jobHelp, playHelp } from './pd/help-jobs';
import { addressTypesSource } from './vocabulary';

export function allPatches(): Map<string, string> {
  const files = new Map<string, string>();
  // The table's addresses as the generators' parameter types (written first: the rest is typed by it).
  files.set('patchgen/table-addresses.ts', addressTypesSource());
  const pd = (name: string, text: string): void => {
    files.set(`patches/pd/${name}`, text);
  };
  pd('mb.bridge.pd', mbBridge().toString());
  pd('mb.request.pd', mbRequest().toString());
  pd('mb.idfilter.pd', mbIdFilter().toString());
  pd('mb.send~.pd', mbSend().toString());
  pd('mb.params.pd', mbParams().toString());
  pd('mb.plant~.pd', mbPlant().toString());
  pd('mb.files.pd', mbFiles().toString());
  pd('mb.play~.pd', mbPlay().toString());
  pd('mb.job.pd', mbJob().toString());
  pd('mb.osc-plant~.pd', mbOscPlant().toString());
  pd('examples/01-vocal-sketch.pd', vocalSketch().toString());
  pd('examples/02-melody-resynthesis.pd', melodyResynthesis().toString());
  pd('examples/03-descriptor-synthesis.pd', descriptorSynthesis().toString());
  pd('examples/04-latent-deformation.pd', latentDeformation().toString());
  pd('examples/05-learned-synth.pd', learnedSynth().toString());
  pd('mb.bridge-help.pd', bridgeHelp().toString());
  pd('mb.request-help.pd', requestHelp().toString());
  pd('mb.send~-help.pd', sendHelp().toString());
  pd('mb.params-help.pd', paramsHelp().toString());
  pd('mb.plant~-help.pd', plantHelp().toString());
  pd('mb.files-help.pd', filesHelp().toString());
  pd('mb.play~-help.pd', playHelp().toString());
  pd('mb.job-help.pd', jobHelp().toString());
  pd('mb.osc-plant~-help.pd', oscPlantHelp().toString());
  files.set('externals/mbstream~-help.pd', mbstreamHelp().toString());

  const max = (dir: 'patchers' | 'help' | 'extras', name: string, text: string): void => {
    files.set(`patches/max/${dir}/${name}`, text);
  };
  max('patchers', 'mb.bridge.maxpat', maxBridge().toString());
  max('patchers', 'mb.capture~.maxpat', maxCapture().toString());
  max('patchers', 'mb.params.maxpat', maxParams().toString());
  max('patchers', 'mb.synth~.maxpat', maxSynth().toString());
  max('patchers', 'mb.vst-map.maxpat', maxVstMap().toString());
  max('help', 'mb.bridge.maxhelp', maxBridgeHelp().toString());
  max('help', 'mb.capture~.maxhelp', captureHelp().toString());
  max('help', 'mb.params.maxhelp', maxParamsHelp().toString());
  max('help', 'mb.synth~.maxhelp', synthHelp().toString());
  max('help', 'mb.vst-map.maxhelp', vstMapHelp().toString());
  const examples = [
    { file: 'mirrorbridge.vocal-sketch.maxpat', what: 'vocal sketch -> live parameters -> the plant synth (or a plug-in in vst~)', patch: maxVocalSketch() },
    { file: 'mirrorbridge.melody-resynthesis.maxpat', what: 'melody resynthesis: drop a file, infer, hear the plant rendering next to the original', patch: maxMelodyResynthesis() },
    { file: 'mirrorbridge.descriptor-synthesis.maxpat', what: 'descriptor-based synthesis: draw loudness and brightness curves, synthesize with the VQ-VAE, play', patch: maxDescriptorSynthesis() },
    { file: 'mirrorbridge.latent-deformation.maxpat', what: 'latent deformation: encode, scale/bias/randomize/reverse, the interpolation plane of four sounds, decode, play, save', patch: maxLatentDeformation() },
  ];
  for (const e of examples) max('patchers', e.file, e.patch.toString());
  // The homepatcher: Max lists a package's extras/ in its Extras menu.
  max('extras', 'mirrorbridge.overview.maxpat', maxOverview(examples).toString());
  for (const [rel, text] of maxRefPages()) files.set(rel, text);
  return files;
}

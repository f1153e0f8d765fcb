/**
 * The list of generated patch files: repository-relative path -> file text. Shared by the
 * generator (scripts/gen-patches.ts) and the up-to-date test.
 */
import { bridgeHelp, mbstreamHelp, paramsHelp, plantHelp, requestHelp, sendHelp } from './gen-patches.pd-help';
import { mbPlant } from './gen-patches.pd-plant';
import { melodyResynthesis, vocalSketch } from './gen-patches.pd-examples';
import { mbBridge, mbFiles, mbIdFilter, mbParams, mbRequest, mbSend } from './gen-patches.pd-net';

export function allPatches(): Map<string, string> {
  const files = new Map<string, string>();
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
  pd('examples/01-vocal-sketch.pd', vocalSketch().toString());
  pd('examples/02-melody-resynthesis.pd', melodyResynthesis().toString());
  pd('mb.bridge-help.pd', bridgeHelp().toString());
  pd('mb.request-help.pd', requestHelp().toString());
  pd('mb.send~-help.pd', sendHelp().toString());
  pd('mb.params-help.pd', paramsHelp().toString());
  pd('mb.plant~-help.pd', plantHelp().toString());
  files.set('externals/mbstream~-help.pd', mbstreamHelp().toString());
  return files;
}

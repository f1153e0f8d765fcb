import { MbError } from '../core/errors';
import { BuiltinPlant } from './builtin';
import type { Plant } from './plant';
import { PdPlant, type PdPlantOptions } from './pd';
import { OscPlant } from './osc';
import { readPlantSchema } from './schema';

/**
 * Plant plug-ins: anything that renders a parameter vector to audio, with its schema.
 * `openPlant` reads a `learn --plant` spec: `builtin`, `pd:path/to/synth.pd` or `osc:host:port`
 * (the last two with a schema file).
 *
 * @example
 * const plant = openPlant('pd:patches/pd/plants/fm.pd', 'patches/pd/plants/fm.json');
 */
export * from './plant';
export * from './schema';
export { BuiltinPlant, builtinSchema } from './builtin';
export { PdPlant, type PdPlantOptions } from './pd';
export { OscPlant, type OscPlantOptions } from './osc';

export function openPlant(spec: string, schemaPath?: string, options: PdPlantOptions = {}): Plant {
  if (spec === 'builtin') {
    if (schemaPath) throw new MbError('MB_ERR_BAD_ARGS', 'the built-in plant has its own schema; drop --schema');
    return new BuiltinPlant();
  }
  if (spec.startsWith('pd:')) {
    if (!schemaPath) throw new MbError('MB_ERR_BAD_ARGS', `a Pd plant needs its schema (--schema synth.json), got none for ${spec}`);
    return new PdPlant(spec.slice(3), readPlantSchema(schemaPath), options);
  }
  if (spec.startsWith('osc:')) {
    const m = /^osc:([A-Za-z0-9.-]+):(\d+)$/.exec(spec);
    if (!m) throw new MbError('MB_ERR_BAD_ARGS', `an OSC plant is osc:host:port (e.g. osc:127.0.0.1:9150), got '${spec}'`);
    if (!schemaPath) throw new MbError('MB_ERR_BAD_ARGS', `an OSC plant needs its schema (--schema synth.json), got none for ${spec}`);
    return new OscPlant(m[1], Number(m[2]), readPlantSchema(schemaPath));
  }
  throw new MbError('MB_ERR_BAD_ARGS', `--plant must be 'builtin', 'pd:path/to/synth.pd' or 'osc:host:port', got '${spec}'`);
}

/**
 * The name rules of models and their parameters. They sit apart from the manifest checks
 * because the OSC layer and the registry use them too: a model name doubles as a folder name
 * and an OSC argument, a parameter name as an OSC address part.
 *
 * @example
 * MODEL_NAME_RE.test('vqvae-timbre'); // true
 * PARAM_NAME_RE.test('cutoff');       // true: /mb/param/cutoff
 */

/** Model names double as folder names and OSC arguments: no paths, no OSC pattern characters. */
export const MODEL_NAME_RE = /^[a-z0-9][a-z0-9._-]*$/;
/** Parameter names become OSC address parts (/mb/param/<name>). */
export const PARAM_NAME_RE = /^[A-Za-z][A-Za-z0-9_-]*$/;

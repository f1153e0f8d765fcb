/**
 * The bridge's vocabulary as the Max generators write it: every selector a patch sends to
 * [mb.bridge] and every reply word it routes passes through here, so renaming the bridge's
 * messages is a change to this one file (the patch validator in tests/patches checks the
 * result against what the bridge accepts and sends).
 *
 * @example
 * p.obj(480, 240, `prepend ${maxSelector('open')}`);
 * p.msg(20, 615, maxMessage('target', 'flatness $1'));
 * p.obj(20, 110, `route ${maxReplies('params', 'units')}`);
 */

/** The messages the patches send to the bridge, by the name the generators use. */
export type BridgeVerb =
  | 'models' | 'load' | 'unload' | 'open' | 'close' | 'audio' | 'smooth' | 'target' | 'deform' | 'plane' | 'resynth' | 'vq'
  | 'import' | 'corners' | 'files' | 'status' | 'serve' | 'unserve' | 'config';

/** The words the patches route from the bridge's output: replies, job states and job kinds. */
export type BridgeReply =
  | 'params' | 'units' | 'opened' | 'job' | 'model' | 'models' | 'imported' | 'corners' | 'files' | 'error'
  | 'progress' | 'done' | 'resynth' | 'vq';

/** The selector of a message to the bridge. */
export function maxSelector(verb: BridgeVerb): string {
  return verb;
}

/** A message box's text: the selector, then its arguments (`$1`, file names ...). */
export function maxMessage(verb: BridgeVerb, ...args: string[]): string {
  return [maxSelector(verb), ...args].join(' ');
}

/** A word of the bridge's output as a [route] argument. */
export function maxReply(reply: BridgeReply): string {
  return reply;
}

/** Several reply words, space-separated, for one [route]. */
export function maxReplies(...replies: BridgeReply[]): string {
  return replies.map(maxReply).join(' ');
}

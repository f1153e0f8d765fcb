/**
 * The one error class of mirrorbridge. Every failure a user can cause or meet carries a
 * stable `code`, listed with its remedy in docs/errors.md (generated from ERROR_CODES).
 *
 * @example
 * throw new MbError('MB_ERR_BAD_ARGS', `cutoff must be in [0,1], got ${v}`);
 */
export const ERROR_CODES = {
  MB_ERR_BAD_ARGS: 'An argument has the wrong type, count or range. Fix the value named in the message.',
  MB_ERR_NOT_FOUND: 'A file, model or stream named in the request does not exist. Check the name or path.',
  MB_ERR_BAD_AUDIO: 'The audio could not be read or is empty/invalid (not a WAV, zero samples, NaN). Supply a valid mono or stereo WAV.',
  MB_ERR_BAD_PARAMS: 'Synth parameters are missing, NaN or out of range. Normalized parameters lie in [0,1].',
  MB_ERR_MODEL_LOAD: 'A model file could not be loaded (corrupt ONNX, unreadable). Re-export or restore the model; the previous model stays loaded.',
  MB_ERR_MODEL_SHAPE: 'A model graph does not match its manifest (names, dtypes, shapes). Re-export the model with its export script (training/mirrornet/export.py, training/vqvae/export.py).',
  MB_ERR_MODEL_MANIFEST: 'A model manifest is missing or invalid. Re-export the model; every manifest field is described in src/models/manifest.ts.',
  MB_ERR_UNKNOWN_MODEL: 'No model with that name is available. List them with /mb/models/list (OSC), models/list (Max) or look in the models folder.',
  MB_ERR_UNKNOWN_STREAM: 'No open stream has that id. Open one first with /mb/stream/open.',
  MB_ERR_UNKNOWN_ADDRESS: 'The OSC address is not in the address table. See docs/osc.md.',
  MB_ERR_PATH: 'The path lies outside the allowed folder. Use a file inside the configured files folder.',
  MB_ERR_TOO_LARGE: 'The payload is larger than allowed. Send smaller blocks.',
  MB_ERR_BAD_TARGET: 'A descriptor target is empty, NaN or names an unknown descriptor.',
  MB_ERR_BUSY: 'The job queue is full. Retry later.',
  MB_ERR_UNSUPPORTED: 'No runtime is registered for this model kind or job yet (e.g. the MirrorNet or VQ runtime is missing from this build). Load a model of a supported kind; /mb/status lists them.',
  MB_ERR_AUTH: 'A token is required or was wrong. Pass the shared token configured on the server.',
  MB_ERR_NATIVE: 'The native addon failed; the TypeScript fallback is used. Rebuild with `npm rebuild`.',
  MB_ERR_TOOL_MISSING: 'An external tool (pd, sox, python3 torch) is missing. Run ./scripts/setup.sh.',
  MB_ERR_INTERNAL: 'An unexpected internal failure. Re-run with --debug and report it.',
} as const;

export type MbErrorCode = keyof typeof ERROR_CODES;

export class MbError extends Error {
  readonly code: MbErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: MbErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'MbError';
    this.code = code;
    this.details = details;
  }

  /** One line suitable for stderr, a Max post or an /mb/error message. */
  toLine(): string {
    return `${this.code}: ${this.message}`;
  }
}

/** Wraps any thrown value into an MbError, keeping MbErrors as they are. */
export function toMbError(err: unknown, fallback: MbErrorCode = 'MB_ERR_INTERNAL'): MbError {
  if (err instanceof MbError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new MbError(fallback, message);
}

/** Returns `value` when it is a finite number inside [min, max]; otherwise throws MB_ERR_BAD_ARGS naming it. */
export function checkRange(name: string, value: unknown, min: number, max: number, code: MbErrorCode = 'MB_ERR_BAD_ARGS'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new MbError(code, `${name} must be a number in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

/** Like checkRange but also requires an integer. */
export function checkInt(name: string, value: unknown, min: number, max: number): number {
  const v = checkRange(name, value, min, max);
  if (!Number.isInteger(v)) throw new MbError('MB_ERR_BAD_ARGS', `${name} must be an integer in [${min}, ${max}], got ${v}`);
  return v;
}

import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { MbError, checkInt, toMbError } from '../core/errors';
import { openPlant, type Plant } from '../plants';
import { plantFeatures } from '../plants/features';
import { readF32 } from './plantServer';

/**
 * The plant server of `mirrorbridge learn` (training/learn/plant.py starts it): any plant of
 * src/plants (the built-in synth, a Pd patch rendered by real Pd) behind the same wire format
 * as the training plant server (src/cli/plantServer.ts): one JSON request per line on stdin,
 * one JSON reply per line on stdout, tensors as raw little-endian float32 files.
 *
 * Ops:
 * - `schema` → `{ok, source, kind, schema}` (the parsed PlantSchema)
 * - `aud` {params_file [B,P] normalized, batch, out_file} → renders, writes the features
 *   (src/plants/features.ts) [B,128,frames]; reply `{ok, shape, renderSeconds}`
 * - `audio` {params_file [B,P], batch, out_file} → the renders [B,samples] at the schema's rate
 * - `quit`
 * A render that fails with MB_ERR_INTERNAL (Pd hung and was killed) is retried `--retries`
 * times (default 2) after a pause of one second each; then the reply is the error and training
 * decides (it saves its state and can resume).
 *
 * @example
 * // $ node dist/src/cli/learn-server.js --plant pd:patches/pd/plants/fm.pd --schema patches/pd/plants/fm.json
 * // > {"op":"aud","params_file":"/tmp/p.f32","batch":4,"out_file":"/tmp/s.f32"}
 * // < {"ok":true,"shape":[4,128,125],"renderSeconds":0.05}
 */
type Request = Record<string, unknown>;

function str(req: Request, key: string): string {
  const v = req[key];
  if (typeof v !== 'string' || v.length === 0) throw new MbError('MB_ERR_BAD_ARGS', `'${key}' must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

function writeF32(path: string, chunks: Float32Array[]): void {
  const all = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let pos = 0;
  for (const c of chunks) {
    all.set(c, pos);
    pos += c.length;
  }
  writeFileSync(path, Buffer.from(all.buffer, all.byteOffset, all.byteLength));
}

async function renderWithRetry(plant: Plant, vectors: Float32Array[], retries: number): Promise<Float32Array[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await plant.render(vectors);
    } catch (err) {
      const e = toMbError(err);
      if (e.code !== 'MB_ERR_INTERNAL' || attempt >= retries) throw e;
      process.stderr.write(`learn-server: ${e.toLine()}; retrying (${attempt + 1}/${retries})\n`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

function vectorsOf(plant: Plant, req: Request): Float32Array[] {
  const batch = checkInt('batch', req.batch, 1, 100000);
  const P = plant.schema.params.length;
  const flat = readF32(str(req, 'params_file'), batch * P);
  return Array.from({ length: batch }, (_, b) => flat.slice(b * P, (b + 1) * P));
}

/** Executes one request; failures become `{ok:false, code, message}`. */
export async function handleLearnRequest(plant: Plant, req: Request, retries = 2): Promise<Record<string, unknown>> {
  const id = req.id === undefined ? {} : { id: req.id };
  try {
    switch (req.op) {
      case 'ping':
      case 'quit':
        return { ok: true, ...id };
      case 'schema':
        return { ok: true, ...id, source: plant.source, kind: plant.kind, schema: plant.schema };
      case 'aud':
      case 'audio': {
        const vectors = vectorsOf(plant, req);
        const t0 = performance.now();
        const clips = await renderWithRetry(plant, vectors, retries);
        const renderSeconds = (performance.now() - t0) / 1000;
        if (req.op === 'audio') {
          writeF32(str(req, 'out_file'), clips);
          return { ok: true, ...id, shape: [clips.length, clips[0].length], sampleRate: plant.schema.sampleRate, renderSeconds };
        }
        const specs = clips.map((c) => plantFeatures(c, plant.schema.sampleRate));
        writeF32(str(req, 'out_file'), specs.map((s) => s.data));
        return { ok: true, ...id, shape: [specs.length, specs[0].channels, specs[0].frames], renderSeconds };
      }
      default:
        throw new MbError('MB_ERR_BAD_ARGS', `op must be one of ping, schema, aud, audio, quit, got ${JSON.stringify(req.op)}`);
    }
  } catch (err) {
    const e = toMbError(err);
    return { ok: false, ...id, code: e.code, message: e.message };
  }
}

/** Serves requests from stdin until EOF or `quit`; resolves to the exit code. */
export async function runLearnServer(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { plant: { type: 'string' }, schema: { type: 'string' }, retries: { type: 'string' } }, strict: true });
  if (!values.plant) throw new MbError('MB_ERR_BAD_ARGS', 'learn-server needs --plant builtin|pd:path/to/synth.pd');
  const retries = checkInt('--retries', Number(values.retries ?? 2), 0, 10);
  const plant = openPlant(values.plant, values.schema);
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      let req: Request;
      try {
        req = JSON.parse(line) as Request;
      } catch (err) {
        process.stdout.write(`${JSON.stringify({ ok: false, code: 'MB_ERR_BAD_ARGS', message: `request is not JSON: ${(err as Error).message}` })}\n`);
        continue;
      }
      process.stdout.write(`${JSON.stringify(await handleLearnRequest(plant, req, retries))}\n`);
      if (req.op === 'quit') break;
    }
  } finally {
    lines.close();
    plant.dispose();
  }
  return 0;
}

if (require.main === module) {
  runLearnServer(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`learn-server: ${toMbError(err).toLine()}\n`);
      process.exitCode = 2;
    },
  );
}

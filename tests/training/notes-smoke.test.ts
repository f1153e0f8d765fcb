import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TORCH_PYTHON } from '../../src/core/tools';
import { handlePlantRequest } from '../../src/cli/plantServer';
import { noteVectorSpectrogram } from '../../src/mirror/note-fit';
import { NoteModel } from '../../src/mirror/note-model';
import { requireTool, runProcess } from '../helpers';

/**
 * The note model's pipeline end to end on tiny sizes: the plant server's note_aud op, training
 * (training/mirrornet/notes.py --smoke), export with the PyTorch/onnxruntime-node parity check,
 * and the runtime loading the exported model.
 */
const REPO = resolve(__dirname, '../..');
const hasTorch = requireTool('torch');
const work = mkdtempSync(join(tmpdir(), 'mb-notes-smoke-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function python(args: string[]) {
  const r = await runProcess(TORCH_PYTHON, args, { cwd: REPO, timeout: 170_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('note_aud (plant server)', () => {
  it('writes [B,128,125] equal to noteVectorSpectrogram, and refuses a wrong vector length', () => {
    const v = Float32Array.from([0.1, 0.5, 0.45, 0.25, 0.3, 0.4, 0.6, 0.9, 0.05, 0.3, 0.1, 0, 0.7, 0]);
    const pf = join(work, 'v.f32');
    const of = join(work, 's.f32');
    writeFileSync(pf, Buffer.from(v.buffer));
    const reply = handlePlantRequest({ op: 'note_aud', params_file: pf, batch: 2, out_file: of });
    expect(reply).toMatchObject({ ok: true, shape: [2, 128, 125] });
    const b = readFileSync(of);
    const got = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    expect(got.subarray(128 * 125)).toEqual(noteVectorSpectrogram(v.subarray(7)).data);
    expect(handlePlantRequest({ op: 'note_aud', params_file: pf, batch: 3, out_file: of })).toMatchObject({ ok: false });
  });
});

describe.skipIf(!hasTorch)('note model smoke training', () => {
  it('trains, exports with parity <= 1e-4, and loads in the runtime', { timeout: 180_000 }, async () => {
    const run = join(work, 'run');
    const folder = join(work, 'models', 'smoke-notes');
    const train = await python(['-m', 'training.mirrornet.notes', '--smoke', '--out', run]);
    expect(train.status, train.stderr + train.stdout).toBe(0);
    expect(JSON.parse(readFileSync(join(run, 'history.json'), 'utf8')).history).toHaveLength(2);
    const exp = await python(['-m', 'training.mirrornet.notes_export', '--run', run, '--name', 'smoke-notes', '--out', folder]);
    expect(exp.status, exp.stderr + exp.stdout).toBe(0);
    const report = JSON.parse(exp.stdout.trim().split('\n').pop() ?? '{}');
    expect(report.status).toBe('ok');
    expect(Math.max(report.parity.encoder, report.parity.decoder)).toBeLessThanOrEqual(1e-4);
    const model = await NoteModel.load(folder);
    const [controls] = await model.encode([{ audio: new Float32Array(4000).map((_, i) => Math.sin(i / 5)), midi: 60, lead: 0.02, duration: 0.4 }]);
    expect(controls).toHaveLength(5);
    for (const c of controls) expect(c >= 0 && c <= 1).toBe(true);
    await model.dispose();
  });
});

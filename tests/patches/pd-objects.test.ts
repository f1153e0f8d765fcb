import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../helpers';
import { PD_EXTERNALS, PD_VANILLA } from './pd-objects';
import { allCanvases, parsePd } from './pd-parse';
import { canvasIo } from './validate';

/**
 * Checks the validator's table against Pd itself: every object text in our patches is
 * created in a real Pd by the pdinspect test external, which reports its inlets and outlets.
 */
const root = path.join(__dirname, '..', '..');
const hasPd = requireTool('pd');

function pdFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? pdFiles(path.join(dir, e.name)) : e.name.endsWith('.pd') ? [path.join(dir, e.name)] : [],
  );
}

/** Escapes object text for a Pd message file read by binbuf_read. */
const escape = (text: string) => text.replace(/\$/g, '\\$').replace(/,/g, ' \\, ').replace(/;/g, ' \\; ');

function build(cmd: string, args: string[], cwd = root): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
}

describe.skipIf(!hasPd)('the vanilla object table agrees with Pd', () => {
  it('has the inlet and outlet counts Pd reports for every object our patches use', () => {
    const files = [...pdFiles('patches/pd'), ...pdFiles('externals')];
    const abstractions = new Map(
      readdirSync(path.join(root, 'patches/pd'))
        .filter((f) => /^mb\..*\.pd$/.test(f) && !f.endsWith('-help.pd'))
        .map((f) => [f.replace(/\.pd$/, ''), canvasIo(parsePd(readFileSync(path.join(root, 'patches/pd', f), 'utf8')))] as const)
        // the example synths (patches/pd/plants) that example 5 plays as abstractions
        .concat(readdirSync(path.join(root, 'patches/pd/plants')).filter((f) => f.endsWith('.pd')).map((f) => [f.replace(/\.pd$/, ''), canvasIo(parsePd(readFileSync(path.join(root, 'patches/pd/plants', f), 'utf8')))] as const)),
    );
    const texts = new Set<string>();
    for (const f of files) {
      for (const canvas of allCanvases(parsePd(readFileSync(path.join(root, f), 'utf8')))) {
        for (const b of canvas.boxes) if (b.kind === 'obj') texts.add(b.text);
      }
    }
    // The external is exercised by tests/integration/external-mbstream.test.ts (which builds it).
    const list = [...texts].filter((t) => !(t.split(' ')[0] in PD_EXTERNALS)).sort();
    const work = mkdtempSync(path.join(tmpdir(), 'mb-pdinspect-'));
    build('cc', ['-O1', '-fPIC', '-shared', '-I/usr/include/pd', '-o', path.join(work, 'pdinspect.pd_linux'), path.join(__dirname, 'tools', 'pdinspect.c')]);
    writeFileSync(path.join(work, 'inspect.pd'), '#N canvas 0 50 450 300 12;\n#X obj 10 10 pdinspect;\n');
    writeFileSync(path.join(work, 'objects.txt'), list.map((t) => `${escape(t)};\n`).join(''));
    const report = path.join(work, 'report.txt');
    const run = spawnSync(
      'pd',
      ['-nogui', '-nosound', '-stderr', '-path', work, '-path', path.join(root, 'patches/pd'), '-path', path.join(root, 'patches/pd/plants'), '-open', path.join(work, 'inspect.pd'), '-send', `pdinspect file ${path.join(work, 'objects.txt')} ${report}`, '-send', 'pd quit'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const lines = readFileSync(report, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(list.length);
    const mismatches: string[] = [];
    list.forEach((text, i) => {
      const [created, inlets, outlets] = lines[i].split(' ');
      const [cls, ...args] = text.split(' ');
      const rule = PD_VANILLA[cls];
      const want = rule ? rule(args, text) : abstractions.get(cls);
      if (created !== '1') mismatches.push(`[${text}]: Pd cannot create it`);
      else if (!want) mismatches.push(`[${text}]: not in the table`);
      else if (want.inlets !== Number(inlets) || want.outlets !== Number(outlets)) {
        mismatches.push(`[${text}]: Pd says ${inlets}/${outlets} inlets/outlets, the table ${want.inlets}/${want.outlets}`);
      }
    });
    expect(mismatches).toEqual([]);
    expect(list.length).toBeGreaterThan(50);
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../core/paths';
import { MbError } from '../core/errors';
import { renderErrorsMarkdown } from '../core/errorsDoc';
import { renderOscDoc } from '../verbs/doc';
import { PARAM_SPECS, SET2 } from '../synth';
import { parseCommandArgs, type Command } from './command';

/** docs/synth.md: the plant's parameter table, rendered from the schema the code uses. */
export function renderSynthMarkdown(): string {
  const rows = SET2.map((n) => {
    const s = PARAM_SPECS[n];
    const training = s.trainingRange ? `${s.trainingRange[0]}–${s.trainingRange[1]}` : 'fixed';
    return `| ${SET2.indexOf(n) + 1} | \`${n}\` | ${s.unit} | ${s.curve} | ${s.defaultValue.toFixed(3)} | ${training} | ${s.description} |`;
  });
  return [
    '# The plant: parameters',
    '',
    'The subtractive synth MirrorNet learns to control (src/synth): a saw/pulse oscillator, a',
    'resonant band-pass filter, an attack/decay envelope with sustain 0, and vibrato. Every',
    'parameter is normalized to [0, 1]; set 1 is the first 7 rows, set 2 all 10. A melody has',
    'N notes (default 5) on equal slots over its length (default 2 s). Generated from',
    '`src/synth/params.ts` by `mirrorbridge docs --write`.',
    '',
    '| # | name | unit | curve | default (normalized) | training range | mapping |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

/** Generated documents: path relative to the repository root and its renderer. */
export const GENERATED_DOCS: { path: string; render: () => string }[] = [
  { path: 'docs/errors.md', render: renderErrorsMarkdown },
  { path: 'docs/synth.md', render: renderSynthMarkdown },
  { path: 'docs/osc.md', render: () => renderOscDoc() },
];

export const docsCommand: Command = {
  name: 'docs',
  summary: 'regenerate (--write) or verify (--check) the generated docs (errors.md, osc.md)',
  usage: 'mirrorbridge docs --write | --check [--root DIR]',
  async run(argv) {
    const { values } = parseCommandArgs(argv, { write: { type: 'boolean' }, check: { type: 'boolean' }, root: { type: 'string' } }, false);
    const root = values.root ?? packageRoot();
    if (!values.write && !values.check) throw new MbError('MB_ERR_BAD_ARGS', 'pass --write or --check');
    const stale: string[] = [];
    for (const doc of GENERATED_DOCS) {
      const file = join(root, doc.path);
      const text = doc.render();
      if (values.write) writeFileSync(file, text);
      else if (readFileSafe(file) !== text) stale.push(doc.path);
    }
    if (stale.length > 0) {
      process.stderr.write(`stale generated docs: ${stale.join(', ')} (run mirrorbridge docs --write)\n`);
      return 1;
    }
    return 0;
  },
};

function readFileSafe(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

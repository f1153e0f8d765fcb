import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../core/paths';
import { MbError } from '../core/errors';
import { renderErrorsMarkdown } from '../core/errorsDoc';
import { renderOscDoc } from '../verbs/doc';
import { NOTE_FIELD_SPECS, NOTE_SOUND_PARAMS, PARAM_SPECS, SET2 } from '../synth';
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
    ...renderNotesSection(),
  ].join('\n');
}

/** The notes configuration (src/synth/notes.ts): its own fields, then the sound controls it shares. */
function renderNotesSection(): string[] {
  const fields = Object.values(NOTE_FIELD_SPECS).map((s) => `| \`${s.name}\` | ${s.unit} | ${s.min}–${s.max} | ${s.defaultValue} | ${s.curve} | ${s.description} |`);
  return [
    '## Notes configuration',
    '',
    'Beside the paper\'s melody (N notes on equal slots, the 8-note grid), the same plant plays',
    'melodies as people play them: `renderNotes` takes notes at any onset (seconds), each with',
    'the fields below in units; gaps are rests. One voice: a note whose gate and release would',
    'reach the next onset is cut so that its release ends there. The sound controls',
    `${NOTE_SOUND_PARAMS.map((n) => `\`${n}\``).join(', ')} take the units and ranges of the table`,
    'above (value at p = 0 to value at p = 1) and their defaults. The normalized form (`curve`)',
    'is what a note-level model reads and writes.',
    '',
    '| field | unit | range | default | curve | meaning |',
    '| --- | --- | --- | --- | --- | --- |',
    ...fields,
    '',
  ];
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

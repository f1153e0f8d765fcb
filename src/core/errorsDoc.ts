import { ERROR_CODES } from './errors';

/**
 * Renders docs/errors.md from ERROR_CODES, so the list users read is the list the code throws.
 *
 * @example
 * writeFileSync('docs/errors.md', renderErrorsMarkdown());
 */
export function renderErrorsMarkdown(): string {
  const rows = Object.entries(ERROR_CODES).map(([code, remedy]) => `| \`${code}\` | ${remedy} |`);
  return [
    '# Error codes',
    '',
    'Every failure carries one of these codes: on the CLI as `CODE: message` on stderr (exit 2 for',
    'bad input, 1 for internal failure), over OSC as `/mb/error <code> <message>`, in Max as an',
    '`error` message from the node.script outlet. Generated from `src/core/errors.ts` by',
    '`mirrorbridge docs --write`; do not edit by hand.',
    '',
    '| code | what it means and what to do |',
    '| --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_DOCS } from '../../src/cli/docs';
import { ERROR_CODES } from '../../src/core/errors';

const root = join(__dirname, '..', '..');

describe('generated docs', () => {
  it.each(GENERATED_DOCS.map((d) => [d.path, d]))('%s equals its generator output (run: mirrorbridge docs --write)', (_p, doc) => {
    expect(readFileSync(join(root, doc.path), 'utf8')).toBe(doc.render());
  });

  it('errors.md lists every error code', () => {
    const text = readFileSync(join(root, 'docs/errors.md'), 'utf8');
    for (const code of Object.keys(ERROR_CODES)) expect(text).toContain(`\`${code}\``);
  });
});

/**
 * Writes docs/osc.md from the OSC address table. Run: npx vite-node scripts/gen-osc-doc.ts
 * (tests/net/osc-doc.test.ts fails while the committed file differs from this output).
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { renderOscDoc } from '../src/net/osc/doc';

const target = path.join(__dirname, '..', 'docs', 'osc.md');
writeFileSync(target, renderOscDoc());
console.log(`wrote ${path.relative(process.cwd(), target)}`);

import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, basename } from 'node:path';
import { cpus } from 'node:os';

/**
 * `npm run bench`: runs every bench/<topic>.ts module's exported `bench*` functions in one
 * process, prints their tables and writes bench/results/<topic>.json. `npm run bench -- net vq`
 * runs only the named topics.
 */
async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const here = __dirname;
  const resultsDir = join(here, '..', '..', 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const topics = readdirSync(here)
    .filter((f) => f.endsWith('.js') && f !== 'run.js')
    .map((f) => basename(f, '.js'))
    .filter((t) => only.length === 0 || only.includes(t))
    .sort();
  let failed = 0;
  for (const topic of topics) {
    const mod = (await import(join(here, `${topic}.js`))) as Record<string, unknown>;
    const benches: Record<string, unknown> = {};
    for (const [name, fn] of Object.entries(mod)) {
      if (!name.startsWith('bench') || typeof fn !== 'function') continue;
      console.log(`\n== ${topic}: ${name} ==`);
      try {
        benches[name] = (await (fn as () => Promise<Record<string, unknown>>)()) ?? {};
      } catch (err) {
        failed++;
        benches[name] = { error: (err as Error).message };
        console.error(`bench ${topic}/${name} failed: ${(err as Error).message}`);
      }
    }
    const record = {
      topic,
      date: new Date().toISOString(),
      machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version },
      benches,
    };
    writeFileSync(join(resultsDir, `${topic}.json`), `${JSON.stringify(record, null, 2)}\n`);
  }
  if (failed > 0) process.exitCode = 1;
}

void main();

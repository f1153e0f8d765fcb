// Builds the optional native addon. A failed build is not fatal: src/native falls back
// to the TypeScript implementation and says so once at load time.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

if (process.env.MB_SKIP_NATIVE_BUILD === '1') {
  console.log('mirrorbridge: native addon build skipped (MB_SKIP_NATIVE_BUILD=1)');
  process.exit(0);
}
const gyp = (() => {
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return path.join(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
  }
})();
// Build against the headers installed next to this node binary when there are some, so the
// build needs no download (node-gyp would otherwise fetch headers from the network).
const args = [gyp, 'rebuild'];
const localNode = path.resolve(path.dirname(process.execPath), '..');
if (!process.env.npm_config_nodedir && fs.existsSync(path.join(localNode, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${localNode}`);
}
const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: path.join(__dirname, '..') });
if (r.status !== 0) {
  console.warn('mirrorbridge: native addon build failed; the pure TypeScript fallback will be used.');
}
process.exit(0);

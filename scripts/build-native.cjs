// Builds the optional native addon. A failed build is not fatal: src/native falls back
// to the TypeScript implementation and says so once at load time.
const { spawnSync } = require('node:child_process');
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
const r = spawnSync(process.execPath, [gyp, 'rebuild'], { stdio: 'inherit', cwd: path.join(__dirname, '..') });
if (r.status !== 0) {
  console.warn('mirrorbridge: native addon build failed; the pure TypeScript fallback will be used.');
}
process.exit(0);

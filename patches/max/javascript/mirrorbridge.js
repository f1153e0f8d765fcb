/*
 * node.script entry of the mirrorbridge Max package. It loads the compiled bridge
 * (dist/bridge/index.js) from the mirrorbridge checkout, which holds the engine, the models
 * and node_modules. The checkout is found, in order, through:
 *   1. the MIRRORBRIDGE_HOME environment variable;
 *   2. a one-line file mirrorbridge-home.txt next to this script holding its path;
 *   3. the folders above this script (the package linked, not copied, from patches/max).
 */
const fs = require('fs');
const path = require('path');

function candidates() {
  const list = [];
  if (process.env.MIRRORBRIDGE_HOME) list.push(process.env.MIRRORBRIDGE_HOME);
  const pointer = path.join(__dirname, 'mirrorbridge-home.txt');
  if (fs.existsSync(pointer)) list.push(fs.readFileSync(pointer, 'utf8').trim());
  for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir)) list.push(dir);
  return list;
}

const entry = candidates()
  .map((home) => path.join(home, 'dist', 'bridge', 'index.js'))
  .find((file) => fs.existsSync(file));

if (entry) {
  require(entry);
} else {
  const maxApi = require('max-api');
  maxApi.post(
    'mirrorbridge: cannot find dist/bridge/index.js. Run "npm install && npm run build" in the mirrorbridge folder, ' +
      'then link this package into Max\'s Packages folder, or put that folder\'s path in javascript/mirrorbridge-home.txt.',
    maxApi.POST_LEVELS.ERROR,
  );
}

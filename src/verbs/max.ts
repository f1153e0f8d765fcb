import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MbError } from '../core/errors';
import { STREAM_ID } from '../engine/limits';
import { need } from './need';
import { out, verb } from './build';
import { reply, str } from './replies';
import type { TableEntry } from './spec';

/**
 * Verbs only the Max door has: Max runs the engine in-process, so a patch can copy sound files
 * into the files folder, start the network servers for Pd and browsers, and configure folders.
 * OSC clients have none of these (a remote client must not copy local files or start servers).
 */
const MAX = ['max'] as const;
const port = (name: string, what: string) => ({ name, type: 'i' as const, min: 0, max: 65535, optional: true, description: `${what} (absent: the default, 9130 for OSC and 9131 for HTTP; 0: any free port).` });

export const MAX_ENTRIES: readonly TableEntry[] = [
  verb({
    address: '/mb/stream/default', group: 'streams', doors: MAX,
    description: 'The stream bare lists of samples (and a number sent alone) go to; /mb/stream/open sets it too.',
    signatures: [[STREAM_ID]],
    needsEngine: false,
    handler: (a, { door }) => need(door, 'setDefaultStream', 'stream/default')(a.int('id')),
  }),
  verb({
    address: '/mb/files/import', group: 'files', doors: MAX,
    description: 'Copies a sound file into the files folder (offline jobs read only there).',
    signatures: [[
      { name: 'path', type: 's', format: 'path', description: 'Absolute path of the file to copy.' },
      { name: 'name', type: 's', optional: true, description: 'Plain file name in the files folder (default: the file\'s own name).' },
    ]],
    replies: ['/mb/files/imported'],
    handler: async (a, { engine }) => {
      const source = a.str('path');
      const stat = await fs.stat(source).catch(() => undefined);
      if (!stat?.isFile()) throw new MbError('MB_ERR_NOT_FOUND', `files/import: no file ${JSON.stringify(source)}`);
      const target = a.optStr('name') ?? path.basename(source);
      if (target !== path.basename(target) || target.startsWith('.')) {
        throw new MbError('MB_ERR_PATH', `files/import: the new name must be a plain file name, got ${JSON.stringify(target)}`);
      }
      const full = await engine.files.resolve(target, 'write');
      await fs.copyFile(source, full);
      return [reply('/mb/files/imported', str(target), str(full))];
    },
  }),
  out({
    address: '/mb/files/imported', group: 'files', doors: MAX,
    description: 'A file was copied into the files folder.',
    signatures: [[{ name: 'name', type: 's', description: 'Its name in the files folder.' }, { name: 'path', type: 's', description: 'Its full path.' }]],
  }),
  verb({
    // Every door: the page's plane view writes its corner list with it too.
    address: '/mb/files/corners', group: 'files',
    description: 'Writes the list file of the four corner sounds of the interpolation plane (for /mb/job/vq plane).',
    signatures: [[
      { name: 'a', type: 's', format: 'file', description: 'Top-left corner WAV, inside the files folder.' },
      { name: 'b', type: 's', format: 'file', description: 'Top-right corner WAV.' },
      { name: 'c', type: 's', format: 'file', description: 'Bottom-left corner WAV.' },
      { name: 'd', type: 's', format: 'file', description: 'Bottom-right corner WAV.' },
      { name: 'list', type: 's', format: 'file', optional: true, default: 'mb-corners.txt', description: 'List file to write (default mb-corners.txt).' },
    ]],
    replies: ['/mb/files/cornerlist'],
    handler: async (a, { engine }) => {
      const paths = await Promise.all(['a', 'b', 'c', 'd'].map((n) => engine.files.resolve(a.str(n), 'read')));
      const listName = a.optStr('list') ?? 'mb-corners.txt';
      await fs.writeFile(await engine.files.resolve(listName, 'write'), `${paths.join('\n')}\n`);
      return [reply('/mb/files/cornerlist', str(listName))];
    },
  }),
  out({
    address: '/mb/files/cornerlist', group: 'files',
    description: 'The corner list file was written.',
    signatures: [[{ name: 'list', type: 's', description: 'Its name in the files folder.' }]],
  }),
  verb({
    address: '/mb/files/locate', group: 'files', doors: MAX,
    description: 'Asks where the files folder is.',
    signatures: [[]],
    replies: ['/mb/files/folder'],
    handler: (_a, { engine }) => [reply('/mb/files/folder', str(engine.files.root))],
  }),
  out({
    address: '/mb/files/folder', group: 'files', doors: MAX,
    description: 'The files folder.',
    signatures: [[{ name: 'path', type: 's', description: 'Its full path.' }]],
  }),
  verb({
    address: '/mb/server/start', group: 'server', doors: MAX,
    description: 'Starts the OSC (UDP) and WebSocket/OSCQuery servers over this engine, so Pd and browsers join the session.',
    signatures: [[port('osc', 'OSC UDP port'), port('http', 'HTTP/WebSocket port')]],
    replies: ['/mb/server/serving'],
    handler: async (a, { door }) => [await need(door, 'serve', 'server/start')(a.optInt('osc'), a.optInt('http'))],
  }),
  verb({
    address: '/mb/server/stop', group: 'server', doors: MAX,
    description: 'Stops the servers started by server/start.',
    signatures: [[]],
    replies: ['/mb/server/serving'],
    handler: async (_a, { door }) => [await need(door, 'unserve', 'server/stop')()],
  }),
  out({
    address: '/mb/server/serving', group: 'server', doors: MAX,
    description: 'Where the servers listen (0 0 and an empty URL once stopped).',
    signatures: [[
      { name: 'osc', type: 'i', min: 0, max: 65535, description: 'OSC UDP port.' },
      { name: 'http', type: 'i', min: 0, max: 65535, description: 'HTTP/WebSocket port.' },
      { name: 'url', type: 's', description: 'OSCQuery URL.' },
    ]],
  }),
  verb({
    address: '/mb/run', group: 'server', doors: MAX,
    description: 'Runs the request held in a [dict]: {"command": "<selector>", "args": [...]}.',
    signatures: [[{ name: 'dict', type: 's', description: 'Name of the dict.' }]],
    needsEngine: false,
    handler: async (a, { door }) => need(door, 'runDict', 'run')(a.str('dict')),
  }),
  verb({
    address: '/mb/config', group: 'server', doors: MAX,
    description: 'Sets the models or files folder and restarts the engine over it ("ready" again when it has loaded); refused while jobs run, streams are open or the servers serve.',
    signatures: [[
      { name: 'key', type: 's', values: ['modelsdir', 'filesdir'], description: 'Which folder.' },
      { name: 'folder', type: 's', format: 'path', description: 'The folder (relative paths: from the Max process\'s working folder).' },
    ]],
    replies: ['/mb/configured'],
    needsEngine: false,
    handler: (a, { door }) => {
      need(door, 'configure', 'config')(a.str('key'), a.str('folder'));
      return [reply('/mb/configured', str(a.str('key')), str(a.str('folder')))];
    },
  }),
  // The bridge's state: Max starts node.script's process after the patch has loaded and drops
  // what reaches it before the script runs, so patches wait for "ready" before sending.
  out({
    address: '/mb/ready', group: 'server', doors: MAX,
    description: 'The bridge takes messages and its engine has loaded the models: send what a patch sends at load on this (also after config restarts the engine).',
    signatures: [[]],
  }),
  out({
    address: '/mb/busy', group: 'server', doors: MAX,
    description: 'Offline jobs are queued or running (sent once when the first one starts).',
    signatures: [[]],
  }),
  out({
    address: '/mb/idle', group: 'server', doors: MAX,
    description: 'The job queue is empty again (sent once when the last job ends).',
    signatures: [[]],
  }),
  out({
    address: '/mb/configured', group: 'server', doors: MAX,
    description: 'A folder was set.',
    signatures: [[{ name: 'key', type: 's', description: 'modelsdir or filesdir.' }, { name: 'folder', type: 's', description: 'The folder.' }]],
  }),
];

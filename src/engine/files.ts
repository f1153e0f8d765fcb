import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MbError } from '../core/errors';

/**
 * Confines file arguments (offline jobs) to one folder. Relative paths are taken from the
 * folder; absolute paths must lie inside it; symlinks are resolved so a link cannot point
 * out. Anything else is MB_ERR_PATH, a missing input MB_ERR_NOT_FOUND.
 *
 * @example
 * const files = new FileFolder('/srv/mirrorbridge/files');
 * await files.resolve('takes/voice.wav', 'read'); // '/srv/mirrorbridge/files/takes/voice.wav'
 * await files.resolve('../secret', 'read');       // throws MB_ERR_PATH
 */
export class FileFolder {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async resolve(file: string, mode: 'read' | 'write'): Promise<string> {
    if (typeof file !== 'string' || file.length === 0 || file.includes('\u0000')) {
      throw new MbError('MB_ERR_BAD_ARGS', `file must be a non-empty path, got ${JSON.stringify(file)}`);
    }
    const rootReal = await this.rootReal();
    const full = path.resolve(rootReal, file);
    this.checkInside(rootReal, full, file);
    return mode === 'read' ? this.readable(rootReal, full, file) : this.writable(rootReal, full, file);
  }

  private async rootReal(): Promise<string> {
    try {
      return await fs.realpath(this.root);
    } catch {
      throw new MbError('MB_ERR_NOT_FOUND', `the files folder ${this.root} does not exist; create it or start the server with another files folder`);
    }
  }

  private checkInside(rootReal: string, full: string, asGiven: string): void {
    const rel = path.relative(rootReal, full);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new MbError('MB_ERR_PATH', `${JSON.stringify(asGiven)} is outside the files folder ${rootReal}`);
    }
  }

  private async readable(rootReal: string, full: string, asGiven: string): Promise<string> {
    const real = await fs.realpath(full).catch(() => {
      throw new MbError('MB_ERR_NOT_FOUND', `no file ${JSON.stringify(asGiven)} in the files folder`);
    });
    this.checkInside(rootReal, real, asGiven);
    const stat = await fs.stat(real);
    if (!stat.isFile()) throw new MbError('MB_ERR_NOT_FOUND', `${JSON.stringify(asGiven)} is not a file`);
    return real;
  }

  private async writable(rootReal: string, full: string, asGiven: string): Promise<string> {
    const dir = await fs.realpath(path.dirname(full)).catch(() => {
      throw new MbError('MB_ERR_NOT_FOUND', `the folder of ${JSON.stringify(asGiven)} does not exist in the files folder`);
    });
    const target = path.join(dir, path.basename(full));
    this.checkInside(rootReal, target, asGiven);
    const existing = await fs.lstat(target).catch(() => undefined);
    if (existing && !existing.isFile()) throw new MbError('MB_ERR_PATH', `${JSON.stringify(asGiven)} exists and is not a regular file`);
    return target;
  }
}

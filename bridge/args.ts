import { MbError } from '../src/core/errors';

/**
 * Checks the arguments of one Max message. Max hands node.script numbers as JS numbers and
 * symbols as strings; every check names the message, the argument, the value received and
 * what was expected, so the Max console says exactly what to fix.
 *
 * @example
 * const a = new MaxArgs('open', [1, 44100, 512]);
 * a.int('id', 0, 65535); // 1
 */
export type MaxAtom = string | number;

export class MaxArgs {
  private next = 0;

  constructor(
    readonly selector: string,
    readonly values: readonly unknown[],
  ) {}

  private take(name: string, optional: boolean): unknown {
    if (this.next >= this.values.length) {
      if (optional) return undefined;
      throw new MbError('MB_ERR_BAD_ARGS', `${this.selector}: missing ${name} (argument ${this.next + 1})`);
    }
    return this.values[this.next++];
  }

  private fail(name: string, v: unknown, expected: string): never {
    throw new MbError('MB_ERR_BAD_ARGS', `${this.selector}: ${name} must be ${expected}, got ${JSON.stringify(v)}`);
  }

  num(name: string, min: number, max: number): number {
    const v = this.take(name, false);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) this.fail(name, v, `a number in [${min}, ${max}]`);
    return v;
  }

  int(name: string, min: number, max: number): number {
    const v = this.take(name, false);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(name, v, `an integer in [${min}, ${max}]`);
    return v;
  }

  optInt(name: string, min: number, max: number): number | undefined {
    if (this.next >= this.values.length) return undefined;
    return this.int(name, min, max);
  }

  str(name: string): string {
    const v = this.take(name, false);
    if (typeof v !== 'string' || v.length === 0) this.fail(name, v, 'a symbol');
    return v;
  }

  optStr(name: string): string | undefined {
    const v = this.take(name, true);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.length === 0) this.fail(name, v, 'a symbol');
    return v;
  }

  /** All remaining arguments as samples (finite numbers). */
  floats(name: string, maxCount: number): Float32Array {
    const rest = this.values.slice(this.next);
    this.next = this.values.length;
    if (rest.length === 0 || rest.length > maxCount) {
      throw new MbError('MB_ERR_BAD_ARGS', `${this.selector}: ${name} needs 1 to ${maxCount} numbers, got ${rest.length}`);
    }
    const out = new Float32Array(rest.length);
    for (let i = 0; i < rest.length; i++) {
      const v = rest[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`${name}[${i}]`, v, 'a finite number');
      out[i] = v;
    }
    return out;
  }

  /** Fails when arguments are left over (a typo in a message box shows up instead of being ignored). */
  done(): void {
    if (this.next < this.values.length) {
      throw new MbError('MB_ERR_BAD_ARGS', `${this.selector}: unexpected extra argument(s) ${JSON.stringify(this.values.slice(this.next))}`);
    }
  }
}

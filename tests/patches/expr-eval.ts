/**
 * A small evaluator for the [expr] texts the patch generators write (Pd and Max dialects),
 * so tests can check what an expression computes instead of how it is spelt. It knows the
 * arithmetic, comparison and logic operators, if(), the math functions the patches use,
 * inlet variables ($f1, $i2, $v1 ...) and `;` between outlets. Max's escaped commas (`\,`)
 * read as commas. Max's integer arithmetic is not modelled: every value is a double.
 *
 * @example
 * evalExpr('62 + 12 * $f1', { $f1: 0.5 }) // [68]
 * evalExpr('max(20.\\, 100. * pow(2.\\, 7. * $f1))', { $f1: 0 }) // [100]
 */
type Vars = Record<string, number>;

const FUNCTIONS: Record<string, (...a: number[]) => number> = {
  pow: Math.pow,
  min: Math.min,
  max: Math.max,
  abs: Math.abs,
  int: Math.trunc,
  sqrt: Math.sqrt,
  exp: Math.exp,
  log: Math.log,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  if: (c, a, b) => (c !== 0 ? a : b),
};

const TOKEN = /\s*(\$[a-z]\d+|\d+\.?\d*(?:e[-+]?\d+)?|\.\d+|[a-z_][a-z0-9_]*|\|\||&&|==|!=|>=|<=|[-+*/(),;<>!])/iy;

function tokenize(text: string): string[] {
  const src = text.replace(/\\,/g, ',').trim();
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(src);
    if (!m) throw new Error(`expr: cannot read "${src.slice(at)}"`);
    out.push(m[1]);
  }
  return out;
}

/** Evaluates every `;`-separated expression of `text`; throws on syntax it does not know. */
export function evalExpr(text: string, vars: Vars = {}): number[] {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const take = (want?: string) => {
    const t = tokens[i++];
    if (want !== undefined && t !== want) throw new Error(`expr: expected "${want}", got "${t ?? 'end'}" in ${text}`);
    return t;
  };
  const binary = (next: () => number, ops: Record<string, (a: number, b: number) => number>) => (): number => {
    let v = next();
    while (peek() in ops) {
      const op = ops[take()];
      v = op(v, next());
    }
    return v;
  };
  const primary = (): number => {
    const t = take();
    if (t === undefined) throw new Error(`expr: unexpected end of ${text}`);
    if (t === '(') {
      const v = or();
      take(')');
      return v;
    }
    if (t === '-') return -primary();
    if (t === '+') return primary();
    if (t === '!') return primary() === 0 ? 1 : 0;
    if (t.startsWith('$')) {
      if (!(t in vars)) throw new Error(`expr: no value for ${t}`);
      return vars[t];
    }
    if (/^[\d.]/.test(t)) return Number(t);
    const fn = FUNCTIONS[t];
    if (!fn) throw new Error(`expr: unknown function ${t}`);
    take('(');
    const args = [or()];
    while (peek() === ',') {
      take();
      args.push(or());
    }
    take(')');
    return fn(...args);
  };
  const b = (x: boolean) => (x ? 1 : 0);
  const mul = binary(primary, { '*': (x, y) => x * y, '/': (x, y) => x / y });
  const add = binary(mul, { '+': (x, y) => x + y, '-': (x, y) => x - y });
  const cmp = binary(add, { '<': (x, y) => b(x < y), '>': (x, y) => b(x > y), '<=': (x, y) => b(x <= y), '>=': (x, y) => b(x >= y) });
  const eq = binary(cmp, { '==': (x, y) => b(x === y), '!=': (x, y) => b(x !== y) });
  const and = binary(eq, { '&&': (x, y) => b(x !== 0 && y !== 0) });
  const or = binary(and, { '||': (x, y) => b(x !== 0 || y !== 0) });
  const results = [or()];
  while (peek() === ';') {
    take();
    results.push(or());
  }
  if (i < tokens.length) throw new Error(`expr: unexpected "${tokens[i]}" in ${text}`);
  return results;
}

/** The one value of a single-outlet expression. */
export function evalOne(text: string, vars: Vars = {}): number {
  const [v, ...rest] = evalExpr(text, vars);
  if (rest.length > 0) throw new Error(`expr: ${text} has ${rest.length + 1} outlets`);
  return v;
}

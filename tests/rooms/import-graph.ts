import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/**
 * The import graph of the project's TypeScript, read with the TypeScript parser (so doc
 * comments, strings and examples are never taken for imports): static imports and
 * re-exports, `import type` included (a circle of types still ties two rooms together),
 * `import x = require()`, dynamic `import()` and `require()` with a literal path. Only
 * relative specifiers are followed; packages are leaves.
 */
export interface ImportGraph {
  /** Repository-relative paths with forward slashes, e.g. 'src/dsp/auditory.ts'. */
  files: string[];
  /** For each file, the files it imports. */
  edges: Map<string, Set<string>>;
}

export const ROOT = path.resolve(__dirname, '..', '..');

function listTs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : listTs(full);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The relative specifiers a source text imports, in order of appearance. */
export function importSpecifiers(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((s) => s.startsWith('.'));
}

function resolveSpecifier(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

const rel = (file: string): string => path.relative(ROOT, file).split(path.sep).join('/');

/** Reads every .ts file under the given repository folders and links their relative imports. */
export function readImportGraph(folders: string[]): ImportGraph {
  const files = folders.flatMap((f) => listTs(path.join(ROOT, f)));
  const edges = new Map<string, Set<string>>();
  for (const file of files) {
    const targets = new Set<string>();
    for (const spec of importSpecifiers(file, readFileSync(file, 'utf8'))) {
      const target = resolveSpecifier(file, spec);
      if (target) targets.add(rel(target));
    }
    edges.set(rel(file), targets);
  }
  return { files: files.map(rel).sort(), edges };
}

/**
 * Every import circle, as its files in import order (the first file repeated at the end is
 * implied), each reported once whichever file it is entered from: the strongly connected
 * components of more than one file (Tarjan), plus files that import themselves.
 *
 * @example
 * findCircles(readImportGraph(['src'])); // [['src/dsp/auditory.ts', 'src/dsp/cochlea.ts']] when they import each other
 */
export function findCircles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const circles: string[][] = [];
  let next = 0;
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.edges.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.edges.get(v)?.has(v)) circles.push(component.sort());
  };
  for (const f of graph.files) if (!index.has(f)) connect(f);
  return circles.sort((a, b) => a[0].localeCompare(b[0]));
}

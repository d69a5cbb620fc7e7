/**
 * The layering CONTRIBUTING.md describes, checked on the source: the pure layers import no Node
 * built-in, no sharp and no edge or tooling code, and no library entry reaches the CLI or the
 * evaluation/benchmark layer through any chain of imports.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');

const PURE_LAYERS = ['core', 'algorithms', 'matching', 'lists', 'features', 'video'];
const EDGE_AND_TOOLING = ['sharp', 'node', 'browser', 'cli', 'eval'];
/** The library's entries (package.json "exports"); none may reach src/cli or src/eval. */
const LIBRARY_ENTRIES = ['index.ts', 'sharp/index.ts', 'browser/index.ts', 'node/video.ts', 'node/index.ts'];

/** Every module specifier a file imports or re-exports, statically or with import(). */
function specifiersOf(source: string): string[] {
  // Comments would otherwise count an `import ... from 'node:fs'` in a TSDoc example.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of code.matchAll(pattern)) found.push(m[1] as string);
  return found;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** The file a relative specifier names (`./x.js` is `./x.ts` in the source), or undefined for a package. */
function resolveLocal(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${relative(ROOT, from)}: cannot resolve ${specifier}`);
}

const layerOf = (file: string): string => relative(SRC, file).split('/')[0] as string;

/** Every file reachable from `entry`, with the chain of imports that reaches it. */
function reachable(entry: string): Map<string, string[]> {
  const chains = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    for (const spec of specifiersOf(readFileSync(file, 'utf8'))) {
      const target = resolveLocal(file, spec);
      if (target === undefined || chains.has(target)) continue;
      chains.set(target, [...(chains.get(file) as string[]), target]);
      queue.push(target);
    }
  }
  return chains;
}

describe('import boundaries', () => {
  it('the import scanner sees static, type-only, side-effect and dynamic imports, not comments', () => {
    const seen = specifiersOf(
      [
        "import { a } from './a.js';",
        "import type { B } from 'node:fs';",
        "export * from '../c.js';",
        "export { d } from './d.js';",
        "import './side.js';",
        "const e = await import('sharp');",
        "// import { x } from 'node:os';",
        "/** import { y } from 'node:path'; */",
      ].join('\n'),
    );
    expect(seen.sort()).toEqual(['../c.js', './a.js', './d.js', './side.js', 'node:fs', 'sharp'].sort());
  });

  it('pure layers import no node:*, no sharp, and no edge, CLI or evaluation code', () => {
    const problems: string[] = [];
    for (const layer of PURE_LAYERS) {
      const dir = join(SRC, layer);
      if (!existsSync(dir)) continue;
      for (const file of sourceFiles(dir)) {
        for (const spec of specifiersOf(readFileSync(file, 'utf8'))) {
          const target = resolveLocal(file, spec);
          const bad =
            target === undefined
              ? spec.startsWith('node:') || spec === 'sharp' || spec.startsWith('sharp/')
              : EDGE_AND_TOOLING.includes(layerOf(target));
          if (bad) problems.push(`${relative(ROOT, file)} imports ${spec}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('src/node (file I/O and FFmpeg) never imports sharp, directly or through src/sharp', () => {
    const problems: string[] = [];
    for (const file of sourceFiles(join(SRC, 'node'))) {
      for (const spec of specifiersOf(readFileSync(file, 'utf8'))) {
        const target = resolveLocal(file, spec);
        if (target === undefined ? spec === 'sharp' : layerOf(target) === 'sharp') {
          problems.push(`${relative(ROOT, file)} imports ${spec}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('the evaluation and benchmark layer (src/eval) does not import the CLI', () => {
    const problems: string[] = [];
    for (const file of sourceFiles(join(SRC, 'eval'))) {
      for (const spec of specifiersOf(readFileSync(file, 'utf8'))) {
        const target = resolveLocal(file, spec);
        if (target !== undefined && layerOf(target) === 'cli')
          problems.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the benchmarks live in src/eval, not in an edge', () => {
    const misplaced = ['sharp', 'node', 'browser']
      .flatMap((layer) => sourceFiles(join(SRC, layer)))
      .filter((file) => /bench/.test(relative(SRC, file)));
    expect(misplaced.map((f) => relative(ROOT, f))).toEqual([]);
  });

  for (const entry of LIBRARY_ENTRIES) {
    it(`${entry} reaches neither src/cli nor src/eval`, () => {
      const path = join(SRC, entry);
      expect(existsSync(path)).toBe(true);
      const bad = [...reachable(path)]
        .filter(([file]) => ['cli', 'eval'].includes(layerOf(file)))
        .map(([, chain]) => chain.map((f) => relative(SRC, f)).join(' -> '));
      expect(bad).toEqual([]);
    });
  }

  it('a deliberate violation is caught (the walk follows re-exports to the CLI)', () => {
    const chains = reachable(join(SRC, 'cli/main.ts'));
    expect([...chains.keys()].some((f) => layerOf(f) === 'cli')).toBe(true);
    expect([...chains.keys()].some((f) => layerOf(f) === 'core')).toBe(true);
  });
});

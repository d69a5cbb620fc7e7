/**
 * Every public value (function, class, constant) of every entry has an `@example` in its TSDoc,
 * read from the source with the TypeScript compiler: a new export without one fails here.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRIES = [
  'src/index.ts',
  'src/sharp/index.ts',
  'src/node/index.ts',
  'src/node/video.ts',
  'src/browser/index.ts',
];

/** Names of the entry's exported values whose declaration has no `@example` tag. */
function valuesWithoutExample(program: ts.Program, entry: string): string[] {
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(join(ROOT, entry));
  if (!file) throw new Error(`${entry} is not in the program`);
  const module = checker.getSymbolAtLocation(file);
  if (!module) throw new Error(`${entry} has no module symbol`);
  const missing: string[] = [];
  for (const exported of checker.getExportsOfModule(module)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!(symbol.flags & ts.SymbolFlags.Value)) continue; // types and interfaces: documented, no example needed
    const tags = symbol.getJsDocTags(checker);
    if (!tags.some((t) => t.name === 'example')) missing.push(exported.name);
  }
  return missing.sort();
}

describe('@example on every public value', () => {
  const program = ts.createProgram(
    ENTRIES.map((e) => join(ROOT, e)),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    },
  );
  for (const entry of ENTRIES) {
    it(entry, () => {
      expect(valuesWithoutExample(program, entry)).toEqual([]);
    });
  }
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashFromHex } from '../../src/core/hash.js';
import { MihIndex } from '../../src/matching/mih-index.js';
import { loadIndex } from '../../src/node/index-file.js';
import { imprint } from '../cli/run.js';
import { fixture, fixtureLines } from '../helpers.js';

describe('imprint index build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'imprint-cli-index-'));

  it('builds a MIH index from a hash list that answers like the reference', async () => {
    const out = join(dir, 'haystack.idx');
    const r = imprint(['index', 'build', '--list', fixture('pdq', 'matching', 'haystack.txt'), '-o', out]);
    expect(r.stderr).toMatch(/1350 hashes \(1350 distinct, format plain\).*\(mih, \d+ bytes\)/);
    expect(r.code).toBe(0);
    const index = await loadIndex<{ line: number }>(out);
    expect(index).toBeInstanceOf(MihIndex);
    expect(index.metadataOf(0)).toEqual([{ line: 1 }]);
    let matches = 0;
    for (const needle of fixtureLines('pdq', 'matching', 'needles.txt')) {
      matches += index.query(hashFromHex('pdq', 256, needle)).length;
    }
    expect(matches).toBe(250);
  });

  it('--flat writes a flat index; a bad list line fails naming the line; usage errors exit 2', async () => {
    const flat = join(dir, 'flat.idx');
    expect(
      imprint(['index', 'build', '--flat', '--list', fixture('pdq', 'matching', 'needles.txt'), '-o', flat])
        .code,
    ).toBe(0);
    expect((await loadIndex(flat)).kind).toBe('flat');

    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, `${'a'.repeat(64)}\nnot-a-hash\n`);
    const r = imprint(['index', 'build', '--list', bad, '-o', join(dir, 'bad.idx')]);
    expect(r.code).toBe(4); // the list is unusable: nothing is written
    expect(r.stderr).toMatch(/ERR_INVALID_HASH.*bad.txt:line 2/);
    expect(() => readFileSync(join(dir, 'bad.idx'))).toThrow();

    expect(imprint(['index', 'build', '-o', flat]).code).toBe(2);
    expect(imprint(['index', 'frobnicate']).code).toBe(2);
  });
});

describe('imprint bench match', () => {
  it('prints one JSON object per method with the documented fields, all correct', () => {
    const r = imprint(['bench', 'match', '--n', '3000', '--queries', '20', '--budget', '100', '--json']);
    expect(r.code).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((x) => x.method)).toEqual(['naive-hex', 'flat-js', 'flat-wasm', 'mih-js', 'mih-wasm']);
    for (const row of rows) {
      for (const key of [
        'method',
        'n',
        'bits',
        'radius',
        'qps',
        'p50Ms',
        'p99Ms',
        'buildMs',
        'loadMs',
        'bytesPerHash',
        'correct',
      ]) {
        expect(row).toHaveProperty(key);
      }
      expect(row).toMatchObject({ n: 3000, bits: 256, radius: 31, correct: true });
      expect(row.qps).toBeGreaterThan(0);
    }
  });

  it('runs 64-bit lists and refuses bad options', () => {
    const r = imprint([
      'bench',
      'match',
      '--n',
      '2000',
      '--bits',
      '64',
      '--queries',
      '10',
      '--budget',
      '50',
      '--methods',
      'flat-wasm,mih-wasm',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/random 64-bit hashes, n=2,000, radius 10/);
    expect(imprint(['bench', 'match', '--bits', '128']).code).toBe(2);
    expect(imprint(['bench', 'match', '--methods', 'magic']).code).toBe(2);
  });
});

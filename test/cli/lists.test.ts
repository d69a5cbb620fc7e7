/**
 * Lists the sharing tools emit, through the built CLI: `imprint match --list` and `imprint index
 * build --list` read exactly the hashes each sample holds, or fail with a coded message; lists
 * that yield no usable hash are refused; `imprint hash --list-format` and `index build --export`
 * write lists those tools import. Expected hashes come from the C++ reference's output.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureLines } from '../helpers.js';
import { imprint } from './run.js';

const reference = fixtureLines('pdq', 'expected', 'cpp-fullres.csv').map((l) => l.split(','));
const hashOf = (path: string) => reference.find((r) => r[2] === path)![0]!;
const IMAGE = 'fixtures/pdq/images/bridge-mods/aaa-orig.jpg';
const AAA = hashOf('images/bridge-mods/aaa-orig.jpg');
const dir = mkdtempSync(join(tmpdir(), 'imprint-lists-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const L = (name: string) => `fixtures/lists/${name}`;

/** [list, extra flags, hashes read, format reported]: every PDQ shape of fixtures/lists. */
const SHAPES: [string, string[], number, string][] = [
  [L('threatexchange-dataset-mixed.txt'), ['--skip-other-types'], 3, 'threatexchange'],
  [L('threatexchange-dataset-no-type.txt'), [], 3, 'plain'],
  [L('threatexchange-dataset-no-collab.txt'), ['--skip-other-types'], 2, 'threatexchange'],
  [L('threatexchange-dataset-no-type-no-collab.txt'), [], 2, 'plain'],
  [L('threatexchange-dataset-collab-first.txt'), ['--skip-other-types'], 2, 'threatexchange'],
  [L('threatexchange-rotations.txt'), [], 8, 'threatexchange'],
  [L('pdq-photo-hasher-int64.txt'), [], 12, 'pdq-int64'],
  ['fixtures/pdq/expected/cpp-fullres.csv', [], 53, 'pdq-photo-hasher'],
  ['fixtures/pdq/expected/upstream-wasm-PDQMD5TestData.csv', ['--skip-other-types'], 16, 'csv'],
  [L('vpdq-pytx-compact.json'), [], 150, 'vpdq'],
  ['fixtures/pdq/vpdq/test-padded-dimensions.expected.txt', [], 150, 'vpdq'],
  [L('tat-hash-list.json'), ['--skip-other-types'], 2, 'json'],
  [L('hand-written.tsv'), [], 3, 'csv'],
  [L('hand-written-semicolon.csv'), [], 3, 'csv'],
  [L('hand-written-unnamed-column.csv'), [], 3, 'csv'],
  [L('unclosed-quote.csv'), ['--lenient'], 12, 'csv'],
  [L('hma-signals.ndjson'), ['--skip-other-types'], 2, 'ndjson'],
  [L('stopncii-fetchhashes.json'), ['--skip-other-types'], 3, 'json'],
];

describe('every shape reads its hashes through the CLI', () => {
  it.each(SHAPES)('match --list %s %j: %i hashes (%s)', (list, flags, count, format) => {
    const r = imprint(['match', '--method', 'pdq', '--list', list, ...flags, IMAGE]);
    expect(r.stderr).toContain(`${list}: ${count} hashes`);
    expect(r.stderr).toContain(`format ${format}`);
    expect([0, 1]).toContain(r.code);
  });

  it.each(SHAPES)('index build --list %s %j: %i hashes', (list, flags, count, format) => {
    const out = join(dir, `${format}-${count}.idx`);
    const r = imprint(['index', 'build', '--list', list, ...flags, '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${list}: ${count} hashes`);
  });

  it('the lists holding the upload find it at distance 0', () => {
    for (const list of [
      L('threatexchange-dataset-mixed.txt'),
      L('tat-hash-list.json'),
      L('hand-written.tsv'),
    ]) {
      const r = imprint(['match', '--method', 'pdq', '--skip-other-types', '--list', list, IMAGE]);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\t').slice(1, 3)).toEqual(['0', AAA]);
    }
  });

  it('coded failures: an unrecognised header, NCMEC XML read as PDQ, an unclosed quote', () => {
    const header = imprint(['match', '--list', L('unrecognised-header.csv'), IMAGE]);
    expect(header.code).toBe(4);
    expect(header.stderr).toContain('ERR_HASH_LIST_SYNTAX');
    expect(header.stderr).toContain('CSV header not recognised');
    const ncmec = imprint(['index', 'build', '--list', L('ncmec-entries.xml'), '-o', join(dir, 'ncmec.idx')]);
    expect(ncmec.code).toBe(4);
    expect(ncmec.stderr).toContain('ERR_LIST_EMPTY');
    expect(ncmec.stderr).not.toContain('<?xml');
    expect(existsSync(join(dir, 'ncmec.idx'))).toBe(false);
    const md5 = imprint([
      'index',
      'build',
      '--algo',
      'md5',
      '--list',
      L('ncmec-entries.xml'),
      '-o',
      join(dir, 'md5.idx'),
    ]);
    expect(md5.code).toBe(0);
    expect(md5.stderr).toContain('3 hashes');
    const quote = imprint(['match', '--list', L('unclosed-quote.csv'), IMAGE]);
    expect(quote.code).toBe(4);
    expect(quote.stderr).toMatch(/unclosed-quote\.csv:line 4: Quoted field not closed/);
  });

  it('--format overrides detection, --hash-column picks the column; bad values are usage errors', () => {
    const forced = imprint(['match', '--format', 'plain', '--list', L('hand-written.tsv'), IMAGE]);
    expect(forced.code).toBe(4);
    expect(forced.stderr).toContain('hand-written.tsv:line 1');
    const column = imprint([
      'match',
      '--algo',
      'md5',
      '--hash-column',
      'checksum',
      '--list',
      L('unrecognised-header.csv'),
      IMAGE,
    ]);
    expect(column.stderr).toContain('2 hashes');
    expect(imprint(['match', '--format', 'xml', '--list', L('hand-written.tsv'), IMAGE]).code).toBe(2);
    expect(imprint(['match', '--format', 'csv', '--index', 'x.idx', IMAGE]).code).toBe(2);
  });
});

describe('a list that yields no usable hash is an error, never "no match"', () => {
  const cases: [string, string, string[]][] = [
    ['empty', '', []],
    ['comments only', '# nothing yet\n\n# still nothing\n', []],
    ['header only', 'hash,note\n', []],
    ['every line skipped (--lenient)', 'not a hash\nzz\n', ['--lenient']],
    [
      'every row another algorithm (--skip-other-types)',
      `video_md5 749476eb0cd128289f0dec3e062da83c\n`,
      ['--skip-other-types'],
    ],
  ];
  it.each(cases)(
    '%s: match and index build exit 4 with ERR_LIST_EMPTY and counts; no index written',
    (name, text, flags) => {
      const list = file(`${name.replace(/\W+/g, '-')}.txt`, text);
      const m = imprint(['match', '--list', list, ...flags, IMAGE]);
      expect(m.code).toBe(4);
      expect(m.stderr).toContain('ERR_LIST_EMPTY');
      const out = `${list}.idx`;
      const b = imprint(['index', 'build', '--list', list, ...flags, '-o', out]);
      expect(b.code).toBe(4);
      expect(b.stderr).toContain('ERR_LIST_EMPTY');
      expect(existsSync(out)).toBe(false);
    },
  );

  it('the message counts what was read and skipped', () => {
    const list = file('other.txt', 'video_md5 749476eb0cd128289f0dec3e062da83c\n# one comment\n');
    const m = imprint(['match', '--skip-other-types', '--list', list, IMAGE]);
    expect(m.stderr).toContain(
      '2 lines read as threatexchange: 1 row of other hash types skipped (video_md5: 1), 1 comment line',
    );
  });
});

describe('writing lists the other tools import', () => {
  const BRIDGE1 = 'fixtures/pdq/images/dih/bridge-1-original.jpg';

  it('hash --list-format: threatexchange, hma, stopncii, pdq-photo-hasher, pdq-int64', () => {
    const one = (format: string, path = IMAGE) => imprint(['hash', '--list-format', format, path]);
    expect(one('threatexchange').stdout).toBe(`pdq ${AAA}\n`);
    expect(one('hma').stdout).toBe(`{"pdq":"${AAA}"}\n`);
    expect(one('stopncii').stdout).toBe(`{"hashValue":"${AAA}","signalType":"ImagePDQ","path":"${IMAGE}"}\n`);
    expect(one('pdq-photo-hasher').stdout).toBe(`${AAA},100,${IMAGE}\n`);
    // The words ThreatExchange's pdq/sql/README.md prints for bridge-1-original.jpg.
    expect(one('pdq-int64', BRIDGE1).stdout).toBe(
      `-506390186751121329,447837829151548400,-5517420998596354531,3739874024492931874,100,${BRIDGE1}\n`,
    );
    expect(imprint(['hash', '--algo', 'phash', '--list-format', 'threatexchange', IMAGE]).code).toBe(2);
    expect(imprint(['hash', '--json', '--list-format', 'hma', IMAGE]).code).toBe(2);
  });

  it('each written list is read back by imprint match and finds the image', () => {
    for (const format of [
      'threatexchange',
      'hma',
      'stopncii',
      'pdq-photo-hasher',
      'pdq-int64',
      'csv',
      'ndjson',
    ]) {
      const out = join(dir, `written.${format}`);
      expect(imprint(['hash', '--list-format', format, '-o', out, IMAGE]).code).toBe(0);
      const r = imprint(['match', '--method', 'pdq', '--list', out, IMAGE]);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\t').slice(1, 3)).toEqual(['0', AAA]);
    }
  });

  it("index build --export writes the known images' plain hashes in the format asked", () => {
    const out = join(dir, 'bridge.idx');
    const exported = join(dir, 'bridge.threatexchange');
    const r = imprint([
      'index',
      'build',
      '--images',
      'fixtures/pdq/images/bridge-mods',
      '-o',
      out,
      '--export',
      exported,
      '--export-format',
      'threatexchange',
    ]);
    expect(r.code).toBe(0);
    const lines = readFileSync(exported, 'utf8').trim().split('\n').sort();
    const want = reference
      .filter((row) => row[2]!.startsWith('images/bridge-mods/'))
      .map((row) => `pdq ${row[0]}`)
      .sort();
    expect(lines).toEqual(want);
    // An exported list goes back in as a list.
    const again = imprint(['index', 'build', '--list', exported, '-o', join(dir, 'again.idx')]);
    expect(again.stderr).toContain('12 hashes');
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureLines } from '../helpers.js';
import { imprint } from './run.js';

// "Known" lists made of the reference hashes of benign fixtures (never of our own output).
const reference = fixtureLines('pdq', 'expected', 'cpp-fullres.csv').map((l) => l.split(','));
const hashOf = (path: string) => reference.find((r) => r[2] === path)![0]!;
const dir = mkdtempSync(join(tmpdir(), 'imprint-match-'));
const list = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const bridge = hashOf('images/bridge-mods/aaa-orig.jpg');
const known = list(
  'known.csv',
  `# known items\n${bridge},case-1\n\n${hashOf('images/misc/pen-and-coaster.png')},case-2\n`,
);

describe('imprint match (built binary)', () => {
  it('prints each match with distance, known hash and metadata; exit 0', () => {
    const r = imprint(['match', '--list', known, 'fixtures/pdq/images/bridge-mods/blur-a-lot.jpg']);
    expect(r.code).toBe(0);
    const [path, distance, hash, metadata] = r.stdout.trim().split('\t');
    expect(path).toBe('fixtures/pdq/images/bridge-mods/blur-a-lot.jpg');
    expect(Number(distance)).toBeGreaterThan(0);
    expect(Number(distance)).toBeLessThanOrEqual(31);
    expect(hash).toBe(bridge);
    expect(metadata).toBe('case-1');
    expect(r.stderr).toContain('2 hashes');
  });

  it('exits 1 when nothing matches', () => {
    const r = imprint(['match', '--list', known, 'fixtures/photos/coffee.jpg']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });

  it('matches rotated and mirrored copies by default and with --dihedral, naming the orientation', () => {
    const rotated = 'fixtures/pdq/images/dih/bridge-2-rotate-90.jpg';
    expect(imprint(['match', '--method', 'pdq', '--list', known, rotated]).code).toBe(1);
    const byDefault = imprint(['match', '--json', '--list', known, rotated]);
    expect(byDefault.code).toBe(0);
    expect(JSON.parse(byDefault.stdout)).toEqual(
      expect.objectContaining({
        method: 'pdq-max',
        matches: [expect.objectContaining({ hash: bridge, metadata: ['case-1'], known: 'plain' })],
      }),
    );
    expect(JSON.parse(byDefault.stdout).matches[0].query).toMatch(/^rot/);
    const r = imprint(['match', '--json', '--dihedral', '--list', known, rotated]);
    expect(r.code).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record.matches[0]).toEqual(
      expect.objectContaining({ hash: bridge, metadata: ['case-1'], orientation: 'rot270' }),
    );
  });

  it('does not match low-quality query hashes unless told, and says so', () => {
    const weak = 'fixtures/pdq/images/labelme-subset/q0003.jpg';
    const selfList = list('weak.txt', `${hashOf('images/labelme-subset/q0003.jpg')}\n`);
    const r = imprint(['match', '--json', '--method', 'pdq', '--list', selfList, weak]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual(
      expect.objectContaining({ skipped: 'low-quality', quality: 3, matches: [] }),
    );
    expect(r.stderr).toContain('below --min-quality 50');
    // The default method uses uploads down to quality 20: this one is still too flat.
    const byDefault = imprint(['match', '--json', '--list', selfList, weak]);
    expect(byDefault.code).toBe(1);
    expect(JSON.parse(byDefault.stdout)).toEqual(
      expect.objectContaining({ method: 'pdq-max', skipped: 'low-quality', quality: 3, matches: [] }),
    );
    expect(byDefault.stderr).toContain('below --min-quality 20');
    const forced = imprint(['match', '--json', '--min-quality', '0', '--list', selfList, weak]);
    expect(forced.code).toBe(0);
    // A plain hex list has no metadata: the match names the list line.
    expect(JSON.parse(forced.stdout).matches[0]).toEqual(
      expect.objectContaining({ distance: 0, metadata: [{ line: 1 }] }),
    );
  });

  it('a malformed list line stops with its file and line number, or is skipped with --lenient', () => {
    const bad = list('bad.csv', `${bridge},ok\nnot-a-hash,broken\n`);
    const strict = imprint(['match', '--list', bad, 'fixtures/pdq/images/bridge-mods/blur-a-lot.jpg']);
    expect(strict.code).toBe(4); // the list is unusable: nothing was matched
    expect(strict.stderr).toMatch(/bad\.csv:line 2/);
    expect(strict.stderr).toContain('ERR_');
    const lenient = imprint([
      'match',
      '--lenient',
      '--list',
      bad,
      'fixtures/pdq/images/bridge-mods/blur-a-lot.jpg',
    ]);
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toMatch(/skipped .*bad\.csv:line 2/);
    expect(lenient.stderr).toContain('1 malformed lines skipped');
  });

  it('reads its own --json output as a list', () => {
    const hashed = imprint(['hash', '--json', 'fixtures/photos/rocket.jpg']).stdout;
    const ndjson = list('own.ndjson', hashed);
    const r = imprint(['match', '--list', ndjson, 'fixtures/photos/rocket.jpg']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\t0\t');
  });

  it('reads StopNCII records, stopping on other hash types unless --skip-other-types', () => {
    const records = 'fixtures/lists/stopncii-records.ndjson';
    const image = 'fixtures/pdq/images/bridge-mods/aaa-orig.jpg';
    const strict = imprint(['match', '--list', records, image]);
    expect(strict.code).toBe(4);
    expect(strict.stderr).toMatch(/stopncii-records\.ndjson:line \d+/);
    const skipping = imprint(['match', '--json', '--skip-other-types', '--list', records, image]);
    expect(skipping.code).toBe(0);
    expect(skipping.stderr).toMatch(/rows of other hash types skipped \(.*md5/i);
    const match = JSON.parse(skipping.stdout).matches[0];
    expect(match.distance).toBe(0);
    expect(match.metadata[0]).toEqual(expect.objectContaining({ signalType: 'ImagePDQ' }));
  });

  it('matches against an index file built by `imprint index build`, as it does against the list', () => {
    const idx = join(dir, 'known.idx');
    const built = imprint(['index', 'build', '--list', known, '-o', idx]);
    expect(built.code).toBe(0);
    const image = 'fixtures/pdq/images/bridge-mods/blur-a-lot.jpg';
    const viaIndex = imprint(['match', '--json', '--index', idx, image]);
    const viaList = imprint(['match', '--json', '--list', known, image]);
    expect(viaIndex.code).toBe(0);
    expect(JSON.parse(viaIndex.stdout)).toEqual(JSON.parse(viaList.stdout));
    expect(viaIndex.stderr).toContain('2 hashes (mih index of pdq)');
    const corrupt = list('corrupt.idx', 'not an index');
    const bad = imprint(['match', '--index', corrupt, image]);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain('ERR_INDEX_CORRUPT');
  });

  it('matches other algorithms: a phash list, with a wrong-length hash naming its line', () => {
    const phash = list('phash.csv', 'ba8c84536bd3c366,imagehash-logo\n'); // imagehash 4.3.2's own test value
    const r = imprint(['match', '--algo', 'phash', '--list', phash, 'fixtures/imagehash/imagehash.png']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('fixtures/imagehash/imagehash.png\t0\tba8c84536bd3c366\timagehash-logo\n');
    const short = list('short.csv', 'ba8c84536bd3c36,short\n');
    const bad = imprint(['match', '--algo', 'phash', '--list', short, 'fixtures/imagehash/imagehash.png']);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toMatch(/short\.csv:line 1: Expected 16 hex digits/);
  });

  it('reports failed inputs; a match still exits 0, only failures and no match exit 3', () => {
    const r = imprint([
      'match',
      '--list',
      known,
      'fixtures/photos/empty.jpg',
      'fixtures/pdq/images/bridge-mods/aaa-orig.jpg',
    ]);
    expect(r.code).toBe(0); // a match is never hidden by a failure
    // The file is named once, as given: not again, resolved, inside the message.
    expect(r.stderr).toContain('fixtures/photos/empty.jpg: ERR_EMPTY_INPUT: The input is empty');
    expect(r.stderr).toContain('1 of 2 inputs failed');
    expect(r.stdout).toContain('aaa-orig.jpg');
    const none = imprint([
      'match',
      '--list',
      known,
      'fixtures/photos/empty.jpg',
      'fixtures/photos/flower.jpg',
    ]);
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('ERR_EMPTY_INPUT');
  });

  it.each([
    [['match', 'a.jpg'], 'exactly one of --list'],
    [['match', '--list', 'x', '--index', 'y', 'a.jpg'], 'exactly one of --list'],
    [['match', '--list', 'x'], 'no input files'],
    [['match', '--list', 'x', '--max-distance', '-3', 'a.jpg'], 'Option'],
  ])('usage errors exit 2: %j', (args, message) => {
    const r = imprint(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

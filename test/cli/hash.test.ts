import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureLines } from '../helpers.js';
import { imprint } from './run.js';

const expected = new Map(
  fixtureLines('pdq', 'expected', 'cpp-fullres.csv').map((l) => {
    const [hash, quality, path] = l.split(',');
    return [path!, `${hash},${quality}`];
  }),
);

describe('imprint hash (built binary)', () => {
  it('prints hash,quality,path as the reference CLI does', () => {
    const r = imprint([
      'hash',
      'fixtures/pdq/images/bridge-mods/aaa-orig.jpg',
      'fixtures/pdq/images/misc/wee.jpg',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      `${expected.get('images/bridge-mods/aaa-orig.jpg')},fixtures/pdq/images/bridge-mods/aaa-orig.jpg`,
      `${expected.get('images/misc/wee.jpg')},fixtures/pdq/images/misc/wee.jpg`,
    ]);
  });

  it('walks directories with -r in sorted order and prints NDJSON with dihedral hashes', () => {
    const r = imprint(['hash', '-r', '--json', '--dihedral', 'fixtures/pdq/images/dih']);
    expect(r.code).toBe(0);
    const records = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records).toHaveLength(8);
    expect(records[0]).toEqual({
      path: 'fixtures/pdq/images/dih/bridge-1-original.jpg',
      algorithm: 'pdq',
      hash: expected.get('images/dih/bridge-1-original.jpg')!.split(',')[0],
      quality: 100,
      dihedral: expect.any(Array),
    });
    expect(records[0].dihedral).toHaveLength(8);
    expect(records[0].dihedral[0]).toBe(records[0].hash);
  });

  it('reports bad files on stderr with their code, prints the rest, exits 3', () => {
    const r = imprint([
      'hash',
      'fixtures/photos/empty.jpg',
      'fixtures/photos/coffee.jpg',
      'fixtures/photos/not-an-image.jpg',
    ]);
    expect(r.code).toBe(3);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toContain('fixtures/photos/coffee.jpg');
    expect(r.stderr).toContain('fixtures/photos/empty.jpg: ERR_EMPTY_INPUT');
    expect(r.stderr).toContain('fixtures/photos/not-an-image.jpg: ERR_NOT_AN_IMAGE');
    expect(r.stderr).toContain('2 of 3 inputs failed');
  });

  it('prints every requested algorithm from one decode, matching the published reference values', () => {
    const r = imprint([
      'hash',
      '--json',
      '--algo',
      'pdq,ahash,phash,dhash,whash,colorhash,md5',
      'fixtures/imagehash/imagehash.png',
    ]);
    expect(r.code).toBe(0);
    const record = JSON.parse(r.stdout);
    // fixtures/imagehash/expected.json: imagehash 4.3.2's own test values.
    expect(record.hashes).toEqual(
      expect.objectContaining({
        ahash: 'ffd7918181c9ffff',
        phash: 'ba8c84536bd3c366',
        dhash: '0026273b2b19550e',
        whash: 'ffd391818181a5e7',
        colorhash: '07007000000',
        md5: createHash('md5').update(readFileSync('fixtures/imagehash/imagehash.png')).digest('hex'),
      }),
    );
    expect(record.hashes.pdq).toMatch(/^[0-9a-f]{64}$/);
    expect(record.quality).toEqual(expect.any(Number));

    // fixtures/blockhash/expected: the C reference's precise (_16_2) and quick (_16_1) values.
    const b = JSON.parse(
      imprint([
        'hash',
        '--json',
        '--algo',
        'blockhash,blockhash-quick',
        'fixtures/blockhash/images/stoplights.jpg',
      ]).stdout,
    );
    expect(b.hashes).toEqual({
      blockhash: readFileSync('fixtures/blockhash/expected/stoplights_16_2.txt', 'utf8').split(' ')[0],
      'blockhash-quick': readFileSync('fixtures/blockhash/expected/stoplights_16_1.txt', 'utf8').split(
        ' ',
      )[0],
    });
  });

  it('several algorithms need --json', () => {
    expect(imprint(['hash', '--algo', 'pdq,phash', 'fixtures/photos/coffee.jpg']).code).toBe(2);
  });

  it('uses the cli512 flavour when asked', () => {
    const cli = new Map(
      fixtureLines('pdq', 'expected', 'cpp-cli.csv').map((l) => [l.split(',')[2]!, l.split(',')[0]!]),
    );
    const r = imprint(['hash', '--flavour', 'cli512', 'fixtures/pdq/images/synthetic/large-1300x900.jpg']);
    expect(r.stdout.split(',')[0]).toBe(cli.get('images/synthetic/large-1300x900.jpg'));
  });

  it.each([
    [['hash'], 'no input files'],
    [['hash', '--flavour', 'x', 'a.jpg'], '--flavour expects one of'],
    [['hash', '--algo', 'nope', 'a.jpg'], 'Unknown algorithm'],
    [['hash', '--bogus', 'a.jpg'], 'Unknown option'],
    [['frobnicate'], 'unknown command'],
  ])('usage errors exit 2: %j', (args, message) => {
    const r = imprint(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('--help documents the exit codes', () => {
    const r = imprint(['hash', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('130');
    expect(imprint(['--help']).stdout).toContain('Commands:');
  });

  it('-o writes the file only when complete, and --resume skips files already written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imprint-cli-'));
    const out = join(dir, 'hashes.csv');
    // An interrupted earlier run: one complete line and one cut off.
    const first = imprint(['hash', 'fixtures/photos/coffee.jpg']).stdout;
    writeFileSync(`${out}.partial`, `${first}deadbeef,10`);
    const r = imprint([
      'hash',
      '-o',
      out,
      '--resume',
      'fixtures/photos/coffee.jpg',
      'fixtures/photos/rocket.jpg',
    ]);
    expect(r.code).toBe(0);
    expect(existsSync(`${out}.partial`)).toBe(false);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(first.trim());
    expect(lines[1]).toContain('fixtures/photos/rocket.jpg');
  });
});

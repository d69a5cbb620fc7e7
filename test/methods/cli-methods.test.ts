import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdqHash } from '../../src/algorithms/pdq/pdq.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { hashToHex } from '../../src/core/hash.js';
import type { PixelImage } from '../../src/core/pixels.js';
import { knownHashesFor } from '../../src/matching/methods/match.js';
import { getMethod } from '../../src/matching/methods/methods.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { cliInProcess } from '../cli/in-process.js';
import { fixture, slantedStripes, stripes, yellowBands } from '../helpers.js';

const cli = cliInProcess;

let dir: string;

/**
 * Writes `picture` as the only known image `name` of its own folder and an altered copy of it,
 * then matches the copy with the default method against an index built with `--method pdq-max`
 * (its first match) and against a CSV list of the picture's plain hash (every match).
 */
async function matchOnIndexAndList(
  name: string,
  picture: PixelImage,
  alter: (pipeline: Sharp) => Sharp,
): Promise<{ match: Record<string, unknown> & { comparedBits: number }; onList: unknown[] }> {
  const raw = { raw: { width: picture.width, height: picture.height, channels: 3 as const } };
  const folder = join(dir, `known-${name}`);
  mkdirSync(folder);
  const known = join(folder, name);
  const upload = join(dir, `copy-of-${name}.jpg`);
  await sharp(picture.data, raw).png().toFile(known);
  await alter(sharp(picture.data, raw)).toFile(upload);
  const index = join(dir, `${name}.idx`);
  const built = await cli(['index', 'build', '--images', folder, '--method', 'pdq-max', '-o', index], dir);
  expect(built.code).toBe(EXIT.OK);
  const [match] = JSON.parse((await cli(['match', '--index', index, '--json', upload], dir)).stdout).matches;
  const list = join(dir, `${name}.csv`);
  writeFileSync(list, `${hashToHex(pdqHash(await decodeImage(known)).hash)},${name}\n`);
  const onList = JSON.parse((await cli(['match', '--list', list, '--json', upload], dir)).stdout).matches;
  return { match, onList };
}
type Line = { path: string; method: string; matches: { metadata: string; query: string }[] };

beforeAll(async () => {
  sharp.cache(false);
  dir = mkdtempSync(join(tmpdir(), 'imprint-methods-cli-'));
  mkdirSync(join(dir, 'known'));
  mkdirSync(join(dir, 'uploads'));
  for (const name of ['astronaut.jpg', 'coffee.jpg', 'rocket.jpg']) {
    await sharp(fixture('photos', name)).toFile(join(dir, 'known', name));
  }
  await sharp(fixture('photos', 'coffee.jpg'))
    .flop()
    .jpeg({ quality: 85 })
    .toFile(join(dir, 'uploads', 'mirrored.jpg'));
  await sharp(fixture('photos', 'rocket.jpg'))
    .extend({ top: 50, bottom: 50, left: 50, right: 50, background: '#ffffff' })
    .jpeg({ quality: 85 })
    .toFile(join(dir, 'uploads', 'bordered.jpg'));
  await sharp(fixture('photos', 'flower.jpg')).toFile(join(dir, 'uploads', 'unrelated.jpg'));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('index build --images --method and match --method', () => {
  it('builds an index of known images with the hashes a method stores, and matches uploads with it', async () => {
    const built = await cli(
      ['index', 'build', '--images', join(dir, 'known'), '--method', 'pdq-max', '-o', join(dir, 'known.idx')],
      dir,
    );
    // Every hash the method stores for each image (the whole picture and its 80%/90% crops).
    let stored = 0;
    for (const name of ['astronaut.jpg', 'coffee.jpg', 'rocket.jpg']) {
      stored += knownHashesFor(getMethod('pdq-max'), await decodeImage(join(dir, 'known', name))).length;
    }
    expect(stored).toBeGreaterThanOrEqual(3 * 11);
    expect(built.stderr).toContain(`3 images, ${stored} hashes for method pdq-max`);
    expect(built.code).toBe(0);

    const matched = await cli(
      ['match', '--index', join(dir, 'known.idx'), '--method', 'pdq-plus', '--json', join(dir, 'uploads')],
      dir,
    );
    // A directory without -r is a failed input: a record in the output, exit 3 (nothing matched).
    expect(JSON.parse(matched.stdout)).toEqual({
      path: join(dir, 'uploads'),
      error: { code: 'ERR_FILE_UNREADABLE', message: 'is a directory (use -r for the images in it)' },
    });
    expect(matched.code).toBe(3);

    const r = await cli(
      [
        'match',
        '--index',
        join(dir, 'known.idx'),
        '--method',
        'pdq-plus',
        '--json',
        '-r',
        join(dir, 'uploads'),
      ],
      dir,
    );
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    const byName: Record<string, Line> = Object.fromEntries(lines.map((l) => [l.path.split('/').pop(), l]));
    expect(byName['mirrored.jpg']!.matches.map((m) => [m.metadata, m.query])).toEqual([
      [['coffee.jpg'], 'mirror'],
    ]);
    expect(byName['bordered.jpg']!.matches.map((m) => m.metadata)).toEqual([['rocket.jpg']]);
    expect(byName['unrelated.jpg']!.matches).toEqual([]);
    expect(lines.every((l) => l.method === 'pdq-plus')).toBe(true);
    expect(r.code).toBe(0);

    const plain = await cli(
      ['match', '--index', join(dir, 'known.idx'), '--method', 'pdq', '-r', join(dir, 'uploads')],
      dir,
    );
    expect(plain.stdout).toBe('');
    expect(plain.code).toBe(1); // nothing matched

    // Without --method, PDQ uploads are matched with the default method (pdq-max): pdq-plus's
    // matches, and the stored crops too.
    const byDefault = await cli(
      ['match', '--index', join(dir, 'known.idx'), '--json', '-r', join(dir, 'uploads')],
      dir,
    );
    const matchesOf = (out: string) =>
      out
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as Line).matches);
    expect(matchesOf(byDefault.stdout)).toEqual(matchesOf(r.stdout));
    expect(byDefault.stdout).toContain('"method":"pdq-max"');
    const cropUpload = join(dir, 'cropped.jpg');
    await sharp(fixture('photos', 'astronaut.jpg'))
      .metadata()
      .then(({ width, height }) =>
        sharp(fixture('photos', 'astronaut.jpg'))
          .extract({ left: 0, top: 0, width: Math.round(width! * 0.8), height: Math.round(height! * 0.8) })
          .jpeg({ quality: 90 })
          .toFile(cropUpload),
      );
    const viaCrop = await cli(['match', '--index', join(dir, 'known.idx'), '--json', cropUpload], dir);
    expect(JSON.parse(viaCrop.stdout).matches).toEqual([
      expect.objectContaining({
        metadata: ['astronaut.jpg'],
        query: 'plain',
        known: expect.stringMatching(/^crops:/),
      }),
    ]);
    const withoutCrops = await cli(
      ['match', '--index', join(dir, 'known.idx'), '--method', 'pdq-plus', '--json', cropUpload],
      dir,
    );
    expect(JSON.parse(withoutCrops.stdout).matches).toEqual([]);
    const cropped = await cli(
      [
        'match',
        '--index',
        join(dir, 'known.idx'),
        '--method',
        'pdq',
        '--json',
        join(dir, 'known', 'coffee.jpg'),
      ],
      dir,
    );
    expect(JSON.parse(cropped.stdout).matches.map((m: { metadata: unknown[] }) => m.metadata)).toEqual([
      ['coffee.jpg'],
    ]);
  });

  it('finds a re-encoded smooth picture on its stable bits, against a plain list', async () => {
    const picture = stripes(288, 192, 0.1);
    const raw = { raw: { width: picture.width, height: picture.height, channels: 3 as const } };
    const known = join(dir, 'stripes.png');
    const upload = join(dir, 'stripes-q30.jpg');
    await sharp(picture.data, raw).png().toFile(known);
    await sharp(picture.data, raw).jpeg({ quality: 30 }).toFile(upload);
    const list = join(dir, 'stripes.csv');
    writeFileSync(list, `${hashToHex(pdqHash(await decodeImage(known)).hash)},stripes.png\n`);
    const plain = await cli(['match', '--list', list, '--method', 'pdq', '--json', upload], dir);
    expect(JSON.parse(plain.stdout).matches).toEqual([]);
    const stable = await cli(['match', '--list', list, '--json', upload], dir);
    const [match] = JSON.parse(stable.stdout).matches;
    expect(match.distance).toBeGreaterThan(31);
    expect(match.comparedBits).toBeLessThan(256);
    expect(match.score).toBeLessThanOrEqual(31);
    expect(match.query).toBe(`plain (${match.comparedBits} stable bits)`);
  });

  it('finds a smooth picture sure of too few bits when an index built with pdq-max holds its pHash', async () => {
    const { match, onList } = await matchOnIndexAndList('slanted.png', slantedStripes(), (s) =>
      s.jpeg({ quality: 50 }),
    );
    expect(match.metadata).toEqual(['slanted.png']);
    expect(match.known).toBe('witness:phash');
    expect(match.query).toBe(`plain + pHash (${match.comparedBits} stable bits)`);
    expect(match.comparedBits).toBeLessThan(96);
    // The same picture in a plain list: no pHash to agree with, so no match on so few bits.
    expect(onList).toEqual([]);
  });

  it('finds a brightened copy by its flattened highlights when an index built with pdq-max holds them', async () => {
    const { match, onList } = await matchOnIndexAndList('bands.png', yellowBands(), (s) =>
      s.modulate({ brightness: 1.3 }).jpeg({ quality: 90 }),
    );
    expect(match.metadata).toEqual(['bands.png']);
    expect(match.known).toBe('tones:top 0.25 flat');
    expect(match.query).toBe('top 0.25 flat');
    expect(match.score).toBeLessThanOrEqual(31);
    // The same picture in a plain list: the default method (pdq-plus there) does not find it.
    expect(onList).toEqual([]);
  });

  it('refuses unknown methods and flags that do not combine', async () => {
    await cli(['index', 'build', '--images', join(dir, 'known'), '-o', join(dir, 'plain.idx')], dir);
    expect(
      (await cli(['match', '--index', join(dir, 'plain.idx'), '--method', 'nope', 'a.jpg'], dir)).code,
    ).toBe(2);
    expect(
      (await cli(['index', 'build', '--list', 'a.csv', '--method', 'pdq-max', '-o', 'x.idx'], dir)).code,
    ).toBe(2);
    expect(
      (await cli(['index', 'build', '--images', join(dir, 'known'), '--list', 'a.csv', '-o', 'x.idx'], dir))
        .code,
    ).toBe(2);
  });
});

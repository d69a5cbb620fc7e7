/**
 * Fingerprint records through the CLI: a hotline hashes its known images with `imprint hash
 * --method pdq-max`, a platform builds its index from the records alone, and gets the same matches
 * as an index built from the images. Also index files' derivation versions and symlinked folders.
 */
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdqHash } from '../../src/algorithms/pdq/pdq.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { hammingDistance } from '../../src/core/hash.js';
import type { PixelImage } from '../../src/core/pixels.js';
import { indexFileInfo } from '../../src/matching/index-format.js';
import { VARIANTS_VERSION } from '../../src/matching/methods/variants.js';
import { loadIndex, saveIndex } from '../../src/node/index-file.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { fixture, slantedStripes, yellowBands } from '../helpers.js';
import { cliInProcess } from './in-process.js';

const cli = cliInProcess;

let dir: string;
const KNOWN_PHOTOS = ['astronaut.jpg', 'coffee.jpg', 'flower.jpg', 'rocket.jpg', 'china-temple.jpg'];

async function writePicture(image: PixelImage, path: string): Promise<void> {
  await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png()
    .toFile(path);
}

beforeAll(async () => {
  sharp.cache(false);
  dir = mkdtempSync(join(tmpdir(), 'imprint-fingerprints-'));
  mkdirSync(join(dir, 'known'));
  mkdirSync(join(dir, 'uploads'));
  for (const name of KNOWN_PHOTOS) copyFileSync(fixture('photos', name), join(dir, 'known', name));
  await writePicture(slantedStripes(), join(dir, 'known', 'slanted.png'));
  await writePicture(yellowBands(), join(dir, 'known', 'yellow.png'));
  // Altered copies of every known picture: turned, cropped, captioned, brightened, re-encoded.
  const alterations: Record<string, (s: Sharp, w: number, h: number) => Sharp> = {
    rot90: (s) => s.rotate(90),
    crop: (s, w, h) =>
      s.extract({
        left: Math.round(w * 0.05),
        top: Math.round(h * 0.05),
        width: Math.round(w * 0.9),
        height: Math.round(h * 0.9),
      }),
    caption: (s, w, h) =>
      s.composite([
        {
          input: { create: { width: w, height: Math.round(h * 0.15), channels: 3, background: '#202020' } },
          top: 0,
          left: 0,
        },
      ]),
    bright: (s) => s.modulate({ brightness: 1.3 }),
    jpeg: (s) => s.jpeg({ quality: 40 }),
  };
  for (const name of ['astronaut.jpg', 'coffee.jpg', 'rocket.jpg', 'slanted.png', 'yellow.png']) {
    const source = join(dir, 'known', name);
    const { width, height } = await sharp(source).metadata();
    for (const [kind, alter] of Object.entries(alterations)) {
      await alter(sharp(source), width!, height!)
        .jpeg({ quality: 85 })
        .toFile(join(dir, 'uploads', `${kind}-${name}.jpg`));
    }
  }
  // Pictures that are in no list.
  for (const name of ['landscape-forest.jpg', 'city-skyline.jpg', 'text-page-photo.png'])
    copyFileSync(fixture('photos', name), join(dir, 'uploads', `unrelated-${name}`));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

type MatchLine = {
  path: string;
  matches: {
    hash: string;
    distance: number;
    score: number;
    comparedBits: number;
    query: string;
    known: string;
    metadata: unknown[];
  }[];
};

/** Every match of every upload, with the known image named by its file name whatever the metadata. */
function normalised(stdout: string): string[] {
  const name = (m: unknown) =>
    typeof m === 'string' ? m : ((m as { path: string }).path ?? '').replace(/^known\//, '');
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as MatchLine)
    .flatMap((l) =>
      l.matches.map((m) =>
        [
          l.path.replace(/^.*\//, ''),
          name(m.metadata[0]),
          m.hash,
          m.distance,
          m.score,
          m.comparedBits,
          m.query,
          m.known,
        ].join(' '),
      ),
    )
    .sort();
}

describe('fingerprint records through the CLI', () => {
  let fromImages: string[];

  it('hash --method writes one record per image; index build --list turns them into the index --images builds', async () => {
    const hashed = await cli(['hash', '--method', 'pdq-max', '-r', 'known', '-o', 'records.ndjson'], dir);
    expect(hashed.code).toBe(EXIT.OK);
    const lines = readFileSync(join(dir, 'records.ndjson'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(KNOWN_PHOTOS.length + 2);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      fingerprint: 1,
      method: 'pdq-max',
      derivation: VARIANTS_VERSION,
      path: 'known/astronaut.jpg',
    });

    expect(
      (await cli(['index', 'build', '--images', 'known', '--method', 'pdq-max', '-o', 'images.idx'], dir))
        .code,
    ).toBe(EXIT.OK);
    const built = await cli(['index', 'build', '--list', 'records.ndjson', '-o', 'records.idx'], dir);
    expect(built.code).toBe(EXIT.OK);
    expect(built.stderr).toMatch(/7 fingerprint records of method pdq-max, \d+ hashes/);

    const a = await loadIndex(join(dir, 'images.idx'));
    const b = await loadIndex(join(dir, 'records.idx'));
    expect(indexFileInfo(b)).toEqual(indexFileInfo(a));
    expect(indexFileInfo(a)?.properties).toEqual({
      method: 'pdq-max',
      derivation: VARIANTS_VERSION,
      families: ['crops', 'bands', 'tones', 'witness'],
    });
    // The same hashes with the same derived metadata (the known image named by file name or path).
    const entries = (index: typeof a) =>
      [...index.ids()]
        .flatMap((id) =>
          index.metadataOf(id).map((m) => {
            const text = JSON.stringify(m).replace(/\{"path":"known\/([^"]+)"\}/g, '"$1"');
            return `${Buffer.from(index.hashOf(id).bytes).toString('hex')} ${text}`;
          }),
        )
        .sort();
    expect(entries(b)).toEqual(entries(a));
    expect(entries(a).length).toBeGreaterThan(100);
  });

  it('match gives the same matches from the records (as an index or a list) as from the images', async () => {
    const uploads = join(dir, 'uploads');
    const onImages = await cli(['match', '--index', join(dir, 'images.idx'), '--json', '-r', uploads], dir);
    const onRecords = await cli(['match', '--index', join(dir, 'records.idx'), '--json', '-r', uploads], dir);
    const onList = await cli(['match', '--list', 'records.ndjson', '--json', '-r', uploads], dir);
    expect(onList.stderr).toMatch(/7 fingerprint records of method pdq-max/);
    fromImages = normalised(onImages.stdout);
    expect(normalised(onRecords.stdout)).toEqual(fromImages);
    expect(normalised(onList.stdout)).toEqual(fromImages);
    // The index-side hashes were used: some copy was found through a stored crop, band or tone.
    expect(fromImages.some((m) => /(crops|bands|tones|witness):/.test(m))).toBe(true);
    // Nothing matched the unrelated pictures, and every altered copy was found.
    expect(fromImages.filter((m) => m.startsWith('unrelated'))).toEqual([]);
    const found = new Set(fromImages.map((m) => m.split(' ')[0]));
    console.log(
      `records vs images: ${found.size} of 25 altered copies found by both, ${fromImages.length} matches identical`,
    );
    expect(found.size).toBeGreaterThanOrEqual(15);
  });

  it('with --method pdq, records are a plain PDQ list for every other tool', async () => {
    const plain = await cli(
      ['match', '--list', 'records.ndjson', '--method', 'pdq', '--json', '-r', join(dir, 'uploads')],
      dir,
    );
    const lines = plain.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as MatchLine);
    expect(lines.some((l) => l.matches.length > 0)).toBe(true);
    // Plain matching: whole pictures only, never a derived hash.
    for (const l of lines)
      for (const m of l.matches) expect(m.metadata).toEqual([{ path: expect.any(String) }]);
  });

  it('an empty records list, and a list of records of another derivation version, are refused', async () => {
    writeFileSync(
      join(dir, 'empty.ndjson'),
      '# made by hand\n{"fingerprint":1}\n{"fingerprint":1,"method":"pdq-max"}\n',
    );
    const old = readFileSync(join(dir, 'records.ndjson'), 'utf8').replaceAll(
      `"derivation":${VARIANTS_VERSION}`,
      `"derivation":${VARIANTS_VERSION - 1}`,
    );
    writeFileSync(join(dir, 'old.ndjson'), old);
    const empty = await cli(['index', 'build', '--list', 'empty.ndjson', '--lenient', '-o', 'x.idx'], dir);
    expect(empty.code).toBe(EXIT.KNOWN_UNUSABLE);
    expect(empty.stderr).toMatch(/skipped .*line 2/);
    expect(empty.stderr).toContain('ERR_LIST_EMPTY');
    const stale = await cli(
      ['match', '--list', 'old.ndjson', join(dir, 'uploads', 'jpeg-coffee.jpg.jpg')],
      dir,
    );
    expect(stale.code).toBe(EXIT.KNOWN_UNUSABLE);
    expect(stale.stderr).toContain('ERR_INDEX_DERIVATION');
    expect(stale.stderr).toContain(`version ${VARIANTS_VERSION - 1}`);
  });

  it('hash --method refuses what does not make a PDQ record', async () => {
    for (const extra of [
      ['--algo', 'phash'],
      ['--dihedral'],
      ['--flavour', 'cli512'],
      ['--method', 'pdq-nothing'],
    ]) {
      const r = await cli(['hash', '--method', 'pdq-max', ...extra, 'known/coffee.jpg'], dir);
      expect(r.code, extra.join(' ')).toBe(EXIT.USAGE);
    }
  });
});

describe('derivation versions of index files', () => {
  it('an index of derived hashes from another derivation version is refused rather than matched', async () => {
    // The same index as images.idx, as a build of the previous derivation version saved it.
    const index = await loadIndex(join(dir, 'images.idx'));
    await saveIndex(index, join(dir, 'old.idx'), {
      properties: {
        method: 'pdq-max',
        derivation: VARIANTS_VERSION - 1,
        families: ['crops', 'bands', 'tones', 'witness'],
      },
    });
    const r = await cli(
      ['match', '--index', join(dir, 'old.idx'), join(dir, 'uploads', 'crop-coffee.jpg.jpg')],
      dir,
    );
    expect(r.code).toBe(EXIT.KNOWN_UNUSABLE);
    expect(r.stdout).toBe(''); // no match printed, not even a plain one
    expect(r.stderr).toContain('ERR_INDEX_DERIVATION');
    expect(r.stderr).toContain(`version ${VARIANTS_VERSION - 1}`);
    expect(r.stderr).toContain(`computes version ${VARIANTS_VERSION}`);
    expect(r.stderr).toContain('imprint index build --images <known images> --method pdq-max');
  });

  it('a format 1 index still loads, matched on its plain hashes only, and says so', async () => {
    const r = await cli(
      ['match', '--index', fixture('index', 'v1-pdq-max.idx'), '--json', fixture('photos', 'coffee.jpg')],
      dir,
    );
    expect(r.code).toBe(EXIT.OK);
    expect(r.stderr).toMatch(
      /format 1\) records no derivation version, so its derived hashes \(.*crops.*\) are not used/,
    );
    const [line] = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as MatchLine);
    expect(line!.matches.map((m) => [m.metadata[0], m.known])).toEqual([['coffee.jpg', 'plain']]);
  });
});

describe('folders of symbolic links', () => {
  it('index build --images follows links to files and folders (loops entered once) and refuses an empty result', async () => {
    const links = join(dir, 'links');
    mkdirSync(join(links, 'more'), { recursive: true });
    for (const name of ['coffee.jpg', 'rocket.jpg']) symlinkSync(join(dir, 'known', name), join(links, name));
    symlinkSync(join(dir, 'known'), join(links, 'more', 'all-known')); // a linked folder
    symlinkSync(links, join(links, 'more', 'loop')); // a loop back to the top
    const built = await cli(['index', 'build', '--images', 'links', '-o', 'links.idx'], dir);
    expect(built.code).toBe(EXIT.OK);
    expect(built.stderr).toMatch(/links: 9 images/); // 2 links + 7 in the linked folder, the loop not re-entered
    const hashed = await cli(['hash', '-r', links], dir);
    expect(hashed.stdout.trim().split('\n')).toHaveLength(9);

    mkdirSync(join(dir, 'nothing'));
    writeFileSync(join(dir, 'nothing', 'notes.txt'), 'no images here');
    const empty = await cli(['index', 'build', '--images', 'nothing', '-o', 'nothing.idx'], dir);
    expect(empty.code).toBe(EXIT.KNOWN_UNUSABLE);
    expect(empty.stderr).toContain('ERR_LIST_EMPTY');
  });
  it('index build --images --sixteen-bit stores the hash each rule reads (low-byte as the C++ CLI)', async () => {
    const folder = join(dir, 'sixteen');
    mkdirSync(folder);
    // A 16-bit grey picture whose low bytes are not its high bytes, so the rules disagree.
    const png = await sharp(fixture('photos', 'coffee.jpg'))
      .resize(160)
      .toColourspace('grey16')
      .png()
      .toBuffer();
    writeFileSync(join(folder, 'coffee16.png'), png);
    const expected = {
      scale: pdqHash(await decodeImage(png)).hash,
      'low-byte': pdqHash(await decodeImage(png, { sixteenBit: 'low-byte' })).hash,
    };
    expect(hammingDistance(expected.scale, expected['low-byte'])).toBeGreaterThan(31);
    for (const [rule, hash] of Object.entries(expected)) {
      const out = `sixteen-${rule}.idx`;
      const built = await cli(
        ['index', 'build', '--images', 'sixteen', '--sixteen-bit', rule, '-o', out],
        dir,
      );
      expect(built.code).toBe(EXIT.OK);
      const index = await loadIndex<unknown>(join(dir, out));
      expect(index.query(hash, { maxDistance: 0 }).length, rule).toBe(1);
    }
    const misuse = await cli(
      ['index', 'build', '--list', 'x.txt', '--sixteen-bit', 'pillow', '-o', 'x.idx'],
      dir,
    );
    expect(misuse.code).toBe(EXIT.USAGE);
  });
});

import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { extractFeatureViews, extractLocalFeatures } from '../../src/features/extract.js';
import { LocalFeatureIndex } from '../../src/features/feature-index.js';
import { descriptorDistance } from '../../src/features/hamming.js';
import {
  type KnownFeatureOwner,
  LOCAL_RULE,
  matchLocal,
  queryLocalViews,
} from '../../src/matching/methods/local.js';
import { getMethod } from '../../src/matching/methods/methods.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { cliInProcess } from '../cli/in-process.js';
import { fixture } from '../helpers.js';

const KNOWN = [
  'coffee.jpg',
  'chelsea-cat.jpg',
  'city-skyline.jpg',
  'landscape-forest.jpg',
  'flower.jpg',
  'rocket.jpg',
];
const UNRELATED = [
  'china-temple.jpg',
  'astronaut.jpg',
  'landscape-beach.jpg',
  'landscape-snow.jpg',
  'camera-grey.png',
];
const method = getMethod('pdq-local');

/** Altered copies, each of one known photo (file name, the known one it copies, how). */
const COPIES: { name: string; of: string; make: (path: string) => Promise<Buffer> }[] = [
  {
    name: 'crop-one-side',
    of: 'coffee.jpg',
    // 20% off the left, resized to half, recompressed: a crop pdq-max stores no hash for.
    make: async (p) => {
      const { width, height } = await sharp(p).metadata();
      return sharp(p)
        .extract({ left: Math.round(width! * 0.2), top: 0, width: Math.round(width! * 0.8), height: height! })
        .resize(Math.round(width! * 0.4))
        .jpeg({ quality: 60 })
        .toBuffer();
    },
  },
  {
    name: 'square',
    of: 'city-skyline.jpg',
    make: async (p) => {
      const { width, height } = await sharp(p).metadata();
      const side = Math.min(width!, height!);
      return sharp(p)
        .extract({ left: Math.round((width! - side) / 3), top: 0, width: side, height: side })
        .jpeg()
        .toBuffer();
    },
  },
  {
    name: 'rotated-9',
    of: 'landscape-forest.jpg',
    make: (p) => sharp(p).rotate(9, { background: '#000' }).jpeg({ quality: 80 }).toBuffer(),
  },
  {
    name: 'screenshot',
    of: 'chelsea-cat.jpg',
    // Shown at 60% inside an app's chrome: a bar with text above, a white panel and grey lines below.
    make: async (p) => {
      const { width } = await sharp(p).metadata();
      const shown = await sharp(p)
        .resize(Math.round(width! * 0.6))
        .toBuffer();
      const { width: w, height: h } = await sharp(shown).metadata();
      const chrome = Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${w! + 40}" height="${h! + 190}">` +
          `<rect width="100%" height="60" fill="#1d9bf0"/><rect x="12" y="18" width="120" height="24" rx="6" fill="#fff"/>` +
          `<rect x="20" y="${h! + 90}" width="${w! - 40}" height="14" fill="#bbb"/><rect x="20" y="${h! + 120}" width="${w! - 120}" height="14" fill="#bbb"/></svg>`,
      );
      return sharp({ create: { width: w! + 40, height: h! + 190, channels: 3, background: '#fff' } })
        .composite([
          { input: chrome, left: 0, top: 0 },
          { input: shown, left: 20, top: 70 },
        ])
        .png()
        .toBuffer();
    },
  },
  {
    name: 'mirror-crop',
    of: 'flower.jpg',
    make: async (p) => {
      const { width, height } = await sharp(p).metadata();
      return sharp(p)
        .flop()
        .extract({
          left: 0,
          top: Math.round(height! * 0.1),
          width: Math.round(width! * 0.85),
          height: Math.round(height! * 0.9),
        })
        .jpeg()
        .toBuffer();
    },
  },
];

let index: LocalFeatureIndex<string>;

beforeAll(async () => {
  index = new LocalFeatureIndex<string>();
  for (const name of KNOWN) {
    index.add(
      extractLocalFeatures(await decodeImage(fixture('photos', name)), {
        maxFeatures: LOCAL_RULE.knownFeatures,
      }),
      name,
    );
  }
});

describe('local features on the fixture photos', () => {
  for (const copy of COPIES) {
    it(`a ${copy.name} copy of ${copy.of} matches it, and only it`, async () => {
      const upload = await decodeImage(await copy.make(fixture('photos', copy.of)));
      const found = matchLocal(index, method, queryLocalViews(method, upload));
      expect(found.map((f) => f.metadata)).toEqual([copy.of]);
      expect(found[0]!.inliers).toBeGreaterThanOrEqual(LOCAL_RULE.minInliers);
    });
  }

  it('unrelated photos match none of the known ones', async () => {
    for (const name of UNRELATED) {
      const upload = await decodeImage(fixture('photos', name));
      expect(matchLocal(index, method, queryLocalViews(method, upload))).toEqual([]);
    }
  });

  it('the mirror view of a picture describes its mirror image (same corners, nearly the same bits)', async () => {
    const path = fixture('photos', 'coffee.jpg');
    const [, mirrored] = extractFeatureViews(await decodeImage(path), { maxFeatures: 256, mirror: true });
    const direct = extractLocalFeatures(await decodeImage(await sharp(path).flop().png().toBuffer()), {
      maxFeatures: 256,
    });
    // Pair each keypoint of the mirror image with the mirror view's keypoint at the same place.
    const distances: number[] = [];
    for (let i = 0; i < direct.count; i++) {
      for (let j = 0; j < mirrored!.count; j++) {
        if (direct.level[i] !== mirrored!.level[j]) continue;
        if (Math.abs(direct.x[i]! - mirrored!.x[j]!) > 0.1 || Math.abs(direct.y[i]! - mirrored!.y[j]!) > 0.1)
          continue;
        distances.push(descriptorDistance(direct.descriptors, i, mirrored!.descriptors, j));
      }
    }
    expect(distances.length).toBeGreaterThan(direct.count * 0.8);
    distances.sort((a, b) => a - b);
    expect(distances[distances.length >> 1]).toBeLessThanOrEqual(8);
  });

  it('a flat picture has no features and matches nothing', async () => {
    const flat = {
      width: 200,
      height: 120,
      channels: 3 as const,
      data: new Uint8Array(200 * 120 * 3).fill(90),
    };
    expect(extractLocalFeatures(flat).count).toBe(0);
    expect(matchLocal(index, method, queryLocalViews(method, flat))).toEqual([]);
  });
});

const cli = cliInProcess;

describe('imprint index build / match --method pdq-local', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'imprint-local-'));
    mkdirSync(join(dir, 'known'));
    mkdirSync(join(dir, 'uploads'));
    for (const name of KNOWN)
      writeFileSync(join(dir, 'known', name), await sharp(fixture('photos', name)).toBuffer());
    for (const copy of COPIES)
      writeFileSync(
        join(dir, 'uploads', `${copy.name}.png`),
        await sharp(await copy.make(fixture('photos', copy.of)))
          .png()
          .toBuffer(),
      );
    for (const name of UNRELATED)
      writeFileSync(
        join(dir, 'uploads', `unrelated-${name}.png`),
        await sharp(fixture('photos', name)).png().toBuffer(),
      );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores the features beside the index and finds every copy, and nothing for unrelated photos', async () => {
    const built = await cli(
      [
        'index',
        'build',
        '--images',
        join(dir, 'known'),
        '--method',
        'pdq-local',
        '-o',
        join(dir, 'known.idx'),
      ],
      dir,
    );
    expect(built.code).toBe(EXIT.OK);
    expect(built.stderr).toMatch(/local features -> .*known\.idx\.features/);
    expect(statSync(join(dir, 'known.idx.features')).size).toBeGreaterThan(0);
    const run = await cli(
      [
        'match',
        '--index',
        join(dir, 'known.idx'),
        '--method',
        'pdq-local',
        '--json',
        '-r',
        join(dir, 'uploads'),
      ],
      dir,
    );
    expect(run.code).toBe(EXIT.OK);
    const results = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    for (const copy of COPIES) {
      const r = results.find((x) => x.path.endsWith(`${copy.name}.png`));
      expect(r.method).toBe('pdq-local');
      expect(r.matches.map((m: { metadata: string[] }) => m.metadata[0])).toEqual([copy.of]);
    }
    for (const name of UNRELATED) {
      expect(results.find((x) => x.path.endsWith(`unrelated-${name}.png`)).matches).toEqual([]);
    }
  });

  it('matchImage gives what the CLI gives with the feature index, and refuses pdq-local without it', async () => {
    const { loadIndex } = await import('../../src/node/index-file.js');
    const { featureFileOf, loadFeatureIndex } = await import('../../src/node/feature-file.js');
    const { matchImage } = await import('../../src/sharp/match-image.js');
    const known = await loadIndex(join(dir, 'known.idx'));
    const features = await loadFeatureIndex<KnownFeatureOwner<unknown>>(
      featureFileOf(join(dir, 'known.idx')),
    );
    for (const copy of COPIES) {
      const result = await matchImage(join(dir, 'uploads', `${copy.name}.png`), known, {
        method: 'pdq-local',
        features,
      });
      expect(result.method).toBe('pdq-local');
      expect(result.matches.map((m) => m.metadata[0])).toEqual([copy.of]);
    }
    const unrelated = await matchImage(join(dir, 'uploads', `unrelated-${UNRELATED[0]}.png`), known, {
      method: 'pdq-local',
      features,
    });
    expect(unrelated.matches).toEqual([]);
    await expect(
      matchImage(join(dir, 'uploads', 'square.png'), known, { method: 'pdq-local' }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('refuses a list (no features there) and a missing or damaged features file', async () => {
    const list = join(dir, 'list.txt');
    writeFileSync(list, `${'0'.repeat(64)}\n`);
    const upload = join(dir, 'uploads', 'square.png');
    expect((await cli(['match', '--list', list, '--method', 'pdq-local', upload], dir)).code).toBe(
      EXIT.USAGE,
    );
    await cli(
      ['index', 'build', '--images', join(dir, 'known'), '--method', 'pdq-max', '-o', join(dir, 'max.idx')],
      dir,
    );
    // A features file that is missing or damaged makes the index unusable: exit 4, never "no match".
    const missing = await cli(
      ['match', '--index', join(dir, 'max.idx'), '--method', 'pdq-local', upload],
      dir,
    );
    expect(missing.stderr).toContain('ERR_FILE_UNREADABLE');
    expect(missing.code).toBe(EXIT.KNOWN_UNUSABLE);
    const bytes = await import('node:fs').then((fs) => fs.readFileSync(join(dir, 'known.idx.features')));
    bytes[100]! ^= 0xff;
    writeFileSync(join(dir, 'known.idx.features'), bytes);
    const damaged = await cli(
      ['match', '--index', join(dir, 'known.idx'), '--method', 'pdq-local', upload],
      dir,
    );
    expect(damaged.stderr).toContain('ERR_INDEX_CORRUPT');
    expect(damaged.code).toBe(EXIT.KNOWN_UNUSABLE);
  });
});

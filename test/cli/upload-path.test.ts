/**
 * The upload pipeline's contract, through the built package as a user gets it: `matchImage` in
 * imprint/sharp answers what `imprint match` answers; unusable lists and indexes fail closed;
 * weak known hashes are refused; --json is complete; `-` is standard input.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MihIndex } from '../../src/matching/mih-index.js';
import { saveIndex } from '../../src/node/index-file.js';
import { fixture } from '../helpers.js';
import { imprint, ROOT } from './run.js';

type SharpApi = typeof import('../../src/sharp/index.js');
let lib: SharpApi;
let dir: string;
let known: string;
let uploads: string[];

const KNOWN = ['astronaut.jpg', 'coffee.jpg', 'rocket.jpg', 'china-temple.jpg', 'landscape-beach.jpg'];

beforeAll(async () => {
  lib = (await import(pathToFileURL(join(ROOT, 'dist/sharp/index.js')).href)) as SharpApi;
  sharp.cache(false);
  dir = mkdtempSync(join(tmpdir(), 'imprint-upload-path-'));
  known = join(dir, 'known');
  mkdirSync(known);
  for (const name of KNOWN) await sharp(fixture('photos', name)).toFile(join(known, name));
  const up = join(dir, 'uploads');
  mkdirSync(up);
  const photo = (name: string) => sharp(fixture('photos', name));
  const beach = await sharp(fixture('photos', 'landscape-beach.jpg')).metadata();
  const [w, h] = [Math.round(beach.width! * 0.9), Math.round(beach.height! * 0.9)];
  const made: [string, Sharp][] = [
    ['mirrored.jpg', photo('coffee.jpg').flop().jpeg({ quality: 80 })],
    [
      'bordered.jpg',
      photo('rocket.jpg').extend({ top: 40, bottom: 40, left: 40, right: 40, background: '#fff' }),
    ],
    ['turned.jpg', photo('astronaut.jpg').rotate(90).jpeg({ quality: 85 })],
    ['halved.jpg', photo('china-temple.jpg').resize(256)],
    [
      'cropped.jpg',
      photo('landscape-beach.jpg').extract({
        left: (beach.width! - w) >> 1,
        top: (beach.height! - h) >> 1,
        width: w,
        height: h,
      }),
    ],
    ['unrelated.jpg', photo('flower.jpg')],
    ['flat.jpg', photo('low-detail-fog.jpg')],
  ];
  for (const [name, pipeline] of made) await pipeline.toFile(join(up, name));
  uploads = [
    ...made.map(([name]) => join(up, name)),
    fixture('photos', 'empty.jpg'),
    fixture('photos', 'not-an-image.jpg'),
  ];
  const built = imprint([
    'index',
    'build',
    '--images',
    known,
    '--method',
    'pdq-max',
    '-o',
    join(dir, 'known.idx'),
  ]);
  expect(built.code).toBe(0);
  writeFileSync(join(dir, 'known.ndjson'), imprint(['hash', '--json', '-r', known]).stdout);
}, 600_000);

afterAll(() => lib?.closeWorkers());

/** `imprint match --json` records, one per input. */
function cliRecords(args: string[]): Record<string, unknown>[] {
  const r = imprint(['match', '--json', ...args, ...uploads]);
  expect([0, 1, 3]).toContain(r.code);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

/** The same through the library: matchImage per input, failures as the CLI writes them. */
async function libraryRecords(
  index: Awaited<ReturnType<SharpApi['loadIndex']>> | Awaited<ReturnType<SharpApi['loadKnownList']>>['index'],
  options: Parameters<SharpApi['matchImage']>[2],
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const path of uploads) {
    try {
      out.push(JSON.parse(JSON.stringify(lib.matchRecord(await lib.matchImage(path, index, options), path))));
    } catch (err) {
      const e = err as { code: string; message: string };
      out.push({ path, error: { code: e.code, message: e.message.slice(path.length + 2) } });
    }
  }
  return out;
}

describe('matchImage (imprint/sharp, built) answers what imprint match answers', () => {
  it('on an index built with --method pdq-max: the default method, --method pdq, --dihedral', async () => {
    const indexPath = join(dir, 'known.idx');
    const index = await lib.loadIndex(indexPath);
    const modes: [string[], Parameters<SharpApi['matchImage']>[2]][] = [
      [[], {}],
      [['--method', 'pdq'], { method: 'pdq' }],
      [['--dihedral'], { dihedral: true }],
      [['--method', 'pdq-plus', '--max-distance', '25'], { method: 'pdq-plus', maxDistance: 25 }],
    ];
    for (const [args, options] of modes) {
      const cli = cliRecords(['--index', indexPath, ...args]);
      expect(cli).toHaveLength(uploads.length);
      expect(await libraryRecords(index, options), args.join(' ')).toEqual(cli);
    }
    // What the default method found: every altered copy, nothing unrelated, flat one skipped.
    const found = cliRecords(['--index', indexPath]);
    const names = (r: Record<string, unknown>) =>
      ((r.matches as { metadata: string[] }[]) ?? []).flatMap((m) => m.metadata);
    expect(found.slice(0, 5).map(names)).toEqual([
      ['coffee.jpg'],
      ['rocket.jpg'],
      ['astronaut.jpg'],
      ['china-temple.jpg'],
      ['landscape-beach.jpg'],
    ]);
    expect(names(found[5]!)).toEqual([]);
    expect(found[6]).toEqual(expect.objectContaining({ skipped: 'low-quality', matches: [] }));
    expect(found[7]).toEqual({
      path: uploads[7],
      error: { code: 'ERR_EMPTY_INPUT', message: 'The input is empty (0 bytes)' },
    });
    expect(found[8]).toEqual(
      expect.objectContaining({ error: expect.objectContaining({ code: 'ERR_NOT_AN_IMAGE' }) }),
    );
  });

  it('on a plain list: the default method reduced to what the list holds', async () => {
    const listPath = join(dir, 'known.ndjson');
    const { index } = await lib.loadKnownList(listPath);
    expect(await libraryRecords(index, {})).toEqual(cliRecords(['--list', listPath]));
  });

  it('one shape in every mode: metadata a list, skipped null or "low-quality"', () => {
    const indexPath = join(dir, 'known.idx');
    for (const args of [[], ['--method', 'pdq'], ['--dihedral'], ['--method', 'pdq-dihedral']]) {
      for (const record of cliRecords(['--index', indexPath, ...args])) {
        if ('error' in record) continue;
        expect([null, 'low-quality']).toContain(record.skipped);
        for (const m of record.matches as { metadata: unknown }[])
          expect(Array.isArray(m.metadata)).toBe(true);
      }
    }
    const phash = join(dir, 'phash.csv');
    writeFileSync(phash, 'ba8c84536bd3c366,imagehash-logo\n');
    const r = imprint([
      'match',
      '--json',
      '--algo',
      'phash',
      '--list',
      phash,
      'fixtures/imagehash/imagehash.png',
    ]);
    expect(JSON.parse(r.stdout)).toEqual(
      expect.objectContaining({
        method: null,
        quality: null,
        skipped: null,
        matches: [expect.objectContaining({ metadata: ['imagehash-logo'] })],
      }),
    );
  });
});

describe('unusable lists and indexes fail closed (ERR_LIST_EMPTY, exit 4)', () => {
  const cases: [string, string, string[]][] = [
    ['empty', '', []],
    ['comments only', '# known hashes\n# none yet\n\n', []],
    ['header-only CSV', 'hash,case\n', []],
    ['every line malformed, --lenient', 'not-a-hash,1\nalso-not,2\n', ['--lenient']],
    ['every row another algorithm', 'video_md5 749476eb0cd128289f0dec3e062da83c\n', ['--skip-other-types']],
  ];
  it.each(cases)(
    '%s: match refuses it, index build writes nothing, the library throws',
    async (name, text, flags) => {
      const list = join(dir, `unusable-${name.replace(/\W+/g, '-')}.txt`);
      writeFileSync(list, text);
      const matched = imprint(['match', '--list', list, ...flags, fixture('photos', 'coffee.jpg')]);
      expect(matched.code).toBe(4);
      expect(matched.stderr).toContain('ERR_LIST_EMPTY');
      expect(matched.stdout).toBe('');
      const out = join(dir, `unusable-${name.replace(/\W+/g, '-')}.idx`);
      const built = imprint(['index', 'build', '--list', list, ...flags, '-o', out]);
      expect(built.code).toBe(4);
      expect(built.stderr).toContain('ERR_LIST_EMPTY');
      expect(existsSync(out)).toBe(false);
      await expect(
        lib.loadKnownList(list, {
          lenient: flags.includes('--lenient'),
          otherAlgorithms: flags.includes('--skip-other-types') ? 'skip' : 'error',
        }),
      ).rejects.toMatchObject({ code: 'ERR_LIST_EMPTY' });
    },
  );

  it('an empty index file is refused for matching, and matchImage refuses an empty index', async () => {
    const path = join(dir, 'empty.idx');
    await saveIndex(new MihIndex(), path);
    const r = imprint(['match', '--index', path, fixture('photos', 'coffee.jpg')]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('ERR_LIST_EMPTY');
    await expect(
      lib.matchImage(fixture('photos', 'coffee.jpg'), await lib.loadIndex(path)),
    ).rejects.toMatchObject({
      code: 'ERR_LIST_EMPTY',
    });
  });
});

describe('weak known hashes (PDQ quality below 50) are refused unless --keep-weak', () => {
  it('index build --images names and counts them; --keep-weak keeps them', async () => {
    const folder = join(dir, 'with-flat');
    mkdirSync(folder);
    await sharp(fixture('photos', 'coffee.jpg')).toFile(join(folder, 'coffee.jpg'));
    await sharp(fixture('photos', 'low-detail-fog.jpg')).toFile(join(folder, 'fog.jpg'));
    const refused = imprint(['index', 'build', '--images', folder, '-o', join(dir, 'strict.idx')]);
    expect(refused.code).toBe(0);
    expect(refused.stderr).toMatch(/fog\.jpg: refused: PDQ quality \d+ is below 50/);
    expect(refused.stderr).toContain('1 images, 1 hashes');
    expect(refused.stderr).toContain('1 below PDQ quality 50 refused');
    const kept = imprint(['index', 'build', '--images', folder, '--keep-weak', '-o', join(dir, 'lax.idx')]);
    expect(kept.stderr).toContain('2 images, 2 hashes');
    // Only flat pictures: nothing usable, nothing written.
    const flatOnly = join(dir, 'flat-only');
    mkdirSync(flatOnly);
    await sharp(fixture('photos', 'low-detail-fog.jpg')).toFile(join(flatOnly, 'fog.jpg'));
    const none = imprint(['index', 'build', '--images', flatOnly, '-o', join(dir, 'none.idx')]);
    expect(none.code).toBe(4);
    expect(none.stderr).toContain('ERR_LIST_EMPTY');
    expect(existsSync(join(dir, 'none.idx'))).toBe(false);
    // The library's building block says the same.
    const entries = await lib.knownImageEntries(fixture('photos', 'low-detail-fog.jpg'), 'pdq-max', 'fog');
    expect(entries).toEqual(expect.objectContaining({ weak: true, entries: [] }));
    const keptEntries = await lib.knownImageEntries(fixture('photos', 'low-detail-fog.jpg'), 'pdq', 'fog', {
      keepWeak: true,
    });
    expect(keptEntries.entries).toHaveLength(1);
  });

  it('a list whose hashes give their quality: weak ones refused and counted, --keep-weak keeps them', async () => {
    const list = join(dir, 'weak.ndjson');
    writeFileSync(
      list,
      imprint(['hash', '--json', fixture('photos', 'low-detail-fog.jpg'), fixture('photos', 'coffee.jpg')])
        .stdout,
    );
    const r = imprint(['match', '--list', list, fixture('photos', 'coffee.jpg')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('1 hashes below PDQ quality 50 refused');
    const { stats } = await lib.loadKnownList(list);
    expect(stats.weak).toBe(1);
    const onlyWeak = join(dir, 'only-weak.ndjson');
    writeFileSync(onlyWeak, imprint(['hash', '--json', fixture('photos', 'low-detail-fog.jpg')]).stdout);
    expect(imprint(['match', '--list', onlyWeak, fixture('photos', 'coffee.jpg')]).code).toBe(4);
    expect(imprint(['match', '--keep-weak', '--list', onlyWeak, fixture('photos', 'coffee.jpg')]).code).toBe(
      1,
    );
  });
});

describe('standard input and the smaller things', () => {
  it("'-' reads an image or a list from standard input", () => {
    const coffee = readFileSync(fixture('photos', 'coffee.jpg'));
    const fromFile = imprint(['hash', fixture('photos', 'coffee.jpg')])
      .stdout.split(',')
      .slice(0, 2);
    const fromStdin = imprint(['hash', '-'], { input: coffee });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toBe(`${fromFile.join(',')},-\n`);
    const list = imprint(['hash', fixture('photos', 'coffee.jpg')]).stdout;
    const listFromStdin = imprint(['match', '--list', '-', fixture('photos', 'coffee.jpg')], { input: list });
    expect(listFromStdin.code).toBe(0);
    const imageFromStdin = imprint(['match', '--list', join(dir, 'known.ndjson'), '-'], { input: coffee });
    expect(imageFromStdin.code).toBe(0);
    expect(imageFromStdin.stdout).toMatch(/^-\t0\t/);
    expect(imprint(['match', '--list', '-', '-']).code).toBe(2);
  });

  it('imprint algorithms lists what --algo takes (hash --help points to it)', () => {
    expect(imprint(['hash', '--help']).stdout).toContain("see 'imprint algorithms'");
    const r = imprint(['algorithms', '--json']);
    expect(r.code).toBe(0);
    const names = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).name);
    expect(names).toEqual(expect.arrayContaining(['pdq', 'phash', 'blockhash', 'md5']));
  });

  it('the pixel-limit error names the size, the limit and how to raise it', () => {
    const r = imprint(['hash', '--max-pixels', '1000', fixture('photos', 'coffee.jpg')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /ERR_IMAGE_TOO_LARGE: The image is \d+x\d+ \(\d+ pixels\), over the limit of 1000 pixels: .*--max-pixels/,
    );
  });

  it('a truncated JPEG header prints the coded error on one line, no raw decoder text', () => {
    const cut = join(dir, 'cut.jpg');
    writeFileSync(cut, readFileSync(fixture('photos', 'coffee.jpg')).subarray(0, 100));
    const r = imprint(['hash', cut]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/cut\.jpg: ERR_IMAGE_CORRUPT: /),
      'imprint hash: 1 of 1 inputs failed',
    ]);
  });
});

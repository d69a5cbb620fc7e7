/**
 * The public surface: each entry exports an explicit, curated list (no `export *`, internals
 * kept internal), the types of the main calls are what the docs say (checked by tsc through
 * expectTypeOf), and the built entries share one core, so `instanceof ImprintError` works across them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as browser from '../src/browser/index.js';
import * as root from '../src/index.js';
import * as node from '../src/node/index.js';
import * as video from '../src/node/video.js';
import * as sharp from '../src/sharp/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRIES = [
  'src/index.ts',
  'src/sharp/index.ts',
  'src/node/index.ts',
  'src/node/video.ts',
  'src/browser/index.ts',
];

/** Internals the issue names: none may be reachable from any entry. */
const INTERNALS = [
  'popcount32',
  'getBit',
  'invalidArgument',
  'withSource',
  'cmykToRgb',
  'transformDct',
  'PackedIndex',
  'packHashes',
  'encodeIndexChunks',
  'planIndexDecode',
  'BAND_CUTS',
  'BAND_LABELS',
  'TONES_FLATTENED',
  'TONES_LABEL',
  'knownGate',
  'resolveVideoMatchOptions',
  'spawnTool',
  'lastLine',
  'ffmpegFrameArgs',
  'throwIfAborted',
  'eightBit',
  'planMatch',
];

describe('public surface', () => {
  it('every entry lists its exports explicitly (no export *)', () => {
    for (const entry of ENTRIES) {
      expect(readFileSync(join(ROOT, entry), 'utf8'), entry).not.toMatch(/export\s+\*/);
    }
  });

  it('no entry exports an internal', () => {
    for (const [name, entry] of Object.entries({ root, sharp, node, video, browser })) {
      expect(
        INTERNALS.filter((n) => n in entry),
        name,
      ).toEqual([]);
    }
  });

  it('the entries keep to their size: about a hundred names at most', () => {
    expect(Object.keys(root).length).toBeLessThanOrEqual(100);
    expect(Object.keys(browser).length).toBeLessThanOrEqual(110);
    expect(Object.keys(sharp).length).toBeLessThanOrEqual(25);
    expect(Object.keys(node).length).toBeLessThanOrEqual(10);
    expect(Object.keys(video).length).toBeLessThanOrEqual(25);
  });

  it('imprint/browser has the whole pure core, and imprint/node the file I/O (not in imprint/sharp)', () => {
    expect(Object.keys(root).filter((n) => !(n in browser))).toEqual([]);
    expect(Object.keys(node).sort()).toEqual([
      'ParallelIndex',
      'featureFileOf',
      'loadFeatureIndex',
      'loadIndex',
      'loadKnownList',
      'loadShardedIndex',
      'readHashListFile',
      'saveFeatureIndex',
      'saveIndex',
      'writeHashListFile',
    ]);
    expect(Object.keys(node).filter((n) => n in sharp)).toEqual([]);
    for (const name of ['pdqAlgorithm', 'md5Algorithm', 'phashAlgorithm']) expect(root).toHaveProperty(name);
  });

  it('the main calls have the documented types', () => {
    expectTypeOf(root.hashToHex).parameter(0).toEqualTypeOf<root.Hash>();
    expectTypeOf(root.hashToHex).returns.toEqualTypeOf<string>();
    expectTypeOf(root.hammingDistance).returns.toEqualTypeOf<number>();
    expectTypeOf(root.hashFromHex).returns.toEqualTypeOf<root.Hash>();
    expectTypeOf(root.pdqHash).parameter(0).toMatchTypeOf<root.PixelImage>();
    expectTypeOf(root.getAlgorithm).returns.toEqualTypeOf<root.Algorithm>();
    expectTypeOf(root.getMethod).returns.toEqualTypeOf<root.MatchMethod>();
    expectTypeOf<root.ErrorCode>().toEqualTypeOf<keyof typeof root.ERROR_CODES>();
    expectTypeOf<root.ImprintError['code']>().toEqualTypeOf<root.ErrorCode>();
    expectTypeOf(sharp.hashImage).returns.resolves.toEqualTypeOf<sharp.ImageHashResult>();
    expectTypeOf(sharp.matchImage<string>).returns.resolves.toEqualTypeOf<sharp.ImageMatchResult<string>>();
    expectTypeOf(sharp.matchImage).parameter(0).toEqualTypeOf<sharp.ImageInput>();
    expectTypeOf(node.loadIndex<string>).returns.resolves.toMatchTypeOf<root.HashIndex<string>>();
    expectTypeOf(node.loadKnownList).returns.resolves.toHaveProperty('index');
    expectTypeOf(video.hashVideo).returns.resolves.toEqualTypeOf<root.VideoFrameHash[]>();
    expectTypeOf(browser.hashBlob).returns.resolves.toEqualTypeOf<browser.BrowserImageHashResult>();
    expect(true).toBe(true);
  });

  // Type-only checks (tsc checks them: `npx tsc --noEmit` covers test/); the calls never run.
  it('results are typed by the algorithms asked for: no `!` on a requested hash', async () => {
    const never = false as boolean;
    if (never) {
      const pixels = {} as root.PixelImage;
      const blob = {} as Blob;
      const names = ['pdq'] as string[];
      expectTypeOf(sharp.hashImage('a.jpg', { algorithms: ['pdq', 'md5'] })).resolves.toHaveProperty(
        'hashes',
      );
      expectTypeOf(sharp.hashImage('a.jpg', { algorithms: ['pdq', 'md5'] })).resolves.toEqualTypeOf<
        sharp.ImageHashResult<'pdq' | 'md5'>
      >();
      type Asked = Awaited<ReturnType<typeof sharp.hashImage<'pdq' | 'md5'>>>['hashes'];
      expectTypeOf<Asked>().toEqualTypeOf<{ readonly pdq: root.Hash; readonly md5: root.Hash }>();
      // PDQ when no algorithms are named, as at run time.
      expectTypeOf(sharp.hashImage('a.jpg')).resolves.toEqualTypeOf<sharp.ImageHashResult<'pdq'>>();
      expectTypeOf<sharp.ImageHashResult<'pdq'>['hashes']>().toEqualTypeOf<{ readonly pdq: root.Hash }>();
      // Names known only at run time: a record keyed by any string.
      expectTypeOf(
        sharp.hashImage('a.jpg', { algorithms: names }),
      ).resolves.toEqualTypeOf<sharp.ImageHashResult>();
      expectTypeOf(root.computeHashes(pixels, undefined, { algorithms: ['phash'] }).hashes).toEqualTypeOf<{
        readonly phash: root.Hash;
      }>();
      expectTypeOf(browser.hashBlob(blob, { algorithms: ['pdq', 'sha256'] })).resolves.toEqualTypeOf<
        browser.BrowserImageHashResult<'pdq' | 'sha256'>
      >();
      expectTypeOf(
        browser.hashImageData({ width: 1, height: 1, data: new Uint8ClampedArray(4) }).hashes,
      ).toEqualTypeOf<{
        readonly pdq: root.Hash;
      }>();
      for await (const r of sharp.hashFiles(['a.jpg'], { algorithms: ['dhash'] })) {
        if (r.ok) expectTypeOf(r.result.hashes.dhash).toEqualTypeOf<root.Hash>();
      }
    }
    expect(true).toBe(true);
  });

  it('one progress shape and the renamed names', () => {
    expectTypeOf<sharp.HashFilesOptions['onProgress']>().toEqualTypeOf<root.ProgressCallback | undefined>();
    expectTypeOf<sharp.MatchFilesOptions['onProgress']>().toEqualTypeOf<root.ProgressCallback | undefined>();
    expectTypeOf<video.VideoHashOptions['onProgress']>().toEqualTypeOf<root.ProgressCallback | undefined>();
    expectTypeOf<node.LoadKnownListOptions['onProgress']>().toEqualTypeOf<
      root.ProgressCallback | undefined
    >();
    expectTypeOf<root.Progress>().toMatchTypeOf<{ phase: string; done: number; total: number | undefined }>();
    expectTypeOf(root.matchWasmAvailable).returns.toEqualTypeOf<boolean>();
    expectTypeOf(root.pdqWasmAvailable).returns.toEqualTypeOf<boolean>();
    expectTypeOf(root.colorhash).returns.toEqualTypeOf<root.Hash>();
    for (const old of ['colorHash', 'wasmKernelAvailable']) expect(root).not.toHaveProperty(old);
    expect(browser).not.toHaveProperty('hashFile');
    expect(sharp).not.toHaveProperty('BatchProgress');
  });
});

describe('built entries (npm test builds first)', () => {
  const dist = (path: string) => pathToFileURL(join(ROOT, 'dist', path)).href;

  it('share one core: ImprintError from imprint/browser is the one imprint exports', async () => {
    expect(existsSync(join(ROOT, 'dist/browser/index.js'))).toBe(true);
    const builtRoot = await import(dist('index.js'));
    const builtBrowser = await import(dist('browser/index.js'));
    expect(builtBrowser.ImprintError).toBe(builtRoot.ImprintError);
    let thrown: unknown;
    try {
      builtBrowser.hashFromHex('not hex', 'pdq');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(builtRoot.ImprintError);
    // One registry too: an algorithm registered through one entry is known to the other.
    builtRoot.registerAlgorithm({ ...builtRoot.getAlgorithm('phash'), name: 'public-api-test-phash' });
    expect(builtBrowser.getAlgorithm('public-api-test-phash').bits).toBe(64);
  });

  it('the built imprint and imprint/browser import no node:* and no sharp, through any chunk', () => {
    for (const entry of ['index.js', 'browser/index.js', 'browser/standalone.js']) {
      const seen = new Set<string>();
      const bad: string[] = [];
      const walk = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        const code = readFileSync(file, 'utf8');
        for (const m of code.matchAll(
          /(?:^|[\s;])(?:import|export)\b[^'"]*?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm,
        )) {
          const spec = (m[1] ?? m[2]) as string;
          if (spec.startsWith('.')) walk(resolve(dirname(file), spec));
          else if (spec.startsWith('node:') || spec === 'sharp') bad.push(`${file}: ${spec}`);
        }
      };
      walk(join(ROOT, 'dist', entry));
      expect(bad, entry).toEqual([]);
      expect(seen.size, entry).toBeGreaterThan(entry === 'browser/standalone.js' ? 0 : 1);
    }
  });
});

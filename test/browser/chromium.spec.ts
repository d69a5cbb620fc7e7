/**
 * The browser suite (`npm run test:browser`, also run by CI): the demo page and `imprint/browser`
 * in headless Chromium, checked against `imprint/sharp` in Node on the same files.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer } from '../../examples/browser-demo/serve.mjs';
import { listAlgorithms } from '../../src/algorithms/registry.js';
import { hammingDistance, hashFromHex, hashToHex } from '../../src/core/hash.js';
import { parseHashList } from '../../src/lists/read.js';
import { type HashImageOptions, hashImage } from '../../src/sharp/index.js';
import { fixture } from '../helpers.js';
import { launchChromium } from './chromium.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCREENSHOT = fileURLToPath(new URL('./__screenshots__/demo.png', import.meta.url));

/** Every PNG and JPEG among the fixtures, broken ones included (they must fail the same way). */
const FIXTURES = ['photos', ...readdirSync(fixture('pdq', 'images')).map((d) => `pdq/images/${d}`)]
  .flatMap((dir) => readdirSync(fixture(dir)).map((f) => `${dir}/${f}`))
  .filter((f) => /\.(png|jpe?g)$/i.test(f))
  .sort();

/**
 * CMYK JPEGs: Chromium converts CMYK to RGB as `C*K/255` truncated (blink's JPEGImageDecoder),
 * imprint/sharp rounds `(255-C)(255-K)/255` like the reference's decoder, so a channel can be one
 * level lower in the browser (coffee-cmyk.jpg: 273178 of 720000 samples). Allowed: 3% of a hash's
 * bits. Measured with Chromium 156: PDQ 0 bits; dhash-16 2, dhash-vertical-16 3, ahash-16 1 of 256.
 */
const CMYK = new Set(['photos/coffee-cmyk.jpg', 'pdq/images/modes/CMYK.jpg']);
const cmykBound = (bits: number): number => Math.ceil(bits * 0.03);

/** Every registered algorithm: the perceptual ones and the exact hashes of the file bytes. */
const ALL_ALGORITHMS = listAlgorithms().map((a) => a.name);

/** One image's hashes as hex (plus PDQ quality), or the error code, from either side. */
type Outcome =
  | {
      ok: true;
      hex: Record<string, string>;
      quality?: number;
      width: number;
      height: number;
      exactPixels?: boolean;
    }
  | { ok: false; code: string };

async function nodeHash(input: string | Uint8Array, options: HashImageOptions = {}): Promise<Outcome> {
  try {
    const r = await hashImage(input, options);
    const hex = Object.fromEntries(Object.entries(r.hashes).map(([name, h]) => [name, hashToHex(h)]));
    return { ok: true, hex, quality: r.hashes['pdq']?.quality, width: r.width, height: r.height };
  } catch (err) {
    return { ok: false, code: (err as { code?: string }).code ?? String(err) };
  }
}

/**
 * Runs in the page (plain JS, so no test-runner transform can touch it): imports the bundle the
 * page itself loads and hashes bytes passed from Node as base64.
 */
const BROWSER_HASH = `async ({ bundle, base64, options, via }) => {
  const m = await import(bundle);
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const blob = new Blob([bytes]);
  try {
    let r;
    if (via === 'blob') r = await m.hashBlob(blob, options);
    else {
      const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
      if (via === 'bitmap') r = m.hashBitmap(bitmap, options);
      else {
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext('2d', { willReadFrequently: true });
        context.drawImage(bitmap, 0, 0);
        r = m.hashImageData(context.getImageData(0, 0, bitmap.width, bitmap.height), options);
      }
      r = { ...r, width: bitmap.width, height: bitmap.height };
    }
    const hex = Object.fromEntries(Object.entries(r.hashes).map(([name, h]) => [name, m.hashToHex(h)]));
    return { ok: true, hex, quality: r.hashes.pdq?.quality, width: r.width, height: r.height, exactPixels: r.exactPixels };
  } catch (err) {
    return { ok: false, code: err?.code ?? String(err) };
  }
}`;

type Via = 'blob' | 'bitmap' | 'imagedata';

async function browserHash(
  page: Page,
  bytes: Uint8Array,
  options: Record<string, unknown> = {},
  via: Via = 'blob',
): Promise<Outcome> {
  const base64 = Buffer.from(bytes).toString('base64');
  return page.evaluate(
    `(${BROWSER_HASH})(${JSON.stringify({ bundle: '/dist/browser/standalone.js', base64, options, via })})`,
  );
}

/** Bits that differ per algorithm, or a description of how the outcomes differ. */
function compare(node: Outcome, browser: Outcome): { distances: Record<string, number>; mismatch?: string } {
  if (!node.ok || !browser.ok) {
    const n = node.ok ? 'hashed' : node.code;
    const b = browser.ok ? 'hashed' : browser.code;
    return { distances: {}, ...(n === b ? {} : { mismatch: `node ${n}, browser ${b}` }) };
  }
  if (node.width !== browser.width || node.height !== browser.height) {
    return {
      distances: {},
      mismatch: `size ${node.width}x${node.height} vs ${browser.width}x${browser.height}`,
    };
  }
  const distances: Record<string, number> = {};
  for (const [name, hex] of Object.entries(node.hex)) {
    const other = browser.hex[name];
    if (other === undefined) return { distances, mismatch: `browser has no ${name}` };
    const bits = hex.length * 4;
    distances[name] = hammingDistance(hashFromHex(name, bits, hex), hashFromHex(name, bits, other));
  }
  if (node.quality !== browser.quality)
    return { distances, mismatch: `quality ${node.quality} vs ${browser.quality}` };
  return { distances };
}

let context: BrowserContext;
let closeBrowser: () => Promise<void>;
let closeServer: () => Promise<void>;
let demoUrl: string;
let page: Page;
const serverPaths: string[] = [];
const pageRequests: string[] = [];

beforeAll(async () => {
  const server = await startDemoServer({ onRequest: (_method, path) => serverPaths.push(path) });
  closeServer = server.close;
  demoUrl = server.url;
  ({ context, close: closeBrowser } = await launchChromium());
  context.on('request', (request) => pageRequests.push(request.url()));
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(60_000);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(demoUrl);
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await closeBrowser?.();
  await closeServer?.();
});

describe('the demo page', () => {
  it('hashes every PNG and JPEG fixture in its worker exactly as Node does (CMYK within a bound)', async () => {
    const expected = new Map<string, Outcome>();
    for (const name of FIXTURES) expected.set(name, await nodeHash(fixture(name), { algorithms: ['pdq'] }));

    const started = Date.now();
    await page.setInputFiles(
      '#files',
      FIXTURES.map((name) => fixture(name)),
    );
    await page.waitForFunction(() => document.body.dataset['pending'] === '0', null, { timeout: 600_000 });
    const seconds = (Date.now() - started) / 1000;
    const rows = await page.$$eval('#results tbody tr', (trs) =>
      trs.map((tr) => ({ ...(tr as HTMLElement).dataset })),
    );
    expect(rows).toHaveLength(FIXTURES.length);

    const report: string[] = [];
    let exact = 0;
    for (const [i, name] of FIXTURES.entries()) {
      const row = rows[i]!;
      const browser: Outcome =
        row['state'] === 'done'
          ? { ok: true, hex: { pdq: row['hash']! }, quality: Number(row['quality']), width: 0, height: 0 }
          : { ok: false, code: row['code'] ?? '?' };
      const node = expected.get(name)!;
      const { distances, mismatch } = compare(
        node,
        node.ok && browser.ok ? { ...browser, width: node.width, height: node.height } : browser,
      );
      const bits = distances['pdq'];
      report.push(
        `${name.padEnd(56)} ${node.ok ? `pdq ${bits} bits differ, quality ${node.quality}` : node.code}${mismatch ? `  MISMATCH ${mismatch}` : ''}`,
      );
      if (CMYK.has(name)) {
        expect(mismatch, name).toBeUndefined();
        expect(bits, name).toBeLessThanOrEqual(cmykBound(256));
      } else {
        expect({ name, mismatch, bits: bits ?? 0 }).toEqual({ name, mismatch: undefined, bits: 0 });
        exact++;
      }
    }
    console.log(
      `demo worker, PDQ, ${FIXTURES.length} fixtures in ${seconds.toFixed(1)} s (${exact} exact by rule):\n${report.join('\n')}`,
    );
  });

  it('saves a hash list that imprint reads (NDJSON and CSV) and matches with `imprint match --list`', async () => {
    const rows = await page.$$eval('#results tbody tr[data-state="done"]', (trs) =>
      trs.map((tr) => ({
        name: tr.dataset['name']!,
        hash: tr.dataset['hash']!,
        quality: Number(tr.dataset['quality']),
      })),
    );
    expect(rows.length).toBeGreaterThan(70);
    const dir = fileURLToPath(new URL('./__screenshots__/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    for (const format of ['ndjson', 'csv'] as const) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#export-${format}`)]);
      expect(download.suggestedFilename()).toBe(`imprint-pdq-hashes.${format}`);
      const path = `${dir}hashes.${format}`;
      await download.saveAs(path);
      const { entries, stats } = parseHashList(readFileSync(path, 'utf8'), {
        algorithm: 'pdq',
        source: path,
      });
      expect(stats.format).toBe(format === 'ndjson' ? 'ndjson' : 'hash-metadata');
      expect(entries.map((e) => hashToHex(e.hash))).toEqual(rows.map((r) => r.hash));
      if (format === 'ndjson') {
        expect(entries.map((e) => [e.hash.quality, (e.metadata as { path: string }).path])).toEqual(
          rows.map((r) => [r.quality, r.name]),
        );
      } else {
        expect(entries.map((e) => e.metadata)).toEqual(rows.map((r) => r.name));
      }
      // The CLI reads the saved list and finds the original photo in it.
      const cli = spawnSync(
        process.execPath,
        ['dist/cli/main.js', 'match', '--list', path, '--json', fixture('photos', 'coffee.jpg')],
        { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
      );
      expect(cli.status, cli.stderr).toBe(0);
      expect(cli.stdout).toContain('coffee.jpg');
    }
  });

  it('looks right (screenshot, previews on)', async () => {
    await page.click('#clear');
    await page.check('#previews');
    const shown = [
      'photos/coffee.jpg',
      'photos/camera-grey.png',
      'photos/alpha-tulips.png',
      'photos/landscape-mountain-exif-orientation-6.jpg',
      'photos/low-detail-fog.jpg',
      'photos/truncated-coffee.jpg',
      'photos/flower.jpg',
    ];
    await page.setInputFiles(
      '#files',
      shown.map((name) => fixture(name)),
    );
    await page.waitForFunction(() => document.body.dataset['pending'] === '0', null, { timeout: 600_000 });
    await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete), null, {
      timeout: 600_000,
    });
    expect(await page.textContent('#status')).toBe('6 of 7 images hashed, 1 could not be read.');
    expect(await page.locator('#results tbody tr[data-state="error"]').getAttribute('data-code')).toBe(
      'ERR_IMAGE_CORRUPT',
    );
    mkdirSync(fileURLToPath(new URL('./__screenshots__/', import.meta.url)), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`screenshot: ${SCREENSHOT}`);
  });
});

/**
 * All algorithms on one file per decode path (the demo test above runs PDQ on every fixture):
 * all of photos/ (grey, 16-bit, alpha, CMYK, EXIF, broken files), the synthetic edge cases,
 * palette and 1-bit PNGs, a CMYK JPEG, small JPEGs.
 */
const ALL_ALGORITHM_FIXTURES = FIXTURES.filter(
  (f) =>
    f.startsWith('photos/') ||
    f.startsWith('pdq/images/synthetic/') ||
    ['pdq/images/modes/1.png', 'pdq/images/modes/P.png', 'pdq/images/modes/CMYK.jpg'].includes(f) ||
    ['pdq/images/misc/wee.jpg', 'pdq/images/misc/small.jpg'].includes(f),
);

/** Bits that differ per algorithm, for the report. */
function describeDistances(distances: Record<string, number>): string {
  const differing = Object.entries(distances).filter(([, d]) => d > 0);
  return differing.length ? differing.map(([a, d]) => `${a}:${d}`).join(' ') : 'all equal';
}

describe('imprint/browser in the page', () => {
  it('hashBlob gives every registered algorithm exactly as Node (CMYK within a bound)', async () => {
    const report: string[] = [];
    for (const name of ALL_ALGORITHM_FIXTURES) {
      const bytes = readFileSync(fixture(name));
      const [node, browser] = await Promise.all([
        nodeHash(bytes, { algorithms: ALL_ALGORITHMS }),
        browserHash(page, bytes, { algorithms: ALL_ALGORITHMS }),
      ]);
      const { distances, mismatch } = compare(node, browser);
      report.push(
        `${name.padEnd(56)} ${node.ok ? describeDistances(distances) : node.code}${mismatch ? ` MISMATCH ${mismatch}` : ''}`,
      );
      if (browser.ok) expect(browser.exactPixels, name).toBe(true);
      expect(mismatch, name).toBeUndefined();
      for (const [algorithm, bits] of Object.entries(distances)) {
        const bound = CMYK.has(name) && node.ok ? cmykBound(node.hex[algorithm]!.length * 4) : 0;
        expect(bits, `${name} ${algorithm}`).toBeLessThanOrEqual(bound);
      }
    }
    console.log(
      `hashBlob, ${ALL_ALGORITHMS.length} algorithms, ${ALL_ALGORITHM_FIXTURES.length} files:\n${report.join('\n')}`,
    );
  });

  it('EXIF orientation 1..8 in JPEG, PNG and WebP: as stored by default, applied with autoOrient, as in Node', async () => {
    const base = sharp(fixture('photos', 'landscape-mountain.jpg')).resize(72, 36);
    const encoders = {
      jpeg: (x: Sharp) => x.jpeg({ quality: 95 }),
      png: (x: Sharp) => x.png(),
      webp: (x: Sharp) => x.webp({ lossless: true }),
    };
    const algorithms = ['pdq', 'phash', 'dhash', 'blockhash'];
    for (const [format, encode] of Object.entries(encoders)) {
      for (let orientation = 1; orientation <= 8; orientation++) {
        const bytes = new Uint8Array(await encode(base.clone()).withMetadata({ orientation }).toBuffer());
        for (const autoOrient of [false, true]) {
          const node = await nodeHash(bytes, { algorithms, autoOrient });
          const browser = await browserHash(page, bytes, { algorithms, autoOrient });
          const { distances, mismatch } = compare(node, browser);
          const what = `${format} orientation ${orientation} autoOrient ${autoOrient}`;
          expect(node.ok, what).toBe(true);
          expect(mismatch, what).toBeUndefined();
          expect(describeDistances(distances), what).toBe('all equal');
        }
      }
    }
  });

  it('hashBitmap and hashImageData: exact for opaque images; the canvas path loses translucent colours', async () => {
    const lines: string[] = [];
    const check = async (name: string, options: Record<string, unknown>, via: Via) => {
      const bytes = readFileSync(fixture(name));
      const node = await nodeHash(bytes, { algorithms: ['pdq'] });
      const browser = await browserHash(page, bytes, { algorithms: ['pdq'], ...options }, via);
      const { distances, mismatch } = compare(node, browser);
      lines.push(
        `${via.padEnd(9)} ${name} ${JSON.stringify(options)}: pdq ${distances['pdq']} bits differ${mismatch ? ` (${mismatch})` : ''}`,
      );
      return { distances, mismatch, browser };
    };
    for (const via of ['bitmap', 'imagedata'] as const) {
      for (const name of ['photos/coffee.jpg', 'photos/screenshot-terminal.png', 'pdq/images/modes/P.png']) {
        const { distances, mismatch } = await check(name, {}, via);
        expect({ name, via, mismatch, pdq: distances['pdq'] }).toEqual({
          name,
          via,
          mismatch: undefined,
          pdq: 0,
        });
      }
      // Grey files: exact when told they are grey (decodeBlob reads that from the header).
      const grey = await check('photos/camera-grey.png', { greyscale: true }, via);
      expect(grey.distances['pdq']).toBe(0);
      await check('photos/camera-grey.png', {}, via); // reported: PDQ's float luma of (v,v,v) is not always v
    }
    // Translucent pixels: hashBitmap reads them through WebGL (exact); ImageData from a 2D canvas
    // was premultiplied by the canvas, so colours under low alpha are rounded (reported, not asserted).
    const viaBitmap = await check('photos/alpha-tulips.png', {}, 'bitmap');
    expect(viaBitmap.distances['pdq']).toBe(0);
    expect(viaBitmap.browser.ok && viaBitmap.browser.exactPixels).toBe(true);
    await check('photos/alpha-tulips.png', {}, 'imagedata');
    console.log(lines.join('\n'));
  });

  it('refuses what Node refuses, with the same codes', async () => {
    const coffeePath = fixture('photos', 'coffee.jpg');
    const coffee = readFileSync(coffeePath);
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>');
    // Node applies maxBytes to files and streams (a buffer is already in memory), so it gets the path.
    const cases: [string, string | Uint8Array, Uint8Array, Record<string, unknown>, string][] = [
      ['pixel limit from the header', coffee, coffee, { maxPixels: 1000 }, 'ERR_IMAGE_TOO_LARGE'],
      ['byte limit', coffeePath, coffee, { maxBytes: 1000 }, 'ERR_IMAGE_TOO_LARGE'],
      ['SVG', svg, svg, {}, 'ERR_FORMAT_REFUSED'],
      ['unknown algorithm', coffee, coffee, { algorithms: ['nope'] }, 'ERR_UNKNOWN_ALGORITHM'],
      ['MD5 of pixels only', coffee, coffee, { algorithms: ['pdq', 'md5'] }, 'hashed'],
    ];
    for (const [what, nodeInput, bytes, options, code] of cases) {
      const node = await nodeHash(nodeInput, options);
      const browser = await browserHash(page, bytes, options);
      expect([what, node.ok ? 'hashed' : node.code], what).toEqual([what, code]);
      expect([what, browser.ok ? 'hashed' : browser.code], what).toEqual([what, code]);
      expect(compare(node, browser).mismatch, what).toBeUndefined();
    }
    const notABlob = await page.evaluate(
      `import('/dist/browser/standalone.js').then((m) => m.hashBlob('x')).then(() => 'hashed', (e) => e.code)`,
    );
    expect(notABlob).toBe('ERR_INVALID_ARGUMENT');
  });

  it('without WebGL2, translucent images are hashed from canvas pixels and flagged inexact', async () => {
    const noWebGl = await context.newPage();
    await noWebGl.addInitScript(() => {
      const original = OffscreenCanvas.prototype.getContext;
      OffscreenCanvas.prototype.getContext = function (
        this: OffscreenCanvas,
        type: string,
        ...rest: unknown[]
      ) {
        return type === 'webgl2'
          ? null
          : (original as (...a: unknown[]) => unknown).call(this, type, ...rest);
      } as typeof original;
    });
    await noWebGl.goto(demoUrl);
    const lines: string[] = [];
    for (const [name, exact] of [
      ['photos/coffee.jpg', true],
      ['photos/alpha-tulips.png', false],
      ['pdq/images/synthetic/rgba-halfalpha-200x150.png', false],
    ] as const) {
      const bytes = readFileSync(fixture(name));
      const node = await nodeHash(bytes, { algorithms: ['pdq'] });
      const browser = await browserHash(noWebGl, bytes, { algorithms: ['pdq'] });
      expect(browser.ok && browser.exactPixels, name).toBe(exact);
      const { distances, mismatch } = compare(node, browser);
      expect(mismatch, name).toBeUndefined();
      if (exact) expect(distances['pdq'], name).toBe(0);
      lines.push(`no WebGL2: ${name} exactPixels ${exact}, pdq ${distances['pdq']} bits differ from Node`);
    }
    console.log(lines.join('\n'));
    await noWebGl.close();
  });
});

describe('network', () => {
  it('the page and its worker requested nothing but the demo files and the bundle', () => {
    const origin = new URL(demoUrl).origin;
    const own = new Set([
      '/',
      '/examples/browser-demo/',
      '/examples/browser-demo/demo.js',
      '/examples/browser-demo/worker.js',
      '/examples/browser-demo/style.css',
      '/dist/browser/standalone.js',
    ]);
    console.log(`requests seen by Chromium: ${pageRequests.length}, by the server: ${serverPaths.length}`);
    for (const url of pageRequests) {
      expect(url.startsWith('blob:') || url.startsWith('data:') || url.startsWith(`${origin}/`), url).toBe(
        true,
      );
    }
    expect(new Set(serverPaths)).toEqual(new Set([...own].filter((p) => serverPaths.includes(p))));
    expect(serverPaths.filter((p) => !own.has(p))).toEqual([]);
    expect(serverPaths).toContain('/examples/browser-demo/worker.js');
  });
});

/**
 * The WebAssembly SIMD kernel against the plain-JS definition of PDQ's pixel work: identical hash,
 * quality and DCT bits on random images of every shape the kernel treats specially, and on the
 * reference vectors through both paths.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PdqFlavour, type PdqKernel, pdqHash, pdqWasmAvailable } from '../../src/algorithms/pdq/pdq.js';
import { PDQ_WASM_KEEP_BYTES, pdqWasmMemoryBytes } from '../../src/algorithms/pdq/wasm/pdq-wasm.js';
import { hashToHex } from '../../src/core/hash.js';
import type { PixelImage } from '../../src/core/pixels.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { fixture, fixtureLines } from '../helpers.js';

type Channels = 1 | 2 | 3 | 4;
type Pattern = 'noise' | 'smooth' | 'blocks' | 'flat';

/** Deterministic test pictures: noise alone would leave the smooth-image code paths untested. */
function makeImage(
  width: number,
  height: number,
  channels: Channels,
  pattern: Pattern,
  seed: number,
): PixelImage {
  const data = new Uint8Array(width * height * channels);
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) & 255;
  };
  const fx = 1 + (seed % 7);
  const fy = 1 + ((seed >>> 3) % 5);
  for (let y = 0, o = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++, o++) {
        if (pattern === 'noise') data[o] = next();
        else if (pattern === 'flat') data[o] = (seed + c * 40) & 255;
        else if (pattern === 'blocks') data[o] = ((((x >> 3) ^ (y >> 2)) * 37 + c * 50 + seed) & 255) | 0;
        else
          data[o] =
            Math.round(127.5 + 127.5 * Math.sin((fx * x) / width + (fy * y) / height + c + seed)) & 255;
      }
    }
  }
  return { width, height, channels, data };
}

function bits(a: Float32Array): number[] {
  return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
}

function expectSame(image: PixelImage, flavour: PdqFlavour = 'fullres'): void {
  const js = pdqHash(image, { kernel: 'js', flavour });
  const wasm = pdqHash(image, { kernel: 'wasm', flavour });
  expect(hashToHex(wasm.hash)).toBe(hashToHex(js.hash));
  expect(wasm.quality).toBe(js.quality);
  expect(bits(wasm.dct)).toEqual(bits(js.dct));
}

describe('PDQ WebAssembly kernel', () => {
  it('is available in Node (so the tests below really compare two implementations)', () => {
    expect(pdqWasmAvailable()).toBe(true);
  });

  it('equals the JS definition bit for bit on random images (5..300 x 5..300, 1-4 channels)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 300 }),
        fc.integer({ min: 5, max: 300 }),
        fc.constantFrom<Channels>(1, 2, 3, 4),
        fc.constantFrom<Pattern>('noise', 'noise', 'smooth', 'blocks', 'flat'),
        fc.integer({ min: 0, max: 0x7fffffff }),
        (width, height, channels, pattern, seed) => {
          expectSame(makeImage(width, height, channels, pattern, seed));
        },
      ),
      { numRuns: 120 },
    );
  });

  it('equals the JS definition at every width and height remainder near the band and vector sizes', () => {
    for (let width = 5; width <= 21; width++) {
      for (let height = 5; height <= 37; height += 1 + (height % 3)) {
        expectSame(makeImage(width, height, 3, 'noise', width * 1000 + height));
      }
    }
  });

  it.each([
    ['exactly 64x64 (no filtering)', 64, 64, 3],
    ['64x64 grey', 64, 64, 1],
    ['63x64', 63, 64, 4],
    ['window 2 along both axes', 129, 130, 3],
    ['many row chunks and a window of 24 rows', 40, 3000, 3],
    ['a column window wider than a band (33 rows)', 6, 4200, 1],
    ['a wide image (window 24 along rows)', 3000, 20, 2],
    ['rows wider than a copy chunk', 70000, 9, 3],
  ] as const)('equals the JS definition: %s', (_, width, height, channels) => {
    expectSame(makeImage(width, height, channels, 'smooth', width + height));
    expectSame(makeImage(width, height, channels, 'noise', width * height));
  });

  it('equals the JS definition in the CLI flavour (squash to 512x512 first)', () => {
    expectSame(makeImage(700, 300, 3, 'smooth', 5), 'cli512');
    expectSame(makeImage(513, 1025, 4, 'noise', 6), 'cli512');
    expectSame(makeImage(300, 200, 1, 'blocks', 7), 'cli512');
  });

  it('accepts Uint8ClampedArray pixels', () => {
    const image = makeImage(50, 40, 4, 'smooth', 3);
    const clamped = { ...image, data: new Uint8ClampedArray(image.data) };
    expect(hashToHex(pdqHash(clamped, { kernel: 'wasm' }).hash)).toBe(hashToHex(pdqHash(image).hash));
  });

  it('releases an instance that grew past the kept size, and hashes correctly afterwards', () => {
    const small = makeImage(200, 150, 3, 'smooth', 11);
    const before = hashToHex(pdqHash(small, { kernel: 'wasm' }).hash);
    expect(pdqWasmMemoryBytes()).toBeGreaterThan(0);
    expect(pdqWasmMemoryBytes()).toBeLessThanOrEqual(PDQ_WASM_KEEP_BYTES);
    expectSame(makeImage(400000, 5, 3, 'smooth', 12)); // needs ~100 MB of kernel memory
    expect(pdqWasmMemoryBytes()).toBe(0);
    expect(hashToHex(pdqHash(small, { kernel: 'wasm' }).hash)).toBe(before);
    expect(pdqWasmMemoryBytes()).toBeLessThanOrEqual(PDQ_WASM_KEEP_BYTES);
  });

  it('rejects an unknown kernel name', () => {
    const image = makeImage(10, 10, 3, 'noise', 1);
    expect(() => pdqHash(image, { kernel: 'gpu' as PdqKernel })).toThrowError(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});

describe('PDQ reference vectors through both kernels', () => {
  // The reference keeps only the low byte of 16-bit samples; below 5 px it returns zeros (see
  // conformance.test.ts): both are deliberate differences, tested there.
  const skip = new Set(['images/synthetic/sixteen-bit-120x90.png', 'images/synthetic/too-small-4x100.png']);
  const decoded = new Map<string, Promise<PixelImage>>();
  const load = (path: string): Promise<PixelImage> => {
    let image = decoded.get(path);
    if (!image) {
      image = decodeImage(fixture('pdq', path));
      decoded.set(path, image);
    }
    return image;
  };

  describe.each([
    ['fullres', 'cpp-fullres.csv'],
    ['cli512', 'cpp-cli.csv'],
  ] as const)('%s vs %s', (flavour, file) => {
    const cases = fixtureLines('pdq', 'expected', file)
      .map((line) => line.split(',') as [string, string, string])
      .filter(([, , path]) => !skip.has(path))
      .map(([hex, quality, path]) => ({ hex, quality: Number(quality), path }));

    it('covers every 8-bit reference image', () => {
      expect(cases.length).toBe(51);
    });

    it.each(['js', 'wasm'] as const)('kernel %s', async (kernel) => {
      for (const { hex, quality, path } of cases) {
        const result = pdqHash(await load(path), { flavour, kernel });
        expect({ path, hex: hashToHex(result.hash), quality: result.quality }).toEqual({
          path,
          hex,
          quality,
        });
      }
    });
  });
});

describe('PDQ kernel build', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));

  it('the committed pdq-bytes.ts is a fresh build of pdq.wat', () => {
    const out = execFileSync(process.execPath, ['scripts/build-pdq-wasm.mjs', '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(out).toMatch(/matches pdq\.wat/);
  });

  it('pdq.wat uses no fused or relaxed arithmetic (exactness depends on it)', () => {
    const wat = readFileSync(`${root}src/algorithms/pdq/wasm/pdq.wat`, 'utf8').replace(/;;.*$/gm, '');
    expect(wat).not.toMatch(/relaxed|madd|nmadd|fma/);
    expect(wat).not.toMatch(/f32x4\.(min|max|pmin|pmax|sqrt)|f64x2\./);
  });
});

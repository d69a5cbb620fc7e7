/**
 * blockhash against the Commons Machinery reference expectations (fixtures/blockhash, 17 images
 * x 2 methods), through the real loader, plus the guards around blockhash-core's faults.
 */
import { readdirSync } from 'node:fs';
import { bmvbhash, bmvbhashEven } from 'blockhash-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockhash, blockhashName } from '../../src/algorithms/blockhash/blockhash.js';
import { blockhashAlgorithm } from '../../src/algorithms/blockhash/blockhash-algorithm.js';
import { ImprintError } from '../../src/core/errors.js';
import { hashToHex } from '../../src/core/hash.js';
import type { PixelImage } from '../../src/core/pixels.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { fixture, fixtureLines } from '../helpers.js';

const IMAGES = readdirSync(fixture('blockhash', 'images')).sort();

function expected(image: string, method: 1 | 2): string {
  const stem = image.replace(/\.[^.]+$/, '');
  return fixtureLines('blockhash', 'expected', `${stem}_16_${method}.txt`)[0]!.split(/\s+/)[0]!;
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof ImprintError ? err.code : `not an ImprintError: ${String(err)}`;
  }
  return undefined;
}

describe('blockhash conformance (fixtures/blockhash)', () => {
  it('has 17 images and 34 expectations', () => {
    expect(IMAGES.length).toBe(17);
  });

  it.each(IMAGES)('%s: quick (method 1) and precise (method 2) exact', async (image) => {
    const pixels = await decodeImage(fixture('blockhash', 'images', image));
    expect(hashToHex(blockhash(pixels, { method: 'quick' }))).toBe(expected(image, 1));
    expect(hashToHex(blockhash(pixels))).toBe(expected(image, 2));
  });
});

function randomImage(width: number, height: number, channels: 1 | 2 | 3 | 4, seed: number): PixelImage {
  const data = new Uint8Array(width * height * channels);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 255;
  }
  return { width, height, channels, data };
}

describe('blockhash wrapper', () => {
  it('names methods and sizes so lists never mix them', () => {
    expect(blockhashName('precise', 16)).toBe('blockhash');
    expect(blockhashName('quick', 16)).toBe('blockhash-quick');
    expect(blockhashName('precise', 8)).toBe('blockhash-8');
    expect(blockhashName('quick', 12)).toBe('blockhash-quick-12');
    const image = randomImage(40, 40, 3, 7);
    expect(blockhash(image, { bits: 8 })).toMatchObject({ algorithm: 'blockhash-8', bits: 64 });
    expect(blockhashAlgorithm('quick', 8)).toMatchObject({
      name: 'blockhash-quick-8',
      bits: 64,
      defaultThreshold: 6,
    });
  });

  it('refuses sizes that are not multiples of 4 (blockhash-core prints NaN for odd ones)', () => {
    const image = randomImage(64, 64, 4, 1);
    for (const bits of [0, 2, 6, 7, 15, 17, 68, 16.5, Number.NaN]) {
      expect(code(() => blockhash(image, { bits }))).toBe('ERR_INVALID_ARGUMENT');
    }
    expect(code(() => blockhash(image, { method: 'fast' as never }))).toBe('ERR_INVALID_ARGUMENT');
  });

  it('refuses images smaller than the grid', () => {
    expect(code(() => blockhash(randomImage(15, 100, 3, 2)))).toBe('ERR_IMAGE_TOO_SMALL');
    expect(code(() => blockhash(randomImage(100, 15, 3, 2)))).toBe('ERR_IMAGE_TOO_SMALL');
    expect(code(() => blockhash(randomImage(7, 7, 3, 2), { bits: 8 }))).toBe('ERR_IMAGE_TOO_SMALL');
    expect(blockhash(randomImage(16, 16, 3, 2)).bits).toBe(256);
  });

  it('refuses flat images instead of returning all zeros or all ones', () => {
    for (const value of [0, 128, 255]) {
      const flat: PixelImage = {
        width: 64,
        height: 48,
        channels: 1,
        data: new Uint8Array(64 * 48).fill(value),
      };
      expect(code(() => blockhash(flat))).toBe('ERR_IMAGE_UNIFORM');
      expect(code(() => blockhash(flat, { method: 'quick' }))).toBe('ERR_IMAGE_UNIFORM');
    }
    // Fully transparent counts as white, whatever the colour underneath.
    const clear = randomImage(32, 32, 4, 3);
    for (let i = 3; i < clear.data.length; i += 4) clear.data[i] = 0;
    expect(code(() => blockhash(clear))).toBe('ERR_IMAGE_UNIFORM');
  });

  it('feeds blockhash-core RGBA for every channel layout (the library misreads 3-channel data)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 16, max: 70 }),
        fc.integer({ min: 16, max: 70 }),
        fc.constantFrom(1, 2, 3) as fc.Arbitrary<1 | 2 | 3>,
        fc.integer(),
        fc.constantFrom('precise', 'quick') as fc.Arbitrary<'precise' | 'quick'>,
        (width, height, channels, seed, method) => {
          const image = randomImage(width, height, channels, seed);
          // The simple definition: expand to RGBA by hand and call the library directly.
          const rgba = new Uint8Array(width * height * 4);
          for (let p = 0; p < width * height; p++) {
            const s = p * channels;
            const grey = channels < 3;
            rgba[4 * p] = image.data[s]!;
            rgba[4 * p + 1] = grey ? image.data[s]! : image.data[s + 1]!;
            rgba[4 * p + 2] = grey ? image.data[s]! : image.data[s + 2]!;
            rgba[4 * p + 3] = channels === 2 ? image.data[s + 1]! : 255;
          }
          const input = { width, height, data: rgba };
          const reference = method === 'quick' ? bmvbhashEven(input, 16) : bmvbhash(input, 16);
          expect(hashToHex(blockhash(image, { method }))).toBe(reference);
        },
      ),
      { numRuns: 40 },
    );
  });
});

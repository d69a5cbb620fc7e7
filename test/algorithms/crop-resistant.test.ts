/**
 * The crop-resistant hash beyond its published vector (in imagehash-conformance.test.ts): the
 * matching rule, and the property it exists for, surviving a crop.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cropResistantHash, cropResistantMatch } from '../../src/algorithms/imagehash/crop-resistant.js';
import { ImprintError } from '../../src/core/errors.js';
import { hashFromHex, hashToHex } from '../../src/core/hash.js';
import type { PixelImage } from '../../src/core/pixels.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { fixture } from '../helpers.js';

function crop(image: PixelImage, x0: number, y0: number, w: number, h: number): PixelImage {
  const data = new Uint8Array(w * h * image.channels);
  for (let y = 0; y < h; y++) {
    const from = ((y0 + y) * image.width + x0) * image.channels;
    data.set(image.data.subarray(from, from + w * image.channels), y * w * image.channels);
  }
  return { width: w, height: h, channels: image.channels, data };
}

let peppers: PixelImage;
let coffee: PixelImage;
beforeAll(async () => {
  peppers = await decodeImage(fixture('imagehash', 'peppers.png'));
  coffee = await decodeImage(fixture('photos', 'coffee.jpg'));
});

const seg = (hex: string) => hashFromHex('dhash', 64, hex);

describe('crop-resistant matching (imagehash ImageMultiHash.matches / hash_diff)', () => {
  it('counts segments of a that have a segment of b within 25% of the bits', () => {
    const a = [seg('ffffffffffffffff'), seg('0000000000000000')];
    const b = [seg('fffffffffffffff0'), seg('00000000ffffffff')];
    // 4 bits from a[0]; a[1] is 32 bits from everything in b (> 16).
    expect(cropResistantMatch(a, b)).toEqual({ matches: true, matchingSegments: 1, distanceSum: 4 });
    expect(cropResistantMatch(a, b, { regionCutoff: 2 }).matches).toBe(false);
    expect(cropResistantMatch(a, b, { hammingCutoff: 3 }).matchingSegments).toBe(0);
    expect(cropResistantMatch(a, b, { hammingCutoff: 32 })).toEqual({
      matches: true,
      matchingSegments: 2,
      distanceSum: 36,
    });
  });

  it('refuses empty segment lists', () => {
    expect(() => cropResistantMatch([], [seg('0000000000000000')])).toThrow(ImprintError);
  });

  it('matches an image with a 30% crop of itself, and not an unrelated photo', () => {
    const whole = cropResistantHash(peppers);
    const cropped = cropResistantHash(crop(peppers, 180, 0, 420, 600));
    const match = cropResistantMatch(cropped, whole);
    expect(match.matches).toBe(true);
    expect(match.matchingSegments).toBeGreaterThanOrEqual(2);
    expect(cropResistantMatch(cropResistantHash(coffee), whole).matchingSegments).toBeLessThan(
      match.matchingSegments,
    );
  });

  it('refuses a flat image (imagehash would give one all-zero segment)', () => {
    const flat = { width: 50, height: 40, channels: 1 as const, data: new Uint8Array(2000).fill(90) };
    expect(() => cropResistantHash(flat)).toThrow(expect.objectContaining({ code: 'ERR_IMAGE_UNIFORM' }));
  });

  it('segments bright regions first, then dark ones, each hashed on its own crop', () => {
    // Left half 100 (a "valley", <= 128), right half 160 (a "hill"): two regions, hill first.
    const data = new Uint8Array(60 * 50).map((_, i) => (i % 60 < 30 ? 100 : 160));
    const hashes = cropResistantHash({ width: 60, height: 50, channels: 1, data });
    // Each crop is one flat half, so each segment's dhash has no bit set.
    expect(hashes.map(hashToHex)).toEqual(['0000000000000000', '0000000000000000']);
    const gradient = new Uint8Array(60 * 50).map((_, i) => (i % 60 < 30 ? 60 + (i % 60) : 250 - (i % 60)));
    const [bright, dark] = cropResistantHash({ width: 60, height: 50, channels: 1, data: gradient }).map(
      hashToHex,
    );
    // The bright half falls to the right (dhash bits 0), the dark half rises (bits 1).
    expect(bright).toBe('0000000000000000');
    expect(dark).toBe('ffffffffffffffff');
  });
});

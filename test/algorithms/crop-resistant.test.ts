/**
 * The crop-resistant hash beyond its published vector (in imagehash-conformance.test.ts): the
 * matching rule, and the property it exists for, surviving a crop.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cropResistantHash,
  cropResistantMatch,
  findSegments,
} from '../../src/algorithms/imagehash/crop-resistant.js';
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

describe('segmentation (imagehash _find_all_segments)', () => {
  /** A 300x300 grid: 200 (a hill) everywhere except the given valley pixels (50). */
  function grid(valley: (x: number, y: number) => boolean) {
    const data = new Uint8Array(300 * 300);
    for (let y = 0; y < 300; y++) for (let x = 0; x < 300; x++) data[y * 300 + x] = valley(x, y) ? 50 : 200;
    return { width: 300, height: 300, data };
  }

  it('joins pixels 4-connected only, and keeps regions of more than 500 pixels', () => {
    // Two 30x30 valleys touching at one corner, and one 20x25 valley (exactly 500 px: dropped).
    const segments = findSegments(
      grid(
        (x, y) =>
          (x < 30 && y < 30) ||
          (x >= 30 && x < 60 && y >= 30 && y < 60) ||
          (x >= 200 && x < 220 && y >= 200 && y < 225),
      ),
    );
    expect(segments.map((s) => [s.size, s.top, s.left])).toEqual([
      [300 * 300 - 1800 - 500, 0, 0],
      [900, 0, 0],
      [900, 30, 30],
    ]);
  });

  it('stops looking for valleys once assigned pixels plus 1200 border sentinels reach 90000', () => {
    // The hill covers 89400 px: 89400 + 1200 >= 90000, so the 600-px valley is never searched.
    expect(findSegments(grid((x, y) => x >= 270 && y >= 280)).length).toBe(1);
    // With a 1300-px valley the hill is 88700 px, 88700 + 1200 < 90000: the valley is found.
    expect(findSegments(grid((x, y) => x >= 235 && y >= 280)).length).toBe(2);
  });
});

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CROP_MODES, cropBox, EDIT_FAMILIES } from '../../src/eval/families.js';
import { makeRandom, seedOf } from '../../src/eval/random.js';
import { bucketRecalls } from '../../src/eval/summary.js';
import { applyTransform, type TransformSource } from '../../src/eval/transforms.js';
import { fixture } from '../helpers.js';

async function source(name: string): Promise<TransformSource> {
  const bytes = readFileSync(fixture('photos', name));
  const { width, height } = await sharp(bytes).metadata();
  return { bytes, width: width!, height: height! };
}

describe('edit families', () => {
  it('every family makes a decodable copy with its parameter buckets, the same for the same seed', async () => {
    const photo = await source('landscape-beach.jpg');
    for (const family of EDIT_FAMILIES) {
      const a = await applyTransform(family, photo, seedOf(3, 'beach', family.name));
      const b = await applyTransform(family, photo, seedOf(3, 'beach', family.name));
      expect(Buffer.compare(Buffer.from(a.bytes), Buffer.from(b.bytes)), family.name).toBe(0);
      expect(a.bucket, family.name).toBe(b.bucket);
      expect(a.bucket.length, family.name).toBeGreaterThan(0);
      const meta = await sharp(a.bytes).metadata();
      expect(meta.width! * meta.height!, family.name).toBeGreaterThan(64);
    }
  }, 600_000);

  it('draws other parameters on other seeds (a family is a range, not one edit)', async () => {
    const photo = await source('coffee.jpg');
    for (const family of EDIT_FAMILIES.filter((f) => f.name !== 'none')) {
      const buckets = new Set<string>();
      const sizes = new Set<string>();
      for (let seed = 1; seed <= 12; seed++) {
        const copy = await applyTransform(family, photo, seedOf(seed, 'coffee', family.name));
        buckets.add(copy.bucket);
        const meta = await sharp(copy.bytes).metadata();
        sizes.add(`${meta.width}x${meta.height}:${copy.bytes.length}`);
      }
      expect(sizes.size, family.name).toBeGreaterThan(1);
      if (!['watermark'].includes(family.name)) expect(buckets.size, family.name).toBeGreaterThan(1);
    }
  }, 600_000);

  it('a 2% crop of four sides of a 64-pixel picture still cuts every side (a found counterexample)', () => {
    const box = cropBox(64, 64, 0.02, '4 sides', makeRandom(0));
    expect(box.left).toBeGreaterThan(0);
    expect(box.top).toBeGreaterThan(0);
    expect(box.left + box.width).toBeLessThan(64);
    expect(box.top + box.height).toBeLessThan(64);
  });

  it('a crop box lies inside the picture and removes about `amount` from the sides its mode names', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 64, max: 3000 }),
        fc.integer({ min: 64, max: 3000 }),
        fc.double({ min: 0.02, max: 0.25, noNaN: true }),
        fc.constantFrom(...CROP_MODES),
        fc.integer(),
        (width, height, amount, mode, seed) => {
          const box = cropBox(width, height, amount, mode, makeRandom(seed));
          expect(box.left).toBeGreaterThanOrEqual(0);
          expect(box.top).toBeGreaterThanOrEqual(0);
          expect(box.left + box.width).toBeLessThanOrEqual(width);
          expect(box.top + box.height).toBeLessThanOrEqual(height);
          const cutX = (width - box.width) / width;
          const cutY = (height - box.height) / height;
          // The main cut is `amount` (to a pixel); the other axis at most 1.5 times it.
          expect(Math.max(cutX, cutY)).toBeGreaterThanOrEqual(amount - 2 / Math.min(width, height));
          expect(Math.max(cutX, cutY)).toBeLessThanOrEqual(1.5 * amount + 2 / Math.min(width, height));
          if (mode === '1 side' || mode === '2 opposite sides') expect(Math.min(cutX, cutY)).toBe(0);
          else expect(Math.min(cutX, cutY)).toBeGreaterThan(0);
        },
      ),
    );
  });
});

describe('bucketRecalls', () => {
  it('counts each copy in every bucket its label names, at each method threshold', () => {
    const rows = bucketRecalls(['5-10% · 1 side', '2-5% · 1 side', null], [[3, 40, 0]], [31]);
    expect(rows).toEqual([
      { bucket: '5-10%', copies: 1, recall: [1] },
      { bucket: '1 side', copies: 2, recall: [0.5] },
      { bucket: '2-5%', copies: 1, recall: [0] },
      { bucket: 'failed', copies: 1, recall: [1] },
    ]);
  });
});

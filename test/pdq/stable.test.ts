import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pdqHash } from '../../src/algorithms/pdq/pdq.js';
import {
  maskedDistance,
  PDQ_MIN_STABLE_BITS,
  pdqStableBits,
  stableDistance,
  stableSearchRadius,
} from '../../src/algorithms/pdq/pdq-stable.js';
import { hammingBytes } from '../../src/core/hash.js';
import type { PixelImage } from '../../src/core/pixels.js';
import { matchWithMethod, scoreAgainst } from '../../src/matching/methods/match.js';
import { getMethod } from '../../src/matching/methods/methods.js';
import type { VariantHash } from '../../src/matching/methods/variants.js';
import { MihIndex } from '../../src/matching/mih-index.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { fixture, stripes } from '../helpers.js';
import { hashArb, variantsArb } from '../matching/model.js';

/** Bit k of a PDQ hash, read the way the reference writes it (bit 16i+j = coefficient B[i][j]). */
function bitOf(bytes: Uint8Array, k: number): number {
  return (bytes[31 - (k >> 3)]! >> (k & 7)) & 1;
}

const dctArb = fc.array(fc.float({ min: -400, max: 400, noNaN: true }), { minLength: 256, maxLength: 256 });
const maskArb = fc.uint8Array({ minLength: 32, maxLength: 32 });

function count(mask: Uint8Array): number {
  let n = 0;
  for (let k = 0; k < 256; k++) n += bitOf(mask, k);
  return n;
}

async function jpeg(image: PixelImage, quality: number): Promise<PixelImage> {
  const raw = { width: image.width, height: image.height, channels: image.channels as 3 };
  return decodeImage(await sharp(image.data, { raw }).jpeg({ quality }).toBuffer());
}

describe('PDQ stable bits', () => {
  it('marks exactly the coefficients at least the margin from the median', () => {
    fc.assert(
      fc.property(dctArb, fc.float({ min: 0, max: 50, noNaN: true }), (values, margin) => {
        const dct = Float32Array.from(values);
        const median = [...dct].sort((a, b) => a - b)[127]!;
        const { mask, count: n } = pdqStableBits(dct, margin);
        let expected = 0;
        for (let k = 0; k < 256; k++) {
          const stable = Math.abs(dct[k]! - median) >= margin ? 1 : 0;
          expected += stable;
          expect(bitOf(mask, k)).toBe(stable);
        }
        expect(n).toBe(expected);
      }),
    );
  });

  it('masks the bits of the hash PDQ made from the same block', async () => {
    const result = pdqHash(await decodeImage(fixture('photos', 'coffee.jpg')));
    const { mask } = pdqStableBits(result.dct);
    const median = Float32Array.from(result.dct).sort()[127]!;
    for (let k = 0; k < 256; k++) {
      if (bitOf(mask, k)) expect(bitOf(result.hash.bytes, k)).toBe(result.dct[k]! > median ? 1 : 0);
    }
  });

  it('counts differing bits under the mask, scaled to 256 bits', () => {
    fc.assert(
      fc.property(hashArb(256), hashArb(256), maskArb, (a, b, mask) => {
        let differing = 0;
        for (let k = 0; k < 256; k++) differing += bitOf(mask, k) & (bitOf(a.bytes, k) ^ bitOf(b.bytes, k));
        expect(maskedDistance(a.bytes, b.bytes, mask)).toBe(differing);
        const n = count(mask);
        const score = stableDistance(a.bytes, { mask, count: n }, b.bytes);
        if (n < PDQ_MIN_STABLE_BITS) expect(score).toBe(Number.POSITIVE_INFINITY);
        else expect(score).toBe(Math.ceil((differing * 256) / n));
      }),
    );
  });

  it('the search radius never misses a known hash within the score', () => {
    fc.assert(
      fc.property(hashArb(256), hashArb(256), maskArb, fc.nat({ max: 300 }), (a, b, mask, score) => {
        const stable = { mask, count: count(mask) };
        if (stableDistance(a.bytes, stable, b.bytes) <= score) {
          expect(hammingBytes(a.bytes, b.bytes)).toBeLessThanOrEqual(stableSearchRadius(stable, score));
        }
      }),
    );
  });

  it('a photo has most bits stable; a picture that varies in one direction has few', async () => {
    const photo = pdqHash(await decodeImage(fixture('photos', 'astronaut.jpg')));
    expect(pdqStableBits(photo.dct).count).toBeGreaterThan(200);
    for (const modulation of [0, 0.1]) {
      const striped = pdqHash(stripes(288, 192, modulation));
      expect(striped.quality).toBe(100); // the quality score does not see it
      expect(pdqStableBits(striped.dct).count).toBeLessThan(modulation ? 160 : PDQ_MIN_STABLE_BITS);
    }
  });

  it('finds a re-encoded one-direction picture that plain PDQ loses', async () => {
    const original = stripes(288, 192, 0.1);
    const known = pdqHash(original).hash;
    const upload = pdqHash(await jpeg(original, 30));
    const stable = pdqStableBits(upload.dct);
    expect(stable.count).toBeGreaterThanOrEqual(PDQ_MIN_STABLE_BITS);
    expect(hammingBytes(upload.hash.bytes, known.bytes)).toBeGreaterThan(31);
    expect(stableDistance(upload.hash.bytes, stable, known.bytes)).toBeLessThanOrEqual(31);
  });

  it('an index lookup on stable bits equals the pairwise definition, for random hashes and masks', () => {
    const method = getMethod('pdq-stable');
    const entry = fc.record({ hash: hashArb(256), mask: maskArb });
    // Known hashes near the queries (up to 120 flipped bits) and elsewhere, so every score occurs.
    const scenario = fc.array(entry, { minLength: 1, maxLength: 3 }).chain((queries) =>
      fc.record({
        queries: fc.constant(queries),
        near: variantsArb(
          queries.map((q) => q.hash),
          120,
          30,
        ),
        far: fc.array(hashArb(256), { maxLength: 10 }),
        threshold: fc.nat({ max: 200 }),
      }),
    );
    fc.assert(
      fc.property(scenario, ({ queries, near, far, threshold }) => {
        const known = [...near, ...far];
        const index = new MihIndex<string>({ algorithm: 'pdq', bits: 256 });
        for (const [j, h] of known.entries()) index.add(h, `k${j}`);
        const hashes: VariantHash[] = queries.map((q) => ({
          family: 'plain',
          label: 'plain',
          hash: { ...q.hash, quality: 100 },
          stable: { mask: q.mask, count: count(q.mask) },
        }));
        const got = matchWithMethod(index, method, hashes, { threshold })
          .map((m) => `${m.metadata}:${m.score}`)
          .sort();
        const expected = known
          .map((h, j) => ({
            name: `k${j}`,
            score: scoreAgainst(method, hashes, [
              { family: 'plain', label: 'plain', hash: h, stable: { mask: new Uint8Array(32), count: 0 } },
            ]),
          }))
          .filter((e) => e.score <= threshold)
          .map((e) => `${e.name}:${e.score}`);
        // Equal metadata on equal hashes merges into one known image per name; names are unique here.
        expect(got).toEqual(expected.sort());
      }),
      { numRuns: 200 },
    );
  });
});

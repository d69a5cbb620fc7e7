import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { maskedDistance, PDQ_MIN_STABLE_BITS } from '../../src/algorithms/pdq/pdq-stable.js';
import { type Hash, hammingBytes, hashToHex } from '../../src/core/hash.js';
import type { PixelImage } from '../../src/core/pixels.js';
import {
  type KnownVariantMetadata,
  knownEntriesFor,
  matchWithMethod,
  methodForStored,
  queryHashesFor,
  scoreAgainst,
  storedFamilies,
  WITNESS_MAX_DISTANCE,
  WITNESSED_MIN_STABLE_BITS,
} from '../../src/matching/methods/match.js';
import { getMethod } from '../../src/matching/methods/methods.js';
import { ImageVariants, type VariantHash } from '../../src/matching/methods/variants.js';
import { MihIndex } from '../../src/matching/mih-index.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { slantedStripes } from '../helpers.js';
import { hashArb, variantsArb } from '../matching/model.js';

async function jpeg(image: PixelImage, quality: number): Promise<PixelImage> {
  const raw = { width: image.width, height: image.height, channels: image.channels as 3 };
  return decodeImage(await sharp(image.data, { raw }).jpeg({ quality }).toBuffer());
}

type Meta = string | KnownVariantMetadata<string>;

describe('witnessed stable bits (pdq-witness)', () => {
  it('finds a re-encoded smooth picture that is sure of too few bits for pdq-stable, when the pHashes agree', async () => {
    const original = slantedStripes();
    const upload = new ImageVariants(await jpeg(original, 50));
    const [plain] = upload.get('plain');
    const known = new ImageVariants(original);
    // What the test is about: plain PDQ loses the copy, and it has too few stable bits for pdq-stable.
    expect(hammingBytes(plain!.hash.bytes, known.get('plain')[0]!.hash.bytes)).toBeGreaterThan(31);
    expect(plain!.stable.count).toBeGreaterThanOrEqual(WITNESSED_MIN_STABLE_BITS);
    expect(plain!.stable.count).toBeLessThan(PDQ_MIN_STABLE_BITS);

    const method = getMethod('pdq-witness');
    const index = new MihIndex<Meta>({ algorithm: 'pdq', bits: 256 });
    index.addAll(knownEntriesFor(method, known, 'stripes.png'));
    expect(storedFamilies(index)).toEqual(new Set(['witness']));
    const found = matchWithMethod(index, method, queryHashesFor(method, upload));
    expect(found.map((m) => [m.metadata, m.query, m.known, m.comparedBits])).toEqual([
      [
        'stripes.png',
        `plain + pHash (${plain!.stable.count} stable bits)`,
        'witness:phash',
        plain!.stable.count,
      ],
    ]);
    expect(found[0]!.score).toBe(
      scoreAgainst(method, queryHashesFor(method, upload), known.get('plain').concat(known.get('witness'))),
    );

    // A plain list has no pHashes: the rule is dropped, and pdq-stable alone does not trust 82 bits.
    const plainList = new MihIndex<Meta>({ algorithm: 'pdq', bits: 256 });
    plainList.add(known.get('plain')[0]!.hash, 'stripes.png');
    const onPlain = methodForStored(method, storedFamilies(plainList));
    expect(onPlain.rules.some((r) => r.witnessed)).toBe(false);
    expect(matchWithMethod(plainList, onPlain, queryHashesFor(onPlain, upload))).toEqual([]);
  });

  it('does not count the stable bits when the pHashes disagree', async () => {
    const original = slantedStripes();
    const upload = new ImageVariants(await jpeg(original, 50));
    const method = getMethod('pdq-witness');
    const index = new MihIndex<Meta>({ algorithm: 'pdq', bits: 256 });
    for (const entry of knownEntriesFor(method, new ImageVariants(original), 'stripes.png')) {
      const m = entry.metadata;
      if (typeof m === 'object' && m.witness) {
        // Another picture's pHash: every bit of the original's flipped.
        const flipped = Uint8Array.from(Buffer.from(m.witness, 'hex'), (b) => b ^ 0xff);
        index.add(entry.hash, { ...m, witness: Buffer.from(flipped).toString('hex') });
      } else index.add(entry.hash, m);
    }
    expect(matchWithMethod(index, method, queryHashesFor(method, upload))).toEqual([]);
  });

  it('an index lookup equals the pairwise definition, for random hashes, masks and pHashes', () => {
    const method = getMethod('pdq-witness');
    const maskOf = (bits: number[]): Uint8Array => {
      const mask = new Uint8Array(32);
      for (const k of bits) mask[31 - (k >> 3)]! |= 1 << (k & 7);
      return mask;
    };
    // Masks of 40-140 bits, around the witnessed floor and pdq-stable's.
    const maskArb = fc
      .uniqueArray(fc.integer({ min: 0, max: 255 }), { minLength: 40, maxLength: 140 })
      .map((bits) => ({ mask: maskOf(bits), count: bits.length }));
    const scenario = fc
      .record({ hash: hashArb(256), stable: maskArb, witness: hashArb(64, 'phash') })
      .chain((query) =>
        fc.record({
          query: fc.constant(query),
          near: variantsArb([query.hash], 60, 12),
          // Each known image's pHash: the query's with 0-20 bits flipped, either side of the agreement limit.
          witnesses: fc.array(
            fc
              .integer({ min: 0, max: 2 * WITNESS_MAX_DISTANCE })
              .chain((k) => fc.uniqueArray(fc.nat({ max: 63 }), { minLength: k, maxLength: k }))
              .map((flips) => {
                const bytes = query.witness.bytes.slice();
                for (const k of flips) bytes[k >> 3]! ^= 1 << (k & 7);
                return { ...query.witness, bytes };
              }),
            { minLength: 12, maxLength: 12 },
          ),
          threshold: fc.nat({ max: 60 }),
        }),
      );
    fc.assert(
      fc.property(scenario, ({ query, near, witnesses, threshold }) => {
        const index = new MihIndex<Meta>({ algorithm: 'pdq', bits: 256 });
        const known: VariantHash[][] = near.map((h, j) => {
          const witness: Hash = witnesses[j]!;
          const stable = { mask: new Uint8Array(32), count: 0 };
          index.add(h, `k${j}`);
          index.add(h, {
            variantOf: `k${j}`,
            family: 'witness',
            label: 'phash',
            witness: hashToHex(witness),
          });
          return [
            { family: 'plain', label: 'plain', hash: h, stable },
            { family: 'witness', label: 'phash', hash: h, stable, witness },
          ];
        });
        const hash = { ...query.hash, quality: 100 };
        const uploads: VariantHash[] = [
          { family: 'plain', label: 'plain', hash, stable: query.stable },
          { family: 'witness', label: 'phash', hash, stable: query.stable, witness: query.witness },
        ];
        const got = matchWithMethod(index, method, uploads, { threshold })
          .map((m) => `${m.metadata}:${m.score}`)
          .sort();
        // The definition, written out: plain distance; stable bits from 96 up; from 64 up when the
        // pHashes are within 10.
        const n = query.stable.count;
        const definition = near.map((h, j) => {
          const differing = maskedDistance(hash.bytes, h.bytes, query.stable.mask);
          const scaled = Math.ceil((differing * 256) / n);
          const agree = hammingBytes(query.witness.bytes, witnesses[j]!.bytes) <= 10;
          return Math.min(
            hammingBytes(hash.bytes, h.bytes),
            n >= 96 ? scaled : Number.POSITIVE_INFINITY,
            n >= 64 && n < 96 && agree ? scaled : Number.POSITIVE_INFINITY,
          );
        });
        known.forEach((k, j) => {
          expect(scoreAgainst(method, uploads, k)).toBe(definition[j]);
        });
        const expected = definition
          .map((score, j) => ({ score, name: `k${j}` }))
          .filter((e) => e.score <= threshold)
          .map((e) => `${e.name}:${e.score}`)
          .sort();
        expect(got).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });
});

import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pdqHash } from '../../src/algorithms/pdq/pdq.js';
import { hammingBytes, hammingDistance } from '../../src/core/hash.js';
import type { PixelImage } from '../../src/core/pixels.js';
import { flattenHighlights } from '../../src/core/raster.js';
import {
  DERIVED_MIN_STABLE_BITS,
  type KnownVariantMetadata,
  knownEntriesFor,
  knownHashesFor,
  matchWithMethod,
  methodForStored,
  queryHashesFor,
  scoreAgainst,
  storedFamilies,
} from '../../src/matching/methods/match.js';
import { getMethod } from '../../src/matching/methods/methods.js';
import { ImageVariants, TONES_FLATTENED, TONES_LABEL } from '../../src/matching/methods/variants.js';
import { MihIndex } from '../../src/matching/mih-index.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { stripes, yellowBands } from '../helpers.js';

/** +30% brightness as `imprint eval` makes it, re-encoded as an upload. */
async function brightened(image: PixelImage): Promise<PixelImage> {
  const raw = { width: image.width, height: image.height, channels: image.channels as 3 };
  return decodeImage(
    await sharp(image.data, { raw }).modulate({ brightness: 1.3 }).jpeg({ quality: 90 }).toBuffer(),
  );
}

type Meta = string | KnownVariantMetadata<string>;

describe('flattened highlights (pdq-tones)', () => {
  it('is the PDQ hash of the picture with its brightest quarter flattened (up to rounding)', () => {
    const picture = yellowBands();
    const [tones] = new ImageVariants(picture).get('tones');
    const expected = pdqHash(flattenHighlights(picture, TONES_FLATTENED));
    expect(tones!.label).toBe(TONES_LABEL);
    // Hashed from the shared luma plane in float64 rather than PDQ's float32 kernel: a bit at most.
    expect(hammingDistance(tones!.hash, expected.hash)).toBeLessThanOrEqual(1);
    expect(Math.abs(tones!.hash.quality! - expected.quality)).toBeLessThanOrEqual(1);
  });

  it('finds a brightened copy plain PDQ loses, flattened highlights against flattened highlights', async () => {
    const original = new ImageVariants(yellowBands());
    const upload = new ImageVariants(await brightened(yellowBands()));
    const plain = (v: ImageVariants) => v.get('plain')[0]!.hash.bytes;
    // What the test is about: plain PDQ loses the copy, and pdq-plus on a plain list does too.
    expect(hammingBytes(plain(upload), plain(original))).toBeGreaterThan(31);
    const plainList = new MihIndex<Meta>({ algorithm: 'pdq', bits: 256 });
    plainList.add(original.get('plain')[0]!.hash, 'bands.png');
    const plus = getMethod('pdq-plus');
    expect(matchWithMethod(plainList, plus, queryHashesFor(plus, upload))).toEqual([]);

    for (const name of ['pdq-tones', 'pdq-max']) {
      const method = getMethod(name);
      const index = new MihIndex<Meta>({ algorithm: 'pdq', bits: 256 });
      index.addAll(knownEntriesFor(method, original, 'bands.png'));
      expect(storedFamilies(index).has('tones'), name).toBe(true);
      const found = matchWithMethod(index, method, queryHashesFor(method, upload));
      expect(
        found.map((m) => [m.metadata, m.query, m.known]),
        name,
      ).toEqual([['bands.png', TONES_LABEL, `tones:${TONES_LABEL}`]]);
      expect(found[0]!.score).toBe(
        scoreAgainst(method, queryHashesFor(method, upload), knownHashesFor(method, original)),
      );
      expect(found[0]!.score).toBeLessThanOrEqual(method.threshold);
    }

    // Without stored flattened highlights the rule is dropped and nothing is hashed for it.
    const onPlain = methodForStored(getMethod('pdq-tones'), storedFamilies(plainList));
    expect(onPlain.queryFamilies).toEqual(['plain']);
    expect(matchWithMethod(plainList, onPlain, queryHashesFor(onPlain, upload))).toEqual([]);
  });

  it('stores and compares flattened highlights whatever their stable bits, as plain hashes', () => {
    // Stripes varying left to right only: no bit of the hash is stable, flattened or not.
    const flat = new ImageVariants(stripes(288, 192, 0));
    const [tones] = flat.get('tones');
    expect(tones!.stable.count).toBeLessThan(DERIVED_MIN_STABLE_BITS);
    expect(tones!.hash.quality).toBeGreaterThanOrEqual(20);
    const method = getMethod('pdq-tones');
    expect(knownHashesFor(method, flat).map((v) => v.family)).toEqual(['plain', 'tones']);
    // The same picture as an upload meets its flattened highlights, at distance 0.
    const onlyTones = { ...method, rules: method.rules.filter((r) => r.known === 'tones') };
    expect(scoreAgainst(onlyTones, queryHashesFor(method, flat), knownHashesFor(method, flat))).toBe(11);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { PDQ_MIN_STABLE_BITS } from '../../src/algorithms/pdq/pdq-stable.js';
import { hammingDistance, hashFromHex } from '../../src/core/hash.js';
import type { PixelImage } from '../../src/core/pixels.js';
import { FlatIndex } from '../../src/matching/flat-index.js';
import { matchHash } from '../../src/matching/match.js';
import {
  CROPS_MIN_STABLE_BITS,
  DERIVED_MIN_STABLE_BITS,
  isKnownVariant,
  type KnownVariantMetadata,
  knownEntriesFor,
  knownGate,
  knownHashesFor,
  matchWithMethod,
  methodForStored,
  queryHashesFor,
  scoreAgainst,
  storedFamilies,
  wholePictureMatches,
} from '../../src/matching/methods/match.js';
import { getMethod, METHODS } from '../../src/matching/methods/methods.js';
import { ImageVariants } from '../../src/matching/methods/variants.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { fixture, slantedStripes, stripes } from '../helpers.js';

const NAMES = [
  'astronaut.jpg',
  'chelsea-cat.jpg',
  'coffee.jpg',
  'china-temple.jpg',
  'city-skyline.jpg',
  'rocket.jpg',
];

function mirror(image: PixelImage): PixelImage {
  const { width, height, channels } = image;
  const data = new Uint8Array(image.data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + (width - 1 - x)) * channels;
      data.set(image.data.subarray(from, from + channels), (y * width + x) * channels);
    }
  }
  return { width, height, channels, data };
}

/** The picture with its top `share` painted over by a white bar (a caption bar laid over it). */
function barOver(image: PixelImage, share: number): PixelImage {
  const data = image.data.slice();
  data.fill(255, 0, Math.round(image.height * share) * image.width * image.channels);
  return { ...image, data };
}

/** The picture on a white canvas with `pad` pixels all round (an added border). */
function bordered(image: PixelImage, pad: number): PixelImage {
  const ch = image.channels;
  const width = image.width + 2 * pad;
  const height = image.height + 2 * pad;
  const data = new Uint8Array(width * height * ch).fill(255);
  for (let y = 0; y < image.height; y++) {
    data.set(
      image.data.subarray(y * image.width * ch, (y + 1) * image.width * ch),
      ((y + pad) * width + pad) * ch,
    );
  }
  return { width, height, channels: image.channels, data };
}

type Meta = string | KnownVariantMetadata<string>;
let photos: { name: string; image: PixelImage }[];

beforeAll(async () => {
  photos = await Promise.all(
    NAMES.map(async (name) => ({ name, image: await decodeImage(fixture('photos', name)) })),
  );
});

function indexFor(methodName: string): FlatIndex<Meta> {
  const method = getMethod(methodName);
  const index = new FlatIndex<Meta>();
  for (const p of photos) index.addAll(knownEntriesFor(method, p.image, p.name));
  return index;
}

describe('matching methods', () => {
  it('labels a method index-side exactly when it stores more than the plain hash', () => {
    for (const m of METHODS) {
      // Derived hashes or local features: both are stored from the known image itself.
      const extra = m.knownFamilies.some((f) => f !== 'plain') || m.local !== undefined;
      expect(m.side, m.name).toBe(extra ? 'index-side' : 'query-side');
      expect(m.knownFamilies[0], m.name).toBe('plain');
      for (const r of m.rules) {
        expect(m.queryFamilies, m.name).toContain(r.query);
        expect(m.knownFamilies, m.name).toContain(r.known);
      }
    }
    expect(() => getMethod('nope')).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_METHOD' }));
  });

  it('pdq is plain PDQ at 31: the same matches as matchHash on a plain list', () => {
    const method = getMethod('pdq');
    const plain = new FlatIndex<Meta>();
    for (const p of photos) plain.add(new ImageVariants(p.image).exact.hash, p.name);
    for (const p of photos) {
      const query = queryHashesFor(method, p.image);
      const ours = matchWithMethod(plain, method, query).map((m) => [m.metadata, m.distance]);
      const reference = matchHash(plain, query[0]!.hash).matches.map((m) => [m.metadata[0], m.distance]);
      expect(ours).toEqual(reference);
      expect(ours[0]).toEqual([p.name, 0]);
    }
  });

  it('stores derived hashes pointing back at their image, and only usable ones', () => {
    const method = getMethod('pdq-crops');
    const entries = knownEntriesFor(method, photos[0]!.image, 'a.jpg');
    expect(entries[0]!.metadata).toBe('a.jpg');
    expect(entries.length).toBe(knownHashesFor(method, photos[0]!.image).length);
    for (const e of entries.slice(1)) {
      expect(isKnownVariant(e.metadata)).toBe(true);
      expect((e.metadata as KnownVariantMetadata<string>).variantOf).toBe('a.jpg');
      expect(e.hash.quality).toBeGreaterThanOrEqual(knownGate(method));
    }
    expect(isKnownVariant('a.jpg')).toBe(false);
  });

  it('finds mirrored copies with pdq-dihedral and bordered copies with pdq-trim, not with pdq', () => {
    const index = indexFor('pdq');
    for (const p of photos) {
      const mirrored = mirror(p.image);
      expect(matchWithMethod(index, getMethod('pdq'), queryHashesFor(getMethod('pdq'), mirrored))).toEqual(
        [],
      );
      const dihedral = matchWithMethod(
        index,
        getMethod('pdq-dihedral'),
        queryHashesFor(getMethod('pdq-dihedral'), mirrored),
      );
      expect(dihedral[0]?.metadata).toBe(p.name);
      expect(dihedral[0]?.query).toBe('mirror');

      const framed = bordered(p.image, Math.round(p.image.width / 8));
      expect(matchWithMethod(index, getMethod('pdq'), queryHashesFor(getMethod('pdq'), framed))).toEqual([]);
      const trimmed = matchWithMethod(
        index,
        getMethod('pdq-trim'),
        queryHashesFor(getMethod('pdq-trim'), framed),
      );
      expect(trimmed[0]?.metadata).toBe(p.name);
      expect(trimmed[0]?.query).toMatch(/^[\d.]+,[\d.]+ [\d.]+x[\d.]+$/); // the trim box
    }
  });

  it('finds a caption bar laid over the top of a picture with pdq-bands, band against the same band', () => {
    const index = indexFor('pdq-bands');
    const method = getMethod('pdq-bands');
    let byBands = 0;
    for (const p of photos) {
      const captioned = barOver(p.image, 0.25);
      const found = matchWithMethod(index, method, queryHashesFor(method, captioned));
      expect(found[0]?.metadata, p.name).toBe(p.name);
      if (matchWithMethod(index, getMethod('pdq'), queryHashesFor(getMethod('pdq'), captioned)).length > 0)
        continue;
      // Plain PDQ misses it: the first band deeper than the bar found it, met by the same band.
      expect(found[0]?.query).toBe('top 0.3');
      expect(found[0]?.known).toBe('bands:top 0.3');
      byBands++;
    }
    expect(byBands).toBeGreaterThanOrEqual(3);
  });

  it('leaves out the upload variants that would only meet hashes the index does not hold', () => {
    const max = getMethod('pdq-max');
    const plainIndex = indexFor('pdq');
    const maxIndex = indexFor('pdq-max');
    expect(storedFamilies(plainIndex)).toEqual(new Set());
    expect(storedFamilies(maxIndex)).toEqual(new Set(['crops', 'bands', 'tones', 'witness']));
    const onPlain = methodForStored(max, storedFamilies(plainIndex));
    expect(onPlain.queryFamilies).toEqual(getMethod('pdq-plus').queryFamilies);
    expect(onPlain.rules).toEqual(getMethod('pdq-plus').rules);
    expect(methodForStored(max, storedFamilies(maxIndex))).toEqual(max);
    // The same matches on the plain list, with or without the variants that meet nothing.
    for (const p of photos.slice(0, 3)) {
      for (const upload of [barOver(p.image, 0.25), mirror(p.image)]) {
        const variants = new ImageVariants(upload);
        expect(matchWithMethod(plainIndex, onPlain, queryHashesFor(onPlain, variants))).toEqual(
          matchWithMethod(plainIndex, max, queryHashesFor(max, variants)),
        );
      }
    }
  });

  it('an index lookup gives exactly the pairwise definition (scoreAgainst), for every method', () => {
    // Variants are computed once per image and shared by all methods, as the evaluation does.
    const queries = photos
      .slice(0, 3)
      .flatMap((p) => [p.image, mirror(p.image), bordered(p.image, 20)].map((q) => new ImageVariants(q)));
    const knownVariants = photos.map((p) => new ImageVariants(p.image));
    for (const method of METHODS) {
      const index = new FlatIndex<Meta>();
      for (const [j, v] of knownVariants.entries()) index.addAll(knownEntriesFor(method, v, photos[j]!.name));
      const known = knownVariants.map((v) => knownHashesFor(method, v));
      for (const q of queries) {
        const hashes = queryHashesFor(method, q);
        for (const threshold of [method.threshold, 70, 120]) {
          const got = matchWithMethod(index, method, hashes, { threshold })
            .map((m) => `${m.metadata}:${m.score}`)
            .sort();
          const expected = photos
            .map((p, j) => ({ name: p.name, score: scoreAgainst(method, hashes, known[j]!) }))
            .filter((e) => e.score <= threshold)
            .map((e) => `${e.name}:${e.score}`)
            .sort();
          expect(got, `${method.name} at ${threshold}`).toEqual(expected);
        }
      }
    }
  });

  it('compares derived hashes only with enough stable bits, on both sides', () => {
    // Stripes that vary left to right only: PDQ's DCT is all rounding noise, no bit is stable.
    const flat = new ImageVariants(stripes(288, 192, 0));
    expect(flat.get('crops').every((v) => v.stable.count < DERIVED_MIN_STABLE_BITS)).toBe(true);
    const crops = getMethod('pdq-crops');
    expect(knownHashesFor(crops, flat).map((v) => v.family)).toEqual(['plain']);
    expect(knownHashesFor(crops, photos[0]!.image).length).toBeGreaterThan(1);
    // The upload's turned copies are not compared either: only the plain rule scores.
    const dihedral = getMethod('pdq-dihedral');
    const query = queryHashesFor(dihedral, flat);
    expect(query.some((v) => v.family === 'dihedral')).toBe(true);
    const known = knownHashesFor(dihedral, flat);
    const plainOnly = { ...dihedral, rules: dihedral.rules.filter((r) => r.query === 'plain') };
    expect(scoreAgainst(dihedral, query, known)).toBe(scoreAgainst(plainOnly, query, known));
    const index = new FlatIndex<Meta>();
    index.addAll(knownEntriesFor(dihedral, flat, 'flat'));
    const viaTurned = matchWithMethod(index, dihedral, query, { threshold: 256 }).filter(
      (m) => m.query !== 'plain',
    );
    expect(viaTurned).toEqual([]);
  });

  it('stores crops only when PDQ is sure of as many of their bits as a stable-bit comparison needs', () => {
    const smooth = new ImageVariants(slantedStripes());
    const counts = smooth.get('crops').map((v) => v.stable.count);
    // What the test is about: crops other derived hashes' floor would keep, and some it would not.
    expect(counts.some((n) => n >= DERIVED_MIN_STABLE_BITS && n < CROPS_MIN_STABLE_BITS)).toBe(true);
    const stored = knownHashesFor(getMethod('pdq-crops'), smooth).filter((v) => v.family === 'crops');
    expect(stored.map((v) => v.label)).toEqual(
      smooth
        .get('crops')
        .filter((v) => v.stable.count >= CROPS_MIN_STABLE_BITS && (v.hash.quality ?? 100) >= 20)
        .map((v) => v.label),
    );
    expect(CROPS_MIN_STABLE_BITS).toBe(PDQ_MIN_STABLE_BITS);
  });

  it('scoreAgainst is the minimum distance minus slack over the rules', () => {
    const method = {
      ...getMethod('pdq-dihedral'),
      rules: [{ query: 'dihedral' as const, known: 'plain' as const, slack: -5 }],
    };
    const q = queryHashesFor(method, mirror(photos[1]!.image));
    const k = knownHashesFor(method, photos[1]!.image);
    const expected = Math.min(
      ...q
        .filter((h) => h.family === 'dihedral' && (h.hash.quality ?? 0) >= 50)
        .map((h) => hammingDistance(h.hash, k[0]!.hash)),
    );
    expect(scoreAgainst(method, q, k)).toBe(expected + 5);
  });

  it('wholePictureMatches drops stored crops from plain matches, keeping the pictures', () => {
    const hash = hashFromHex('pdq', 256, 'ab'.repeat(32));
    const crop = { variantOf: 'a.jpg', family: 'crops' as const, label: 'crop 0.9 @0,0' };
    const matches = [
      { id: 0, hash, distance: 0, metadata: ['a.jpg', crop] },
      { id: 1, hash, distance: 3, metadata: [crop] },
      { id: 2, hash, distance: 5, metadata: ['b.jpg'] },
    ];
    expect(wholePictureMatches(matches).map((m) => [m.id, m.metadata])).toEqual([
      [0, ['a.jpg']],
      [2, ['b.jpg']],
    ]);
  });
});

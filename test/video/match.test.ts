import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Hash, hashFromHex } from '../../src/core/hash.js';
import { FlatIndex } from '../../src/matching/flat-index.js';
import { MihIndex } from '../../src/matching/mih-index.js';
import type { VideoFrameHash } from '../../src/video/frame-hash.js';
import { compareVideos, usableFrameHashes, type VideoMatchScore } from '../../src/video/match.js';
import { VideoIndex } from '../../src/video/video-index.js';

/** A PDQ hash: `base` with the first `flips` bits of byte order flipped. */
function hash(base: number, flips = 0): Hash {
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = (base * 37 + i * 101) & 255;
  for (let b = 0; b < flips; b++) bytes[b >> 3]! ^= 1 << (b & 7);
  return { algorithm: 'pdq', bits: 256, bytes };
}

function frame(h: Hash, quality = 100, frameNumber = 0): VideoFrameHash {
  return { frameNumber, quality, hash: { ...h, quality }, timestamp: frameNumber / 30 };
}

function video(...hashes: Hash[]): VideoFrameHash[] {
  return hashes.map((h, i) => frame(h, 100, i));
}

describe('compareVideos (vPDQ README semantics)', () => {
  it('reports the matched share of each side', () => {
    // The query holds the 2 frames of the known video plus 2 unrelated ones.
    const score = compareVideos(video(hash(1), hash(2, 5), hash(3), hash(4)), video(hash(1, 3), hash(2)));
    expect(score).toEqual({
      queryMatchPercent: 50,
      comparedMatchPercent: 100,
      queryFrames: 4,
      comparedFrames: 2,
      queryMatchedFrames: 2,
      comparedMatchedFrames: 2,
      isMatch: true,
    });
  });

  it('matches frames within distance 31 inclusive', () => {
    expect(compareVideos(video(hash(1, 31)), video(hash(1))).isMatch).toBe(true);
    expect(compareVideos(video(hash(1, 32)), video(hash(1))).isMatch).toBe(false);
    expect(compareVideos(video(hash(1, 32)), video(hash(1)), { maxDistance: 32 }).isMatch).toBe(true);
    expect(compareVideos(video(hash(1, 1)), video(hash(1)), { maxDistance: 0 }).isMatch).toBe(false);
  });

  it('ignores frames below quality 50 on both sides', () => {
    const known = [frame(hash(1), 100), frame(hash(2), 49)];
    const upload = [frame(hash(1), 50), frame(hash(3), 10)];
    const score = compareVideos(upload, known);
    expect(score).toMatchObject({ queryFrames: 1, comparedFrames: 1, comparedMatchPercent: 100 });
    expect(compareVideos(upload, known, { minQuality: 0 })).toMatchObject({
      queryFrames: 2,
      comparedFrames: 2,
      comparedMatchPercent: 50,
      isMatch: false,
    });
  });

  it('counts identical frame hashes once', () => {
    // Without de-duplication the known video would be 3/4 matched; vPDQ says 1 of 2 distinct.
    const known = video(hash(1), hash(1), hash(1), hash(2));
    const score = compareVideos(video(hash(1)), known);
    expect(score).toMatchObject({ comparedFrames: 2, comparedMatchedFrames: 1, comparedMatchPercent: 50 });
  });

  it('filters by quality before de-duplicating (a good copy of a hash counts)', () => {
    const known = [frame(hash(1), 20, 0), frame(hash(1), 90, 1)];
    expect(usableFrameHashes(known)).toHaveLength(1);
    expect(compareVideos(video(hash(1)), known).isMatch).toBe(true);
  });

  it('applies both thresholds', () => {
    const upload = video(hash(1), hash(2), hash(3), hash(4));
    const known = video(hash(1), hash(5));
    expect(compareVideos(upload, known)).toMatchObject({ comparedMatchPercent: 50, isMatch: false });
    expect(compareVideos(upload, known, { minComparedMatchPercent: 50 }).isMatch).toBe(true);
    expect(
      compareVideos(upload, known, { minComparedMatchPercent: 50, minQueryMatchPercent: 26 }).isMatch,
    ).toBe(false);
    expect(
      compareVideos(upload, known, { minComparedMatchPercent: 0, minQueryMatchPercent: 25 }).isMatch,
    ).toBe(true);
  });

  it('never matches when one side has no usable frame, even with thresholds 0', () => {
    const all0 = { minComparedMatchPercent: 0, minQueryMatchPercent: 0 };
    expect(compareVideos([], video(hash(1)), all0)).toMatchObject({ queryMatchPercent: 0, isMatch: false });
    expect(compareVideos(video(hash(1)), [frame(hash(1), 10)], all0)).toMatchObject({
      comparedFrames: 0,
      comparedMatchPercent: 0,
      isMatch: false,
    });
    // and with 0 thresholds any shared frame is enough
    expect(compareVideos(video(hash(1), hash(2)), video(hash(1), hash(3), hash(4)), all0).isMatch).toBe(true);
  });

  it('rejects bad options and frames that are not PDQ', () => {
    const v = video(hash(1));
    for (const o of [
      { maxDistance: -1 },
      { maxDistance: 1.5 },
      { maxDistance: 257 },
      { minQuality: -1 },
      { minComparedMatchPercent: 101 },
      { minQueryMatchPercent: Number.NaN },
    ]) {
      expect(() => compareVideos(v, v, o)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    }
    const phash = [{ ...frame(hash(1)), hash: hashFromHex('phash', 64, '0123456789abcdef') }];
    expect(() => compareVideos(phash, v)).toThrow(
      expect.objectContaining({ code: 'ERR_ALGORITHM_MISMATCH' }),
    );
  });
});

describe('VideoIndex', () => {
  it('finds the known videos an upload matches, best first, with their metadata', () => {
    const index = new VideoIndex<string>();
    const a = index.add(video(hash(1), hash(2)), 'a');
    const b = index.add(video(hash(1), hash(2), hash(3), hash(4)), 'b');
    index.add(video(hash(9)), 'unrelated');
    expect(index.size).toBe(3);
    expect(index.frameHashes).toBe(5); // hash(1) and hash(2) are stored once
    const upload = video(hash(1, 4), hash(2, 2), hash(3, 1));
    const matches = index.query(upload, { minComparedMatchPercent: 0 });
    expect(matches.map((m) => [m.id, m.metadata, m.comparedMatchPercent, m.queryMatchPercent])).toEqual([
      [a, 'a', 100, (2 * 100) / 3],
      [b, 'b', 75, 100],
    ]);
    expect(index.query(upload).map((m) => m.metadata)).toEqual(['a']); // default: 80% of the known video
    expect(index.get(b)).toBe('b');
  });

  it('removes videos, keeping frame hashes other videos share', () => {
    const index = new VideoIndex<string>();
    const a = index.add(video(hash(1), hash(2)), 'a');
    const b = index.add(video(hash(2), hash(3)), 'b');
    expect(index.remove(a)).toBe(true);
    expect(index.remove(a)).toBe(false);
    expect(index.size).toBe(1);
    expect(index.frameHashes).toBe(2);
    expect(index.query(video(hash(1)), { minComparedMatchPercent: 0 })).toEqual([]);
    expect(index.query(video(hash(2)), { minComparedMatchPercent: 0 }).map((m) => m.id)).toEqual([b]);
    index.remove(b);
    expect(index.frameHashes).toBe(0);
  });

  it('uses the frame index it is given, and checks it', () => {
    const frames = new FlatIndex<unknown>({ algorithm: 'pdq', bits: 256 });
    const index = new VideoIndex<number>({ frameIndex: frames });
    index.add(video(hash(1), hash(2)), 7);
    expect(frames.size).toBe(2);
    expect(() => new VideoIndex({ frameIndex: frames })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    const phashes = new FlatIndex<unknown>({ algorithm: 'phash', bits: 64 });
    expect(() => new VideoIndex({ frameIndex: phashes })).toThrow(
      expect.objectContaining({ code: 'ERR_ALGORITHM_MISMATCH' }),
    );
  });

  it.each(['flat', 'mih'] as const)(
    'gives exactly what compareVideos gives against every known video, %s frame index (property)',
    (kind) => {
      // Frames are a few base pictures with 0-40 bits of noise, so distances straddle 31.
      const frameArb = fc
        .record({
          base: fc.nat(5),
          flips: fc.nat(40),
          offset: fc.nat(255),
          quality: fc.integer({ min: 30, max: 100 }),
        })
        .map(({ base, flips, offset, quality }) => {
          const h = hash(base);
          const bytes = h.bytes.slice();
          for (let b = 0; b < flips; b++) {
            const bit = (offset + b * 7) % 256;
            bytes[bit >> 3]! ^= 1 << (bit & 7);
          }
          return frame({ ...h, bytes }, quality);
        });
      const videoArb = fc.array(frameArb, { maxLength: 8 });
      fc.assert(
        fc.property(
          fc.array(videoArb, { minLength: 1, maxLength: 6 }),
          videoArb,
          fc.record({
            maxDistance: fc.integer({ min: 0, max: 48 }),
            minQuality: fc.integer({ min: 0, max: 80 }),
            minComparedMatchPercent: fc.integer({ min: 0, max: 100 }),
            minQueryMatchPercent: fc.integer({ min: 0, max: 100 }),
          }),
          fc.array(fc.nat(5), { maxLength: 3 }),
          (known, upload, options, removals) => {
            const frameIndex =
              kind === 'flat' ? new FlatIndex<unknown>() : new MihIndex<unknown>({ mergeThreshold: 4 });
            const index = new VideoIndex<number>({ ...options, frameIndex });
            for (const [i, v] of known.entries()) index.add(v, i);
            const removed = new Set(removals.filter((r) => r < known.length));
            for (const r of removed) index.remove(r);
            const expected: (VideoMatchScore & { id: number })[] = [];
            known.forEach((v, id) => {
              if (removed.has(id)) return;
              const score = compareVideos(upload, v, options);
              if (score.isMatch) expected.push({ id, ...score });
            });
            expected.sort(
              (x, y) =>
                y.comparedMatchPercent - x.comparedMatchPercent ||
                y.queryMatchPercent - x.queryMatchPercent ||
                x.id - y.id,
            );
            const got = index.query(upload).map(({ metadata, ...rest }) => {
              expect(metadata).toBe(rest.id);
              return rest;
            });
            expect(got).toEqual(expected);
          },
        ),
        { numRuns: 300 },
      );
    },
  );
});

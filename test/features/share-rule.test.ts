import { describe, expect, it } from 'vitest';
import type { LocalFeatures } from '../../src/features/extract.js';
import { LocalFeatureIndex } from '../../src/features/feature-index.js';
import { visibleKnown, visibleQuery } from '../../src/features/ransac.js';
import { getMethod } from '../../src/matching/methods/index.js';
import { LOCAL_RULE, localShareHolds, matchLocal, sharedCorners } from '../../src/matching/methods/local.js';

/** A seeded generator of 32-bit words. */
function words(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

const WIDTH = 480;
const HEIGHT = 240;

/** `n` corners on a jittered grid well inside a 480x240 plane, random orientations and descriptors. */
function knownPicture(n: number, seed: number): LocalFeatures {
  const next = words(seed);
  const cols = Math.ceil(Math.sqrt((n * 2) / 1));
  const rows = Math.ceil(n / cols);
  const descriptors = new Uint32Array(n * 8);
  for (let i = 0; i < descriptors.length; i++) descriptors[i] = next();
  return {
    width: WIDTH,
    height: HEIGHT,
    count: n,
    x: Float32Array.from(
      { length: n },
      (_, i) => 40 + ((i % cols) + 0.5) * ((WIDTH - 80) / cols) + (next() % 5),
    ),
    y: Float32Array.from({ length: n }, (_, i) => 40 + (Math.floor(i / cols) + 0.5) * ((HEIGHT - 80) / rows)),
    level: Uint8Array.from({ length: n }, () => next() % 2),
    angle: Uint8Array.from({ length: n }, () => next() % 64),
    descriptors,
  };
}

/**
 * An upload showing the known corners `shown` (all others of `known` are there too, at their
 * places, but look different: fresh random descriptors), each re-found one with 3 bits changed.
 */
function upload(known: LocalFeatures, refound: (i: number) => boolean, seed: number): LocalFeatures {
  const next = words(seed);
  const descriptors = known.descriptors.slice();
  for (let i = 0; i < known.count; i++) {
    if (refound(i)) {
      for (let f = 0; f < 3; f++) {
        const b = (i * 37 + f * 85) % 256;
        descriptors[i * 8 + (b >>> 5)]! ^= 1 << (b & 31);
      }
    } else for (let w = 0; w < 8; w++) descriptors[i * 8 + w] = next();
  }
  return { ...known, descriptors };
}

const method = getMethod('pdq-local');

describe('the local share rule (LocalFeatureRule.minShare)', () => {
  const known = knownPicture(240, 7);
  const index = new LocalFeatureIndex<string>();
  index.add(known, 'known');

  it('a copy re-finds most corners and matches', () => {
    const copy = upload(known, (i) => i % 10 !== 0, 11);
    const found = matchLocal(index, method, [copy]);
    expect(found.map((f) => f.metadata)).toEqual(['known']);
    expect(found[0]!.inliers).toBeGreaterThan(200);
  });

  it('a different photograph of the scene: one true map, 20+ corners, too small a share of the shared corners', () => {
    // Every 10th corner re-found: 24 of 240, spread over the whole picture (not a clustered patch).
    const scene = upload(known, (i) => i % 10 === 0, 13);
    const [verified] = index.match([scene]);
    // What the inlier count alone accepted before the rule:
    expect(verified!.inliers).toBeGreaterThanOrEqual(LOCAL_RULE.minInliers);
    expect(verified!.inliers).toBeLessThanOrEqual(32);
    const shared = sharedCorners(verified!);
    expect(shared).toBeGreaterThan(200);
    expect(shared).toBe(Math.min(verified!.visible, verified!.visibleQuery));
    expect(verified!.inliers).toBeLessThan(LOCAL_RULE.minShare * shared);
    expect(matchLocal(index, method, [scene])).toEqual([]);
  });

  it('is relative to the corners both pictures could show: a small crop with as few inliers matches', () => {
    // An upload that is a strip of the picture's left edge, 100 px wide, every corner in it re-found.
    const keep = (i: number) => known.x[i]! < 80;
    const ids = Array.from({ length: known.count }, (_, i) => i).filter(keep);
    const crop: LocalFeatures = {
      width: 100,
      height: HEIGHT,
      count: ids.length,
      x: Float32Array.from(ids, (i) => known.x[i]!),
      y: Float32Array.from(ids, (i) => known.y[i]!),
      level: Uint8Array.from(ids, (i) => known.level[i]!),
      angle: Uint8Array.from(ids, (i) => known.angle[i]!),
      descriptors: Uint32Array.from(ids.flatMap((i) => [...known.descriptors.subarray(i * 8, i * 8 + 8)])),
    };
    const found = matchLocal(index, method, [crop]);
    expect(found.map((f) => f.metadata)).toEqual(['known']);
    // As few inliers as the scene above (20-32), but most of what the crop can share.
    expect(found[0]!.inliers).toBeGreaterThanOrEqual(LOCAL_RULE.minInliers);
    expect(found[0]!.inliers).toBeLessThanOrEqual(32);
    expect(sharedCorners(found[0]!)).toBeLessThanOrEqual(ids.length);
  });

  it('the shared corners are those inside both pictures under the map, counted from both sides', () => {
    const identity = { a: 1, b: 0, tx: 0, ty: 0 };
    // Every known corner lies inside its own plane away from the edge: all visible both ways.
    expect(visibleKnown(identity, known, known, 7)).toBe(known.count);
    expect(visibleQuery(identity, known, known, 7)).toBe(known.count);
    // Shifted by half the width: only the corners that land on the other picture count.
    const shifted = { a: 1, b: 0, tx: -WIDTH / 2, ty: 0 };
    const onKnown = Array.from(known.x).filter((x) => x - WIDTH / 2 >= 16 * 1.26).length;
    expect(visibleQuery(shifted, known, known, 7)).toBeLessThanOrEqual(onKnown);
    expect(visibleQuery(shifted, known, known, 7)).toBeGreaterThan(0);
    expect(visibleQuery(shifted, known, known, 7)).toBeLessThan(known.count / 2 + 10);
  });

  it('localShareHolds compares inliers with the share of the shared corners', () => {
    const rule = { ...LOCAL_RULE, minShare: 0.25 };
    expect(localShareHolds(rule, 25, 100)).toBe(true);
    expect(localShareHolds(rule, 24, 100)).toBe(false);
    expect(localShareHolds(rule, 30, 0)).toBe(true);
  });
});

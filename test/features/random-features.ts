/**
 * The random features of the feature-file fixtures (fixtures/features/README.md says how they were written; the tests make them
 * again): a seeded xorshift, nothing else, so any version of the code makes the same ones.
 */

/** Features of one fixture image, shaped like LocalFeatures. */
export interface FixtureFeatures {
  readonly width: number;
  readonly height: number;
  readonly count: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly level: Uint8Array;
  readonly angle: Uint8Array;
  readonly descriptors: Uint32Array;
}

/** The fixture's images: features, working plane and metadata (JSON of several shapes). */
export const FIXTURE_IMAGES = [
  { count: 150, seed: 11, width: 300, height: 200, metadata: { name: 'a.jpg', case: 7 } },
  { count: 0, seed: 12, width: 64, height: 64, metadata: 'empty.png' },
  { count: 37, seed: 13, width: 288, height: 192, metadata: { name: 'Ünïcødé ✓.webp' } },
  { count: 90, seed: 14, width: 512, height: 384, metadata: null },
] as const;

export function fixtureFeatures(image: (typeof FIXTURE_IMAGES)[number]): FixtureFeatures {
  let s = image.seed;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  const { count, width, height } = image;
  const descriptors = new Uint32Array(count * 8);
  for (let i = 0; i < descriptors.length; i++) descriptors[i] = next();
  // Positions on the 1/16 px grid a feature file keeps.
  const x = Float32Array.from({ length: count }, () => (next() % (width * 16)) / 16);
  const y = Float32Array.from({ length: count }, () => (next() % (height * 16)) / 16);
  const level = Uint8Array.from({ length: count }, () => next() % 4);
  const angle = Uint8Array.from({ length: count }, () => next() % 64);
  return { width, height, count, x, y, level, angle, descriptors };
}

/**
 * Seeded randomness for the evaluation: every altered copy depends only on (seed, image, transform),
 * so two runs of `imprint eval` produce the same copies and the same figures.
 */

/** 32-bit FNV-1a of a string: turns names into seeds. */
export function seedOf(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The one seeded generator of the evaluation and the benchmarks (mulberry32), returning unsigned
 * 32-bit integers: small, fast, and the same sequence on every run for a seed.
 */
export function makeRandomUint32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** {@link makeRandomUint32} as floats in [0, 1). */
export function makeRandom(seed: number): () => number {
  const next = makeRandomUint32(seed);
  return () => next() / 4294967296;
}

/** A standard normal sample from two uniforms (Box-Muller). */
export function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

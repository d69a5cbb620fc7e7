/**
 * Seeded randomness, in one module: every altered copy of the evaluation depends only on (seed,
 * image, transform), so two runs of `imprint eval` produce the same copies and the same figures;
 * the benchmarks' data likewise depend only on their seeds.
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
 * The benchmarks' seeded generator (xorshift128), returning unsigned 32-bit integers: the random
 * lists of `bench:match` and `bench:lists` and the smooth pictures of `bench:smooth` (whose false
 * pair counts are quoted in the docs and in src/matching/methods) are drawn from this sequence, so
 * it stays as it is; the evaluation draws from {@link makeRandom}.
 */
export function makeRandomUint32(seed: number): () => number {
  let a = seed >>> 0 || 1;
  let b = 0x9e3779b9;
  let c = 0x243f6a88;
  let d = 0xb7e15162;
  return () => {
    const t = a ^ (a << 11);
    a = b;
    b = c;
    c = d;
    d = (d ^ (d >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return d;
  };
}

/**
 * The evaluation's seeded generator (mulberry32) returning floats in [0, 1): every altered copy
 * of `imprint eval` is drawn from it, so its figures depend on this sequence.
 */
export function makeRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal sample from two uniforms (Box-Muller). */
export function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

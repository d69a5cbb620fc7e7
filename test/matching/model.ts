import fc from 'fast-check';
import { type Hash, hammingDistance, hashToHex } from '../../src/core/hash.js';

/**
 * The matching definition, written as plainly as possible: a list of entries, each compared
 * with `hammingDistance`. Ids are given out the way every index promises: a new distinct hash gets
 * the next id, an identical live hash shares its entry, removed ids are never reused.
 */
export class BruteForce<M> {
  readonly entries: { hash: Hash; hex: string; alive: boolean; metadata: M[] }[] = [];

  add(hash: Hash, metadata?: M): number {
    const hex = hashToHex(hash);
    let id = this.entries.findIndex((e) => e.alive && e.hex === hex);
    if (id < 0) {
      id = this.entries.length;
      this.entries.push({ hash, hex, alive: true, metadata: [] });
    }
    if (metadata !== undefined) this.entries[id]!.metadata.push(metadata);
    return id;
  }

  remove(id: number): boolean {
    const e = this.entries[id];
    if (!e?.alive) return false;
    e.alive = false;
    e.metadata = [];
    return true;
  }

  get size(): number {
    return this.entries.filter((e) => e.alive).length;
  }

  /** Every live entry within `max`, nearest first, ties by id, as comparable rows. */
  query(q: Hash, max: number): Row[] {
    const rows: Row[] = [];
    this.entries.forEach((e, id) => {
      if (!e.alive) return;
      const d = hammingDistance(q, e.hash);
      if (d <= max) rows.push({ id, hex: e.hex, distance: d, metadata: [...e.metadata] });
    });
    return rows.sort((a, b) => a.distance - b.distance || a.id - b.id);
  }

  nearest(q: Hash, k: number, max: number): Row[] {
    return this.query(q, max).slice(0, k);
  }

  queryAny(qs: Hash[], max: number): Row[] {
    const best = new Map<number, Row & { variant: number }>();
    qs.forEach((q, variant) => {
      for (const row of this.query(q, max)) {
        const prev = best.get(row.id);
        if (!prev || row.distance < prev.distance) best.set(row.id, { ...row, variant });
      }
    });
    return [...best.values()].sort((a, b) => a.distance - b.distance || a.id - b.id);
  }
}

export interface Row {
  id: number;
  hex: string;
  distance: number;
  metadata: unknown[];
  variant?: number;
}

/** Index matches as rows comparable with {@link BruteForce} output. */
export function rows(
  matches: readonly {
    id: number;
    hash: Hash;
    distance: number;
    metadata: readonly unknown[];
    variant?: number;
  }[],
): Row[] {
  return matches.map((m) => ({
    id: m.id,
    hex: hashToHex(m.hash),
    distance: m.distance,
    metadata: [...m.metadata],
    ...(m.variant === undefined ? {} : { variant: m.variant }),
  }));
}

/** `hash` with the given bit positions flipped. */
export function flip(hash: Hash, positions: readonly number[]): Hash {
  const bytes = hash.bytes.slice();
  for (const p of positions) {
    const k = p % hash.bits; // bit weight k of the integer
    bytes[bytes.length - 1 - (k >> 3)]! ^= 1 << (k & 7);
  }
  return { algorithm: hash.algorithm, bits: hash.bits, bytes };
}

/** A random hash of `bits` bits (high unused bits of the first byte zero). */
export function hashArb(bits: number, algorithm = 'pdq'): fc.Arbitrary<Hash> {
  const n = Math.ceil(bits / 8);
  return fc.uint8Array({ minLength: n, maxLength: n }).map((bytes) => {
    if (bits % 8) bytes[0]! &= (1 << (bits % 8)) - 1;
    return { algorithm, bits, bytes };
  });
}

/**
 * Clustered hashes: copies of the given centres with up to `spread` flipped bits (exact
 * duplicates included), so queries drawn from the same centres have neighbours at every small
 * distance.
 */
export function variantsArb(
  centres: readonly Hash[],
  spread: number,
  maxLength: number,
): fc.Arbitrary<Hash[]> {
  const bits = centres[0]!.bits;
  return fc
    .array(fc.tuple(fc.nat(), fc.array(fc.nat({ max: bits - 1 }), { maxLength: spread })), {
      maxLength,
      size: 'medium',
    })
    .map((picks) => picks.map(([c, flips]) => flip(centres[c % centres.length]!, flips)));
}

/** {@link variantsArb} around 1 to 4 random centres. */
export function clusteredArb(bits: number, spread: number, maxLength: number): fc.Arbitrary<Hash[]> {
  return fc
    .array(hashArb(bits), { minLength: 1, maxLength: 4 })
    .chain((centres) => variantsArb(centres, spread, maxLength));
}

/**
 * Scoring every altered copy against every original, fast enough for a million pairs per
 * transform: hashes packed into 32-bit words, one pass per (query family, known family) pair that
 * some method compares, then each method's score as the minimum over its rules.
 */
import { PDQ_MIN_QUALITY } from '../algorithms/pdq/pdq.js';
import { PDQ_MIN_STABLE_BITS, type StableBits } from '../algorithms/pdq/pdq-stable.js';
import type { Hash } from '../core/hash.js';
import { popcount32 } from '../core/hash.js';
import type { MatchMethod, MatchRule } from '../matching/methods/types.js';
import { FAMILY_LABELS, type VariantFamily } from '../matching/methods/variants.js';
import { NO_SCORE } from './metrics.js';

/** 32-bit words per hash of `bits` bits. */
export function wordsPerHash(bits: number): number {
  return Math.ceil(bits / 32);
}

/** Packs hashes of `bits` bits into words (big-endian bytes, zero-padded to whole words). */
export function packHashes(hashes: readonly Hash[], bits: number): Uint32Array {
  const words = wordsPerHash(bits);
  const out = new Uint32Array(hashes.length * words);
  hashes.forEach((h, n) => {
    for (let w = 0; w < words; w++) {
      const b = 4 * w;
      const byte = (k: number): number => h.bytes[b + k] ?? 0;
      out[n * words + w] = ((byte(0) << 24) | (byte(1) << 16) | (byte(2) << 8) | byte(3)) >>> 0;
    }
  });
  return out;
}

/** The known hashes of one family for every original, packed, each with the original it belongs to. */
export interface KnownFamily {
  readonly bits: number;
  readonly words: Uint32Array;
  readonly owners: Int32Array;
  /** `witness` family: each hash's pHash, packed (2 words each); `hasWitness[k]` 0 when it has none. */
  readonly witnesses?: Uint32Array;
  readonly hasWitness?: Uint8Array;
}

/** A hash as the evaluation keeps it, with the pHash of a `witness` hash. */
export type WitnessedHash = Hash & { readonly witness?: Hash };

/** Packs one family's hashes: `perOriginal[j]` are original j's hashes of that family. */
export function packKnownFamily(
  perOriginal: readonly (readonly WitnessedHash[])[],
  bits: number,
): KnownFamily {
  const all: WitnessedHash[] = [];
  const owners: number[] = [];
  perOriginal.forEach((hashes, j) => {
    for (const h of hashes) {
      all.push(h);
      owners.push(j);
    }
  });
  const family = { bits, words: packHashes(all, bits), owners: Int32Array.from(owners) };
  if (!all.some((h) => h.witness)) return family;
  return { ...family, ...packWitnesses(all) };
}

/** The pHashes of `witness` hashes, packed (zeros and a 0 flag for a hash without one). */
export function packWitnesses(hashes: readonly WitnessedHash[]): {
  witnesses: Uint32Array;
  hasWitness: Uint8Array;
} {
  const empty: Hash = { algorithm: 'phash', bits: 64, bytes: new Uint8Array(8) };
  return {
    witnesses: packHashes(
      hashes.map((h) => h.witness ?? empty),
      64,
    ),
    hasWitness: Uint8Array.from(hashes, (h) => (h.witness ? 1 : 0)),
  };
}

/**
 * For each original, the smallest distance between any of the packed query hashes and any of its
 * known hashes (`out[j]`, NO_SCORE when either side has none).
 */
export function minDistanceByOriginal(query: Uint32Array, known: KnownFamily, out: Float64Array): void {
  out.fill(NO_SCORE);
  const { words, owners } = known;
  const per = wordsPerHash(known.bits);
  const nq = query.length / per;
  const nk = owners.length;
  for (let q = 0; q < nq; q++) {
    const qo = q * per;
    if (per !== 8) {
      for (let k = 0, ko = 0; k < nk; k++, ko += per) {
        let d = 0;
        for (let w = 0; w < per; w++) d += popcount32(query[qo + w]! ^ words[ko + w]!);
        const j = owners[k]!;
        if (d < out[j]!) out[j] = d;
      }
      continue;
    }
    // 256-bit PDQ, unrolled: this loop is most of the scoring time.
    const q0 = query[qo]!;
    const q1 = query[qo + 1]!;
    const q2 = query[qo + 2]!;
    const q3 = query[qo + 3]!;
    const q4 = query[qo + 4]!;
    const q5 = query[qo + 5]!;
    const q6 = query[qo + 6]!;
    const q7 = query[qo + 7]!;
    for (let k = 0, ko = 0; k < nk; k++, ko += 8) {
      const d =
        popcount32(q0 ^ words[ko]!) +
        popcount32(q1 ^ words[ko + 1]!) +
        popcount32(q2 ^ words[ko + 2]!) +
        popcount32(q3 ^ words[ko + 3]!) +
        popcount32(q4 ^ words[ko + 4]!) +
        popcount32(q5 ^ words[ko + 5]!) +
        popcount32(q6 ^ words[ko + 6]!) +
        popcount32(q7 ^ words[ko + 7]!);
      const j = owners[k]!;
      if (d < out[j]!) out[j] = d;
    }
  }
}

/** For a witnessed rule: the query hashes' pHashes (packed as {@link packWitnesses}) and the floor. */
export interface WitnessCheck {
  readonly witnesses: Uint32Array;
  readonly hasWitness: Uint8Array;
  /** Largest pHash distance that agrees. */
  readonly maxDistance: number;
  /** Fewest stable bits the query hash needs (instead of PDQ_MIN_STABLE_BITS). */
  readonly minStableBits: number;
}

/**
 * As {@link minDistanceByOriginal}, for a rule on stable bits: for each original, the smallest
 * {@link stableDistance} between a query hash (on its own stable bits) and any of its known hashes;
 * with `witness`, only between hashes whose pHashes agree.
 */
export function minStableScoreByOriginal(
  query: Uint32Array,
  stable: readonly StableBits[],
  known: KnownFamily,
  out: Float64Array,
  witness?: WitnessCheck,
): void {
  out.fill(NO_SCORE);
  const { words, owners } = known;
  const nk = owners.length;
  if (witness && (!known.witnesses || !known.hasWitness)) return; // nothing to agree with
  const floor = witness ? witness.minStableBits : PDQ_MIN_STABLE_BITS;
  stable.forEach((s, q) => {
    if (s.count < floor || s.count === 0) return;
    // A witness is asked only where the stable bits are not trusted alone (as match.ts).
    if (witness && (witness.hasWitness[q] !== 1 || s.count >= PDQ_MIN_STABLE_BITS)) return;
    const qo = q * 8;
    const mask = packHashes([{ algorithm: 'pdq', bits: 256, bytes: s.mask }], 256);
    for (let k = 0, ko = 0; k < nk; k++, ko += 8) {
      if (witness) {
        if (known.hasWitness![k] !== 1) continue;
        const a = witness.witnesses;
        const b = known.witnesses!;
        const d = popcount32(a[2 * q]! ^ b[2 * k]!) + popcount32(a[2 * q + 1]! ^ b[2 * k + 1]!);
        if (d > witness.maxDistance) continue;
      }
      let d = 0;
      for (let w = 0; w < 8; w++) d += popcount32((query[qo + w]! ^ words[ko + w]!) & mask[w]!);
      const score = Math.ceil((d * 256) / s.count); // stableDistance, on packed words
      const j = owners[k]!;
      if (score < out[j]!) out[j] = score;
    }
  });
}

/** Names a family of one algorithm's hashes in the run: `pdq:trim`, `phash:plain`. */
export function hashKey(method: MatchMethod, family: VariantFamily): string {
  return `${method.algorithm ?? 'pdq'}:${family}`;
}

/**
 * The keys a family's hashes are kept under: one per label for a family with fixed labels
 * (`pdq:bands#top 0.1`, ...), so that same-label rules compare them label by label; else one.
 */
export function familyKeys(method: MatchMethod, family: VariantFamily): string[] {
  const labels = (method.algorithm ?? 'pdq') === 'pdq' ? FAMILY_LABELS[family] : undefined;
  const key = hashKey(method, family);
  return labels ? labels.map((label) => `${key}#${label}`) : [key];
}

/** Splits a key into algorithm, family and (for labelled families) label. */
export function parseKey(key: string): { algorithm: string; family: VariantFamily; label?: string } {
  const colon = key.indexOf(':');
  const hash = key.indexOf('#');
  const algorithm = key.slice(0, colon);
  const family = key.slice(colon + 1, hash < 0 ? undefined : hash) as VariantFamily;
  return hash < 0 ? { algorithm, family } : { algorithm, family, label: key.slice(hash + 1) };
}

/** The (query key, known key) pairs one rule compares: label by label, or every key with every key. */
function ruleKeyPairs(method: MatchMethod, rule: MatchRule): [string, string][] {
  const queries = familyKeys(method, rule.query);
  const knowns = familyKeys(method, rule.known);
  if (rule.sameLabel) {
    const labelled = (keys: string[]) => keys.every((k) => parseKey(k).label !== undefined);
    if (queries.length !== knowns.length || !labelled(queries) || !labelled(knowns)) {
      throw new Error(
        `Rule ${rule.query} -> ${rule.known} compares by label, but the families have no common labels`,
      );
    }
    return queries.map((q, n) => [q, knowns[n]!]);
  }
  return queries.flatMap((q) => knowns.map((k): [string, string] => [q, k]));
}

/** The upload quality gate of a method (PDQ only; other algorithms have no quality). */
export function queryGate(method: MatchMethod): number {
  return (method.algorithm ?? 'pdq') === 'pdq' ? (method.minQuality ?? PDQ_MIN_QUALITY) : 0;
}

/** One comparison the scoring pass makes: query hashes (above a quality gate) against known hashes. */
export interface ComparedPair {
  readonly query: string;
  readonly known: string;
  readonly gate: number;
  /** Compared on the query's stable bits (a rule with `stableBits`). */
  readonly stable: boolean;
  /** Only where the pHashes agree too (a rule with `witnessed`). */
  readonly witnessed: boolean;
  /** `query|known|gate[|stable][|witnessed]`, the key of {@link methodScores}' distances. */
  readonly id: string;
}

function pairId(rule: MatchRule, query: string, known: string, gate: number): string {
  return `${query}|${known}|${gate}${rule.stableBits ? '|stable' : ''}${rule.witnessed ? '|witnessed' : ''}`;
}

/** Every comparison some method needs. */
export function comparedPairs(methods: readonly MatchMethod[]): ComparedPair[] {
  const seen = new Map<string, ComparedPair>();
  for (const m of methods) {
    for (const r of m.rules) {
      for (const [query, known] of ruleKeyPairs(m, r)) {
        const gate = queryGate(m);
        const id = pairId(r, query, known, gate);
        seen.set(id, {
          query,
          known,
          gate,
          stable: r.stableBits === true,
          witnessed: r.witnessed === true,
          id,
        });
      }
    }
  }
  return [...seen.values()];
}

/**
 * One query's score against every original under one method: the minimum over its rules of the
 * key-pair distance minus the rule's slack. `pairDistances` maps {@link ComparedPair.id} to the output of
 * {@link minDistanceByOriginal}.
 */
export function methodScores(
  method: MatchMethod,
  pairDistances: ReadonlyMap<string, Float64Array>,
  out: Float64Array,
): void {
  out.fill(NO_SCORE);
  for (const rule of method.rules) {
    for (const [query, known] of ruleKeyPairs(method, rule)) {
      const d = pairDistances.get(pairId(rule, query, known, queryGate(method)));
      if (!d) continue;
      for (let j = 0; j < out.length; j++) {
        const s = d[j]! - rule.slack;
        if (s < out[j]!) out[j] = s;
      }
    }
  }
}

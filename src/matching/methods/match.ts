/**
 * Using a method: the hashes to store for a known image, the hashes to compute for an upload, and
 * how to turn index hits for those hashes into one verdict per known image.
 */
import { PDQ_MIN_QUALITY } from '../../algorithms/pdq/pdq.js';
import { PDQ_MIN_STABLE_BITS, stableDistance, stableSearchRadius } from '../../algorithms/pdq/pdq-stable.js';
import { invalidArgument } from '../../core/errors.js';
import { type Hash, hammingBytes, hashFromHex, hashToHex } from '../../core/hash.js';
import type { PixelImage } from '../../core/pixels.js';
import type { HashIndex, IndexEntry, Match, QueryOptions } from '../types.js';
import type { MatchMethod, MatchRule } from './types.js';
import { ImageVariants, type VariantFamily, type VariantHash } from './variants.js';

/**
 * Metadata of a derived hash stored for a known image. The image's plain PDQ hash is stored with
 * the image's own metadata, as any list has it; derived ones point back to it with this wrapper.
 */
export interface KnownVariantMetadata<M> {
  readonly variantOf: M;
  readonly family: VariantFamily;
  readonly label: string;
  /** `witness` family: the known image's pHash in hex (the entry's hash is its plain PDQ hash). */
  readonly witness?: string;
}

/**
 * True for metadata written by {@link knownEntriesFor} for a derived hash.
 *
 * @example
 * ```ts
 * for (const value of hit.metadata) console.log(isKnownVariant(value) ? value.variantOf : value);
 * ```
 */
export function isKnownVariant<M>(value: unknown): value is KnownVariantMetadata<M> {
  return (
    typeof value === 'object' &&
    value !== null &&
    'variantOf' in value &&
    typeof (value as { family?: unknown }).family === 'string'
  );
}

/**
 * Plain matches with the derived hashes a method stored (crops of known images) taken out: plain
 * matching compares whole pictures, so a stored crop is not a match of its own.
 *
 * @example
 * ```ts
 * const { matches } = matchHash(index, hash); // index built with knownEntriesFor(getMethod('pdq-max'), ...)
 * for (const m of wholePictureMatches(matches)) console.log(m.metadata);
 * ```
 */
export function wholePictureMatches<M>(matches: readonly Match<M | KnownVariantMetadata<M>>[]): Match<M>[] {
  return matches
    .map((m) => ({ ...m, metadata: m.metadata.filter((v): v is M => !isKnownVariant(v)) }))
    .filter((m) => m.metadata.length > 0);
}

function variantsOf(image: PixelImage | ImageVariants): ImageVariants {
  return image instanceof ImageVariants ? image : new ImageVariants(image);
}

/**
 * Fewest stable bits (pdq-stable.ts) a derived hash (turned, trimmed, cropped, banded, ...) needs
 * to be compared at all, on either side. A smooth picture's turned copy or crop looks like other
 * smooth pictures: among 2 x 400 random stripes, gradients and rings (`npm run bench:smooth`)
 * `pdq-max` made 76 false pairs against plain PDQ's 16 with no such floor, 49 with this one. A
 * higher floor trades recall of smooth pictures for fewer false pairs; measured on the
 * development corpus and that bench: 80 -> 29 false pairs, rotations 99.1%; 96 -> 20, rotations
 * 98.5% (100% at 64).
 *
 * @example
 * ```ts
 * DERIVED_MIN_STABLE_BITS; // 64: a turned or cropped hash with fewer stable bits is not compared
 * ```
 */
export const DERIVED_MIN_STABLE_BITS = 64;

/**
 * Fewest stable bits a stored crop needs: as many as a comparison on stable bits alone
 * (PDQ_MIN_STABLE_BITS), more than other derived hashes. A crop is a guess at what an upload may
 * be, stored for every known image, and a smooth picture's crops are the guesses most like other
 * smooth pictures: on `npm run bench:smooth` `pdq-crops` made 30 false pairs, 11 between unlike
 * pictures, with crops stored from 64 bits up, and 19 and 1 from 96 up (`pdq-max` 57 and 16 ->
 * 46 and 6), for 98.8% of 10% crops found on the development corpus instead of 99.5%.
 *
 * @example
 * ```ts
 * CROPS_MIN_STABLE_BITS; // 96: a known image's crop with fewer stable bits is not stored
 * ```
 */
export const CROPS_MIN_STABLE_BITS: number = PDQ_MIN_STABLE_BITS;

/**
 * Fewest stable bits a hash of this family needs to be compared: none for plain hashes, nor for
 * flattened highlights (`tones`). Those are one hash per picture, met only by the other
 * picture's, as plain hashes are, not one of several guesses at what an upload may be (turned
 * copies, crops, frames), and at a stricter distance than plain. Measured: with the derived floor
 * they found 2 fewer brightened copies on the development corpus (smooth tiles, 40-52 stable
 * bits), and without it `npm run bench:smooth` counts the same false pairs (`pdq-tones` 18, none
 * between unlike pictures; plain PDQ 16).
 *
 * @example
 * ```ts
 * minStableBitsOf('crops'); // CROPS_MIN_STABLE_BITS
 * minStableBitsOf('dihedral'); // DERIVED_MIN_STABLE_BITS
 * minStableBitsOf('tones'); // 0
 * ```
 */
export function minStableBitsOf(family: VariantFamily): number {
  if (family === 'plain' || family === 'tones') return 0;
  return family === 'crops' ? CROPS_MIN_STABLE_BITS : DERIVED_MIN_STABLE_BITS;
}

/**
 * Fewest stable bits an upload compared on them needs when its pHash must agree as well (a
 * `witnessed` rule): the derived hashes' floor, not a new figure. Below it PDQ says too little;
 * from PDQ_MIN_STABLE_BITS up the witness is not asked, as the stable bits are trusted alone.
 */
export const WITNESSED_MIN_STABLE_BITS: number = DERIVED_MIN_STABLE_BITS;

/** Largest pHash distance at which a witness agrees: pHash's own default threshold (10 of 64). */
export const WITNESS_MAX_DISTANCE = 10;

/**
 * Whether a hash may be compared: plain hashes always, others above both floors (the quality gate,
 * and {@link minStableBitsOf}; a `witness` too:
 * a known picture PDQ is sure of so few bits of is not compared on stable bits).
 */
export function usableHash(v: VariantHash, minQuality: number): boolean {
  if (v.family === 'plain') return true;
  return (v.hash.quality ?? 100) >= minQuality && v.stable.count >= minStableBitsOf(v.family);
}

/**
 * Whether an upload hash may be compared: its own quality (a flat screenshot can frame a detailed
 * picture), and for a derived hash its stable bits. One test for the index lookup and the
 * pairwise definition, so they cannot disagree.
 */
function queryUsable(q: VariantHash, minQuality: number): boolean {
  return (q.hash.quality ?? 100) >= minQuality && usableHash(q, minQuality);
}

/**
 * The hashes to store for a known image: its exact PDQ hash, plus the derived families an
 * index-side method needs. Derived hashes below the method's upload gate (or with fewer than
 * {@link DERIVED_MIN_STABLE_BITS} stable bits) are left out, as the upload's would be: a crop or
 * band of a picture is often flatter than the whole (a sky), and storing it down to the same gate
 * as uploads is what lets the comparison happen at all.
 *
 * @example
 * ```ts
 * for (const v of knownHashesFor(getMethod('pdq-max'), pixels)) index.add(v.hash, v.label);
 * ```
 */
export function knownHashesFor(method: MatchMethod, image: PixelImage | ImageVariants): VariantHash[] {
  const variants = variantsOf(image);
  variants.expect(method.knownFamilies);
  return method.knownFamilies.flatMap((f) => variants.get(f)).filter((v) => usableHash(v, knownGate(method)));
}

/** Least PDQ quality of a derived hash stored for a known image: the method's upload gate. */
export function knownGate(method: MatchMethod): number {
  return method.minQuality ?? PDQ_MIN_QUALITY;
}

/**
 * Index entries for a known image: its plain hash with `metadata`, derived hashes with
 * {@link KnownVariantMetadata} pointing back to it.
 *
 * @example
 * ```ts
 * const index = new MihIndex<string | KnownVariantMetadata<string>>();
 * index.addAll(knownEntriesFor(getMethod('pdq-max'), pixels, 'case-1234.jpg'));
 * ```
 */
export function knownEntriesFor<M>(
  method: MatchMethod,
  image: PixelImage | ImageVariants,
  metadata: M,
): IndexEntry<M | KnownVariantMetadata<M>>[] {
  return knownHashesFor(method, image).map((v) =>
    v.family === 'plain'
      ? { hash: v.hash, metadata }
      : {
          hash: v.hash,
          metadata: {
            variantOf: metadata,
            family: v.family,
            label: v.label,
            ...(v.witness ? { witness: hashToHex(v.witness) } : {}),
          },
        },
  );
}

/**
 * The hashes to compute for an upload (every query family of the method; the pHash `witness` only
 * when the upload has a stable-bit count a witnessed rule speaks for, as it is the dearest hash
 * of a large photo and photos rarely need it).
 *
 * @example
 * ```ts
 * const method = getMethod('pdq-plus');
 * const matches = matchWithMethod(index, method, queryHashesFor(method, uploadPixels));
 * ```
 */
export function queryHashesFor(method: MatchMethod, image: PixelImage | ImageVariants): VariantHash[] {
  const variants = variantsOf(image).expect(method.queryFamilies);
  return method.queryFamilies.flatMap((f) =>
    f === 'witness' && !witnessCanSpeak(variants) ? [] : variants.get(f),
  );
}

function witnessCanSpeak(variants: ImageVariants): boolean {
  const count = variants.get('plain')[0]!.stable.count;
  return count >= WITNESSED_MIN_STABLE_BITS && count < PDQ_MIN_STABLE_BITS;
}

/**
 * The derived families an index holds besides plain hashes (crops, bands: what an index-side
 * method stored with {@link knownEntriesFor}); empty for a plain list made by anyone.
 *
 * @example
 * ```ts
 * const method = methodForStored(getMethod('pdq-max'), storedFamilies(index));
 * ```
 */
export function storedFamilies(index: HashIndex<unknown>): Set<VariantFamily> {
  const families = new Set<VariantFamily>();
  for (const id of index.ids()) {
    for (const value of index.metadataOf(id)) if (isKnownVariant(value)) families.add(value.family);
  }
  return families;
}

/**
 * The method without the comparisons that would meet nothing in an index holding only these
 * derived families (and plain hashes): the same matches, without hashing upload variants that
 * only meet hashes the index does not have (on a plain list, pdq-max hashes as pdq-plus does).
 *
 * @example
 * ```ts
 * const method = methodForStored(getMethod('pdq-max'), new Set()); // plain list: no bands hashed
 * ```
 */
export function methodForStored(method: MatchMethod, stored: ReadonlySet<VariantFamily>): MatchMethod {
  const rules = method.rules.filter((r) => r.known === 'plain' || stored.has(r.known));
  const used = new Set<VariantFamily>(['plain', ...rules.map((r) => r.query)]);
  return {
    ...method,
    knownFamilies: method.knownFamilies.filter((f) => f === 'plain' || stored.has(f)),
    queryFamilies: method.queryFamilies.filter((f) => used.has(f)),
    rules,
  };
}

/** Options for {@link matchWithMethod}. */
export interface MethodMatchOptions {
  /** Largest score that matches; default the method's threshold. */
  threshold?: number;
  /** Query hashes below this PDQ quality are not used (default: the method's gate, 50 unless it sets one). */
  minQuality?: number;
}

/** One known image an upload matched. */
export interface MethodMatch<M> {
  /** The known image's metadata (that of its plain hash). */
  readonly metadata: M;
  /** Best score: distance minus the slack of the rule that gave it (what the threshold bounds). */
  readonly score: number;
  /** Hamming distance of the comparison that gave the best score. */
  readonly distance: number;
  /**
   * Bits that comparison counted: 256, or the upload's stable bits for a rule on stable bits
   * (its score is then the differing stable bits scaled to 256).
   */
  readonly comparedBits: number;
  /** The stored hash that comparison met (the known image's plain hash, or a stored crop). */
  readonly hash: Hash;
  /**
   * Query hash and known hash of that comparison, e.g. `trim` and `plain`; `plain (118 stable bits)`
   * for the upload compared on its stable bits, `plain + pHash (82 stable bits)` and
   * `witness:phash` when the pHashes had to agree as well.
   */
  readonly query: string;
  readonly known: string;
}

/**
 * Matches an upload's variant hashes against an index of known hashes (plain lists, or entries from
 * {@link knownEntriesFor}), one result per known image, best score first.
 *
 * @example
 * ```ts
 * const method = getMethod('pdq-plus');
 * const matches = matchWithMethod(index, method, queryHashesFor(method, pixels));
 * for (const m of matches) console.log(m.metadata, m.distance, m.query);
 * ```
 */
export function matchWithMethod<M>(
  index: HashIndex<M | KnownVariantMetadata<M>>,
  method: MatchMethod,
  queryHashes: readonly VariantHash[],
  options: MethodMatchOptions = {},
): MethodMatch<M>[] {
  const threshold = options.threshold ?? method.threshold;
  const minQuality = options.minQuality ?? method.minQuality ?? PDQ_MIN_QUALITY;
  if (!Number.isInteger(threshold)) throw invalidArgument('an integer', 'threshold', threshold);
  // Keyed by the known image: its plain entry and its variants carry equal (not identical) metadata.
  const best = new Map<unknown, MethodMatch<M>>();
  for (const q of queryHashes) {
    if (!queryUsable(q, minQuality)) continue;
    // Whole-hash rules and stable-bit rules search the index separately: a stable-bit search
    // filters by the upload's mask inside the index, which whole-hash matches need not pass.
    for (const stable of [false, true]) {
      const rules = method.rules.filter((r) => r.query === q.family && (r.stableBits === true) === stable);
      if (rules.length === 0) continue;
      const reach = Math.max(...rules.map((r) => searchRadius(r, q, threshold)));
      if (reach < 0) continue;
      const options: QueryOptions = { maxDistance: reach };
      if (stable) {
        // The least strict stable-bit rule's allowance, in differing stable bits.
        const slack = Math.max(...rules.map((r) => r.slack));
        const allowed = Math.floor(((threshold + slack) * q.stable.count) / q.hash.bits);
        options.mask = { bits: q.stable.mask, maxDistance: allowed };
      }
      for (const hit of index.query(q.hash, options)) {
        for (const value of hit.metadata) {
          const variant = isKnownVariant<M>(value);
          const family: VariantFamily = variant ? value.family : 'plain';
          let found: { score: number; bits: number } | undefined;
          for (const rule of rules) {
            if (rule.known !== family || (rule.sameLabel && !(variant && value.label === q.label))) continue;
            const witness = rule.witnessed && variant && value.witness ? witnessOf(value.witness) : undefined;
            const scored = ruleScore(rule, q, hit.hash.bytes, hit.distance, witness);
            if (!found || scored.score < found.score) found = scored;
          }
          if (!found || found.score > threshold) continue;
          const item = isKnownVariant<M>(value) ? value.variantOf : (value as M);
          const key = typeof item === 'object' && item !== null ? JSON.stringify(item) : item;
          const previous = best.get(key);
          if (!previous || found.score < previous.score) {
            const known = isKnownVariant<M>(value) ? `${value.family}:${value.label}` : 'plain';
            best.set(key, {
              metadata: item,
              score: found.score,
              distance: hit.distance,
              comparedBits: found.bits,
              hash: hit.hash,
              query: stable ? `${queryName(q)} (${found.bits} stable bits)` : q.label,
              known,
            });
          }
        }
      }
    }
  }
  return [...best.values()].sort((a, b) => a.score - b.score);
}

/**
 * The best score between an upload's hashes and one known image's hashes under a method's rules
 * (Infinity when no rule compares any of them). The plain definition {@link matchWithMethod} agrees with.
 *
 * @example
 * ```ts
 * const method = getMethod('pdq-dihedral');
 * const same = scoreAgainst(method, queryHashesFor(method, upload), knownHashesFor(method, original)) <= method.threshold;
 * ```
 */
export function scoreAgainst(
  method: MatchMethod,
  queryHashes: readonly VariantHash[],
  knownHashes: readonly VariantHash[],
  minQuality: number = method.minQuality ?? PDQ_MIN_QUALITY,
): number {
  let best = Number.POSITIVE_INFINITY;
  for (const rule of method.rules) {
    for (const q of queryHashes) {
      if (q.family !== rule.query || !queryUsable(q, minQuality)) continue;
      for (const k of knownHashes) {
        if (k.family !== rule.known || (rule.sameLabel && k.label !== q.label)) continue;
        const distance = hammingBytes(q.hash.bytes, k.hash.bytes);
        best = Math.min(best, ruleScore(rule, q, k.hash.bytes, distance, k.witness).score);
      }
    }
  }
  return best;
}

/** An upload hash as a match names it: `plain + pHash` for the plain hash with its pHash witness. */
function queryName(q: VariantHash): string {
  return q.family === 'witness' ? 'plain + pHash' : q.label;
}

/** How far the index must be searched for a query hash so that no match of the rule is missed. */
function searchRadius(rule: MatchRule, q: VariantHash, threshold: number): number {
  const score = threshold + rule.slack;
  if (!rule.stableBits) return score;
  return witnessNeeded(rule, q) ? stableSearchRadius(q.stable, score, minStableBits(rule)) : -1;
}

/**
 * A witnessed rule only speaks for uploads with too few stable bits to be trusted alone (from
 * PDQ_MIN_STABLE_BITS up, the rule on stable bits alone gives the same score without asking).
 */
function witnessNeeded(rule: MatchRule, q: VariantHash): boolean {
  return !rule.witnessed || q.stable.count < PDQ_MIN_STABLE_BITS;
}

function minStableBits(rule: MatchRule): number {
  return rule.witnessed ? WITNESSED_MIN_STABLE_BITS : PDQ_MIN_STABLE_BITS;
}

/** A stored witness (pHash hex); undefined when it is not one this build can read. */
function witnessOf(hex: string): Hash | undefined {
  try {
    return hashFromHex('phash', 64, hex);
  } catch {
    return undefined; // the rule then cannot count the entry
  }
}

/**
 * A rule's score for one query hash against one known hash (`distance` is their Hamming
 * distance, `witness` the known image's pHash for a witnessed rule).
 */
function ruleScore(
  rule: MatchRule,
  q: VariantHash,
  known: Uint8Array,
  distance: number,
  witness?: Hash,
): { score: number; bits: number } {
  if (!rule.stableBits) return { score: distance - rule.slack, bits: q.hash.bits };
  const bits = q.stable.count;
  if (rule.witnessed && !(witnessNeeded(rule, q) && witnessesAgree(q.witness, witness)))
    return { score: Number.POSITIVE_INFINITY, bits };
  return { score: stableDistance(q.hash.bytes, q.stable, known, minStableBits(rule)) - rule.slack, bits };
}

function witnessesAgree(a: Hash | undefined, b: Hash | undefined): boolean {
  return !!a && !!b && a.bits === b.bits && hammingBytes(a.bytes, b.bytes) <= WITNESS_MAX_DISTANCE;
}

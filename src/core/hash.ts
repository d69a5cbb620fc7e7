import { ImprintError, invalidArgument } from './errors.js';

/**
 * A fingerprint as plain data, so it crosses worker, JSON and file boundaries unchanged.
 *
 * `bytes` hold the hash as the big-endian integer its hex spells: `bytes[0]` is the first two hex
 * digits. When `bits` is not a multiple of 8 the unused high bits of `bytes[0]` are zero.
 */
export interface Hash {
  /** Registered algorithm name, e.g. `pdq`, `phash`, `blockhash`, `md5`. */
  readonly algorithm: string;
  /** Number of meaningful bits (256 for PDQ). */
  readonly bits: number;
  readonly bytes: Uint8Array;
  /** PDQ's quality score, 0..100 (below 50 the hash is not trustworthy). Absent for other algorithms. */
  readonly quality?: number;
}

/** Number of hex digits that spell a hash of `bits` bits. */
export function hexLength(bits: number): number {
  return Math.ceil(bits / 4);
}

/**
 * Parses hex (as the reference tools write it: most significant digit first, any case) into a
 * {@link Hash}. Throws ERR_INVALID_HASH when the text is not exactly `hexLength(bits)` hex digits.
 *
 * @example
 * ```ts
 * const h = hashFromHex('pdq', 256, 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22');
 * ```
 */
export function hashFromHex(algorithm: string, bits: number, hex: string, quality?: number): Hash {
  const digits = hexLength(bits);
  const bytes =
    typeof hex === 'string' && hex.length === digits ? parseHex(hex, Math.ceil(bits / 8)) : undefined;
  if (!bytes) {
    const shown = typeof hex === 'string' ? (hex.length > 80 ? `${hex.slice(0, 77)}...` : hex) : typeof hex;
    throw new ImprintError(
      'ERR_INVALID_HASH',
      `Expected ${digits} hex digits for a ${bits}-bit ${algorithm} hash but received "${shown}"`,
    );
  }
  if (bits % 8 !== 0 && bytes[0]! >> (bits % 8) !== 0) {
    throw new ImprintError('ERR_INVALID_HASH', `Hex "${hex}" has more than ${bits} significant bits`);
  }
  return quality === undefined ? { algorithm, bits, bytes } : { algorithm, bits, bytes, quality };
}

// Value of each character code as a hex digit, or 255 (hash lists are read by the million).
const HEX_VALUE = /* @__PURE__ */ (() => {
  const t = new Uint8Array(128).fill(255);
  for (let i = 0; i < 16; i++) {
    t['0123456789abcdef'.charCodeAt(i)] = i;
    t['0123456789ABCDEF'.charCodeAt(i)] = i;
  }
  return t;
})();

/** Bytes of a hex string right-aligned in `byteLength` bytes, or undefined on a non-hex character. */
function parseHex(hex: string, byteLength: number): Uint8Array | undefined {
  const bytes = new Uint8Array(byteLength);
  let at = hex.length;
  for (let i = byteLength - 1; i >= 0 && at > 0; i--) {
    const lo = HEX_VALUE[hex.charCodeAt(--at)] ?? 255;
    const hi = at > 0 ? (HEX_VALUE[hex.charCodeAt(--at)] ?? 255) : 0;
    if ((lo | hi) > 15) return undefined;
    bytes[i] = (hi << 4) | lo;
  }
  return bytes;
}

const HEX_DIGITS = '0123456789abcdef';

/**
 * Lowercase hex of a hash, zero-padded to `hexLength(bits)` digits, as the reference tools print it.
 *
 * @example
 * ```ts
 * console.log(hashToHex(pdqHash(image).hash)); // 64 lowercase hex digits
 * ```
 */
export function hashToHex(hash: Hash): string {
  let out = '';
  const { bytes } = hash;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    out += HEX_DIGITS[b >> 4]! + HEX_DIGITS[b & 15]!;
  }
  return out.length === hexLength(hash.bits) ? out : out.slice(out.length - hexLength(hash.bits));
}

const POPCOUNT8 = /* @__PURE__ */ (() => {
  const t = new Uint8Array(256);
  for (let i = 1; i < 256; i++) t[i] = (i & 1) + t[i >> 1]!;
  return t;
})();

/** Number of set bits in a 32-bit integer. */
export function popcount32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Hamming distance of two equal-length byte strings. */
export function hammingBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length)
    throw invalidArgument(`${a.length} bytes`, 'the second hash', `${b.length} bytes`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d += POPCOUNT8[a[i]! ^ b[i]!]!;
  return d;
}

/**
 * Hamming distance: the number of bits where two hashes differ. Throws ERR_ALGORITHM_MISMATCH when
 * they are of different algorithms or lengths.
 *
 * @example
 * ```ts
 * if (hammingDistance(upload, known) <= 31) flagForReview();
 * ```
 */
export function hammingDistance(a: Hash, b: Hash): number {
  assertComparable(a, b);
  return hammingBytes(a.bytes, b.bytes);
}

/**
 * True when both hashes are of the same algorithm and every bit is equal (quality is ignored).
 *
 * @example
 * ```ts
 * hashEquals(hashFromHex('pdq', 256, hex), hashes.pdq); // true when every bit agrees
 * ```
 */
export function hashEquals(a: Hash, b: Hash): boolean {
  if (a.algorithm !== b.algorithm || a.bits !== b.bits || a.bytes.length !== b.bytes.length) return false;
  for (let i = 0; i < a.bytes.length; i++) if (a.bytes[i] !== b.bytes[i]) return false;
  return true;
}

/** Throws ERR_ALGORITHM_MISMATCH unless the two hashes can be compared. */
export function assertComparable(a: Hash, b: Hash): void {
  if (a.algorithm !== b.algorithm || a.bits !== b.bits) {
    throw new ImprintError(
      'ERR_ALGORITHM_MISMATCH',
      `Cannot compare a ${a.bits}-bit ${a.algorithm} hash with a ${b.bits}-bit ${b.algorithm} hash`,
    );
  }
}

/** Reads bit `k` (bit 0 = least significant of the integer the hex spells). */
export function getBit(hash: Hash, k: number): 0 | 1 {
  const byte = hash.bytes[hash.bytes.length - 1 - (k >> 3)]!;
  return ((byte >> (k & 7)) & 1) as 0 | 1;
}

/**
 * Builds a hash from bits listed most significant first (the order imagehash and blockhash print):
 * `bitsMsbFirst[0]` becomes the first hex digit's top bit.
 */
export function hashFromBitsMsbFirst(
  algorithm: string,
  bitsMsbFirst: ArrayLike<number | boolean>,
  quality?: number,
): Hash {
  const bits = bitsMsbFirst.length;
  const bytes = new Uint8Array(Math.ceil(bits / 8));
  for (let i = 0; i < bits; i++) {
    if (!bitsMsbFirst[i]) continue;
    const k = bits - 1 - i; // weight of this bit in the integer
    bytes[bytes.length - 1 - (k >> 3)]! |= 1 << (k & 7);
  }
  return quality === undefined ? { algorithm, bits, bytes } : { algorithm, bits, bytes, quality };
}

import { ImprintError, invalidArgument } from '../core/errors.js';
import type { Hash } from '../core/hash.js';

/** 32-bit words needed to hold a hash of `bits` bits. */
export function wordsFor(bits: number): number {
  return Math.ceil(bits / 32);
}

/**
 * Writes a hash's bytes into `words` at `offset`, four bytes per word (big-endian), zero-padded.
 * Word order does not matter for Hamming distance; it only has to be the same for every hash.
 */
export function packHash(hash: Hash, words: Uint32Array, offset: number): void {
  const { bytes } = hash;
  const n = wordsFor(hash.bits);
  for (let w = 0; w < n; w++) {
    const i = 4 * w;
    words[offset + w] =
      (((bytes[i] ?? 0) << 24) |
        ((bytes[i + 1] ?? 0) << 16) |
        ((bytes[i + 2] ?? 0) << 8) |
        (bytes[i + 3] ?? 0)) >>>
      0;
  }
}

/** Inverse of {@link packHash}. */
export function unpackHash(algorithm: string, bits: number, words: Uint32Array, offset: number): Hash {
  const bytes = new Uint8Array(Math.ceil(bits / 8));
  for (let i = 0; i < bytes.length; i++) bytes[i] = (words[offset + (i >> 2)]! >>> (24 - 8 * (i & 3))) & 255;
  return { algorithm, bits, bytes };
}

/**
 * Throws unless `hash` is a well-formed hash of the index's algorithm and size: a query of another
 * algorithm is ERR_ALGORITHM_MISMATCH, wrong bytes or bits beyond `bits` ERR_INVALID_HASH.
 */
export function checkIndexHash(hash: Hash, algorithm: string, bits: number): void {
  if (hash === null || typeof hash !== 'object') throw invalidArgument('a Hash', 'hash', hash);
  if (hash.algorithm !== algorithm || hash.bits !== bits) {
    throw new ImprintError(
      'ERR_ALGORITHM_MISMATCH',
      `This index holds ${bits}-bit ${algorithm} hashes; got a ${hash.bits}-bit ${hash.algorithm} hash`,
    );
  }
  if (!(hash.bytes instanceof Uint8Array) || hash.bytes.length !== Math.ceil(bits / 8)) {
    throw new ImprintError('ERR_INVALID_HASH', `A ${bits}-bit hash needs ${Math.ceil(bits / 8)} bytes`);
  }
  if (bits % 8 !== 0 && hash.bytes[0]! >> (bits % 8) !== 0) {
    throw new ImprintError('ERR_INVALID_HASH', `The hash has bits set beyond its ${bits} bits`);
  }
}

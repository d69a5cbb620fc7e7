/**
 * The "exact" hash types: MD5, SHA-1 and SHA-256 of a file's bytes, as `md5sum` / `sha1sum` /
 * `sha256sum` print them. Hotline and StopNCII lists carry these beside the perceptual hashes
 * (StopNCII lists videos by MD5; hotline lists carry MD5 and SHA-1 beside PhotoDNA). They only match byte-identical files, so their match threshold is 0.
 * Uses `@noble/hashes` (audited, pure JS) so the core stays free of `node:crypto`.
 */
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ImprintError, invalidArgument } from '../core/errors.js';
import type { Hash } from '../core/hash.js';
import type { Algorithm } from './types.js';

/** Names of the exact hash types. */
export type ExactAlgorithmName = 'md5' | 'sha1' | 'sha256';

const FUNCTIONS = { md5, sha1, sha256 } as const;
const BITS: Record<ExactAlgorithmName, number> = { md5: 128, sha1: 160, sha256: 256 };

/** An incremental hasher for inputs that arrive in chunks (large files, streams). */
export interface ExactHasher {
  update(chunk: Uint8Array): ExactHasher;
  /** The hash of everything passed to `update`. Throws ERR_EMPTY_INPUT if that was nothing. */
  digest(): Hash;
}

function checkName(name: unknown): ExactAlgorithmName {
  if (name !== 'md5' && name !== 'sha1' && name !== 'sha256') {
    throw invalidArgument("'md5', 'sha1' or 'sha256'", 'algorithm', name);
  }
  return name;
}

function checkBytes(bytes: unknown, what: string): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw invalidArgument('a Uint8Array', what, bytes);
  return bytes;
}

function emptyInput(name: string): ImprintError {
  // An empty file's digest is a well-known constant that would match junk entries in a list.
  return new ImprintError('ERR_EMPTY_INPUT', `Cannot ${name} an empty input (0 bytes)`);
}

/**
 * MD5 or SHA-256 of some bytes as a {@link Hash}. Throws ERR_EMPTY_INPUT for zero bytes.
 *
 * @example
 * ```ts
 * const h = exactHash('md5', new TextEncoder().encode('abc'));
 * hashToHex(h); // '900150983cd24fb0d6963f7d28e17f72'
 * ```
 */
export function exactHash(algorithm: ExactAlgorithmName, bytes: Uint8Array): Hash {
  const name = checkName(algorithm);
  const input = checkBytes(bytes, 'bytes');
  if (input.length === 0) throw emptyInput(name);
  return { algorithm: name, bits: BITS[name], bytes: FUNCTIONS[name](input) };
}

/**
 * An incremental MD5 or SHA-256, for files too large to hold in memory.
 *
 * @example
 * ```ts
 * const hasher = createExactHasher('sha256');
 * for await (const chunk of stream) hasher.update(chunk);
 * const hash = hasher.digest();
 * ```
 */
export function createExactHasher(algorithm: ExactAlgorithmName): ExactHasher {
  const name = checkName(algorithm);
  const state = FUNCTIONS[name].create();
  let length = 0;
  let done = false;
  const hasher: ExactHasher = {
    update(chunk) {
      if (done) throw invalidArgument('a hasher that has not been digested', 'hasher', 'a digested one');
      state.update(checkBytes(chunk, 'chunk'));
      length += chunk.length;
      return hasher;
    },
    digest() {
      if (done) throw invalidArgument('a hasher that has not been digested', 'hasher', 'a digested one');
      if (length === 0) throw emptyInput(name);
      done = true;
      return { algorithm: name, bits: BITS[name], bytes: state.digest() };
    },
  };
  return hasher;
}

function exactAlgorithm(name: ExactAlgorithmName, description: string): Algorithm {
  return {
    name,
    bits: BITS[name],
    defaultThreshold: 0,
    kind: 'exact',
    description,
    hashBytes: (bytes) => exactHash(name, bytes),
  };
}

/**
 * MD5 of the file bytes (RFC 1321), as `md5sum` prints it.
 *
 * @example
 * ```ts
 * md5Algorithm.bits; // 128
 * hashImage('upload.jpg', { algorithms: [md5Algorithm.name] });
 * ```
 */
export const md5Algorithm: Algorithm = exactAlgorithm('md5', 'MD5 of the file bytes (RFC 1321), as md5sum');
/**
 * SHA-1 of the file bytes (FIPS 180-4), as `sha1sum` prints it; kept for hotline lists that carry it.
 *
 * @example
 * ```ts
 * sha1Algorithm.bits; // 160
 * ```
 */
export const sha1Algorithm: Algorithm = exactAlgorithm(
  'sha1',
  'SHA-1 of the file bytes (FIPS 180-4), as sha1sum',
);
/**
 * SHA-256 of the file bytes (FIPS 180-4), as `sha256sum` prints it.
 *
 * @example
 * ```ts
 * sha256Algorithm.bits; // 256
 * ```
 */
export const sha256Algorithm: Algorithm = exactAlgorithm(
  'sha256',
  'SHA-256 of the file bytes (FIPS 180-4), as sha256sum',
);

/**
 * The ONE contract every registered algorithm must meet (run for each of them by
 * `contract.test.ts`): a sane declaration, hex round trips, determinism, thresholds that separate
 * a re-encoded copy from an unrelated photo, and typed errors for bad input.
 */
import { describe, expect, it } from 'vitest';
import { getAlgorithm } from '../../src/algorithms/registry.js';
import type { Algorithm } from '../../src/algorithms/types.js';
import { type ErrorCode, ImprintError } from '../../src/core/errors.js';
import { type Hash, hammingDistance, hashEquals, hashFromHex, hashToHex } from '../../src/core/hash.js';
import type { PixelImage } from '../../src/core/pixels.js';

/** Real inputs shared by every algorithm's run of the contract. */
export interface ContractSamples {
  /** A photo (decoded). */
  readonly image: PixelImage;
  /** The same photo re-encoded in another format (decoded): a slightly altered copy. */
  readonly altered: PixelImage;
  /** An unrelated photo (decoded). */
  readonly unrelated: PixelImage;
  /** File bytes of `image`, of `altered`'s file and of `unrelated`'s file. */
  readonly bytes: Uint8Array;
  readonly alteredBytes: Uint8Array;
  readonly unrelatedBytes: Uint8Array;
}

/** What an algorithm does with degenerate images: hash them, flag them, or refuse with a code. */
export type Degenerate = 'hashed' | 'low-quality' | ErrorCode;

/** Per-algorithm expectations the contract cannot infer. */
export interface ContractExpectations {
  /** A 1 x 1 image. */
  readonly tiny: Degenerate;
  /** A 64 x 64 image of one grey. */
  readonly flat: Degenerate;
}

function expectImprintError(fn: () => unknown, code: ErrorCode): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, `expected ${code}`).toBeInstanceOf(ImprintError);
  expect((thrown as ImprintError).code).toBe(code);
}

function expectDegenerate(algorithm: Algorithm, image: PixelImage, expected: Degenerate): void {
  if (expected === 'hashed' || expected === 'low-quality') {
    const hash = algorithm.hashPixels!(image);
    expect(hash.bits).toBe(algorithm.bits);
    if (expected === 'low-quality') expect(hash.quality).toBeLessThan(50);
  } else {
    expectImprintError(() => algorithm.hashPixels!(image), expected);
  }
}

function sameBytes(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function withChannels(image: PixelImage, channels: 1 | 2 | 3 | 4): PixelImage {
  const n = image.width * image.height;
  const data = new Uint8Array(n * channels);
  for (let p = 0; p < n; p++) {
    const s = p * image.channels;
    const rgb =
      image.channels >= 3 ? [image.data[s]!, image.data[s + 1]!, image.data[s + 2]!] : [image.data[s]!];
    const grey = rgb.length === 3 ? Math.round((rgb[0]! + rgb[1]! + rgb[2]!) / 3) : rgb[0]!;
    const d = p * channels;
    if (channels >= 3) {
      data[d] = rgb[0]!;
      data[d + 1] = rgb[1] ?? rgb[0]!;
      data[d + 2] = rgb[2] ?? rgb[0]!;
    } else data[d] = grey;
    if (channels === 2 || channels === 4) data[d + channels - 1] = 255;
  }
  return { width: image.width, height: image.height, channels, data };
}

/**
 * Registers the contract tests for one algorithm. `samples` is called inside the tests (load
 * them once in a `beforeAll` of the calling file).
 */
export function describeAlgorithmContract(
  algorithm: Algorithm,
  samples: () => ContractSamples,
  expectations?: ContractExpectations,
): void {
  const exact = algorithm.kind === 'exact';
  const hashOf = (s: ContractSamples, which: 'image' | 'altered' | 'unrelated'): Hash => {
    if (exact) {
      const bytes = which === 'image' ? s.bytes : which === 'altered' ? s.alteredBytes : s.unrelatedBytes;
      return algorithm.hashBytes!(bytes);
    }
    return algorithm.hashPixels!(s[which]);
  };

  describe(`algorithm contract: ${algorithm.name}`, () => {
    it('declares a usable contract', () => {
      expect(algorithm.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(getAlgorithm(algorithm.name)).toBe(algorithm);
      expect(Number.isInteger(algorithm.bits) && algorithm.bits > 0).toBe(true);
      expect(Number.isInteger(algorithm.defaultThreshold)).toBe(true);
      expect(algorithm.defaultThreshold).toBeGreaterThanOrEqual(0);
      // At half the bits unrelated hashes match by chance; a default must stay well below.
      expect(algorithm.defaultThreshold).toBeLessThan(algorithm.bits / 4);
      expect(algorithm.description.length).toBeGreaterThan(10);
      if (exact) {
        expect(algorithm.hashBytes).toBeTypeOf('function');
        expect(algorithm.defaultThreshold).toBe(0);
      } else expect(algorithm.hashPixels).toBeTypeOf('function');
    });

    it('round-trips its hashes through hex', () => {
      const hash = hashOf(samples(), 'image');
      expect(hash.algorithm).toBe(algorithm.name);
      expect(hash.bits).toBe(algorithm.bits);
      expect(hash.bytes.length).toBe(Math.ceil(algorithm.bits / 8));
      const hex = hashToHex(hash);
      expect(hex).toMatch(new RegExp(`^[0-9a-f]{${Math.ceil(algorithm.bits / 4)}}$`));
      expect(hashEquals(hashFromHex(algorithm.name, algorithm.bits, hex), hash)).toBe(true);
      expect(hashEquals(hashFromHex(algorithm.name, algorithm.bits, hex.toUpperCase()), hash)).toBe(true);
      expectImprintError(() => hashFromHex(algorithm.name, algorithm.bits, `${hex}0`), 'ERR_INVALID_HASH');
      expectImprintError(() => hashFromHex(algorithm.name, algorithm.bits, hex.slice(1)), 'ERR_INVALID_HASH');
    });

    it('is deterministic and leaves its input untouched', () => {
      const s = samples();
      const before = exact ? s.bytes.slice() : s.image.data.slice();
      const first = hashOf(s, 'image');
      const again = hashOf(s, 'image');
      const copy = exact
        ? algorithm.hashBytes!(s.bytes.slice())
        : algorithm.hashPixels!({ ...s.image, data: s.image.data.slice() });
      expect(hashEquals(first, again)).toBe(true);
      expect(hashEquals(first, copy)).toBe(true);
      // (A byte loop: deep equality on 400 kB arrays is slow in the test runner.)
      expect(sameBytes(exact ? s.bytes : s.image.data, before)).toBe(true);
    });

    it('scores the image itself 0, a re-encoded copy within and an unrelated photo beyond its threshold', () => {
      const s = samples();
      const hash = hashOf(s, 'image');
      const threshold = algorithm.defaultThreshold;
      expect(hammingDistance(hash, hashOf(s, 'image'))).toBe(0);
      const unrelated = hammingDistance(hash, hashOf(s, 'unrelated'));
      expect(unrelated).toBeGreaterThan(threshold);
      const altered = hammingDistance(hash, hashOf(s, 'altered'));
      // A perceptual hash must survive re-encoding; an exact hash must not.
      if (exact) expect(altered).toBeGreaterThan(threshold);
      else expect(altered).toBeLessThanOrEqual(threshold);
    });

    if (exact) {
      it('rejects bad and empty input with typed errors', () => {
        expectImprintError(
          () => algorithm.hashBytes!('not bytes' as unknown as Uint8Array),
          'ERR_INVALID_ARGUMENT',
        );
        expectImprintError(() => algorithm.hashBytes!(new Uint8Array(0)), 'ERR_EMPTY_INPUT');
      });
      return;
    }

    it('rejects malformed pixel data with ERR_INVALID_ARGUMENT', () => {
      const bad: unknown[] = [
        null,
        { width: 2, height: 2, channels: 3, data: new Uint8Array(5) },
        { width: 2, height: 2, channels: 5, data: new Uint8Array(20) },
        { width: 0, height: 2, channels: 1, data: new Uint8Array(0) },
        { width: 2.5, height: 2, channels: 1, data: new Uint8Array(5) },
        { width: 2, height: 2, channels: 1, data: [1, 2, 3, 4] },
      ];
      for (const image of bad)
        expectImprintError(() => algorithm.hashPixels!(image as PixelImage), 'ERR_INVALID_ARGUMENT');
    });

    it('handles a 1x1 image and a flat image as declared', () => {
      const e = expectations;
      if (!e) throw new Error(`no degenerate-image expectations declared for ${algorithm.name}`);
      expectDegenerate(
        algorithm,
        { width: 1, height: 1, channels: 3, data: new Uint8Array([10, 200, 30]) },
        e.tiny,
      );
      const flat = new Uint8Array(64 * 64 * 3).fill(128);
      expectDegenerate(algorithm, { width: 64, height: 64, channels: 3, data: flat }, e.flat);
    });

    it('hashes every channel layout, ignoring an opaque alpha channel', () => {
      const { image } = samples();
      const rgb = withChannels(image, 3);
      const grey = withChannels(image, 1);
      expect(hashEquals(algorithm.hashPixels!(withChannels(image, 4)), algorithm.hashPixels!(rgb))).toBe(
        true,
      );
      expect(hashEquals(algorithm.hashPixels!(withChannels(image, 2)), algorithm.hashPixels!(grey))).toBe(
        true,
      );
    });
  });
}

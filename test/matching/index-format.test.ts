import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImprintError } from '../../src/core/errors.js';
import { hashFromHex } from '../../src/core/hash.js';
import { crc32 } from '../../src/matching/crc32.js';
import { FlatIndex } from '../../src/matching/flat-index.js';
import {
  decodeIndex,
  encodeIndex,
  INDEX_FORMAT_VERSION,
  type IndexProperties,
  indexFileInfo,
} from '../../src/matching/index-format.js';
import { VARIANTS_VERSION } from '../../src/matching/methods/variants.js';
import { MihIndex } from '../../src/matching/mih-index.js';
import { fixtureLines } from '../helpers.js';
import { flip, hashArb } from './model.js';
import { asVersion3 } from './version3.js';

/** The fixed part of the header; version 2 adds the properties block after it. */
const PREFIX = 96;

/** Header length H of a file (field at byte 12); the body starts there. */
function headerOf(file: Uint8Array): number {
  return new DataView(file.buffer, file.byteOffset).getUint32(12, true);
}

/** The header checksum as the format defines it: bytes 0..91, then (version 2) 96..H-1. */
function headerCrc(file: Uint8Array): number {
  const fixed = crc32(file.subarray(0, 92));
  const version = new DataView(file.buffer, file.byteOffset).getUint16(8, true);
  return version === 1 ? fixed : crc32(file.subarray(PREFIX, headerOf(file)), fixed);
}

/** Length of a header without its version 3 substring layout (the 4m bytes at its end). */
function withoutLayout(file: Uint8Array): number {
  const view = new DataView(file.buffer, file.byteOffset);
  const m = view.getUint16(8, true) >= 3 ? view.getUint32(36, true) : 0;
  return headerOf(file) - Math.ceil((4 * m) / 8) * 8;
}

/**
 * The same index as a version 2 file (no substring layout in the header), as builds before
 * version 3 wrote it: for a flat index or the reference layout the body is identical.
 */
function asVersion2(file: Uint8Array): Uint8Array {
  const length = withoutLayout(file);
  const out = new Uint8Array(file.length - (headerOf(file) - length));
  out.set(file.subarray(0, length));
  out.set(file.subarray(headerOf(file)), length);
  const view = new DataView(out.buffer);
  view.setUint16(8, 2, true);
  view.setUint32(12, length, true);
  view.setUint32(92, crc32(out.subarray(PREFIX, length), crc32(out.subarray(0, 92))), true);
  return out;
}

/**
 * The same index as a version 1 file (no properties block), as builds before version 2 wrote it:
 * the body is identical, only the header changes.
 */
function asVersion1(file: Uint8Array): Uint8Array {
  const out = new Uint8Array(file.length - (headerOf(file) - PREFIX));
  out.set(file.subarray(0, PREFIX));
  out.set(file.subarray(headerOf(file)), PREFIX);
  const view = new DataView(out.buffer);
  view.setUint16(8, 1, true);
  view.setUint32(12, PREFIX, true);
  view.setUint32(92, crc32(out.subarray(0, 92)), true);
  return out;
}

/** A small flat index file (a few hundred bytes), with metadata and a removed entry. */
function smallFlatFile(
  properties: IndexProperties = { method: 'test', derivation: VARIANTS_VERSION },
): Uint8Array {
  const index = new FlatIndex<string>({ algorithm: 'phash', bits: 64, defaultMaxDistance: 10 });
  const hexes = [
    '8f373714acfcf4d0',
    '8f373714acfcf4d1',
    '0f0f0f0f0f0f0f0f',
    'ffffffff00000000',
    '1234567890abcdef',
  ];
  hexes.forEach((hex, i) => {
    index.add(hashFromHex('phash', 64, hex), `line ${i + 1}`);
  });
  index.add(hashFromHex('phash', 64, hexes[0]!), 'a "second" listing, ünïcode');
  index.remove(3);
  return encodeIndex(index, { properties });
}

/** A small MIH index file in the reference layout (mostly its 4 x 65537 bucket offsets). */
function smallMihFile(): Uint8Array {
  const index = new MihIndex<number>({
    algorithm: 'phash',
    bits: 64,
    mergeThreshold: 0,
    substrings: 'reference',
  });
  const base = hashFromHex('phash', 64, '8f373714acfcf4d0');
  for (let i = 0; i < 40; i++) index.add(flip(base, [i, (i * 7) % 64]), i);
  return encodeIndex(index);
}

/** A 42-bit index (its hashes do not fill their bytes). */
function oddIndex(): FlatIndex {
  const odd = new FlatIndex({ algorithm: 'x', bits: 42 });
  odd.add({ algorithm: 'x', bits: 42, bytes: Uint8Array.from([3, 255, 255, 255, 255, 255]) });
  return odd;
}

/** Expects decoding to fail with a located index error (never a crash, never an index). */
function expectIndexError(bytes: Uint8Array): ImprintError {
  let error: unknown;
  try {
    decodeIndex(bytes, { source: 'test.idx' });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ImprintError);
  const e = error as ImprintError;
  expect(['ERR_INDEX_CORRUPT', 'ERR_INDEX_VERSION']).toContain(e.code);
  expect(e.location?.source).toBe('test.idx');
  expect(typeof e.location?.offset).toBe('number');
  expect(e.location!.offset!).toBeGreaterThanOrEqual(0);
  expect(e.location!.offset!).toBeLessThanOrEqual(bytes.length);
  return e;
}

/** Rewrites header fields and fixes the header checksum, as a hostile tool would. */
function withHeader(file: Uint8Array, edit: (view: DataView, bytes: Uint8Array) => void): Uint8Array {
  const out = file.slice();
  const view = new DataView(out.buffer);
  const length = headerOf(out);
  edit(view, out);
  // The checksum over the header as it was laid out (an edited length field is then caught by it).
  const fixed = crc32(out.subarray(0, 92));
  const version = view.getUint16(8, true);
  view.setUint32(
    92,
    version === 1 || length <= PREFIX ? fixed : crc32(out.subarray(PREFIX, length), fixed),
    true,
  );
  return out;
}

/** Rewrites body bytes and fixes the body checksum. */
function withBody(file: Uint8Array, edit: (bytes: Uint8Array, view: DataView) => void): Uint8Array {
  const out = file.slice();
  const view = new DataView(out.buffer);
  edit(out, view);
  view.setUint32(56, crc32(out.subarray(headerOf(out))), true);
  view.setUint32(92, headerCrc(out), true);
  return out;
}

/** Every format version of a small file, for the hostile-input tests. */
const VERSIONS: [string, (f: Uint8Array) => Uint8Array][] = [
  ['version 4', (f) => f],
  ['version 3', asVersion3],
  ['version 2', asVersion2],
  ['version 1', asVersion1],
];

describe('index file format', () => {
  it('starts with the magic, version 4, the documented header fields and the properties block', () => {
    const file = smallFlatFile();
    const view = new DataView(file.buffer);
    expect([...file.subarray(0, 8)]).toEqual([0x89, 0x49, 0x4d, 0x50, 0x49, 0x44, 0x58, 0x0a]);
    expect(view.getUint16(8, true)).toBe(4);
    expect(view.getUint32(36, true)).toBe(0); // no substrings
    expect(view.getUint8(10)).toBe(1); // flat
    expect(view.getUint32(16, true)).toBe(64);
    expect(view.getUint32(20, true)).toBe(5); // ids
    expect(view.getUint32(24, true)).toBe(4); // live
    expect(view.getUint32(28, true)).toBe(10);
    expect(new TextDecoder().decode(file.subarray(60, 65))).toBe('phash');
    const json = `{"method":"test","derivation":${VARIANTS_VERSION}}`;
    const length = headerOf(file);
    expect(view.getUint32(96, true)).toBe(json.length);
    expect(view.getUint32(100, true)).toBe(0);
    expect(new TextDecoder().decode(file.subarray(104, 104 + json.length))).toBe(json);
    expect(length).toBe(104 + Math.ceil(json.length / 8) * 8);
    expect([...file.subarray(104 + json.length, length)].every((b) => b === 0)).toBe(true);
    expect(Number(view.getBigUint64(48, true))).toBe(file.length - length);
    expect(view.getUint32(56, true)).toBe(crc32(file.subarray(length)));
    expect(view.getUint32(92, true)).toBe(crc32(file.subarray(96, length), crc32(file.subarray(0, 92))));
  });

  it('round-trips metadata, removed entries, options and properties (unknown keys kept)', () => {
    const properties = {
      method: 'pdq-max',
      derivation: VARIANTS_VERSION,
      families: ['crops'],
      later: { k: [1] },
    };
    const loaded = decodeIndex<string>(smallFlatFile(properties));
    expect(indexFileInfo(loaded)).toEqual({ formatVersion: INDEX_FORMAT_VERSION, properties });
    expect(loaded).toBeInstanceOf(FlatIndex);
    expect(loaded.algorithm).toBe('phash');
    expect(loaded.defaultMaxDistance).toBe(10);
    expect(loaded.size).toBe(4);
    expect(loaded.metadataOf(0)).toEqual(['line 1', 'a "second" listing, ünïcode']);
    expect(() => loaded.metadataOf(3)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    const m = loaded.query(hashFromHex('phash', 64, '8f373714acfcf4d0'), { maxDistance: 1 });
    expect(m.map((x) => [x.id, x.distance])).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(indexFileInfo(new FlatIndex())).toBeUndefined(); // built in memory
  });

  it('reads version 1 files (no properties) with the same entries', () => {
    const v2 = decodeIndex<string>(smallFlatFile());
    const v1 = decodeIndex<string>(asVersion1(smallFlatFile()));
    expect(indexFileInfo(v1)).toEqual({ formatVersion: 1, properties: {} });
    expect([...v1.ids()]).toEqual([...v2.ids()]);
    for (const id of v1.ids()) expect(v1.metadataOf(id)).toEqual(v2.metadataOf(id));
    // Saved again, a version 1 index becomes the current version with the same body.
    const again = encodeIndex(v1);
    expect(new DataView(again.buffer).getUint16(8, true)).toBe(INDEX_FORMAT_VERSION);
    expect(Buffer.from(asVersion1(again)).equals(Buffer.from(asVersion1(smallFlatFile())))).toBe(true);
  });

  it('writes 3-byte ids below 2^24 ids, reads version 3 files (4-byte ids) alike, and refuses 3-byte ids in a version 3 file', () => {
    const index = new MihIndex<number>({
      algorithm: 'phash',
      bits: 64,
      substrings: [
        { start: 0, bits: 11 },
        { start: 20, bits: 9 },
        { start: 40, bits: 13 },
      ],
    });
    const base = hashFromHex('phash', 64, '8f373714acfcf4d0');
    for (let i = 0; i < 300; i++) index.add(flip(base, [i % 64, (i * 7) % 64, (i * 13) % 64]), i);
    index.remove(5);
    const file = encodeIndex(index);
    const view = new DataView(file.buffer);
    const at = headerOf(file) - 16; // 3 layout words, padded to 16 bytes
    // encoding byte: compact offsets (bit 0) and 3-byte ids (bit 1)
    expect([0, 1, 2].map((k) => view.getUint32(at + 4 * k, true) >>> 24)).toEqual([3, 3, 3]);
    const old = asVersion3(file);
    expect(old.length).toBeGreaterThan(file.length); // 4-byte ids
    const a = decodeIndex<number>(file, { verify: 'full' });
    const b = decodeIndex<number>(old, { verify: 'full' });
    expect(indexFileInfo(b)?.formatVersion).toBe(3);
    for (let i = 0; i < 64; i += 3) {
      const q = flip(base, [i, (i * 5) % 64]);
      const want = index.query(q, { maxDistance: 12, strategy: 'mih' });
      expect(want.length).toBeGreaterThan(0);
      expect(a.query(q, { maxDistance: 12, strategy: 'mih' })).toEqual(want);
      expect(b.query(q, { maxDistance: 12, strategy: 'mih' })).toEqual(want);
    }
    // a version 3 header cannot describe 3-byte ids
    const e = expectIndexError(
      withHeader(file, (v) => {
        v.setUint16(8, 3, true);
      }),
    );
    expect(e.message).toMatch(/encodings 0 to 1/);
  });

  it('refuses properties it could not read back', () => {
    const index = new FlatIndex({ algorithm: 'phash', bits: 64 });
    for (const properties of [
      { method: 7 },
      { derivation: -1 },
      { derivation: 1.5 },
      { families: 'crops' },
      { big: 'x'.repeat(70_000) },
    ] as unknown as IndexProperties[]) {
      expect(() => encodeIndex(index, { properties })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      );
    }
  });

  it('saves the MIH tables and loads them without rebuilding (same bytes after a round trip)', () => {
    const file = smallMihFile();
    const loaded = decodeIndex<number>(file);
    expect(loaded).toBeInstanceOf(MihIndex);
    expect(Buffer.from(encodeIndex(loaded)).equals(file)).toBe(true);
  });

  it('small lists make small files: no fixed-size tables (14 hashes in a few KB, an empty index in bytes)', () => {
    const hashes = fixtureLines('pdq', 'matching', 'haystack.txt')
      .slice(0, 14)
      .map((hex) => hashFromHex('pdq', 256, hex));
    const empty = encodeIndex(new MihIndex());
    expect(empty.length).toBeLessThan(1024);
    const index = new MihIndex<number>();
    index.addAll(hashes.map((hash, i) => ({ hash, metadata: i })));
    const file = encodeIndex(index);
    // 14 x 32 bytes of hashes plus header and metadata: a few KB, not megabytes of empty buckets.
    expect(file.length).toBeLessThan(4096);
    expect(index.stats().memoryBytes).toBeLessThan(1 << 20);
    const loaded = decodeIndex<number>(file, { verify: 'full' });
    for (const [i, hash] of hashes.entries()) {
      expect(loaded.query(hash, { maxDistance: 0 }).map((m) => m.metadata)).toEqual([[i]]);
    }
    // The reference's 16 x 16-bit tables stay available on request, at their fixed size.
    const reference = new MihIndex<number>({ substrings: 'reference', mergeThreshold: 0 });
    reference.addAll(hashes.map((hash, i) => ({ hash, metadata: i })));
    expect(encodeIndex(reference).length).toBeGreaterThan(16 * 65536);
  });

  it('matches the PDQ reference vectors after a round trip', () => {
    const index = new MihIndex<number>({ mergeThreshold: 0 });
    const haystack = fixtureLines('pdq', 'matching', 'haystack.txt');
    index.addAll(haystack.map((hex, i) => ({ hash: hashFromHex('pdq', 256, hex), metadata: i + 1 })));
    const loaded = decodeIndex<number>(encodeIndex(index), { verify: 'full' });
    let matches = 0;
    for (const needle of fixtureLines('pdq', 'matching', 'needles.txt')) {
      matches += loaded.query(hashFromHex('pdq', 256, needle), { strategy: 'mih' }).length;
    }
    expect(matches).toBe(250);
  });
});

describe('derivation versions', () => {
  const derived = { method: 'pdq-max', families: ['crops', 'bands'] };

  it('an index of derived hashes made by another derivation version is refused, naming both versions and the rebuild command', () => {
    const old = smallFlatFile({ ...derived, derivation: VARIANTS_VERSION - 1 });
    let error: ImprintError | undefined;
    try {
      decodeIndex(old, { source: 'known.idx' });
    } catch (err) {
      error = err as ImprintError;
    }
    expect(error?.code).toBe('ERR_INDEX_DERIVATION');
    expect(error?.message).toContain(`version ${VARIANTS_VERSION - 1}`);
    expect(error?.message).toContain(`version ${VARIANTS_VERSION}`);
    expect(error?.message).toContain(
      'imprint index build --images <known images> --method pdq-max -o known.idx',
    );
    // The same file is read by a build of that version.
    expect(decodeIndex(old, { derivation: VARIANTS_VERSION - 1 }).size).toBe(4);
    // And a newer file by an older build is refused the same way.
    const newer = smallFlatFile({ ...derived, derivation: VARIANTS_VERSION + 1 });
    expect(() => decodeIndex(newer)).toThrow(expect.objectContaining({ code: 'ERR_INDEX_DERIVATION' }));
  });

  it('an index that says it holds plain hashes only loads whatever its derivation version', () => {
    const plain = smallFlatFile({ method: 'pdq', derivation: VARIANTS_VERSION - 1, families: [] });
    expect(decodeIndex(plain).size).toBe(4);
    expect(decodeIndex(smallFlatFile({ ...derived, derivation: VARIANTS_VERSION })).size).toBe(4);
  });
});

describe('hostile index files', () => {
  for (const [name, as] of VERSIONS) {
    it(`${name}: truncation at every offset of a small file is a located error`, () => {
      const file = as(smallFlatFile());
      for (let n = 0; n < file.length; n++) expectIndexError(file.subarray(0, n));
    });

    it(`${name}: every single flipped bit of a small file is detected`, () => {
      const file = as(smallFlatFile());
      for (let bit = 0; bit < file.length * 8; bit++) {
        const bad = file.slice();
        bad[bit >> 3]! ^= 1 << (bit & 7);
        expectIndexError(bad);
      }
    });

    it(`${name}: random bytes, with or without a valid magic and header checksum, are located errors`, () => {
      const file = as(smallFlatFile());
      const length = headerOf(file);
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat({ max: 3 }), (random, mode) => {
          let bytes: Uint8Array = random;
          if (mode >= 1) bytes = Uint8Array.from([...file.subarray(0, 10), ...random]);
          if (mode >= 2 && bytes.length >= length) bytes = withHeader(bytes, () => {});
          if (mode === 3) bytes = Uint8Array.from([...file.subarray(0, length), ...random]);
          expectIndexError(bytes);
        }),
        { numRuns: 500 },
      );
    });

    it(`${name}: absurd counts in a header with a valid checksum fail fast without allocating`, () => {
      const file = as(smallFlatFile());
      const edits: ((v: DataView) => void)[] = [
        (v) => v.setUint32(20, 0xffffffff, true), // ids
        (v) => {
          v.setUint32(20, 0xffffffff, true);
          v.setUint32(24, 0xffffffff, true);
        },
        (v) => v.setBigUint64(40, 2n ** 53n, true), // metadata bytes
        (v) => v.setBigUint64(48, 2n ** 63n, true), // body length
        (v) => v.setUint32(16, 0xffffffff, true), // bits
        (v) => v.setUint32(16, 4096, true), // bits within range, stride then wrong
        (v) => v.setUint32(36, 16, true), // slots on a flat file
        (v) => v.setUint8(10, 7), // kind
        (v) => v.setUint8(11, 200), // name length
        (v) => v.setUint32(12, 1 << 30, true), // header length
        (v) => v.setUint32(12, 0xffffffff, true),
        (v) => v.setUint8(60, 0), // name
      ];
      for (const edit of edits) {
        // Refused from the header: allocating what these counts claim would throw a RangeError (or
        // exhaust memory) instead of this code.
        const e = expectIndexError(withHeader(file, edit));
        expect(e.code).toBe('ERR_INDEX_CORRUPT');
      }
    });

    it(`${name}: an unknown version is ERR_INDEX_VERSION at byte 8`, () => {
      for (const version of [0, INDEX_FORMAT_VERSION + 1, 0xffff]) {
        const e = expectIndexError(withHeader(as(smallFlatFile()), (v) => v.setUint16(8, version, true)));
        expect(e.code).toBe('ERR_INDEX_VERSION');
        expect(e.location?.offset).toBe(8);
      }
    });

    it(`${name}: structural damage behind valid checksums is refused, naming the byte`, () => {
      const flat = as(smallFlatFile());
      const packedEnd = headerOf(flat) + 5 * 8;
      // live flag 2
      let e = expectIndexError(withBody(flat, (b) => (b[packedEnd + 1] = 2)));
      expect(e.location?.offset).toBe(packedEnd + 1);
      // live count disagrees with the header
      e = expectIndexError(withBody(flat, (b) => (b[packedEnd + 3] = 1)));
      expect(e.message).toMatch(/live/);
      // metadata offsets going backwards
      const metaOffsets = packedEnd + 8;
      e = expectIndexError(withBody(flat, (_b, v) => v.setUint32(metaOffsets + 8, 0xffff, true)));
      expect(e.location?.offset).toBe(metaOffsets + 8);

      // a 42-bit index with a bit set past bit 42
      const odd = as(encodeIndex(oddIndex()));
      e = expectIndexError(withBody(odd, (b) => (b[headerOf(odd) + 3] = 0x04)));
      expect(e.message).toMatch(/beyond its 42 bits/);

      // an id past the end in the MIH postings
      const mih = as(smallMihFile());
      const postings = mih.length - 4 * new DataView(mih.buffer).getUint32(24, true) * 4; // the last section
      e = expectIndexError(withBody(mih, (_b, v) => v.setUint32(postings, 9999, true)));
      expect(e.location?.offset).toBe(postings);
    });
  }

  it('a properties block that is not a JSON object, or not laid out as documented, is refused (checksum fixed)', () => {
    const file = smallFlatFile();
    const length = headerOf(file);
    const size = new DataView(file.buffer).getUint32(96, true);
    // The text padded with spaces to the block's length: valid JSON layout, bad content.
    const json = (text: string) =>
      withHeader(file, (_v, b) => {
        b.fill(0x20, 104, 104 + size);
        b.set(new TextEncoder().encode(text), 104);
      });
    expect(size).toBeGreaterThanOrEqual(20);
    const cases: [Uint8Array, RegExp][] = [
      [json('[1,2,3]'), /not a JSON object/],
      [json('"just a string"'), /not a JSON object/],
      [json('{"derivation":"x"}'), /"derivation" must be a whole number/],
      [json('{"method":'), /not UTF-8 JSON/],
      [withHeader(file, (_v, b) => (b[105] = 0xff)), /not UTF-8 JSON/],
      [withHeader(file, (v) => v.setUint32(96, 3, true)), /do not fill/],
      [withHeader(file, (v) => v.setUint32(100, 1, true)), /reserved/],
      [withHeader(file, (_v, b) => (b[length - 1] = 1)), /padded/],
    ];
    for (const [bad, message] of cases) {
      const e = expectIndexError(bad);
      expect(e.code).toBe('ERR_INDEX_CORRUPT');
      expect(e.message).toMatch(message);
    }
  });

  it('truncation of a MIH file is a located error (header, section edges and random offsets)', () => {
    const file = smallMihFile();
    const length = headerOf(file);
    const offsets = new Set<number>([0, file.length - 1]);
    for (let n = 0; n <= length; n++) offsets.add(n);
    for (const n of fc.sample(fc.nat({ max: file.length - 1 }), 200)) offsets.add(n);
    for (const n of offsets) {
      const e = expectIndexError(file.subarray(0, n));
      if (n >= length) expect(e.message).toMatch(/truncated/);
    }
  });

  it('flipped bits anywhere in a MIH file are detected', () => {
    const file = smallMihFile();
    fc.assert(
      fc.property(fc.array(fc.nat({ max: file.length * 8 - 1 }), { minLength: 1, maxLength: 3 }), (bits) => {
        const bad = file.slice();
        for (const bit of new Set(bits)) bad[bit >> 3]! ^= 1 << (bit & 7);
        expectIndexError(bad);
      }),
      { numRuns: 300 },
    );
  });

  it('tables that disagree with the hashes pass the default checks but not verify: "full"', () => {
    const mih = smallMihFile();
    const size = new DataView(mih.buffer).getUint32(24, true);
    const tableBytes = 65537 * 4;
    const postings = mih.length - 4 * size * 4; // the last section
    const tables = postings - 4 * tableBytes - ((4 * tableBytes) % 8);
    // Swap slots 0 and 3 (table and ids): every check of form passes, but slot 0 now describes slot 3.
    const crafted = withBody(mih, (b) => {
      const swap = (a: number, c: number, n: number) => {
        const t = b.slice(a, a + n);
        b.copyWithin(a, c, c + n);
        b.set(t, c);
      };
      swap(tables, tables + 3 * tableBytes, tableBytes);
      swap(postings, postings + 3 * size * 4, size * 4);
    });
    expect(() => decodeIndex(crafted)).not.toThrow(); // a checksum cannot tell a forged file
    let full: ImprintError | undefined;
    try {
      decodeIndex(crafted, { verify: 'full', source: 'x.idx' });
    } catch (err) {
      full = err as ImprintError;
    }
    expect(full?.code).toBe('ERR_INDEX_CORRUPT');
    expect(full?.message).toMatch(/tables do not match/);
  });

  it('a damaged byte anywhere in a MIH file (checksums left as written) is refused', () => {
    const index = new MihIndex<number>({ algorithm: 'phash', bits: 64, mergeThreshold: 0 });
    const hashes = fc.sample(hashArb(64, 'phash'), 30);
    hashes.forEach((h, i) => {
      index.add(h, i);
    });
    const file = encodeIndex(index);
    fc.assert(
      fc.property(fc.nat({ max: file.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const bad = file.slice();
        bad[at]! ^= x;
        expect(() => decodeIndex(bad)).toThrow(ImprintError);
      }),
      { numRuns: 300 },
    );
  });
});

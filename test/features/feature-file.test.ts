import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ImprintError } from '../../src/core/errors.js';
import {
  decodeFeatureIndex,
  encodeFeatureIndex,
  FEATURES_FORMAT_VERSION,
  FEATURES_HEADER_BYTES,
} from '../../src/features/encode.js';
import { directoryBitsFor, LocalFeatureIndex } from '../../src/features/feature-index.js';
import {
  buildTable,
  countingSortTable,
  type LookupTable,
  type TableCut,
  tablesProblem,
} from '../../src/features/table-build.js';
import { crc32 } from '../../src/matching/crc32.js';
import { FIXTURE_IMAGES, fixtureFeatures } from './random-features.js';

/**
 * The simple definition of a table: each descriptor's bucket read bit by bit, the ids sorted by
 * bucket then id, and bucket b starting where the first id of a bucket >= b sits.
 */
function tableByDefinition(descriptors: Uint32Array, n: number, cut: TableCut): LookupTable {
  const bucketOf = (i: number) => {
    let bucket = 0;
    for (let k = 0; k < cut.directoryBits; k++) {
      const bit = cut.first + k;
      if ((descriptors[i * 8 + (bit >>> 5)]! >>> (bit & 31)) & 1) bucket += 2 ** k;
    }
    return bucket;
  };
  const buckets = Array.from({ length: n }, (_, i) => bucketOf(i));
  const ids = Array.from({ length: n }, (_, i) => i).sort((a, b) => buckets[a]! - buckets[b]! || a - b);
  const size = 2 ** cut.directoryBits;
  const directory = new Uint32Array(size + 1);
  for (let b = 0, p = 0; b <= size; b++) {
    while (p < n && buckets[ids[p]!]! < b) p++;
    directory[b] = p;
  }
  return { ids: Uint32Array.from(ids), directory };
}

/** Descriptor words: uniform, or from a few values (few, full buckets: skewed partitions). */
const descriptorSets = fc.oneof(
  fc.integer({ min: 0, max: 700 }).chain((n) => fc.uint32Array({ minLength: n * 8, maxLength: n * 8 })),
  fc
    .tuple(
      fc.integer({ min: 0, max: 700 }),
      fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 4 }),
    )
    .chain(([n, values]) =>
      fc
        .array(fc.constantFrom(...values), { minLength: n * 8, maxLength: n * 8 })
        .map((a) => Uint32Array.from(a)),
    ),
);

/** Asserts two tables are equal, naming the first difference (a diff of big arrays takes minutes). */
const same = (a: LookupTable, b: LookupTable) => {
  for (const name of ['directory', 'ids'] as const) {
    const x = a[name];
    const y = b[name];
    let k = 0;
    while (k < x.length && x[k] === y[k]) k++;
    expect({ [name]: x.length, at: k, value: x[k] }).toEqual({ [name]: y.length, at: y.length, value: y[k] });
  }
};

/** The error code decoding `bytes` throws, or 'none'. */
function decodeCode(bytes: Uint8Array): string {
  try {
    decodeFeatureIndex(bytes);
    return 'none';
  } catch (err) {
    return err instanceof ImprintError ? err.code : `other: ${(err as Error).message}`;
  }
}

/** An index of the fixture's images, made now. */
function fixtureIndex(options: ConstructorParameters<typeof LocalFeatureIndex>[0] = {}) {
  const index = new LocalFeatureIndex<unknown>(options);
  for (const image of FIXTURE_IMAGES) index.add(fixtureFeatures(image), image.metadata);
  return index;
}

/** Byte offset of the first table section of a format 2 file (after the format 1 sections). */
function tablesOffset(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const images = view.getUint32(16, true);
  const n = view.getUint32(20, true);
  const meta = view.getUint32(28, true);
  const pad = (l: number) => l + ((8 - (l % 8)) % 8);
  return [(images + 1) * 4, images * 4, n * 32, n * 2, n * 2, n, n, (images + 1) * 4, meta].reduce(
    (at, l) => at + pad(l),
    FEATURES_HEADER_BYTES,
  );
}

/** `bytes` with its body checksum (and so its header checksum) made right again. */
function fixCrc(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  view.setUint32(40, crc32(bytes.subarray(FEATURES_HEADER_BYTES)), true);
  view.setUint32(60, crc32(bytes.subarray(0, 60)), true);
  return bytes;
}

/** Adds one image of `n` xorshift descriptors (from `seed`) at zero keypoints; returns them. */
function addXorshiftFeatures(index: LocalFeatureIndex<number>, n: number, seed: number) {
  let s = seed;
  const descriptors = Uint32Array.from({ length: n * 8 }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  });
  const zeros = new Float32Array(n);
  const bytes = new Uint8Array(n);
  index.add(
    { width: 10, height: 10, count: n, x: zeros, y: zeros, level: bytes, angle: bytes, descriptors },
    0,
  );
  return { descriptors };
}

describe('building a lookup table', () => {
  it('the fast build and the counting sort give the simple definition, at every split', () => {
    fc.assert(
      fc.property(
        descriptorSets,
        fc.integer({ min: 1, max: 13 }),
        fc.nat(),
        fc.nat(),
        (descriptors, directoryBits, firstSeed, lowSeed) => {
          const n = descriptors.length / 8;
          const cut = { first: firstSeed % (257 - directoryBits), directoryBits };
          const want = tableByDefinition(descriptors, n, cut);
          same(countingSortTable(descriptors, n, cut), want);
          same(buildTable(descriptors, n, cut), want);
          const lowBits = 1 + (lowSeed % directoryBits);
          const scratch = { a: new Uint32Array(n + 3), b: new Uint32Array(n + 5) }; // longer than n
          same(buildTable(descriptors, n, cut, scratch, lowBits), want);
        },
      ),
      { numRuns: 300, endOnFailure: true }, // no shrinking: big arrays shrink for minutes
    );
  });

  it("an index's tables are the definition's for any key bits (auto too) and table count", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 1, max: 8 }),
        fc.oneof(fc.constant<'auto'>('auto'), fc.integer({ min: 1, max: 30 })),
        fc.integer({ min: 1, max: 1000 }),
        (n, tables, keyBits, seed) => {
          fc.pre(keyBits === 'auto' || tables * keyBits <= 256);
          fc.pre(keyBits !== 'auto' || tables * 24 <= 256);
          const index = new LocalFeatureIndex<number>({ keyBits, tables });
          const { descriptors } = addXorshiftFeatures(index, n, seed);
          const { lookup } = index.parts();
          const directoryBits = directoryBitsFor(n, index.keyBits);
          expect(lookup!.directoryBits).toBe(directoryBits);
          for (let t = 0; t < tables; t++) {
            const cut = { first: t * Math.floor(256 / tables), directoryBits };
            same(
              { ids: lookup!.ids[t]!, directory: lookup!.directory[t]! },
              tableByDefinition(descriptors, n, cut),
            );
          }
        },
      ),
      { numRuns: 60, endOnFailure: true },
    );
  });

  it('a list large enough to be partitioned (2^17 descriptors) gets the counting sort tables', () => {
    const n = 2 ** 17;
    const index = new LocalFeatureIndex<number>();
    const { descriptors } = addXorshiftFeatures(index, n, 99);
    const { lookup } = index.parts();
    expect(lookup!.directoryBits).toBe(16); // past 14 bits: partitioned first
    for (let t = 0; t < index.tables; t++) {
      same(
        { ids: lookup!.ids[t]!, directory: lookup!.directory[t]! },
        countingSortTable(descriptors, n, { first: t * Math.floor(256 / index.tables), directoryBits: 16 }),
      );
    }
  });

  it("finds a table that is not its descriptors' table, whatever is changed", () => {
    fc.assert(
      fc.property(
        descriptorSets.filter((d) => d.length >= 16),
        fc.integer({ min: 1, max: 10 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 5 }),
        (descriptors, directoryBits, a, b, how) => {
          const n = descriptors.length / 8;
          const cut = { first: 3, directoryBits };
          const table = countingSortTable(descriptors, n, cut);
          expect(tablesProblem(descriptors, n, [cut], [table])).toBeUndefined();
          const ids = table.ids.slice();
          const directory = table.directory.slice();
          const i = a % n;
          const j = b % n;
          const d = a % directory.length;
          if (how === 0)
            [ids[i], ids[j]] = [ids[j]!, ids[i]!]; // two ids swap places
          else if (how === 1)
            ids[i] = ids[j]!; // an id twice, another lost
          else if (how === 2)
            ids[i] = n + (b % 5); // out of range
          else if (how === 3)
            directory[d] = directory[d]! + 1 + (b % 3); // a bucket boundary moved
          else if (how === 4) directory[d] = Math.max(0, directory[d]! - 1 - (b % 3));
          else ids[i] = ids[i]! ^ (1 << (b % 20)); // a flipped bit
          const changed =
            ids.some((v, k) => v !== table.ids[k]) || directory.some((v, k) => v !== table.directory[k]);
          fc.pre(changed);
          expect(tablesProblem(descriptors, n, [cut], [{ ids, directory }])).toMatch(/./);
        },
      ),
      { numRuns: 400, endOnFailure: true },
    );
  });
});

describe('feature files with their tables (format 2)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('write the built tables and read them back as they were, the answers unchanged', () => {
    for (const options of [{}, { keyBits: 12, tables: 6, probeRadius: 0 as const }]) {
      const index = fixtureIndex(options);
      const bytes = encodeFeatureIndex(index);
      const view = new DataView(bytes.buffer);
      expect(view.getUint16(8, true)).toBe(FEATURES_FORMAT_VERSION);
      expect(FEATURES_FORMAT_VERSION).toBe(2);
      const parts = index.parts();
      expect(bytes[27]).toBe(parts.lookup!.directoryBits);
      const build = vi.spyOn(LocalFeatureIndex.prototype, 'build');
      const again = decodeFeatureIndex<unknown>(bytes);
      const back = again.parts();
      expect(build).not.toHaveBeenCalled(); // the tables were read, not built again
      build.mockRestore();
      expect(back.lookup!.directoryBits).toBe(parts.lookup!.directoryBits);
      for (let t = 0; t < index.tables; t++) {
        expect(back.lookup!.ids[t]).toEqual(parts.lookup!.ids[t]);
        expect(back.lookup!.directory[t]).toEqual(parts.lookup!.directory[t]);
      }
      for (let j = 0; j < index.size; j++) {
        expect(again.metadataOf(j)).toEqual(index.metadataOf(j));
        expect(again.featuresOf(j)).toEqual(index.featuresOf(j));
      }
      // The same neighbours for every stored descriptor (its own and near ones).
      const query = parts.descriptors;
      for (let i = 0; i < index.descriptorCount; i++) {
        const found = (x: LocalFeatureIndex<unknown>) => {
          const out: number[] = [];
          x.neighbours(query, i, 100, (id, d) => out.push(id, d));
          return out;
        };
        expect(found(again)).toEqual(found(index));
      }
      expect(Buffer.from(encodeFeatureIndex(again)).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('refuse a damaged or cut table section, checksum or not', () => {
    const bytes = encodeFeatureIndex(fixtureIndex());
    const tables = tablesOffset(bytes);
    expect(tables).toBeGreaterThan(FEATURES_HEADER_BYTES);
    expect(tables).toBeLessThan(bytes.length);
    fc.assert(
      fc.property(
        fc.integer({ min: tables, max: bytes.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (at, x) => {
          const damaged = bytes.slice();
          damaged[at]! ^= x;
          expect(decodeCode(damaged)).toBe('ERR_INDEX_CORRUPT');
        },
      ),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.integer({ min: tables, max: bytes.length - 1 }), (end) => {
        expect(decodeCode(bytes.subarray(0, end))).toBe('ERR_INDEX_CORRUPT');
      }),
      { numRuns: 100 },
    );
    // Damage whose checksum was made right again (a faulty writer): the tables are checked too.
    const view = new DataView(bytes.buffer);
    const directoryBytes = (2 ** bytes[27]! + 1) * 4 + 4; // padded to 8
    const firstIds = tables + directoryBytes;
    const swapped = bytes.slice();
    const swappedView = new DataView(swapped.buffer);
    const a = view.getUint32(firstIds, true);
    const last = firstIds + 4 * (view.getUint32(20, true) - 1);
    swappedView.setUint32(firstIds, view.getUint32(last, true), true);
    swappedView.setUint32(last, a, true);
    expect(decodeCode(fixCrc(swapped))).toBe('ERR_INDEX_CORRUPT');
    const moved = bytes.slice();
    new DataView(moved.buffer).setUint32(tables + 4 * 5, view.getUint32(tables + 4 * 5, true) + 1, true);
    expect(decodeCode(fixCrc(moved))).toBe('ERR_INDEX_CORRUPT');
    // Other directory bits in the header: the sizes no longer add up, or the tables are not the index's.
    const bits = fixCrc(bytes.slice());
    bits[27] = bytes[27]! + 1;
    expect(decodeCode(fixCrc(bits))).toBe('ERR_INDEX_CORRUPT');
    try {
      decodeFeatureIndex(fixCrc(swapped), { source: 'x.features' });
    } catch (err) {
      expect((err as ImprintError).message).toMatch(/lookup tables/);
      expect((err as ImprintError).location).toEqual({ source: 'x.features', offset: tables });
    }
  });
});

describe('format 1 feature files (no tables)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const v1 = new Uint8Array(
    readFileSync(new URL('../../fixtures/features/v1-random.features', import.meta.url)),
  );

  it('still read, to the index the same features make now, tables built as they load', () => {
    expect(new DataView(v1.buffer).getUint16(8, true)).toBe(1);
    const build = vi.spyOn(LocalFeatureIndex.prototype, 'build');
    const read = decodeFeatureIndex<unknown>(v1);
    expect(build).toHaveBeenCalledTimes(1);
    build.mockRestore();
    // The tables and radius the fixture was written with (a file keeps them, whatever the defaults).
    const made = fixtureIndex({ tables: 4, probeRadius: 1 });
    expect(read.size).toBe(FIXTURE_IMAGES.length);
    expect(read.descriptorCount).toBe(made.descriptorCount);
    for (let j = 0; j < made.size; j++) {
      expect(read.metadataOf(j)).toEqual(made.metadataOf(j));
      expect(read.featuresOf(j)).toEqual(made.featuresOf(j));
    }
    const a = read.parts();
    const b = made.parts();
    expect([a.keyBits, a.tables, a.probeRadius]).toEqual([b.keyBits, b.tables, b.probeRadius]);
    expect(a.lookup).toEqual(b.lookup);
    // Written again, it is the format 2 file of the index made now.
    expect(Buffer.from(encodeFeatureIndex(read)).equals(Buffer.from(encodeFeatureIndex(made)))).toBe(true);
  });

  it('are refused when damaged, as before', () => {
    for (const at of [FEATURES_HEADER_BYTES + 3, v1.length - 20]) {
      const damaged = v1.slice();
      damaged[at]! ^= 0x10;
      expect(decodeCode(damaged)).toBe('ERR_INDEX_CORRUPT');
    }
    expect(decodeCode(v1.subarray(0, v1.length - 1))).toBe('ERR_INDEX_CORRUPT');
    const future = v1.slice();
    new DataView(future.buffer).setUint16(8, 3, true);
    expect(decodeCode(fixCrc(future))).toBe('ERR_INDEX_VERSION');
  });
});

/**
 * An index of the local features of many known images, built to hold a million of them in one
 * process: per descriptor 32 bytes of bits, 6 of keypoint (position in 1/16 px, level,
 * orientation) and 4 per lookup table, no objects.
 *
 * Lookup is multi-index hashing on substrings: table t files every descriptor under keyBits of
 * its bits from bit t * 256 / tables on as a key, and a query descriptor probes, in each table, its own
 * key and (with `probeRadius` 1) the keyBits keys one bit away. Two descriptors within
 * `tables * (probeRadius + 1) - 1` bits of each other share a key within the probe radius in at
 * least one table (pigeonhole), so those are always found; farther ones are found with a
 * probability that falls with the distance, which is enough: an upload is recognised by many
 * corners, not one. The key length is fixed (not grown with the list), so what is found does not
 * depend on how many images are known; a longer list only makes buckets fuller.
 *
 * Matching an upload: every descriptor votes for the known images it found a near descriptor in;
 * the images with the most votes are verified one by one (correspond.ts, ransac.ts) on all their
 * stored features, and the number of correspondences agreeing with one similarity decides.
 */
import { invalidArgument } from '../core/errors.js';
import { type CorrespondOptions, correspond } from './correspond.js';
import type { LocalFeatures } from './extract.js';
import { PYRAMID_LEVELS } from './extract.js';
import { descriptorDistance } from './hamming.js';
import { DESCRIPTOR_BITS, DESCRIPTOR_WORDS } from './pattern.js';
import {
  type Similarity,
  VERIFY_DEFAULTS,
  type VerifyOptions,
  verifySimilarity,
  visibleKnown,
  visibleQuery,
} from './ransac.js';
import { buildTable, tablesProblem } from './table-build.js';

/** How the lookup tables are cut. */
export interface FeatureIndexOptions {
  /**
   * Bits per table key, or `'auto'` (the default): chosen from the stored descriptors when the
   * tables are built ({@link keyBitsFor}), so a bucket holds a few descriptors however long the
   * list; an index read from a file keeps the bits it was written with.
   */
  readonly keyBits?: number | 'auto';
  /**
   * Tables, each on its own substring of the descriptor (default {@link FEATURE_INDEX_DEFAULTS}:
   * 8). More tables find more of a copy's descriptors by their key alone; each costs 4 bytes
   * per stored descriptor and about 1 per directory bucket.
   */
  readonly tables?: number;
  /**
   * 0 (the default): probe each key only; 1: also every key one bit away, about 25 probes per
   * descriptor and table instead of 1 (the default of files written before 0.x: a file keeps
   * what it was written with).
   */
  readonly probeRadius?: 0 | 1;
}

/** The arrays an index keeps (see {@link LocalFeatureIndex.parts}). */
export interface FeatureIndexParts {
  /** Bits per table key (a chosen number: the file records what `'auto'` chose). */
  readonly keyBits: number;
  readonly tables: number;
  readonly probeRadius: 0 | 1;
  /** Descriptors of image i are [starts[i], starts[i + 1]). */
  readonly starts: Uint32Array;
  /** Working plane width and height of every image. */
  readonly sizes: Uint16Array;
  readonly descriptors: Uint32Array;
  /** Keypoint positions in 1/16 px. */
  readonly x: Uint16Array;
  readonly y: Uint16Array;
  readonly level: Uint8Array;
  readonly angle: Uint8Array;
  /**
   * The built lookup tables (what {@link LocalFeatureIndex.build} makes of the arrays above), so
   * that a saved index need not build them again. {@link LocalFeatureIndex.fromParts} checks that
   * they are exactly those (table-build.ts, tablesProblem) and builds them when absent.
   */
  readonly lookup?: FeatureLookup;
}

/** The lookup tables of an index: per table, ids sorted by bucket and where each bucket starts. */
export interface FeatureLookup {
  /** Bits of the key cutting the directories ({@link directoryBitsFor}). */
  readonly directoryBits: number;
  /** Per table: `ids[t]` of bucket b are at `directory[t][b]` to `directory[t][b + 1] - 1`. */
  readonly ids: readonly Uint32Array[];
  readonly directory: readonly Uint32Array[];
}

/** How an upload is matched. */
export interface FeatureMatchOptions {
  /** Largest descriptor distance that votes (default 48). */
  readonly voteDistance?: number;
  /**
   * Fewest votes an image needs to be verified (default {@link LocalFeatureIndex.defaultMinVotes}:
   * 2 for an index probing keys only, 4 for one probing keys one bit away).
   */
  readonly minVotes?: number;
  /** Most images verified per upload view (default 4). */
  readonly shortlist?: number;
  /**
   * Probed buckets holding more stored descriptors than this are passed over (default
   * {@link LocalFeatureIndex.defaultMaxBucket}: four times the mean bucket, at least 8). Real
   * descriptors are far from uniform: a few keys (flat and repeated corners) are shared by
   * hundreds of known corners, say little about which image an upload shows, and scanning them
   * is what grew with the list (`npm run bench:local-scale`). `Infinity` scans every bucket.
   */
  readonly maxBucket?: number;
  readonly correspond?: CorrespondOptions;
  readonly verify?: VerifyOptions;
}

/**
 * Defaults of {@link FeatureIndexOptions}: 8 tables probed at their own keys only. Against 4
 * tables that also probe every key one bit away (the default before), an upload's lookup reads
 * about 12x fewer buckets, each a random read once the index outgrows the caches (at 101,284
 * known images 13.9 vs 132.6 ms of lookup and verification per upload, 98.7 vs 99.6% of copies
 * found by the features alone: `npm run bench:local-scale`, docs/robustness.md), for 4 more
 * bytes per stored descriptor and table.
 */
export const FEATURE_INDEX_DEFAULTS = { tables: 8, probeRadius: 0 } as const;

/**
 * Defaults of {@link FeatureMatchOptions}. `minVotes` is the default for an index probing one
 * bit away; probing keys only, an index asks for {@link FEATURE_MIN_VOTES_KEYS_ONLY} (see
 * {@link LocalFeatureIndex.defaultMinVotes}).
 */
export const FEATURE_MATCH_DEFAULTS = {
  voteDistance: 48,
  minVotes: 4,
  shortlist: 4,
  correspond: { maxDistance: 64, ratio: 0.8 },
} as const;

/**
 * Votes an image needs to be verified when the index probes keys only (`probeRadius` 0): a copy's
 * descriptor then votes only when its key is equal in some table, so copies have fewer votes
 * than when keys one bit away vote too (with 4 required at 101,284 known images, 91.4% of copies
 * were found; with 2, 97.2%).
 */
export const FEATURE_MIN_VOTES_KEYS_ONLY = 2;

/** A verified known image. */
export interface FeatureMatch<M> {
  readonly image: number;
  readonly metadata: M;
  /** Distinct known keypoints agreeing with one similarity (ransac.ts): the evidence. */
  readonly inliers: number;
  /** Known keypoints the upload should show under that map (ransac.ts, visibleKnown). */
  readonly visible: number;
  /** Upload keypoints the map puts inside the known picture (ransac.ts, visibleQuery). */
  readonly visibleQuery: number;
  /** Mean descriptor distance of the inliers. */
  readonly meanDistance: number;
  /** Votes the image had in the lookup. */
  readonly votes: number;
  /** The upload view that matched: 0 the upload, 1 its mirror image. */
  readonly view: number;
  /** Upload working plane -> known working plane. */
  readonly model?: Similarity;
}

const QUANTUM = 16;

/**
 * Most features one index holds: its descriptors are one typed array, and a typed array holds at
 * most 2^32 - 1 elements (8 words a descriptor). About 2 million images of 256 features; shard
 * a longer list.
 */
export const MAX_FEATURES: number = Math.floor((2 ** 32 - 1) / DESCRIPTOR_WORDS);

/**
 * The key bits `'auto'` chooses for `descriptors` stored descriptors in `tables` tables: 24 up to
 * 2^26 descriptors (about 262,000 images of 256 features), then one more per doubling, up to 30
 * and to what the tables leave room for. The directory has one bucket per 2-4 descriptors
 * (build), and a key as long as the directory keeps a bucket to one key, so a lookup reads only
 * its own key's entries; a shorter key would make the buckets fill as the list grows.
 */
export function keyBitsFor(descriptors: number, tables: number): number {
  const directory = Math.floor(Math.log2(Math.max(2, descriptors))) - 1;
  return Math.min(Math.floor(DESCRIPTOR_BITS / tables), 30, Math.max(24, directory));
}

/**
 * Bits of the key that cut a table's directory for `descriptors` stored descriptors: a bucket per
 * 2-4 descriptors (1-2 bytes per descriptor per table; a bucket's entries are told apart by their
 * whole key), at least 4 and at most the key's bits.
 */
export function directoryBitsFor(descriptors: number, keyBits: number): number {
  return Math.min(keyBits, Math.max(4, Math.floor(Math.log2(Math.max(2, descriptors))) - 1));
}

/**
 * Local features of known images, looked up by descriptor and verified geometrically.
 *
 * @example
 * ```ts
 * const index = new LocalFeatureIndex<string>();
 * index.add(extractLocalFeatures(knownPixels), 'case-1.jpg');
 * const [best] = index.match(extractFeatureViews(upload, { maxFeatures: 512, mirror: true }));
 * if (best && best.inliers >= 12) console.log('matches', best.metadata);
 * ```
 */
export class LocalFeatureIndex<M> {
  #keyBits: number;
  readonly #autoKeyBits: boolean;
  readonly tables: number;
  readonly probeRadius: 0 | 1;
  #descriptors: Uint32Array = new Uint32Array(1024 * DESCRIPTOR_WORDS);
  #x: Uint16Array = new Uint16Array(1024);
  #y: Uint16Array = new Uint16Array(1024);
  #level: Uint8Array = new Uint8Array(1024);
  #angle: Uint8Array = new Uint8Array(1024);
  #count = 0;
  /** Descriptors of image i are [#starts[i], #starts[i + 1]). */
  #starts: number[] = [0];
  #sizes: number[] = [];
  #metadata: M[] = [];
  /** Per table: descriptor ids sorted by key, and where each directory bucket starts. */
  #ids: Uint32Array[] = [];
  #directory: Uint32Array[] = [];
  #directoryBits = 0;
  #built = false;
  #stamps = new Uint32Array(0);
  #stamp = 0;
  /** vote's counters per image, and the stamp of the descriptor that last voted for each. */
  #votes = new Uint32Array(0);
  #votedBy = new Uint32Array(0);
  #voter = 0;
  /** First bit of each table's key, and the mask of a key's bits. */
  readonly #firsts: number[];
  #keyMask: number;

  constructor(options: FeatureIndexOptions = {}) {
    this.#autoKeyBits = options.keyBits === undefined || options.keyBits === 'auto';
    this.#keyBits = this.#autoKeyBits ? 24 : (options.keyBits as number);
    this.tables = options.tables ?? FEATURE_INDEX_DEFAULTS.tables;
    this.probeRadius = options.probeRadius ?? FEATURE_INDEX_DEFAULTS.probeRadius;
    if (!Number.isInteger(this.#keyBits) || this.#keyBits < 1 || this.#keyBits > 30) {
      throw invalidArgument("an integer from 1 to 30 or 'auto'", 'keyBits', options.keyBits);
    }
    if (!Number.isInteger(this.tables) || this.tables < 1 || this.tables * this.keyBits > DESCRIPTOR_BITS) {
      throw invalidArgument(
        `an integer from 1 to ${Math.floor(DESCRIPTOR_BITS / this.keyBits)}`,
        'tables',
        this.tables,
      );
    }
    if (this.probeRadius !== 0 && this.probeRadius !== 1)
      throw invalidArgument('0 or 1', 'probeRadius', this.probeRadius);
    this.#firsts = Array.from(
      { length: this.tables },
      (_, t) => t * Math.floor(DESCRIPTOR_BITS / this.tables),
    );
    this.#keyMask = 2 ** this.#keyBits - 1;
  }

  /** Bits per table key: with `'auto'`, what the stored descriptors call for ({@link keyBitsFor}). */
  get keyBits(): number {
    return this.#keyBits;
  }

  /** With `'auto'`, sets the key bits for the descriptors stored now. */
  #chooseKeyBits(): void {
    if (!this.#autoKeyBits) return;
    this.#keyBits = keyBitsFor(this.#count, this.tables);
    this.#keyMask = 2 ** this.#keyBits - 1;
  }

  /** Known images. */
  get size(): number {
    return this.#metadata.length;
  }

  /** Stored descriptors, all images together. */
  get descriptorCount(): number {
    return this.#count;
  }

  /**
   * Bytes held per stored descriptor: its bits (32), its keypoint (6) and its place in every table
   * (4 each); the tables' directories add 1-2 bytes per table (see {@link memoryBytes}).
   */
  get bytesPerDescriptor(): number {
    return DESCRIPTOR_WORDS * 4 + 6 + 4 * this.tables;
  }

  /**
   * Bytes of the stored arrays once built, as a list of this size holds them (spare capacity of
   * the growing arrays and the per-image numbers left out): descriptors, keypoints, tables and
   * their directories.
   */
  memoryBytes(): number {
    if (!this.#built) this.build();
    const directories = this.#directory.reduce((s, d) => s + d.byteLength, 0);
    return this.#count * this.bytesPerDescriptor + directories;
  }

  /** Adds a known image's features (positions below 4096 px); returns its number. */
  add(features: LocalFeatures, metadata: M): number {
    if (features.width >= 4096 || features.height >= 4096) {
      throw invalidArgument(
        'a working plane under 4096 px',
        'features',
        `${features.width}x${features.height}`,
      );
    }
    const n = features.count;
    if (this.#count + n > MAX_FEATURES) {
      throw invalidArgument(
        `at most ${MAX_FEATURES} features in one index (about 2 million images: shard the list)`,
        'features',
        `${this.#count + n} features`,
      );
    }
    this.#reserve(this.#count + n);
    this.#descriptors.set(
      features.descriptors.subarray(0, n * DESCRIPTOR_WORDS),
      this.#count * DESCRIPTOR_WORDS,
    );
    for (let i = 0; i < n; i++) {
      const at = this.#count + i;
      this.#x[at] = Math.round(features.x[i]! * QUANTUM);
      this.#y[at] = Math.round(features.y[i]! * QUANTUM);
      this.#level[at] = features.level[i]!;
      this.#angle[at] = features.angle[i]!;
    }
    this.#count += n;
    this.#starts.push(this.#count);
    this.#sizes.push(features.width, features.height);
    this.#metadata.push(metadata);
    this.#built = false;
    return this.#metadata.length - 1;
  }

  #reserve(total: number): void {
    if (total <= this.#x.length) return;
    let cap = this.#x.length;
    while (cap < total) cap *= 2;
    cap = Math.min(cap, MAX_FEATURES);
    const grow = <T extends Uint8Array | Uint16Array | Uint32Array>(a: T, size: number): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.#descriptors = grow(this.#descriptors, cap * DESCRIPTOR_WORDS);
    this.#x = grow(this.#x, cap);
    this.#y = grow(this.#y, cap);
    this.#level = grow(this.#level, cap);
    this.#angle = grow(this.#angle, cap);
  }

  /**
   * The stored arrays and the lookup tables (built first if need be), as views (encode.ts writes
   * them). The index must not change while they are in use.
   */
  parts(): FeatureIndexParts {
    if (!this.#built) this.build();
    const n = this.#count;
    return {
      keyBits: this.keyBits,
      tables: this.tables,
      probeRadius: this.probeRadius,
      starts: Uint32Array.from(this.#starts),
      sizes: Uint16Array.from(this.#sizes),
      descriptors: this.#descriptors.subarray(0, n * DESCRIPTOR_WORDS),
      x: this.#x.subarray(0, n),
      y: this.#y.subarray(0, n),
      level: this.#level.subarray(0, n),
      angle: this.#angle.subarray(0, n),
      lookup: { directoryBits: this.#directoryBits, ids: [...this.#ids], directory: [...this.#directory] },
    };
  }

  /**
   * An index over stored arrays (taken over, not copied) and each image's metadata. Lookup tables
   * in `parts` are checked to be exactly those {@link build} makes (in one pass over them and the
   * descriptors; ERR_INVALID_ARGUMENT if not) and kept; without them the first lookup builds them.
   */
  static fromParts<M>(parts: FeatureIndexParts, metadata: readonly M[]): LocalFeatureIndex<M> {
    const index = new LocalFeatureIndex<M>(parts);
    const n = parts.x.length;
    index.#descriptors = parts.descriptors;
    index.#x = parts.x;
    index.#y = parts.y;
    index.#level = parts.level;
    index.#angle = parts.angle;
    index.#count = n;
    index.#starts = Array.from(parts.starts);
    index.#sizes = Array.from(parts.sizes);
    index.#metadata = [...metadata];
    if (parts.lookup) index.#takeLookup(parts.lookup);
    return index;
  }

  /** Keeps built tables after checking they are this index's (fromParts). */
  #takeLookup(lookup: FeatureLookup): void {
    const n = this.#count;
    const directoryBits = directoryBitsFor(n, this.keyBits);
    if (lookup.directoryBits !== directoryBits) {
      throw invalidArgument(
        `tables cut on ${directoryBits} bits`,
        'lookup.directoryBits',
        lookup.directoryBits,
      );
    }
    if (lookup.ids.length !== this.tables || lookup.directory.length !== this.tables) {
      throw invalidArgument(`${this.tables} tables`, 'lookup', `${lookup.ids.length} tables`);
    }
    const cuts = this.#firsts.map((first) => ({ first, directoryBits }));
    const tables = lookup.ids.map((ids, t) => ({ ids, directory: lookup.directory[t]! }));
    const problem = tablesProblem(this.#descriptors, n, cuts, tables);
    if (problem) throw invalidArgument('the tables of these descriptors', 'lookup', problem);
    this.#directoryBits = directoryBits;
    this.#ids = [...lookup.ids];
    this.#directory = [...lookup.directory];
    this.#built = true;
  }

  /** The metadata of image `image`. */
  metadataOf(image: number): M {
    return this.#metadata[image]!;
  }

  /** The stored features of image `image` (positions as stored, to 1/16 px). */
  featuresOf(image: number): LocalFeatures {
    const start = this.#starts[image]!;
    const end = this.#starts[image + 1]!;
    const count = end - start;
    const x = new Float32Array(count);
    const y = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      x[i] = this.#x[start + i]! / QUANTUM;
      y[i] = this.#y[start + i]! / QUANTUM;
    }
    return {
      width: this.#sizes[2 * image]!,
      height: this.#sizes[2 * image + 1]!,
      count,
      x,
      y,
      level: this.#level.slice(start, end),
      angle: this.#angle.slice(start, end),
      descriptors: this.#descriptors.slice(start * DESCRIPTOR_WORDS, end * DESCRIPTOR_WORDS),
    };
  }

  /**
   * Key of table `t` of descriptor `i` of `words`: keyBits bits from bit t * (256 / tables), so the
   * keys come from every part of the descriptor (pattern.ts deals its tests out that way).
   */
  keyOf(words: Uint32Array, i: number, t: number): number {
    const first = this.#firsts[t]!;
    const at = i * DESCRIPTOR_WORDS + (first >>> 5);
    const shift = first & 31;
    // The key's bits from the word it starts in, then from the next one if it runs over.
    let key = words[at]! >>> shift;
    if (shift + this.keyBits > 32) key |= words[at + 1]! << (32 - shift);
    return (key & this.#keyMask) >>> 0;
  }

  /** Builds the lookup tables (done by the first lookup after a change). */
  build(): void {
    this.#chooseKeyBits();
    const n = this.#count;
    this.#directoryBits = directoryBitsFor(n, this.keyBits);
    const cut = { first: 0, directoryBits: this.#directoryBits };
    const scratch = { a: new Uint32Array(n), b: new Uint32Array(n) };
    this.#ids = [];
    this.#directory = [];
    for (let t = 0; t < this.tables; t++) {
      const { ids, directory } = buildTable(
        this.#descriptors,
        n,
        { ...cut, first: this.#firsts[t]! },
        scratch,
      );
      this.#ids.push(ids);
      this.#directory.push(directory);
    }
    this.#built = true;
  }

  /**
   * The bound on probed buckets a match uses unless told otherwise ({@link
   * FeatureMatchOptions.maxBucket}): four times the mean bucket of the built tables, at least 8.
   */
  get defaultMaxBucket(): number {
    if (!this.#built) this.build();
    // Mean stored descriptors per bucket: 2-4 until the directory reaches keyBits bits.
    return Math.max(8, Math.ceil((4 * this.#count) / 2 ** this.#directoryBits));
  }

  /**
   * The votes an image needs unless told otherwise ({@link FeatureMatchOptions.minVotes}):
   * {@link FEATURE_MATCH_DEFAULTS}' 4 when keys one bit away are probed, {@link
   * FEATURE_MIN_VOTES_KEYS_ONLY} when only the keys are.
   */
  get defaultMinVotes(): number {
    return this.probeRadius === 1 ? FEATURE_MATCH_DEFAULTS.minVotes : FEATURE_MIN_VOTES_KEYS_ONLY;
  }

  /**
   * Calls `visit(id, distance)` for stored descriptors within `maxDistance` of descriptor `i` of
   * `query` that share a key within the probe radius in some table, in a probed bucket of at
   * most `maxBucket` entries, each once. With no bound, every stored descriptor within
   * `tables * (probeRadius + 1) - 1` bits is among them.
   */
  neighbours(
    query: Uint32Array,
    i: number,
    maxDistance: number,
    visit: (id: number, distance: number) => void,
    maxBucket: number = Number.POSITIVE_INFINITY,
  ): void {
    if (!this.#built) this.build();
    const mask = 2 ** this.#directoryBits - 1;
    // Stamps instead of a set: a descriptor met twice (in two tables) is compared once.
    if (this.#stamps.length < this.#count) this.#stamps = new Uint32Array(this.#count);
    if (this.#stamp === 0xffffffff) {
      this.#stamps.fill(0);
      this.#stamp = 0;
    }
    const stamp = ++this.#stamp;
    const stamps = this.#stamps;
    const stored = this.#descriptors;
    const keyMask = this.#keyMask;
    const partial = this.#directoryBits < this.keyBits;
    const directoryBits = this.#directoryBits;
    // Flips of the key's bits from directoryBits up land in the key's own bucket: one scan of it
    // finds the key and all of them (a bucket holds every key with its low bits).
    const ownBucketFlips = this.probeRadius === 1 && partial;
    const otherFlips = this.probeRadius === 1 ? Math.min(this.keyBits, directoryBits) : 0;
    for (let t = 0; t < this.tables; t++) {
      const key = this.keyOf(query, i, t);
      const ids = this.#ids[t]!;
      const directory = this.#directory[t]!;
      const first = this.#firsts[t]!;
      const word = first >>> 5;
      const shift = first & 31;
      const spills = shift + this.keyBits > 32;
      for (let flip = -1; flip < otherFlips; flip++) {
        const probe = flip < 0 ? key : (key ^ (1 << flip)) >>> 0;
        const bucket = probe & mask;
        const end = directory[bucket + 1]!;
        if (end - directory[bucket]! > maxBucket) continue;
        for (let p = directory[bucket]!; p < end; p++) {
          const id = ids[p]!;
          if (partial) {
            // The bucket holds every key with these low bits: keep only the keys probed here.
            const at = id * DESCRIPTOR_WORDS + word;
            let k = stored[at]! >>> shift;
            if (spills) k |= stored[at + 1]! << (32 - shift);
            const diff = ((k & keyMask) ^ probe) >>> 0;
            // In the own bucket (flip -1) also a key one bit away above the directory's bits.
            if (diff !== 0 && !(flip < 0 && ownBucketFlips && (diff & (diff - 1)) === 0)) continue;
          }
          if (stamps[id] === stamp) continue;
          stamps[id] = stamp;
          const d = descriptorDistance(query, i, stored, id);
          if (d <= maxDistance) visit(id, d);
        }
      }
    }
  }

  /** The image a stored descriptor belongs to. */
  imageOf(id: number): number {
    const starts = this.#starts;
    let lo = 0;
    let hi = starts.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= id) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Known images by votes of the upload's descriptors (each descriptor votes once per image it
   * found a descriptor of within `voteDistance`, in buckets within `maxBucket`), most first, those
   * with at least `minVotes`.
   */
  vote(
    query: LocalFeatures,
    voteDistance: number,
    minVotes: number,
    maxBucket: number = Number.POSITIVE_INFINITY,
  ): { image: number; votes: number }[] {
    if (!this.#built) this.build();
    const images = this.#metadata.length;
    // Counters per image instead of a Map and a Set per descriptor; stamps (as in neighbours)
    // tell whether the current descriptor has voted for an image already.
    if (this.#votes.length < images) {
      this.#votes = new Uint32Array(images);
      this.#votedBy = new Uint32Array(images);
      this.#voter = 0;
    }
    const votes = this.#votes;
    const votedBy = this.#votedBy;
    const touched: number[] = [];
    let voter = 0;
    const visit = (id: number) => {
      const image = this.imageOf(id);
      if (votedBy[image] === voter) return;
      votedBy[image] = voter;
      if (votes[image]!++ === 0) touched.push(image);
    };
    for (let i = 0; i < query.count; i++) {
      if (this.#voter === 0xffffffff) {
        votedBy.fill(0);
        this.#voter = 0;
      }
      voter = ++this.#voter;
      this.neighbours(query.descriptors, i, voteDistance, visit, maxBucket);
    }
    const out: { image: number; votes: number }[] = [];
    for (const image of touched) {
      if (votes[image]! >= minVotes) out.push({ image, votes: votes[image]! });
      votes[image] = 0;
    }
    return out.sort((a, b) => b.votes - a.votes || a.image - b.image);
  }

  /**
   * Every shortlisted known image of every upload view, verified: the best view per image, most
   * inliers first (thresholding is the caller's: see LOCAL_MIN_INLIERS in the methods).
   */
  match(views: readonly LocalFeatures[], options: FeatureMatchOptions = {}): FeatureMatch<M>[] {
    const voteDistance = options.voteDistance ?? FEATURE_MATCH_DEFAULTS.voteDistance;
    const minVotes = options.minVotes ?? this.defaultMinVotes;
    const shortlist = options.shortlist ?? FEATURE_MATCH_DEFAULTS.shortlist;
    const maxBucket = options.maxBucket ?? this.defaultMaxBucket;
    const best = new Map<number, FeatureMatch<M>>();
    views.forEach((view, v) => {
      for (const { image, votes } of this.vote(view, voteDistance, minVotes, maxBucket).slice(0, shortlist)) {
        const known = this.featuresOf(image);
        const pairs = correspond(view, known, options.correspond ?? FEATURE_MATCH_DEFAULTS.correspond);
        const { inliers, model, meanDistance } = verifySimilarity(
          pairs,
          view,
          known,
          options.verify ?? VERIFY_DEFAULTS,
        );
        const previous = best.get(image);
        if (!previous || inliers > previous.inliers) {
          best.set(image, {
            image,
            metadata: this.#metadata[image]!,
            inliers,
            visible: model ? visibleKnown(model, view, known, PYRAMID_LEVELS) : 0,
            visibleQuery: model ? visibleQuery(model, view, known, PYRAMID_LEVELS) : 0,
            meanDistance: meanDistance ?? 0,
            votes,
            view: v,
            ...(model ? { model } : {}),
          });
        }
      }
    });
    return [...best.values()].sort((a, b) => b.inliers - a.inliers || a.image - b.image);
  }
}

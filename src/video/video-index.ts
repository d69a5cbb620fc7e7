import { ImprintError, invalidArgument } from '../core/errors.js';
import { MihIndex } from '../matching/mih-index.js';
import type { HashIndex } from '../matching/types.js';
import type { VideoFrameHash } from './frame-hash.js';
import {
  type ResolvedVideoMatchOptions,
  resolveVideoMatchOptions,
  usableFrameHashes,
  type VideoCompareOptions,
  type VideoMatchScore,
  type VideoMatchThresholds,
  videoMatchScore,
} from './match.js';

/** Options for a {@link VideoIndex}. */
export interface VideoIndexOptions extends VideoCompareOptions {
  /**
   * An empty index of 256-bit PDQ hashes to hold the frame hashes. Default: a new
   * {@link MihIndex} (multi-index hashing, exact). The video index owns it from then on.
   */
  frameIndex?: HashIndex<unknown>;
}

/** Per-query overrides of the index's matching settings. */
export interface VideoQueryOptions extends VideoMatchThresholds {
  /** Largest frame distance that counts as a frame match; default the index's (31). */
  maxDistance?: number;
}

/** One known video that an upload matched. */
export interface VideoIndexMatch<M> extends VideoMatchScore {
  /** The id {@link VideoIndex.add} returned. */
  readonly id: number;
  /** What was added with the video. */
  readonly metadata: M;
}

interface StoredVideo<M> {
  readonly metadata: M;
  /** Ids in the frame index of this video's distinct usable frame hashes. */
  readonly entries: readonly number[];
}

/**
 * Known videos, looked up by their frames: "which known videos does this upload match?". Each
 * distinct frame hash is stored once in a {@link HashIndex}; a query looks up all of the upload's
 * frames there in one batch, so the cost grows with the number of frame hashes near the upload's, not with the
 * number of videos. Results are exactly those of {@link compareVideos} against every known video.
 *
 * @example
 * ```ts
 * const index = new VideoIndex<string>();
 * index.add(parseVpdq(knownText), 'case-1234');
 * for (const m of index.query(uploadFrames)) {
 *   console.log(m.metadata, m.comparedMatchPercent, m.queryMatchPercent);
 * }
 * ```
 */
export class VideoIndex<M = unknown> {
  readonly #options: ResolvedVideoMatchOptions;
  readonly #frames: HashIndex<unknown>;
  readonly #videos = new Map<number, StoredVideo<M>>();
  /** Frame-index entry id -> ids of the videos holding that frame hash. */
  readonly #owners = new Map<number, number[]>();
  #nextId = 0;

  constructor(options: VideoIndexOptions = {}) {
    this.#options = resolveVideoMatchOptions(options);
    const frames = options.frameIndex ?? new MihIndex<unknown>({ algorithm: 'pdq', bits: 256 });
    if (frames === null || typeof frames !== 'object' || typeof frames.query !== 'function') {
      throw invalidArgument('a HashIndex', 'frameIndex', frames);
    }
    if (frames.algorithm !== 'pdq' || frames.bits !== 256) {
      throw new ImprintError(
        'ERR_ALGORITHM_MISMATCH',
        `The frame index must hold 256-bit pdq hashes, not ${frames.bits}-bit ${frames.algorithm}`,
      );
    }
    if (frames.size !== 0) throw invalidArgument('an empty index', 'frameIndex', `${frames.size} hashes`);
    this.#frames = frames;
  }

  /** Number of videos added (and not removed). */
  get size(): number {
    return this.#videos.size;
  }

  /** Number of distinct frame hashes stored in the frame index. */
  get frameHashes(): number {
    return this.#frames.size;
  }

  /**
   * Adds a known video's frames (low-quality frames and repeats are dropped, as in matching) and
   * returns its id. A video with no usable frame is kept but can never match.
   */
  add(frames: readonly VideoFrameHash[], metadata: M): number {
    const hashes = usableFrameHashes(frames, this.#options.minQuality);
    const id = this.#nextId++;
    const entries = hashes.map((h) => this.#frames.add(h));
    for (const entry of entries) {
      const owners = this.#owners.get(entry);
      if (owners) owners.push(id);
      else this.#owners.set(entry, [id]);
    }
    this.#videos.set(id, { metadata, entries });
    return id;
  }

  /** Removes a video; frame hashes no other video holds leave the frame index. False if unknown. */
  remove(id: number): boolean {
    const video = this.#videos.get(id);
    if (!video) return false;
    this.#videos.delete(id);
    for (const entry of video.entries) {
      const owners = this.#owners.get(entry)!.filter((v) => v !== id);
      if (owners.length > 0) this.#owners.set(entry, owners);
      else {
        this.#owners.delete(entry);
        this.#frames.remove(entry);
      }
    }
    return true;
  }

  /** The metadata a video was added with, or undefined. */
  get(id: number): M | undefined {
    return this.#videos.get(id)?.metadata;
  }

  /**
   * Every known video the upload matches, best first (highest compared percentage, then query
   * percentage, then id). Set both thresholds to 0 to get every video sharing at least one frame.
   */
  query(frames: readonly VideoFrameHash[], options: VideoQueryOptions = {}): VideoIndexMatch<M>[] {
    const o = resolveVideoMatchOptions({
      ...this.#options,
      maxDistance: options.maxDistance ?? this.#options.maxDistance,
      minComparedMatchPercent: options.minComparedMatchPercent ?? this.#options.minComparedMatchPercent,
      minQueryMatchPercent: options.minQueryMatchPercent ?? this.#options.minQueryMatchPercent,
    });
    const hashes = usableFrameHashes(frames, o.minQuality);
    // Per candidate video: which query frames found it, and which of its frames were found.
    const hits = new Map<number, { query: Set<number>; compared: Set<number> }>();
    const batch = this.#frames.queryBatch(hashes, { maxDistance: o.maxDistance });
    for (let i = 0; i < batch.length; i++) {
      const entry = batch.ids[i]!;
      for (const video of this.#owners.get(entry) ?? []) {
        let hit = hits.get(video);
        if (!hit) {
          hit = { query: new Set(), compared: new Set() };
          hits.set(video, hit);
        }
        hit.query.add(batch.queries[i]!);
        hit.compared.add(entry);
      }
    }
    const out: VideoIndexMatch<M>[] = [];
    for (const [id, hit] of hits) {
      const video = this.#videos.get(id)!;
      const score = videoMatchScore(
        hashes.length,
        video.entries.length,
        hit.query.size,
        hit.compared.size,
        o,
      );
      if (score.isMatch) out.push({ id, metadata: video.metadata, ...score });
    }
    return out.sort(
      (a, b) =>
        b.comparedMatchPercent - a.comparedMatchPercent ||
        b.queryMatchPercent - a.queryMatchPercent ||
        a.id - b.id,
    );
  }
}

/**
 * vPDQ matching (facebook/ThreatExchange `vpdq/README.md`): a video is a bag of frame hashes.
 * Frames below a quality are dropped, identical hashes count once, and a frame of one video
 * matches when any frame of the other is within a Hamming distance. Two videos match when enough
 * of the known ("compared") video is found in the query and, optionally, enough of the query in it.
 */
import { ImprintError, invalidArgument } from '../core/errors.js';
import { type Hash, hashToHex, popcount32 } from '../core/hash.js';
import { packHash } from '../matching/packed.js';
import type { VideoFrameHash } from './frame-hash.js';

/**
 * Frames with a PDQ quality below this are not matched (vPDQ's and PDQ's default).
 *
 * @example
 * ```ts
 * compareVideos(upload, known, { minQuality: VPDQ_MIN_QUALITY + 20 }); // stricter than vPDQ
 * ```
 */
export const VPDQ_MIN_QUALITY = 50;
/**
 * Two frames match when at most this many of their 256 bits differ.
 *
 * @example
 * ```ts
 * compareVideos(upload, known, { maxDistance: VPDQ_MAX_DISTANCE - 6 });
 * ```
 */
export const VPDQ_MAX_DISTANCE = 31;
/**
 * Default share (percent) of the known video's frames that must be found in the query.
 *
 * @example
 * ```ts
 * compareVideos(upload, known, { minComparedMatchPercent: VPDQ_MIN_COMPARED_MATCH_PERCENT / 2 }); // parts of a known video
 * ```
 */
export const VPDQ_MIN_COMPARED_MATCH_PERCENT = 80;
/**
 * Default share (percent) of the query's frames that must be found in the known video.
 *
 * @example
 * ```ts
 * compareVideos(upload, known, { minQueryMatchPercent: VPDQ_MIN_QUERY_MATCH_PERCENT + 50 });
 * ```
 */
export const VPDQ_MIN_QUERY_MATCH_PERCENT = 0;

/** When two videos count as a match (vPDQ README: P_c and P_q). */
export interface VideoMatchThresholds {
  /**
   * Percent of the known (compared) video's usable frames that must match a query frame.
   * Default 80. Lower it to find uploads that contain only part of a known video.
   */
  minComparedMatchPercent?: number;
  /**
   * Percent of the query's usable frames that must match a frame of the known video. Default 0,
   * so an upload padded with other content still matches. Raise it (and lower the other) to
   * find uploads that are clips of a longer known video.
   */
  minQueryMatchPercent?: number;
}

/** Options for {@link compareVideos}. */
export interface VideoCompareOptions extends VideoMatchThresholds {
  /** Largest frame distance that counts as a frame match. Default 31. */
  maxDistance?: number;
  /** Frames with a lower quality are left out on both sides. Default 50. */
  minQuality?: number;
}

/** How much of two videos matched. Percentages are `matched * 100 / usable` (0 when none usable). */
export interface VideoMatchScore {
  /** Percent of the query's usable frames found in the other video. */
  readonly queryMatchPercent: number;
  /** Percent of the known (compared) video's usable frames found in the query. */
  readonly comparedMatchPercent: number;
  /** Distinct frame hashes of the query with quality >= minQuality. */
  readonly queryFrames: number;
  /** Distinct frame hashes of the compared video with quality >= minQuality. */
  readonly comparedFrames: number;
  /** How many of `queryFrames` matched. */
  readonly queryMatchedFrames: number;
  /** How many of `comparedFrames` matched. */
  readonly comparedMatchedFrames: number;
  /** At least one frame matched and both percentages reach their thresholds. */
  readonly isMatch: boolean;
}

/** Checked, defaulted matching settings. */
export interface ResolvedVideoMatchOptions {
  maxDistance: number;
  minQuality: number;
  minComparedMatchPercent: number;
  minQueryMatchPercent: number;
}

/** Validates options (ERR_INVALID_ARGUMENT) and fills in vPDQ's defaults. */
export function resolveVideoMatchOptions(options: VideoCompareOptions = {}): ResolvedVideoMatchOptions {
  const maxDistance = options.maxDistance ?? VPDQ_MAX_DISTANCE;
  if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > 256) {
    throw invalidArgument('an integer 0..256', 'maxDistance', maxDistance);
  }
  const minQuality = options.minQuality ?? VPDQ_MIN_QUALITY;
  if (typeof minQuality !== 'number' || !(minQuality >= 0) || !Number.isFinite(minQuality)) {
    throw invalidArgument('a finite number >= 0', 'minQuality', minQuality);
  }
  return {
    maxDistance,
    minQuality,
    minComparedMatchPercent: percent(
      options.minComparedMatchPercent,
      VPDQ_MIN_COMPARED_MATCH_PERCENT,
      'minComparedMatchPercent',
    ),
    minQueryMatchPercent: percent(
      options.minQueryMatchPercent,
      VPDQ_MIN_QUERY_MATCH_PERCENT,
      'minQueryMatchPercent',
    ),
  };
}

/**
 * The frame hashes matching uses: quality >= `minQuality`, each distinct hash once (first
 * occurrence kept, in order). Filtering before de-duplicating, as python-threatexchange's vPDQ
 * index does, keeps a hash whose first occurrence happened to be low quality.
 *
 * @example
 * ```ts
 * const hashes = usableFrameHashes(frames); // what vPDQ compares
 * ```
 */
export function usableFrameHashes(
  frames: readonly VideoFrameHash[],
  minQuality: number = VPDQ_MIN_QUALITY,
): Hash[] {
  if (!Array.isArray(frames)) throw invalidArgument('an array of VideoFrameHash', 'frames', frames);
  const seen = new Set<string>();
  const out: Hash[] = [];
  for (const frame of frames) {
    assertPdqFrame(frame);
    if (frame.quality < minQuality) continue;
    const key = hashToHex(frame.hash);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(frame.hash);
  }
  return out;
}

/**
 * Compares two videos as vPDQ does, by brute force over every frame pair (fine for a few videos;
 * use {@link VideoIndex} to look an upload up among many).
 *
 * @example
 * ```ts
 * const score = compareVideos(uploadFrames, knownFrames);
 * if (score.isMatch) console.log(`${score.comparedMatchPercent}% of the known video found`);
 * ```
 */
export function compareVideos(
  query: readonly VideoFrameHash[],
  compared: readonly VideoFrameHash[],
  options: VideoCompareOptions = {},
): VideoMatchScore {
  const o = resolveVideoMatchOptions(options);
  const q = packAll(usableFrameHashes(query, o.minQuality));
  const c = packAll(usableFrameHashes(compared, o.minQuality));
  const queryMatched = countFoundIn(q, c, o.maxDistance);
  const comparedMatched = countFoundIn(c, q, o.maxDistance);
  return videoMatchScore(q.length / 8, c.length / 8, queryMatched, comparedMatched, o);
}

/**
 * Builds a score from counts (shared with the index so both judge a match identically).
 *
 * @example
 * ```ts
 * const options = { maxDistance: 31, minQuality: 50, minComparedMatchPercent: 80, minQueryMatchPercent: 0 };
 * videoMatchScore(60, 40, 30, 36, options).isMatch; // true: 36 of the known video's 40 frames (90%) were found
 * ```
 */
export function videoMatchScore(
  queryFrames: number,
  comparedFrames: number,
  queryMatchedFrames: number,
  comparedMatchedFrames: number,
  o: ResolvedVideoMatchOptions,
): VideoMatchScore {
  const queryMatchPercent = queryFrames === 0 ? 0 : (queryMatchedFrames * 100) / queryFrames;
  const comparedMatchPercent = comparedFrames === 0 ? 0 : (comparedMatchedFrames * 100) / comparedFrames;
  return {
    queryMatchPercent,
    comparedMatchPercent,
    queryFrames,
    comparedFrames,
    queryMatchedFrames,
    comparedMatchedFrames,
    isMatch:
      queryMatchedFrames > 0 &&
      comparedMatchPercent >= o.minComparedMatchPercent &&
      queryMatchPercent >= o.minQueryMatchPercent,
  };
}

/** Throws unless the frame carries a 256-bit PDQ hash and an integer quality. */
export function assertPdqFrame(frame: VideoFrameHash): void {
  if (frame === null || typeof frame !== 'object' || frame.hash === null || typeof frame.hash !== 'object') {
    throw invalidArgument('a VideoFrameHash', 'frame', frame);
  }
  if (frame.hash.algorithm !== 'pdq' || frame.hash.bits !== 256) {
    throw new ImprintError(
      'ERR_ALGORITHM_MISMATCH',
      `vPDQ frames hold 256-bit pdq hashes, not ${frame.hash.bits}-bit ${frame.hash.algorithm}`,
    );
  }
  if (typeof frame.quality !== 'number' || Number.isNaN(frame.quality)) {
    throw invalidArgument('a number', 'frame.quality', frame.quality);
  }
}

function percent(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !(v >= 0 && v <= 100)) throw invalidArgument('a number 0..100', name, v);
  return v;
}

function packAll(hashes: readonly Hash[]): Uint32Array {
  const words = new Uint32Array(hashes.length * 8);
  for (let i = 0; i < hashes.length; i++) packHash(hashes[i]!, words, i * 8);
  return words;
}

/** How many hashes of `a` have at least one hash of `b` within `maxDistance`. */
function countFoundIn(a: Uint32Array, b: Uint32Array, maxDistance: number): number {
  let count = 0;
  for (let i = 0; i < a.length; i += 8) {
    for (let j = 0; j < b.length; j += 8) {
      let d = 0;
      for (let w = 0; w < 8 && d <= maxDistance; w++) d += popcount32(a[i + w]! ^ b[j + w]!);
      if (d <= maxDistance) {
        count++;
        break;
      }
    }
  }
  return count;
}

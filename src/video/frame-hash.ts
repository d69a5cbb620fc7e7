import { invalidArgument } from '../core/errors.js';
import type { Hash } from '../core/hash.js';

/**
 * One hashed video frame, as vPDQ records it (its `vpdqFeature`): which frame, its PDQ hash and
 * quality, and when it is shown. A video's fingerprint is the list of these for its sampled frames.
 */
export interface VideoFrameHash {
  /** 0-based index of the frame in decoding output order (every frame counts, sampled or not). */
  readonly frameNumber: number;
  /** PDQ quality of the frame, 0..100; frames below 50 are left out of matching. */
  readonly quality: number;
  /** The frame's 256-bit PDQ hash (full-resolution flavour). */
  readonly hash: Hash;
  /** Seconds from the start: `frameNumber / frameRate`, in float32 as vPDQ computes it. */
  readonly timestamp: number;
}

/**
 * vPDQ's frame selection: every `step`-th decoded frame is hashed, where
 * `step = trunc(secondsPerHash * frameRate)`, at least 1. `secondsPerHash = 0` hashes every frame.
 * `frameRate` is the stream's average frame rate (FFmpeg `avg_frame_rate`, else `r_frame_rate`).
 *
 * @example
 * ```ts
 * frameStep(1, 30000 / 1001); // 29: frames 0, 29, 58, ... are hashed
 * ```
 */
export function frameStep(secondsPerHash: number, frameRate: number): number {
  if (typeof secondsPerHash !== 'number' || !Number.isFinite(secondsPerHash) || secondsPerHash < 0) {
    throw invalidArgument('a finite number >= 0', 'secondsPerHash', secondsPerHash);
  }
  if (typeof frameRate !== 'number' || !Number.isFinite(frameRate) || frameRate <= 0) {
    throw invalidArgument('a finite number > 0', 'frameRate', frameRate);
  }
  // vPDQ: static_cast<int>(secondsPerHash * frameRate) in double, raised to 1 when it truncates to 0.
  return Math.max(1, Math.trunc(secondsPerHash * frameRate));
}

/**
 * A frame's timestamp the way vPDQ computes it: `float(frameNumber) / float(frameRate)` in float32
 * (not the container's presentation time), so written files agree to the last digit.
 *
 * @example
 * ```ts
 * frameTimestamp(1, 30); // 0.03333333507180214 (prints as 0.033)
 * ```
 */
export function frameTimestamp(frameNumber: number, frameRate: number): number {
  if (!Number.isInteger(frameNumber) || frameNumber < 0) {
    throw invalidArgument('a non-negative integer', 'frameNumber', frameNumber);
  }
  if (typeof frameRate !== 'number' || !Number.isFinite(frameRate) || frameRate <= 0) {
    throw invalidArgument('a finite number > 0', 'frameRate', frameRate);
  }
  return Math.fround(Math.fround(frameNumber) / Math.fround(frameRate));
}

import { pdqHash } from '../algorithms/pdq/pdq.js';
import type { ProgressCallback } from '../core/progress.js';
import type { VideoFrameHash } from '../video/frame-hash.js';
import type { VideoProbe } from './ffmpeg.js';
import { readVideoFrames, type VideoFrameOptions } from './video-frames.js';

/** Options for {@link hashVideo} and {@link hashVideoFrames}. */
export interface VideoHashOptions extends VideoFrameOptions {
  /**
   * Called after each hashed frame: phase `hashing video`, `done` the timestamp (s) of the frame
   * just hashed, `total` the video's stated duration (s) when known, `path` the video.
   */
  onProgress?: ProgressCallback;
}

/**
 * Hashes a video as vPDQ does, streaming: each kept frame (every `secondsPerHash`, default 1 s)
 * is hashed at its native size with PDQ (full-resolution flavour) and yielded in frame order.
 * Same errors as {@link readVideoFrames}.
 *
 * @example
 * ```ts
 * for await (const f of hashVideoFrames('upload.mp4')) console.log(formatVpdqLine(f));
 * ```
 */
export async function* hashVideoFrames(
  path: string,
  options: VideoHashOptions = {},
): AsyncGenerator<VideoFrameHash, void, undefined> {
  let probe: VideoProbe | undefined;
  const frames = readVideoFrames(path, {
    ...options,
    onProbe: (p) => {
      probe = p;
      options.onProbe?.(p);
    },
  });
  for await (const frame of frames) {
    const { hash, quality } = pdqHash(frame.image, { flavour: 'fullres' });
    options.onProgress?.({ phase: 'hashing video', done: frame.timestamp, total: probe?.duration, path });
    yield { frameNumber: frame.frameNumber, quality, hash, timestamp: frame.timestamp };
  }
}

/**
 * Hashes a video as vPDQ does and returns every frame hash (see {@link hashVideoFrames}); write
 * them with `formatVpdq` for a file `vpdq-hash-video` would also produce.
 *
 * @example
 * ```ts
 * const frames = await hashVideo('upload.mp4', { secondsPerHash: 1, maxDurationSeconds: 600 });
 * const score = compareVideos(frames, parseVpdq(readFileSync('known.txt', 'utf8')));
 * ```
 */
export async function hashVideo(path: string, options: VideoHashOptions = {}): Promise<VideoFrameHash[]> {
  const out: VideoFrameHash[] = [];
  for await (const frame of hashVideoFrames(path, options)) out.push(frame);
  return out;
}

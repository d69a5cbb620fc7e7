/**
 * Decoded video frames from FFmpeg, selected and converted the way vPDQ does it, streamed one at a
 * time (memory holds one frame and one pipe chunk, whatever the video's length).
 *
 * vPDQ decodes with libavcodec and converts each kept frame with
 * `sws_getContext(w, h, pix_fmt, w, h, RGB24, SWS_AREA)`: BT.601 coefficients whatever the stream
 * is tagged, limited range except for `yuvj*` and grey formats. The FFmpeg command below asks for
 * exactly that (`scale` with `flags=area`, `in_color_matrix=bt601`, an explicit `in_range`),
 * because FFmpeg's own defaults follow the stream's colour tags and would change the pixels of,
 * for example, BT.709 or full-range videos.
 */
import { ImprintError, invalidArgument } from '../core/errors.js';
import type { PixelImage } from '../core/pixels.js';
import { frameStep, frameTimestamp } from '../video/frame-hash.js';
import {
  type FfmpegOptions,
  ffmpegCommands,
  lastLine,
  localInputArgs,
  probeVideo,
  spawnFailure,
  spawnTool,
  throwIfAborted,
  type VideoProbe,
} from './ffmpeg.js';

/**
 * Default longest video accepted: 4 hours.
 *
 * @example
 * ```ts
 * const frames = await hashVideo('film.mp4', { maxDurationSeconds: 2 * DEFAULT_MAX_VIDEO_SECONDS });
 * ```
 */
export const DEFAULT_MAX_VIDEO_SECONDS: number = 4 * 3600;
/**
 * Default largest frame accepted: 40 million pixels (8K UHD is 33.2 million).
 *
 * @example
 * ```ts
 * const frames = await hashVideo('upload.mp4', { maxPixels: DEFAULT_MAX_FRAME_PIXELS / 4 });
 * ```
 */
export const DEFAULT_MAX_FRAME_PIXELS = 40_000_000;

/** Options for reading frames. */
export interface VideoFrameOptions extends FfmpegOptions {
  /**
   * Seconds between hashed frames, as vPDQ's `--seconds-per-hash`: every
   * `trunc(secondsPerHash * frameRate)`-th decoded frame is kept. Default 1; 0 keeps every frame.
   */
  secondsPerHash?: number;
  /** Longer videos are refused with ERR_VIDEO_TOO_LONG (checked up front and while decoding). Default 4 h. */
  maxDurationSeconds?: number;
  /** Larger frames are refused with ERR_IMAGE_TOO_LARGE. Default 40 million pixels. */
  maxPixels?: number;
  /** Called once with what ffprobe found, before decoding starts. */
  onProbe?: (probe: VideoProbe) => void;
}

/** One decoded, kept frame. */
export interface VideoFrame {
  /** 0-based index among all decoded frames. */
  readonly frameNumber: number;
  /** `frameNumber / frameRate` in float32, as vPDQ stamps it. */
  readonly timestamp: number;
  /** The frame at its native size, 8-bit RGB. A fresh buffer per frame: safe to keep. */
  readonly image: PixelImage;
}

/**
 * Streams the kept frames of a video's first video stream as RGB images, in order.
 *
 * Throws (when iterated) ERR_FILE_UNREADABLE, ERR_EMPTY_INPUT, ERR_FFMPEG_MISSING,
 * ERR_VIDEO_UNREADABLE, ERR_VIDEO_NO_STREAM, ERR_VIDEO_NO_FRAMES, ERR_VIDEO_TOO_LONG,
 * ERR_IMAGE_TOO_SMALL (a side under 5 px), ERR_IMAGE_TOO_LARGE or ERR_ABORTED. Stopping the
 * iteration early stops FFmpeg.
 *
 * @example
 * ```ts
 * for await (const { frameNumber, image } of readVideoFrames('clip.mp4', { secondsPerHash: 2 })) {
 *   console.log(frameNumber, image.width, image.height);
 * }
 * ```
 */
export async function* readVideoFrames(
  path: string,
  options: VideoFrameOptions = {},
): AsyncGenerator<VideoFrame, void, undefined> {
  const secondsPerHash = options.secondsPerHash ?? 1;
  const maxSeconds = options.maxDurationSeconds ?? DEFAULT_MAX_VIDEO_SECONDS;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_FRAME_PIXELS;
  if (typeof secondsPerHash !== 'number' || !(secondsPerHash >= 0) || !Number.isFinite(secondsPerHash)) {
    throw invalidArgument('a finite number >= 0', 'secondsPerHash', secondsPerHash);
  }
  if (typeof maxSeconds !== 'number' || !(maxSeconds > 0)) {
    throw invalidArgument('a number > 0 (Infinity for no limit)', 'maxDurationSeconds', maxSeconds);
  }
  if (!Number.isInteger(maxPixels) || maxPixels < 1) {
    throw invalidArgument('a positive integer', 'maxPixels', maxPixels);
  }
  const signal = options.signal;
  const probe = await probeVideo(path, options);
  options.onProbe?.(probe);
  const { width, height, frameRate } = probe;
  const where = { location: { source: path } };
  if (probe.duration !== undefined && probe.duration > maxSeconds) {
    throw new ImprintError(
      'ERR_VIDEO_TOO_LONG',
      `The video lasts ${probe.duration.toFixed(1)} s; the limit is ${maxSeconds} s`,
      where,
    );
  }
  if (width < 5 || height < 5) {
    throw new ImprintError(
      'ERR_IMAGE_TOO_SMALL',
      `PDQ needs frames of at least 5x5 px but this video is ${width}x${height}`,
      where,
    );
  }
  if (width * height > maxPixels) {
    throw new ImprintError(
      'ERR_IMAGE_TOO_LARGE',
      `The frames are ${width}x${height} = ${width * height} px; the limit is ${maxPixels}`,
      where,
    );
  }

  const step = frameStep(secondsPerHash, frameRate);
  const { ffmpeg } = ffmpegCommands(options);
  throwIfAborted(signal);
  const run = spawnTool(ffmpeg, ffmpegFrameArgs(path, probe, step));
  const kill = (): void => {
    run.child.kill('SIGKILL');
  };
  signal?.addEventListener('abort', kill, { once: true });

  const frameBytes = width * height * 3;
  let frame = new Uint8Array(frameBytes);
  let filled = 0;
  let kept = 0;
  try {
    // Async iteration reads the pipe only as fast as frames are consumed, so FFmpeg waits for us.
    for await (const chunk of run.child.stdout! as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - offset);
        frame.set(chunk.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled < frameBytes) continue;
        throwIfAborted(signal); // frames already in the pipe are not worth hashing
        const frameNumber = kept * step;
        if (frameNumber / frameRate > maxSeconds) {
          throw new ImprintError(
            'ERR_VIDEO_TOO_LONG',
            `The video runs past the limit of ${maxSeconds} s (frame ${frameNumber} at ${probe.frameRateFraction} fps)`,
            where,
          );
        }
        yield {
          frameNumber,
          timestamp: frameTimestamp(frameNumber, frameRate),
          image: { width, height, channels: 3, data: frame },
        };
        kept++;
        frame = new Uint8Array(frameBytes);
        filled = 0;
      }
    }
    const end = await run.exited;
    throwIfAborted(signal);
    if (end.error) throw spawnFailure(ffmpeg, end.error);
    // The file opened (ffprobe read it), so no frame at all means none could be decoded; FFmpeg
    // 5.1 then fails ("Cannot determine format of input stream"), newer versions may exit 0.
    if (kept === 0) {
      const said = end.code === 0 ? '' : ` (FFmpeg: ${lastLine(run.stderr(), path)})`;
      throw new ImprintError(
        'ERR_VIDEO_NO_FRAMES',
        `No frame of the ${probe.codec} video stream could be decoded${said}`,
        where,
      );
    }
    if (end.code !== 0) {
      throw new ImprintError(
        'ERR_VIDEO_UNREADABLE',
        `FFmpeg failed after ${kept} kept frames: ${lastLine(run.stderr(), path)}`,
        where,
      );
    }
    if (filled !== 0) {
      throw new ImprintError('ERR_VIDEO_UNREADABLE', 'FFmpeg stopped in the middle of a frame', where);
    }
  } catch (err) {
    throwIfAborted(signal); // a kill on abort surfaces as a broken pipe; report the abort
    throw err;
  } finally {
    signal?.removeEventListener('abort', kill);
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  }
}

/**
 * The FFmpeg command line (after the binary) that writes the kept frames of `path` to stdout as
 * raw RGB24, `probe.width` x `probe.height` each. Exposed so the conversion can be inspected.
 */
export function ffmpegFrameArgs(path: string, probe: VideoProbe, step: number): string[] {
  if (!Number.isInteger(step) || step < 1) throw invalidArgument('a positive integer', 'step', step);
  const filters = [
    // `n` counts every frame the decoder outputs, from 0: vPDQ's frame number.
    ...(step > 1 ? [`select=not(mod(n\\,${step}))`] : []),
    `scale=${probe.width}:${probe.height}:flags=area:in_color_matrix=bt601:in_range=${vpdqInputRange(probe.pixelFormat)}`,
    'format=rgb24',
  ];
  return [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    'error',
    '-noautorotate',
    ...localInputArgs(path),
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-vf',
    filters.join(','),
    // One output frame per kept frame: no duplicates or drops to fit a constant rate.
    '-fps_mode',
    'passthrough',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
}

/**
 * The YUV range swscale assumes when nobody tells it (as in vPDQ): full for `yuvj*` and grey
 * formats, limited otherwise, whatever the stream's own range tag says.
 */
export function vpdqInputRange(pixelFormat: string): 'pc' | 'tv' {
  return /^(yuvj|ya8$|ya16|gray(\d+)?(le|be)?$)/.test(pixelFormat) ? 'pc' : 'tv';
}

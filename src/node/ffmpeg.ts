/**
 * Running FFmpeg: finding the binaries, probing a video with ffprobe, and mapping failures to
 * {@link ImprintError} codes. FFmpeg is an external program (Debian: `apt-get install ffmpeg`,
 * version 5.1 or newer); nothing is downloaded.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { throwIfAborted as abortCheck, ImprintError, invalidArgument } from '../core/errors.js';

/** Where FFmpeg is and how to stop it. */
export interface FfmpegOptions {
  /** The `ffmpeg` binary: a path, or a name looked up on PATH. Default `ffmpeg`. */
  ffmpegPath?: string;
  /** The `ffprobe` binary. Default: `ffprobe` next to `ffmpegPath` when that is a path, else on PATH. */
  ffprobePath?: string;
  /** Aborting kills FFmpeg and rejects with ERR_ABORTED. */
  signal?: AbortSignal;
}

/** What ffprobe reports about a file's first video stream (the stream vPDQ hashes). */
export interface VideoProbe {
  /** Frame size as the stream declares it (codec parameters, as vPDQ reads it). */
  readonly width: number;
  readonly height: number;
  /** FFmpeg's name of the decoded pixel format, e.g. `yuv420p`. */
  readonly pixelFormat: string;
  /** Frames per second: the stream's average frame rate, else its base rate (vPDQ's rule). */
  readonly frameRate: number;
  /** The same rate as FFmpeg's fraction, e.g. `30000/1001`. */
  readonly frameRateFraction: string;
  /** Duration in seconds when the container or stream states one. */
  readonly duration: number | undefined;
  /** Codec and container names, for messages. */
  readonly codec: string;
  readonly container: string;
}

const STDERR_TAIL = 4000;

/** The ffmpeg and ffprobe commands to run. */
export function ffmpegCommands(options: FfmpegOptions = {}): { ffmpeg: string; ffprobe: string } {
  const ffmpeg = options.ffmpegPath ?? 'ffmpeg';
  if (typeof ffmpeg !== 'string' || ffmpeg.length === 0) {
    throw invalidArgument('a non-empty path', 'ffmpegPath', ffmpeg);
  }
  let ffprobe = options.ffprobePath;
  if (ffprobe === undefined) {
    const name = basename(ffmpeg);
    const probeName = name.replace(/ffmpeg/i, 'ffprobe');
    ffprobe = name === ffmpeg || probeName === name ? 'ffprobe' : join(dirname(ffmpeg), probeName);
  }
  if (typeof ffprobe !== 'string' || ffprobe.length === 0) {
    throw invalidArgument('a non-empty path', 'ffprobePath', ffprobe);
  }
  return { ffmpeg, ffprobe };
}

/**
 * Input arguments (for ffmpeg and ffprobe) that keep FFmpeg to the local file named: the `file:`
 * prefix stops a name like `http://...` or `-x` being read as a URL or an option, and the protocol
 * whitelist stops a playlist inside the file from making FFmpeg fetch URLs.
 */
export function localInputArgs(path: string): string[] {
  return ['-protocol_whitelist', 'file', '-i', `file:${resolve(path)}`];
}

/**
 * Checks the file exists and is not empty, then asks ffprobe about its first video stream.
 * Throws ERR_FILE_UNREADABLE, ERR_EMPTY_INPUT, ERR_FFMPEG_MISSING, ERR_VIDEO_UNREADABLE,
 * ERR_VIDEO_NO_STREAM or ERR_ABORTED.
 *
 * @example
 * ```ts
 * const { width, height, frameRate, duration } = await probeVideo('upload.mp4');
 * ```
 */
export async function probeVideo(path: string, options: FfmpegOptions = {}): Promise<VideoProbe> {
  await assertReadableFile(path);
  const { ffprobe } = ffmpegCommands(options);
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=codec_name,width,height,pix_fmt,avg_frame_rate,r_frame_rate,duration:format=duration,format_name',
    '-of',
    'json',
    ...localInputArgs(path),
  ];
  const run = await runToEnd(ffprobe, args, options.signal);
  if (run.code !== 0) {
    throw new ImprintError(
      'ERR_VIDEO_UNREADABLE',
      `FFmpeg cannot read the file: ${lastLine(run.stderr, path)}`,
      {
        location: { source: path },
      },
    );
  }
  let info: ProbeJson;
  try {
    info = JSON.parse(run.stdout) as ProbeJson;
  } catch (err) {
    throw new ImprintError('ERR_INTERNAL', 'ffprobe printed something that is not JSON', { cause: err });
  }
  const stream = info.streams?.[0];
  const container = info.format?.format_name ?? 'unknown';
  if (!stream) {
    throw new ImprintError('ERR_VIDEO_NO_STREAM', `The file (${container}) has no video stream`, {
      location: { source: path },
    });
  }
  const width = stream.width ?? 0;
  const height = stream.height ?? 0;
  const codec = stream.codec_name ?? 'unknown';
  if (!(width > 0 && height > 0)) {
    throw new ImprintError('ERR_VIDEO_UNREADABLE', `The ${codec} video stream has no frame size`, {
      location: { source: path },
    });
  }
  // vPDQ: avg_frame_rate, or r_frame_rate when the average is 0/0 (unknown).
  const avg = parseRate(stream.avg_frame_rate);
  const rate = avg ?? parseRate(stream.r_frame_rate);
  if (!rate) {
    throw new ImprintError('ERR_VIDEO_UNREADABLE', `The ${codec} video stream has no frame rate`, {
      location: { source: path },
    });
  }
  const duration = parseSeconds(info.format?.duration) ?? parseSeconds(stream.duration);
  return {
    width,
    height,
    pixelFormat: stream.pix_fmt ?? 'unknown',
    frameRate: rate.value,
    frameRateFraction: rate.fraction,
    duration,
    codec,
    container,
  };
}

/** A running FFmpeg process whose exit is awaited as a value, never as an unhandled error. */
export interface Spawned {
  readonly child: ChildProcess;
  /** Resolves when the process has exited and its streams are closed. */
  readonly exited: Promise<{ code: number | null; error?: Error }>;
  /** The last few thousand characters FFmpeg wrote to stderr. */
  stderr(): string;
}

/** Starts a process with stdout piped and stderr kept (its tail) for error messages. */
export function spawnTool(command: string, args: string[]): Spawned {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  let tail = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => {
    tail = (tail + s).slice(-STDERR_TAIL);
  });
  const exited = new Promise<{ code: number | null; error?: Error }>((done) => {
    child.once('error', (error) => done({ code: null, error }));
    child.once('close', (code) => done({ code }));
  });
  return { child, exited, stderr: () => tail };
}

/** Maps a failure to start FFmpeg to ERR_FFMPEG_MISSING (not found / not executable). */
export function spawnFailure(command: string, error: Error): ImprintError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'EACCES') {
    return new ImprintError(
      'ERR_FFMPEG_MISSING',
      `Cannot run "${command}" (${code}). Install FFmpeg 5.1 or newer (Debian/Ubuntu: apt-get install ffmpeg; ` +
        'macOS: brew install ffmpeg) or give its path (ffmpegPath option, --ffmpeg flag or IMPRINT_FFMPEG).',
      { cause: error },
    );
  }
  return new ImprintError('ERR_INTERNAL', `Cannot run "${command}": ${error.message}`, { cause: error });
}

/**
 * The last non-empty line FFmpeg printed (its actual complaint), without the `file:<path>: `
 * prefix it puts before messages about the input, or a generic phrase.
 */
export function lastLine(stderr: string, path?: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const line = lines.at(-1) ?? 'no message';
  return path === undefined ? line : line.replace(`file:${resolve(path)}: `, '');
}

/** Throws ERR_ABORTED when the signal is aborted. */
/** The abort check of the FFmpeg runs (src/core/errors.ts `throwIfAborted`), with their message. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  abortCheck(signal, 'The operation was aborted');
}

async function runToEnd(
  command: string,
  args: string[],
  signal: AbortSignal | undefined,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  throwIfAborted(signal);
  const run = spawnTool(command, args);
  const kill = (): void => {
    run.child.kill('SIGKILL');
  };
  signal?.addEventListener('abort', kill, { once: true });
  let stdout = '';
  run.child.stdout!.setEncoding('utf8');
  run.child.stdout!.on('data', (s: string) => {
    stdout += s;
  });
  try {
    const end = await run.exited;
    throwIfAborted(signal);
    if (end.error) throw spawnFailure(command, end.error);
    return { code: end.code, stdout, stderr: run.stderr() };
  } finally {
    signal?.removeEventListener('abort', kill);
  }
}

async function assertReadableFile(path: string): Promise<void> {
  if (typeof path !== 'string' || path.length === 0) throw invalidArgument('a file path', 'path', path);
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new Error('not a regular file');
    size = s.size;
  } catch (err) {
    throw new ImprintError('ERR_FILE_UNREADABLE', `Cannot read the file: ${(err as Error).message}`, {
      cause: err,
      location: { source: path },
    });
  }
  if (size === 0)
    throw new ImprintError('ERR_EMPTY_INPUT', 'The file is empty', { location: { source: path } });
}

interface ProbeJson {
  streams?: {
    codec_name?: string;
    width?: number;
    height?: number;
    pix_fmt?: string;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    duration?: string;
  }[];
  format?: { duration?: string; format_name?: string };
}

function parseRate(text: string | undefined): { value: number; fraction: string } | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text ?? '');
  if (!m) return undefined;
  const num = Number(m[1]);
  const den = Number(m[2]);
  if (num === 0 || den === 0) return undefined;
  return { value: num / den, fraction: `${num}/${den}` };
}

function parseSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  return Number.isFinite(v) && v >= 0 ? v : undefined;
}

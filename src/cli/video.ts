/**
 * The video side of the CLI: `imprint video hash` / `imprint hash --video` (vPDQ hash files) and
 * `imprint video match` / `imprint match --video` (uploads against known videos).
 */
import { open, opendir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { ImprintError, toImprintError } from '../core/errors.js';
import { hashToHex } from '../core/hash.js';
import { type AtomicFile, openAtomicFile } from '../node/atomic-file.js';
import { hashVideo, type VideoHashOptions } from '../node/hash-video.js';
import { DEFAULT_MAX_VIDEO_SECONDS } from '../node/video-frames.js';
import type { VideoFrameHash } from '../video/frame-hash.js';
import {
  VPDQ_MAX_DISTANCE,
  VPDQ_MIN_COMPARED_MATCH_PERCENT,
  VPDQ_MIN_QUALITY,
  VPDQ_MIN_QUERY_MATCH_PERCENT,
} from '../video/match.js';
import { VideoIndex } from '../video/video-index.js';
import { formatVpdq, formatVpdqJson, parseVpdq, parseVpdqJson } from '../video/vpdq-format.js';
import { intOption, parseCommandArgs } from './args.js';
import { type CliIo, UsageError } from './command.js';
import { EXIT } from './exit-codes.js';
import { videoMatchRow } from './match-rows.js';
import { writeLine } from './output.js';
import { Progress } from './progress.js';

const VIDEO_OPTIONS = `  --seconds-per-hash <s>      seconds between hashed frames (default 1; 0 = every frame), as
                              vpdq-hash-video's -r
  --max-duration <s>          refuse longer videos (default ${DEFAULT_MAX_VIDEO_SECONDS}, 4 hours)
  --ffmpeg <path>             the ffmpeg binary (default $IMPRINT_FFMPEG, else ffmpeg on PATH);
                              ffprobe is taken from the same folder ($IMPRINT_FFPROBE overrides)

Needs FFmpeg 5.1 or newer (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg).`;

export const videoHashHelp: string = `Usage: imprint video hash [options] <video>...
       imprint hash --video [options] <video>...   (the same)

Hashes videos as Meta's vPDQ does: FFmpeg decodes the first video stream, one frame per
--seconds-per-hash is kept and hashed with PDQ at its full size. Output is vPDQ's hash file format,
one line per hashed frame, "frameNumber,quality,pdqHash,timestampSec", the same bytes
vpdq-hash-video writes. A video that fails is reported on stderr with its error code.

Options:
  -o, --output <file>         write to <file> instead of stdout (one video)
  -d, --output-dir <dir>      write <dir>/<video name without extension>.txt for each video
  --json                      NDJSON instead, one object per frame:
                              {"path","frameNumber","quality","hash","timestamp"}
  --format pytx               the vPDQ signal python-threatexchange and HMA store instead: a JSON
                              array of "pdqHash,quality,seconds" (-d writes <name>.json)
${VIDEO_OPTIONS}`;

export const videoMatchHelp: string = `Usage: imprint video match --list <known> [--list <known>...] [options] <video|hashes>...
       imprint match --video --list <known> [options] <video|hashes>...   (the same)

Matches uploads against known videos as vPDQ does: frames below --min-quality are ignored,
identical frame hashes count once, and a frame matches when a frame of the other video is within
--max-distance. A known video matches when at least --min-compared percent of its frames are found
in the upload and at least --min-query percent of the upload's frames are found in it.
Each input and each --list is a video, a vPDQ hash file (as 'imprint video hash' or
vpdq-hash-video write them, or the JSON array of "pdqHash,quality,seconds" python-threatexchange
and HMA store) or a directory of those.

Text output: one line per match, "upload<TAB>queryPercent<TAB>comparedPercent<TAB>known"
(2 decimals), best first; uploads without a match print nothing. --json: one object per upload,
{"path","frames","matches":[{"known","queryMatchPercent","comparedMatchPercent",
"queryMatchedFrames","queryFrames","comparedMatchedFrames","comparedFrames"}]}.

Options:
  --list <file|dir>           known videos (repeatable)
  --min-compared <pct>        share of the known video that must be found (default ${VPDQ_MIN_COMPARED_MATCH_PERCENT})
  --min-query <pct>           share of the upload that must be found (default ${VPDQ_MIN_QUERY_MATCH_PERCENT}); for uploads
                              that are clips of longer known videos use --min-query 80 --min-compared 0
  --all                       list every known video sharing at least one frame (both thresholds 0)
  --max-distance <n>          frame distance that still matches (default ${VPDQ_MAX_DISTANCE})
  --min-quality <n>           ignore frames below this PDQ quality (default ${VPDQ_MIN_QUALITY})
  --json                      NDJSON output, one object per upload
${VIDEO_OPTIONS}`;

const VIDEO_FLAGS = {
  'seconds-per-hash': { type: 'string' },
  'max-duration': { type: 'string' },
  ffmpeg: { type: 'string' },
} as const;

/** The arguments of `imprint hash|match --video ...` without the `--video` (before a `--`). */
export function withoutVideoFlag(args: readonly string[]): string[] {
  const end = args.indexOf('--');
  const flags = end < 0 ? args : args.slice(0, end);
  return [...flags.filter((a) => a !== '--video'), ...(end < 0 ? [] : args.slice(end))];
}

/** `imprint video hash`: prints or writes vPDQ hash files. Resolves to the exit code. */
export async function runVideoHash(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...VIDEO_FLAGS,
    output: { type: 'string', short: 'o' },
    'output-dir': { type: 'string', short: 'd' },
    json: { type: 'boolean' },
    format: { type: 'string' },
  } as const);
  if (positionals.length === 0) throw new UsageError('no input videos');
  const format = values.format ?? 'vpdq';
  if (format !== 'vpdq' && format !== 'pytx') {
    throw new UsageError(`--format expects vpdq or pytx but received "${format}"`);
  }
  if (format === 'pytx' && values.json) throw new UsageError('--format pytx and --json do not combine');
  const write = format === 'pytx' ? (f: VideoFrameHash[]) => `${formatVpdqJson(f)}\n` : formatVpdq;
  if (values.output !== undefined && values['output-dir'] !== undefined) {
    throw new UsageError('give -o or -d, not both');
  }
  if (values.output !== undefined && positionals.length > 1) throw new UsageError('-o takes one video');
  if (values.json && values['output-dir'] !== undefined)
    throw new UsageError('--json writes to stdout or -o');
  if (positionals.length > 1 && !values.json && values['output-dir'] === undefined) {
    throw new UsageError('several videos need -d <dir> (one file each) or --json');
  }
  const hashOptions = videoHashOptions(values, io);
  // Refused before any video is hashed: -o to a directory or into a missing one, -d to no directory.
  const output =
    values.output === undefined
      ? undefined
      : await openAtomicFile(resolve(io.cwd, values.output), { what: 'output' });
  if (values['output-dir'] !== undefined) await checkOutputDir(resolve(io.cwd, values['output-dir']));
  try {
    return await hashVideos(positionals, values, { hashOptions, format, write }, output, io);
  } finally {
    await output?.abandon(); // a no-op after commit
  }
}

async function hashVideos(
  positionals: readonly string[],
  values: { json?: boolean; output?: string; 'output-dir'?: string },
  how: {
    hashOptions: ReturnType<typeof videoHashOptions>;
    format: 'vpdq' | 'pytx';
    write: (frames: VideoFrameHash[]) => string;
  },
  output: AtomicFile | undefined,
  io: CliIo,
): Promise<number> {
  const { hashOptions, format, write } = how;
  let failed = 0;
  const chunks: string[] = [];
  for (const input of positionals) {
    // On a terminal: "hashing clip.mp4 (s) 12/60", seconds hashed of the stated duration.
    const progress = new Progress(io.stderr, io.stderrIsTTY, `hashing ${input} (s)`);
    let frames: VideoFrameHash[];
    try {
      frames = await hashVideo(resolve(io.cwd, input), {
        ...hashOptions,
        onProgress: (p) =>
          progress.update(Math.floor(p.done), 0, p.total === undefined ? undefined : Math.ceil(p.total)),
      });
    } catch (err) {
      progress.clear();
      if (io.signal.aborted) return EXIT.INTERRUPTED;
      failed++;
      io.stderr.write(`imprint video hash: ${input}: ${describe(err)}\n`);
      continue;
    }
    progress.clear();
    if (values['output-dir'] !== undefined) {
      const name = `${basename(input, extname(input))}.${format === 'pytx' ? 'json' : 'txt'}`;
      await writeAtomically(resolve(io.cwd, values['output-dir'], name), write(frames));
    } else if (values.json) {
      const lines = frames.map((f) =>
        JSON.stringify({
          path: input,
          frameNumber: f.frameNumber,
          quality: f.quality,
          hash: hashToHex(f.hash),
          timestamp: f.timestamp,
        }),
      );
      if (values.output === undefined) for (const l of lines) await writeLine(io.stdout, l);
      else chunks.push(...lines.map((l) => `${l}\n`));
    } else if (values.output === undefined) {
      io.stdout.write(write(frames));
    } else {
      chunks.push(write(frames));
    }
  }
  if (output && failed === 0) {
    await output.write(chunks.join(''));
    await output.commit();
  }
  if (failed > 0) {
    io.stderr.write(`imprint video hash: ${failed} of ${positionals.length} videos failed\n`);
    return EXIT.SOME_FAILED;
  }
  return EXIT.OK;
}

/** `imprint video match`: uploads against known videos. Resolves to the exit code. */
export async function runVideoMatch(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...VIDEO_FLAGS,
    list: { type: 'string', multiple: true },
    'min-compared': { type: 'string' },
    'min-query': { type: 'string' },
    all: { type: 'boolean' },
    'max-distance': { type: 'string' },
    'min-quality': { type: 'string' },
    json: { type: 'boolean' },
  } as const);
  const lists = values.list ?? [];
  if (lists.length === 0) throw new UsageError('give the known videos with --list <file|dir>');
  if (positionals.length === 0) throw new UsageError('no uploads to match');
  if (values.all && (values['min-compared'] !== undefined || values['min-query'] !== undefined)) {
    throw new UsageError('--all sets both thresholds to 0; drop --min-compared/--min-query');
  }
  const minCompared = values.all ? 0 : percentOption(values['min-compared'], '--min-compared');
  const minQuery = values.all ? 0 : percentOption(values['min-query'], '--min-query');
  const maxDistance = intOption(values['max-distance'], '--max-distance', VPDQ_MAX_DISTANCE);
  if (maxDistance > 256) throw new UsageError('--max-distance expects an integer 0..256');
  const minQuality = intOption(values['min-quality'], '--min-quality', VPDQ_MIN_QUALITY);
  const hashOptions = videoHashOptions(values, io);

  let failed = 0;
  let inputs = 0;
  const report = (path: string, err: unknown): void => {
    failed++;
    io.stderr.write(`imprint video match: ${path}: ${describe(err)}\n`);
  };

  const index = new VideoIndex<string>({
    maxDistance,
    minQuality,
    minComparedMatchPercent: minCompared ?? VPDQ_MIN_COMPARED_MATCH_PERCENT,
    minQueryMatchPercent: minQuery ?? VPDQ_MIN_QUERY_MATCH_PERCENT,
  });
  for (const list of lists) {
    for (const path of await expand(list, io.cwd)) {
      inputs++;
      try {
        index.add(await loadFrames(path, io.cwd, hashOptions), path);
      } catch (err) {
        if (io.signal.aborted) return EXIT.INTERRUPTED;
        report(path, err);
      }
    }
  }
  io.stderr.write(
    `imprint video match: ${index.size} known videos, ${index.frameHashes} distinct usable frame hashes\n`,
  );

  let matchedUploads = 0;
  for (const input of positionals) {
    for (const path of await expand(input, io.cwd)) {
      inputs++;
      let frames: VideoFrameHash[];
      try {
        frames = await loadFrames(path, io.cwd, hashOptions);
      } catch (err) {
        if (io.signal.aborted) return EXIT.INTERRUPTED;
        report(path, err);
        continue;
      }
      const matches = index.query(frames);
      if (matches.length > 0) matchedUploads++;
      if (values.json) {
        await writeLine(
          io.stdout,
          JSON.stringify({
            path,
            frames: frames.length,
            matches: matches.map((m) => ({
              known: m.metadata,
              queryMatchPercent: m.queryMatchPercent,
              comparedMatchPercent: m.comparedMatchPercent,
              queryMatchedFrames: m.queryMatchedFrames,
              queryFrames: m.queryFrames,
              comparedMatchedFrames: m.comparedMatchedFrames,
              comparedFrames: m.comparedFrames,
            })),
          }),
        );
      } else {
        for (const m of matches) await writeLine(io.stdout, videoMatchRow(path, m));
      }
    }
  }
  if (failed > 0) {
    io.stderr.write(`imprint video match: ${failed} of ${inputs} inputs failed\n`);
    return EXIT.SOME_FAILED;
  }
  return matchedUploads > 0 ? EXIT.OK : EXIT.NO_MATCH;
}

function videoHashOptions(
  values: {
    'seconds-per-hash'?: string | undefined;
    'max-duration'?: string | undefined;
    ffmpeg?: string | undefined;
  },
  io: CliIo,
): VideoHashOptions {
  const ffmpegPath = values.ffmpeg ?? process.env.IMPRINT_FFMPEG;
  const ffprobePath = process.env.IMPRINT_FFPROBE;
  return {
    secondsPerHash: numberOption(values['seconds-per-hash'], '--seconds-per-hash', 1, 0),
    maxDurationSeconds: numberOption(
      values['max-duration'],
      '--max-duration',
      DEFAULT_MAX_VIDEO_SECONDS,
      1e-3,
    ),
    signal: io.signal,
    ...(ffmpegPath ? { ffmpegPath } : {}),
    ...(ffprobePath ? { ffprobePath } : {}),
  };
}

/**
 * Frames of a vPDQ hash file (vpdq-hash-video lines, or the JSON array of compact strings
 * python-threatexchange and HMA store; recognised by how it starts) or of a video (FFmpeg).
 */
async function loadFrames(path: string, cwd: string, options: VideoHashOptions): Promise<VideoFrameHash[]> {
  const full = resolve(cwd, path);
  const kind = await vpdqFileKind(full);
  if (kind === 'lines') return parseVpdq(await readFile(full, 'utf8'), { source: path });
  if (kind === 'json') return parseVpdqJson(await readFile(full, 'utf8'), { source: path });
  return hashVideo(full, options);
}

const VPDQ_LINE = /^\uFEFF?\s*\d+\s*,\s*\d+\s*,\s*[0-9a-fA-F]{64}\s*,/;
const VPDQ_JSON = /^\uFEFF?\s*\[\s*("[0-9a-fA-F]{64},|\])/;

async function vpdqFileKind(path: string): Promise<'lines' | 'json' | undefined> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const buf = Buffer.alloc(256);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead).toString('latin1');
    if (VPDQ_LINE.test(head)) return 'lines';
    return VPDQ_JSON.test(head) ? 'json' : undefined;
  } catch {
    return undefined; // let the video reader report it with its proper code
  } finally {
    await handle?.close();
  }
}

/** A directory's regular files (or links to them), sorted (not recursive); anything else as given. */
async function expand(input: string, cwd: string): Promise<string[]> {
  const full = resolve(cwd, input);
  try {
    if (!(await stat(full)).isDirectory()) return [input];
  } catch {
    return [input];
  }
  const names: string[] = [];
  for await (const entry of await opendir(full)) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isFile()) names.push(entry.name);
    else if (entry.isSymbolicLink()) {
      // Followed: a link to a video is a video; one that leads nowhere is reported by the reader.
      const target = await stat(join(full, entry.name)).catch(() => undefined);
      if (!target || target.isFile()) names.push(entry.name);
    }
  }
  return names.sort().map((n) => join(input, n));
}

function numberOption(value: string | undefined, flag: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n >= min)) {
    throw new UsageError(`${flag} expects a number >= ${min} but received "${value}"`);
  }
  return n;
}

function percentOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = numberOption(value, flag, 0, 0);
  if (n > 100) throw new UsageError(`${flag} expects a percentage 0..100 but received "${value}"`);
  return n;
}

/** "CODE: message", without the file name the caller already printed. */
function describe(err: unknown): string {
  const e = toImprintError(err);
  const source = e.location?.source;
  // The caller prints the file name; keep what follows it (e.g. "line 2: ...").
  const message =
    source !== undefined && e.message.startsWith(`${source}:`)
      ? e.message.slice(source.length + 1).trimStart()
      : e.message;
  return `${e.code}: ${message}`;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const file = await openAtomicFile(path, { what: 'output' });
  try {
    await file.write(text);
    await file.commit();
  } catch (err) {
    await file.abandon();
    throw err;
  }
}

/** An -d directory that is not one is refused before any work (ERR_FILE_UNWRITABLE). */
async function checkOutputDir(dir: string): Promise<void> {
  let isDir = false;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) {
    throw new ImprintError('ERR_FILE_UNWRITABLE', 'Cannot write output (no such directory)', {
      location: { source: dir },
    });
  }
}

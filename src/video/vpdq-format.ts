/**
 * vPDQ's hash file format, as `vpdq-hash-video` writes it and its matchers read it: one line per
 * hashed frame, `frameNumber,quality,pdqHash,timestampSec`, the timestamp with 3 decimals.
 */
import { ImprintError, invalidArgument } from '../core/errors.js';
import { hashFromHex, hashToHex } from '../core/hash.js';
import type { VideoFrameHash } from './frame-hash.js';

const INTEGER = /^[0-9]+$/;
const DECIMAL = /^[0-9]+(\.[0-9]+)?$/;
const HEX64 = /^[0-9a-fA-F]{64}$/;

/**
 * Formats seconds with 3 decimals exactly as C's `printf("%.3f")` does: the exact binary value is
 * rounded, ties to even. `toFixed` rounds ties up, which differs for values like 0.0625 (1/16 s).
 */
export function formatVpdqTimestamp(seconds: number): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds >= 1e15) {
    throw invalidArgument('a finite number of seconds >= 0', 'timestamp', seconds);
  }
  // A value lies exactly halfway between two thousandths only when 16 * value is an odd integer
  // ((2m+1)/2000 is a binary fraction only if 125 divides 2m+1). Multiplying by 16 is exact.
  const sixteenths = seconds * 16;
  if (!Number.isInteger(sixteenths) || sixteenths % 2 === 0) return seconds.toFixed(3);
  const below = Math.floor(seconds * 1000); // exact: seconds * 1000 = 62.5 * sixteenths
  const thousandths = below % 2 === 0 ? below : below + 1;
  return `${Math.floor(thousandths / 1000)}.${String(thousandths % 1000).padStart(3, '0')}`;
}

/**
 * One frame as a vPDQ file line (without the newline).
 *
 * @example
 * ```ts
 * formatVpdqLine(frame); // '0,100,e6cf059c...c666,0.000'
 * ```
 */
export function formatVpdqLine(frame: VideoFrameHash): string {
  if (!Number.isInteger(frame.frameNumber) || frame.frameNumber < 0) {
    throw invalidArgument('a non-negative integer', 'frameNumber', frame.frameNumber);
  }
  if (!Number.isInteger(frame.quality) || frame.quality < 0 || frame.quality > 100) {
    throw invalidArgument('an integer 0..100', 'quality', frame.quality);
  }
  if (frame.hash.algorithm !== 'pdq' || frame.hash.bits !== 256) {
    throw new ImprintError(
      'ERR_ALGORITHM_MISMATCH',
      `vPDQ frames hold 256-bit pdq hashes, not ${frame.hash.bits}-bit ${frame.hash.algorithm}`,
    );
  }
  return `${frame.frameNumber},${frame.quality},${hashToHex(frame.hash)},${formatVpdqTimestamp(frame.timestamp)}`;
}

/**
 * A whole vPDQ hash file: one line per frame, each ending in `\n`, byte-identical to what
 * `vpdq-hash-video` writes for the same frames.
 *
 * @example
 * ```ts
 * writeFileSync('video.txt', formatVpdq(frames));
 * ```
 */
export function formatVpdq(frames: Iterable<VideoFrameHash>): string {
  let out = '';
  for (const frame of frames) out += `${formatVpdqLine(frame)}\n`;
  return out;
}

/** Where a parsed line came from, for error messages. */
export interface VpdqParseOptions {
  /** File name or any label, named in errors. */
  source?: string;
}

/**
 * Parses one vPDQ line (`frameNumber,quality,pdqHash,timestampSec`). Throws ERR_HASH_LIST_SYNTAX
 * naming `source` and `line` when the line is malformed.
 */
export function parseVpdqLine(text: string, line = 1, options: VpdqParseOptions = {}): VideoFrameHash {
  const fail = (why: string): ImprintError =>
    new ImprintError('ERR_HASH_LIST_SYNTAX', why, {
      location: { ...(options.source === undefined ? {} : { source: options.source }), line },
    });
  const fields = text.split(',');
  if (fields.length !== 4) {
    throw fail(
      `expected 4 comma-separated fields (frameNumber,quality,pdqHash,timestampSec) but found ${fields.length}`,
    );
  }
  const [frame, quality, hex, time] = fields.map((f) => f.trim()) as [string, string, string, string];
  if (HEX64.test(quality) && INTEGER.test(hex)) {
    // The Python binding's README prints frame,hash,quality,timestamp; say so rather than "bad hash".
    throw fail('fields 2 and 3 look swapped: vPDQ files are frameNumber,quality,pdqHash,timestampSec');
  }
  if (!INTEGER.test(frame) || !Number.isSafeInteger(Number(frame))) {
    throw fail(`frameNumber must be a non-negative integer but is "${frame}"`);
  }
  if (!INTEGER.test(quality) || Number(quality) > 100) {
    throw fail(`quality must be an integer 0..100 but is "${quality}"`);
  }
  if (!HEX64.test(hex)) throw fail(`pdqHash must be 64 hex digits but is "${clip(hex)}"`);
  if (!DECIMAL.test(time)) throw fail(`timestampSec must be a non-negative decimal but is "${clip(time)}"`);
  const q = Number(quality);
  return {
    frameNumber: Number(frame),
    quality: q,
    hash: hashFromHex('pdq', 256, hex.toLowerCase(), q),
    timestamp: Number(time),
  };
}

/**
 * Parses a vPDQ hash file. Blank lines, a final newline, CRLF endings and a leading byte-order mark are allowed; any other
 * malformed line throws ERR_HASH_LIST_SYNTAX with its 1-based line number. An empty file is a
 * valid video with no frames (vPDQ's own reader refuses it; matching treats it as matching nothing).
 *
 * @example
 * ```ts
 * const frames = parseVpdq(readFileSync('known.txt', 'utf8'), { source: 'known.txt' });
 * ```
 */
export function parseVpdq(text: string, options: VpdqParseOptions = {}): VideoFrameHash[] {
  if (typeof text !== 'string') throw invalidArgument('a string', 'text', text);
  const frames: VideoFrameHash[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (i === 0 && line.startsWith('\uFEFF')) line = line.slice(1); // a byte-order mark from Windows editors
    if (line.trim().length === 0) continue;
    frames.push(parseVpdqLine(line, i + 1, options));
  }
  return frames;
}

function clip(s: string): string {
  return s.length > 70 ? `${s.slice(0, 67)}...` : s;
}

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

// ---- python-threatexchange / HMA compact form -------------------------------------------------

/**
 * Formats a number as Python's `format(x, '.3')` does (`f"{x:.3}"`): three significant digits,
 * the exact binary value rounded half to even, fixed-point with at least one decimal unless the
 * exponent is below -4 or at least 2, then scientific (`1e+02`, `1.23e+02`). This is how
 * python-threatexchange's `VpdqCompactFeature.__str__` writes timestamps.
 *
 * @example
 * ```ts
 * formatPythonPrecision3(1 / 30); // '0.0333'
 * formatPythonPrecision3(123.456); // '1.23e+02'
 * ```
 */
export function formatPythonPrecision3(x: number): string {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) {
    throw invalidArgument('a finite number >= 0', 'timestamp', x);
  }
  if (x === 0) return '0.0';
  // x = m * 2^e exactly; find three significant decimal digits with exact integer arithmetic.
  const [m, e] = exactBinary(x);
  let exp = Math.floor(Math.log10(x));
  const scaled = (k: number): [bigint, bigint] => {
    // x / 10^(k - 2) as the fraction num / den.
    const shift = k - 2;
    let num = m;
    let den = 1n;
    if (e >= 0) num <<= BigInt(e);
    else den <<= BigInt(-e);
    if (shift >= 0) den *= 10n ** BigInt(shift);
    else num *= 10n ** BigInt(-shift);
    return [num, den];
  };
  // Correct the estimated exponent so that 100 <= x / 10^(exp-2) < 1000.
  for (;;) {
    const [num, den] = scaled(exp);
    if (num < 100n * den) exp--;
    else if (num >= 1000n * den) exp++;
    else break;
  }
  const [num, den] = scaled(exp);
  let digits = num / den;
  const rest = (num % den) * 2n;
  if (rest > den || (rest === den && digits % 2n === 1n)) digits++;
  if (digits === 1000n) {
    digits = 100n;
    exp++;
  }
  const s = digits.toString(); // three digits
  if (exp < -4 || exp >= 2) {
    const mantissa = `${s[0]}.${s.slice(1)}`.replace(/\.?0+$/, '');
    return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const point = exp + 1; // digits before the decimal point
  const text = point <= 0 ? `0.${'0'.repeat(-point)}${s}` : `${s.slice(0, point)}.${s.slice(point)}`;
  return text.replace(/0+$/, '').replace(/\.$/, '.0');
}

/** A finite double as m * 2^e with m an integer. */
function exactBinary(x: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  return biased === 0 ? [fraction, -1074] : [fraction | (1n << 52n), biased - 1075];
}

/**
 * Frames as python-threatexchange and hasher-matcher-actioner store a vPDQ signal
 * (`extensions/vpdq/vpdq_util.py` `vpdq_to_json`): a JSON array of compact
 * `"pdqHash,quality,timestamp"` strings, the timestamp with three significant digits. The frame
 * numbers are not kept.
 *
 * @example
 * ```ts
 * formatVpdqJson(frames); // '["e6cf059c...c666,100,0.0", "e6cf059c...c666,100,0.033", ...]'
 * ```
 */
export function formatVpdqJson(frames: Iterable<VideoFrameHash>): string {
  const items: string[] = [];
  for (const frame of frames) {
    // Checks the frame as a vPDQ line would be checked.
    const [, quality, hex] = formatVpdqLine(frame).split(',');
    items.push(JSON.stringify(`${hex},${quality},${formatPythonPrecision3(frame.timestamp)}`));
  }
  return `[${items.join(', ')}]`;
}

const COMPACT = /^([0-9a-fA-F]{64}),([0-9]{1,3}),([0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)$/;

/**
 * Parses the JSON array of compact `"pdqHash,quality,timestamp"` strings python-threatexchange and
 * HMA store for a vPDQ signal. Frames are numbered by their position. A malformed document or
 * element throws ERR_HASH_LIST_SYNTAX naming `source` (the element's index in the message).
 *
 * @example
 * ```ts
 * const frames = parseVpdqJson(readFileSync('known.json', 'utf8'), { source: 'known.json' });
 * ```
 */
export function parseVpdqJson(text: string, options: VpdqParseOptions = {}): VideoFrameHash[] {
  if (typeof text !== 'string') throw invalidArgument('a string', 'text', text);
  const fail = (why: string): ImprintError =>
    new ImprintError('ERR_HASH_LIST_SYNTAX', why, {
      ...(options.source === undefined ? {} : { location: { source: options.source } }),
    });
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw fail(`not a JSON document: ${(err as Error).message}`);
  }
  if (!Array.isArray(value)) throw fail('expected a JSON array of "pdqHash,quality,timestamp" strings');
  return value.map((item, i) => {
    const m = typeof item === 'string' ? COMPACT.exec(item.trim()) : null;
    const quality = m ? Number(m[2]) : Number.NaN;
    if (!m || quality > 100) {
      throw fail(
        `element ${i}: expected "pdqHash,quality,timestamp" but received ${clip(JSON.stringify(item) ?? String(item))}`,
      );
    }
    return {
      frameNumber: i,
      quality,
      hash: hashFromHex('pdq', 256, m[1]!.toLowerCase(), quality),
      timestamp: Number(m[3]),
    };
  });
}

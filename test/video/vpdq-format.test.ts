import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isImprintError } from '../../src/core/errors.js';
import { hashFromHex } from '../../src/core/hash.js';
import { frameStep, frameTimestamp } from '../../src/video/frame-hash.js';
import {
  formatPythonPrecision3,
  formatVpdq,
  formatVpdqJson,
  formatVpdqLine,
  formatVpdqTimestamp,
  parseVpdq,
  parseVpdqJson,
} from '../../src/video/vpdq-format.js';
import { fixture, fixtureLines } from '../helpers.js';

const EXPECTED = readFileSync(fixture('pdq', 'vpdq', 'test-padded-dimensions.expected.txt'), 'utf8');
const HEX = 'e6cf059c4c6696362cc9d6663cd9c263714169d98327399993363d9c3d9cc666';

/** printf("%.3f") of a double, from its exact binary value with BigInt arithmetic (ties to even). */
function printf3(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
  const shift = (exponent === 0 ? 1 : exponent) - 1075; // x = mantissa * 2^shift
  let q: bigint;
  if (shift >= 0) q = mantissa * 1000n * (1n << BigInt(shift));
  else {
    const den = 1n << BigInt(-shift);
    const num = mantissa * 1000n;
    q = num / den;
    const twice = 2n * (num % den);
    if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  }
  return `${q / 1000n}.${(q % 1000n).toString().padStart(3, '0')}`;
}

describe('vPDQ file format', () => {
  it('reads the reference file and writes it back byte for byte', () => {
    const frames = parseVpdq(EXPECTED, { source: 'expected.txt' });
    expect(frames).toHaveLength(150);
    expect(frames[0]).toMatchObject({ frameNumber: 0, quality: 100, timestamp: 0 });
    expect(frames[0]!.hash.quality).toBe(100);
    expect(formatVpdq(frames)).toBe(EXPECTED);
  });

  it('stamps frames as vPDQ does: float(frameNumber) / float(frameRate), printed with %.3f', () => {
    // The reference file is every frame of a 30 fps video.
    fixtureLines('pdq', 'vpdq', 'test-padded-dimensions.expected.txt').forEach((line, n) => {
      expect(line.split(',')[3]).toBe(formatVpdqTimestamp(frameTimestamp(n, 30)));
    });
  });

  it('prints timestamps exactly like printf("%.3f"), ties to even', () => {
    expect(formatVpdqTimestamp(0.0625)).toBe('0.062'); // toFixed(3) says 0.063
    expect(formatVpdqTimestamp(0.1875)).toBe('0.188');
    expect(formatVpdqTimestamp(frameTimestamp(1, 16))).toBe('0.062');
    fc.assert(
      fc.property(fc.nat(2_000_000), fc.double({ min: 0.5, max: 240, noNaN: true }), (n, fps) => {
        const t = frameTimestamp(n, fps);
        expect(formatVpdqTimestamp(t)).toBe(printf3(t));
      }),
    );
    fc.assert(
      fc.property(fc.nat(1 << 24), (sixteenths) => {
        expect(formatVpdqTimestamp(sixteenths / 16)).toBe(printf3(sixteenths / 16));
      }),
    );
  });

  it('round-trips any frames through text (timestamps to 3 decimals)', () => {
    const frame = fc.record({
      frameNumber: fc.nat(10_000_000),
      quality: fc.integer({ min: 0, max: 100 }),
      hex: fc.stringMatching(/^[0-9a-f]{64}$/),
      timestamp: fc.nat(100_000_000).map((ms) => ms / 1000),
    });
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 20 }), (records) => {
        const frames = records.map((r) => ({
          frameNumber: r.frameNumber,
          quality: r.quality,
          hash: hashFromHex('pdq', 256, r.hex, r.quality),
          timestamp: r.timestamp,
        }));
        const text = formatVpdq(frames);
        expect(parseVpdq(text)).toEqual(frames);
        expect(formatVpdq(parseVpdq(text))).toBe(text);
      }),
    );
  });

  it('accepts CRLF, blank lines, a byte-order mark, upper-case hex and an empty file', () => {
    const text = `\uFEFF0,100,${HEX.toUpperCase()},0.000\r\n\r\n30,99,${HEX},1.000\r\n`;
    const frames = parseVpdq(text);
    expect(frames.map((f) => f.frameNumber)).toEqual([0, 30]);
    expect(formatVpdqLine(frames[0]!)).toBe(`0,100,${HEX},0.000`);
    expect(parseVpdq('')).toEqual([]);
    expect(parseVpdq('\n\n')).toEqual([]);
  });

  it.each([
    [`0,100,${HEX}`, /expected 4 comma-separated fields/],
    [`0,100,${HEX},0.000,extra`, /expected 4 comma-separated fields/],
    [`0,${HEX},100,0.000`, /look swapped/],
    [`-1,100,${HEX},0.000`, /frameNumber must be a non-negative integer/],
    [`x,100,${HEX},0.000`, /frameNumber/],
    [`0,101,${HEX},0.000`, /quality must be an integer 0..100/],
    [`0,50.5,${HEX},0.000`, /quality/],
    [`0,100,${HEX.slice(1)},0.000`, /pdqHash must be 64 hex digits/],
    [`0,100,${HEX.slice(1)}g,0.000`, /pdqHash/],
    [`0,100,${HEX},-1`, /timestampSec must be a non-negative decimal/],
    [`0,100,${HEX},1e3`, /timestampSec/],
  ])('rejects %s naming the source and line', (bad, why) => {
    const text = `0,100,${HEX},0.000\n\n${bad}\n`;
    let caught: unknown;
    try {
      parseVpdq(text, { source: 'known.txt' });
    } catch (err) {
      caught = err;
    }
    expect(isImprintError(caught, 'ERR_HASH_LIST_SYNTAX')).toBe(true);
    const err = caught as Error & { location: unknown };
    expect(err.location).toEqual({ source: 'known.txt', line: 3 });
    expect(err.message).toMatch(/^known\.txt:line 3: /);
    expect(err.message).toMatch(why);
  });

  it('refuses to write frames that are not 256-bit PDQ or have impossible fields', () => {
    const hash = hashFromHex('pdq', 256, HEX, 100);
    const good = { frameNumber: 0, quality: 100, hash, timestamp: 0 };
    const other = { ...good, hash: hashFromHex('phash', 64, '0123456789abcdef') };
    expect(() => formatVpdqLine(other)).toThrow(expect.objectContaining({ code: 'ERR_ALGORITHM_MISMATCH' }));
    for (const bad of [
      { ...good, quality: 101 },
      { ...good, frameNumber: -1 },
      { ...good, frameNumber: 1.5 },
      { ...good, timestamp: Number.NaN },
      { ...good, timestamp: -0.5 },
    ]) {
      expect(() => formatVpdqLine(bad)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    }
  });
});

describe('vPDQ frame selection', () => {
  it('keeps every trunc(secondsPerHash * frameRate)-th frame, at least every frame', () => {
    expect(frameStep(1, 30)).toBe(30);
    expect(frameStep(1, 30000 / 1001)).toBe(29); // 29.97 fps truncates
    expect(frameStep(2, 30000 / 1001)).toBe(59);
    expect(frameStep(0.5, 25)).toBe(12);
    expect(frameStep(0, 30)).toBe(1); // 0 = every frame
    expect(frameStep(1, 0.5)).toBe(1); // less than one frame per second: every frame
    for (const [s, r] of [
      [-1, 30],
      [Number.NaN, 30],
      [1, 0],
      [1, Number.POSITIVE_INFINITY],
    ] as const) {
      expect(() => frameStep(s, r)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    }
  });

  it('timestamps are float32 quotients', () => {
    expect(frameTimestamp(1, 30)).toBe(Math.fround(1 / 30));
    expect(frameTimestamp(29, 30000 / 1001)).toBe(Math.fround(29 / Math.fround(30000 / 1001)));
    expect(() => frameTimestamp(-1, 30)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});

describe('vPDQ as python-threatexchange and HMA store it (JSON array of "hash,quality,timestamp")', () => {
  // fixtures/lists/vpdq-pytx-compact.json: made from the reference file by CPython with
  // python-threatexchange's VpdqCompactFeature.__str__ (f"{hash},{quality},{timestamp:.3}") and json.dumps.
  const COMPACT = readFileSync(fixture('lists', 'vpdq-pytx-compact.json'), 'utf8');

  it("writes timestamps as Python's format(x, '.3'): three significant digits, ties to even", () => {
    // Each right-hand side printed by CPython 3 for the left-hand double.
    const python: [number, string][] = [
      [0.0, '0.0'],
      [0.001, '0.001'],
      [0.0001, '0.0001'],
      [1e-5, '1e-05'],
      [0.033, '0.033'],
      [0.0333, '0.0333'],
      [0.0625, '0.0625'],
      [0.125, '0.125'],
      [0.5, '0.5'],
      [1.0, '1.0'],
      [1.005, '1.0'],
      [1.015, '1.01'],
      [1.025, '1.02'],
      [1.0625, '1.06'],
      [1.125, '1.12'],
      [1.5, '1.5'],
      [2.675, '2.67'],
      [9.995, '9.99'],
      [9.9951, '10.0'],
      [10.0, '10.0'],
      [10.05, '10.1'],
      [10.25, '10.2'],
      [33.3333, '33.3'],
      [99.94, '99.9'],
      [99.95, '1e+02'],
      [99.96, '1e+02'],
      [100.0, '1e+02'],
      [101.0, '1.01e+02'],
      [123.456, '1.23e+02'],
      [1234.5, '1.23e+03'],
      [86399.999, '8.64e+04'],
      [1e15, '1e+15'],
      [4.97, '4.97'],
      [3.3333333, '3.33'],
    ];
    expect(python.map(([x]) => formatPythonPrecision3(x))).toEqual(python.map(([, text]) => text));
  });

  it('writes the reference frames byte for byte as python-threatexchange does, and reads them back', () => {
    // The reference file's hashes and qualities, with vPDQ's own timestamps (float32 frame / 30 fps;
    // the file prints them rounded to 3 decimals).
    const frames = parseVpdq(EXPECTED).map((f) => ({
      ...f,
      timestamp: Math.fround(Math.fround(f.frameNumber) / Math.fround(30)),
    }));
    expect(formatVpdqJson(frames)).toBe(COMPACT);
    const back = parseVpdqJson(COMPACT, { source: 'c.json' });
    expect(back.map((f) => [f.frameNumber, f.quality, f.hash])).toEqual(
      frames.map((f, i) => [i, f.quality, f.hash]),
    );
    // Timestamps keep three significant digits: frame 31 at 1.0333 s is 1.03.
    expect(back.map((f) => f.timestamp)).toEqual(
      (JSON.parse(COMPACT) as string[]).map((s) => Number(s.split(',')[2])),
    );
    expect([back[1]!.timestamp, back[31]!.timestamp]).toEqual([0.0333, 1.03]);
  });

  it('reads scientific timestamps (1.01e+02) and refuses malformed elements naming them', () => {
    const [frame] = parseVpdqJson(`["${HEX},87,1.01e+02"]`);
    expect(frame).toMatchObject({ frameNumber: 0, quality: 87, timestamp: 101 });
    for (const bad of [`{}`, `["${HEX},101,0.0"]`, `["${HEX},100"]`, `[42]`, `[`]) {
      let error: unknown;
      try {
        parseVpdqJson(bad, { source: 'bad.json' });
      } catch (err) {
        error = err;
      }
      expect(isImprintError(error, 'ERR_HASH_LIST_SYNTAX')).toBe(true);
      expect((error as Error).message).toMatch(/^bad\.json: /);
    }
  });
});

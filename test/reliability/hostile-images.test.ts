/**
 * Every odd or hostile image gives a hash or a typed error, within a time bound, never a crash,
 * a hang or an all-zero hash.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImprintError } from '../../src/core/errors.js';
import { hashImage } from '../../src/sharp/hash-image.js';
import { fixture } from '../helpers.js';

const TIME_BOUND_MS = 5_000;

async function outcome(input: string | Uint8Array): Promise<string> {
  const started = performance.now();
  try {
    const { hashes } = await hashImage(input, { algorithms: ['pdq'], timeoutMs: TIME_BOUND_MS });
    expect(hashes.pdq.bytes.some((b) => b !== 0)).toBe(true); // never a silent all-zero hash
    return 'hash';
  } catch (err) {
    expect(err).toBeInstanceOf(ImprintError);
    return (err as ImprintError).code;
  } finally {
    // The time bound holds (no hang); the slack is wide so a loaded machine does not fail it.
    expect(performance.now() - started).toBeLessThan(TIME_BOUND_MS + 60_000);
  }
}

const generated: [string, () => Promise<Buffer>][] = [
  [
    '1x1 PNG',
    () =>
      sharp({ create: { width: 1, height: 1, channels: 3, background: '#f00' } })
        .png()
        .toBuffer(),
  ],
  [
    '4x4 PNG',
    () =>
      sharp({ create: { width: 4, height: 4, channels: 3, background: '#0f0' } })
        .png()
        .toBuffer(),
  ],
  [
    '5x5 PNG (smallest PDQ can hash)',
    () =>
      sharp(readFileSync(fixture('pdq', 'images/synthetic/min-5x5.png')))
        .png()
        .toBuffer(),
  ],
  [
    'palette PNG',
    () => sharp(fixture('photos', 'coffee.jpg')).png({ palette: true, colours: 16 }).toBuffer(),
  ],
  [
    '16-bit grey PNG',
    () => sharp(fixture('photos', 'camera-grey.png')).toColourspace('grey16').png().toBuffer(),
  ],
  ['TIFF', () => sharp(fixture('photos', 'rocket.jpg')).tiff().toBuffer()],
  ['AVIF', () => sharp(fixture('photos', 'rocket.jpg')).resize(128).avif().toBuffer()],
  ['GIF', () => sharp(fixture('photos', 'rocket.jpg')).resize(96).gif().toBuffer()],
  [
    'JPEG cut after the header',
    async () => (await sharp(fixture('photos', 'rocket.jpg')).jpeg().toBuffer()).subarray(0, 700),
  ],
  ['PNG signature only', async () => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
  ['HTML with a .jpg name', async () => Buffer.from('<html><img src="http://example.invalid/x.png"></html>')],
  [
    'SVG with an external image',
    async () =>
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="file:///etc/passwd"/></svg>',
      ),
  ],
];

describe('hostile and odd images', () => {
  it.each(readdirSync(fixture('photos')).filter((f) => !f.endsWith('.md')))('fixture %s', async (name) => {
    const result = await outcome(fixture('photos', name));
    const expected: Record<string, string> = {
      'empty.jpg': 'ERR_EMPTY_INPUT',
      'not-an-image.jpg': 'ERR_NOT_AN_IMAGE',
      'truncated-coffee.jpg': 'ERR_IMAGE_CORRUPT',
    };
    expect(result).toBe(expected[name] ?? 'hash');
  });

  it.each(generated)('%s', async (name, make) => {
    const result = await outcome(await make());
    const expected: Record<string, string> = {
      '1x1 PNG': 'ERR_IMAGE_TOO_SMALL',
      '4x4 PNG': 'ERR_IMAGE_TOO_SMALL',
      'JPEG cut after the header': 'ERR_IMAGE_CORRUPT',
      'PNG signature only': 'ERR_IMAGE_CORRUPT',
      'HTML with a .jpg name': 'ERR_FORMAT_REFUSED',
      'SVG with an external image': 'ERR_FORMAT_REFUSED',
    };
    expect(result).toBe(expected[name] ?? 'hash');
  });

  it('random bytes and mangled real images never escape as anything but ImprintError', async () => {
    const jpeg = readFileSync(fixture('photos', 'tiny-8x8.png'));
    const mangled = fc
      .tuple(fc.integer({ min: 0, max: jpeg.length - 1 }), fc.integer({ min: 0, max: 255 }))
      .map(([at, value]) => {
        const copy = new Uint8Array(jpeg);
        copy[at] = value;
        return copy;
      });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ minLength: 0, maxLength: 300 }), mangled), async (bytes) => {
        const result = await outcome(bytes);
        expect(result).toMatch(/^(hash|ERR_[A-Z_]+)$/);
      }),
      { numRuns: 60 },
    );
  });
});

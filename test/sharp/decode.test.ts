import { createReadStream, readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pdqHash } from '../../src/algorithms/pdq/pdq.js';
import { hammingDistance, hashToHex } from '../../src/core/hash.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { hashImage } from '../../src/sharp/hash-image.js';
import { fixture } from '../helpers.js';

const code = (c: string) => expect.objectContaining({ code: c });
const photo = (name: string) => fixture('photos', name);
const pdqOf = async (input: Parameters<typeof hashImage>[0], opts = {}) =>
  (await hashImage(input, opts)).hashes.pdq!;

describe('decodeImage: bad input gives a typed error', () => {
  it.each([
    ['not-an-image.jpg', 'ERR_NOT_AN_IMAGE'],
    ['empty.jpg', 'ERR_EMPTY_INPUT'],
    ['truncated-coffee.jpg', 'ERR_IMAGE_CORRUPT'],
    ['does-not-exist.jpg', 'ERR_FILE_UNREADABLE'],
  ])('%s -> %s, naming the file', async (name, expected) => {
    const err = await decodeImage(photo(name)).catch((e: unknown) => e);
    expect(err).toEqual(code(expected));
    expect((err as Error).message).toContain(name);
  });

  it('a directory is unreadable, not a crash', async () => {
    await expect(decodeImage(fixture('photos'))).rejects.toEqual(code('ERR_FILE_UNREADABLE'));
  });

  it('refuses SVG by content, whatever the name, unless allowed', async () => {
    const svg = Buffer.from(
      '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="red"/></svg>',
    );
    await expect(decodeImage(svg)).rejects.toEqual(code('ERR_FORMAT_REFUSED'));
    const allowed = await decodeImage(svg, { allowVector: true });
    expect([allowed.width, allowed.height, allowed.format]).toEqual([64, 64, 'svg']);
  });

  it('refuses an image over the pixel limit from its header, before decoding (decompression bomb)', async () => {
    // A real 8x8 PNG whose header claims 30000 x 30000: decoding it would need 2.7 GB.
    const bomb = pngClaimingSize(readFileSync(photo('tiny-8x8.png')), 30000, 30000);
    expect(bomb.length).toBeLessThan(2_000_000);
    const started = performance.now();
    await expect(decodeImage(bomb)).rejects.toEqual(code('ERR_IMAGE_TOO_LARGE'));
    expect(performance.now() - started).toBeLessThan(60_000); // refused from the header, not decoded (wide: no speed test);
    await expect(decodeImage(photo('coffee.jpg'), { maxPixels: 1000 })).rejects.toEqual(
      code('ERR_IMAGE_TOO_LARGE'),
    );
  });

  it('honours maxBytes for files and streams', async () => {
    await expect(decodeImage(photo('coffee.jpg'), { maxBytes: 100 })).rejects.toEqual(
      code('ERR_IMAGE_TOO_LARGE'),
    );
    await expect(decodeImage(createReadStream(photo('coffee.jpg')), { maxBytes: 100 })).rejects.toEqual(
      code('ERR_IMAGE_TOO_LARGE'),
    );
  });

  it('tolerateCorrupt decodes what a truncated JPEG still holds', async () => {
    const image = await decodeImage(photo('truncated-coffee.jpg'), { tolerateCorrupt: true });
    expect([image.width, image.height]).toEqual([600, 400]);
  });

  it('times out and aborts with their own codes', async () => {
    await expect(decodeImage(photo('landscape-wide-1440.jpg'), { timeoutMs: 1 })).rejects.toEqual(
      code('ERR_DECODE_TIMEOUT'),
    );
    await expect(decodeImage(photo('coffee.jpg'), { signal: AbortSignal.abort() })).rejects.toEqual(
      code('ERR_ABORTED'),
    );
  });

  it('rejects a 4x4 image for PDQ with ERR_IMAGE_TOO_SMALL naming the file', async () => {
    const tiny = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    await expect(hashImage(tiny)).rejects.toEqual(code('ERR_IMAGE_TOO_SMALL'));
    const image = await decodeImage(tiny);
    expect(() => pdqHash(image)).toThrow(/4x4/);
  });

  it('rejects arguments that are not inputs', async () => {
    await expect(decodeImage(42 as never)).rejects.toEqual(code('ERR_INVALID_ARGUMENT'));
    await expect(decodeImage(photo('coffee.jpg'), { maxPixels: -1 })).rejects.toEqual(
      code('ERR_INVALID_ARGUMENT'),
    );
  });
});

describe('decodeImage: input shapes and formats', () => {
  it('gives the same hash from a path, a Buffer, a Uint8Array, an ArrayBuffer and a stream', async () => {
    const path = photo('rocket.jpg');
    const bytes = readFileSync(path);
    const expected = hashToHex(await pdqOf(path));
    const copy = new Uint8Array(bytes);
    for (const input of [bytes, copy, copy.buffer, createReadStream(path)]) {
      expect(hashToHex(await pdqOf(input))).toBe(expected);
    }
  });

  it('keeps grey images single-channel and alpha as a channel', async () => {
    expect((await decodeImage(photo('camera-grey.png'))).channels).toBe(1);
    expect((await decodeImage(photo('alpha-tulips.png'))).channels).toBe(4);
  });

  it('ignores alpha without compositing, as the reference does', async () => {
    const rgba = await decodeImage(photo('alpha-tulips.png'));
    const rgb = new Uint8Array(rgba.width * rgba.height * 3);
    for (let p = 0; p < rgba.width * rgba.height; p++) rgb.set(rgba.data.subarray(p * 4, p * 4 + 3), p * 3);
    const dropped = pdqHash({ width: rgba.width, height: rgba.height, channels: 3, data: rgb }).hash;
    expect(hashToHex(pdqHash(rgba).hash)).toBe(hashToHex(dropped));
  });

  it('decodes the first frame of animated GIF and WebP', async () => {
    const gif = await decodeImage(photo('animated-pan.gif'));
    const webp = await decodeImage(photo('animated-pan.webp'));
    expect([gif.pages, gif.width, gif.height]).toEqual([6, 240, 180]);
    expect(hammingDistance(pdqHash(gif).hash, pdqHash(webp).hash)).toBeLessThanOrEqual(31);
  });

  it('does not apply EXIF orientation by default (reference behaviour) but can', async () => {
    const rotated = photo('landscape-mountain-exif-orientation-6.jpg');
    const upright = await pdqOf(photo('landscape-mountain.jpg'));
    const raw = await decodeImage(rotated);
    expect([raw.width, raw.height]).toEqual([360, 720]);
    expect(hammingDistance(pdqHash(raw).hash, upright)).toBeGreaterThan(31);
    const oriented = await decodeImage(rotated, { autoOrient: true });
    expect([oriented.width, oriented.height]).toEqual([720, 360]);
    expect(hammingDistance(pdqHash(oriented).hash, upright)).toBeLessThanOrEqual(31);
  });

  it('hashes CMYK, WebP and 16-bit copies close to their originals', async () => {
    const pairs = [
      ['coffee-cmyk.jpg', 'coffee.jpg'],
      ['chelsea-cat.webp', 'chelsea-cat.jpg'],
    ];
    for (const [copy, original] of pairs) {
      expect(hammingDistance(await pdqOf(photo(copy!)), await pdqOf(photo(original!)))).toBeLessThanOrEqual(
        31,
      );
    }
  });

  it('hashes tiny-8x8 deterministically', async () => {
    const a = await pdqOf(photo('tiny-8x8.png'));
    const b = await pdqOf(photo('tiny-8x8.png'));
    expect(hashToHex(a)).toBe(hashToHex(b));
  });
});

/** Rewrites a PNG's IHDR width and height (with a valid CRC), leaving the pixel data as it was. */
function pngClaimingSize(png: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(png);
  // Signature (8) + length (4) + "IHDR" (4), then width and height.
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)) >>> 0, 29);
  return out;
}

import { readdirSync, readFileSync } from 'node:fs';
import { crc32 as zlibCrc32 } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { exifOrientation, withoutOrientation } from '../../src/browser/exif-orientation.js';
import { pixelsFromRgba } from '../../src/browser/pixels.js';
import { sniffImage } from '../../src/browser/sniff.js';
import { crc32 } from '../../src/matching/crc32.js';
import { fixture } from '../helpers.js';

const IMAGES = [
  ...readdirSync(fixture('photos')).map((f) => `photos/${f}`),
  ...['synthetic', 'misc', 'modes'].flatMap((d) =>
    readdirSync(fixture('pdq', 'images', d)).map((f) => `pdq/images/${d}/${f}`),
  ),
].filter((f) => /\.(png|jpg|webp|gif)$/.test(f) && !/(empty|not-an-image|truncated)/.test(f));

describe('sniffImage', () => {
  it.each(IMAGES)('%s: format, size and greyness agree with libvips', async (name) => {
    const bytes = readFileSync(fixture(name));
    const meta = await sharp(bytes, { autoOrient: false }).metadata();
    const header = sniffImage(bytes);
    expect(header.format).toBe(meta.format);
    expect([header.width, header.height]).toEqual([meta.width, meta.height]);
    // imprint/sharp keeps one grey channel for these (see src/sharp/decode.ts)
    const greyInNode =
      meta.channels === 1 || meta.channels === 2 || meta.space === 'b-w' || meta.space === 'grey16';
    expect(header.grey).toBe(greyInNode);
    expect(header.complete).not.toBe(false);
    expect(exifOrientation(bytes, header)).toBe(meta.orientation ?? 1);
  });

  it('sees that truncated files lack their end marker', async () => {
    expect(sniffImage(readFileSync(fixture('photos', 'truncated-coffee.jpg'))).complete).toBe(false);
    const png = readFileSync(fixture('photos', 'camera-grey.png'));
    expect(sniffImage(png.subarray(0, png.length - 12)).complete).toBe(false); // IEND cut off
    const webp = readFileSync(fixture('photos', 'chelsea-cat.webp'));
    expect(sniffImage(webp.subarray(0, webp.length - 100)).complete).toBe(false);
  });

  it('reports unknown bytes as unknown without throwing', () => {
    for (const bytes of [
      new Uint8Array(0),
      new Uint8Array([0xff, 0xd8]),
      readFileSync(fixture('photos', 'not-an-image.jpg')),
    ]) {
      expect(() => sniffImage(bytes)).not.toThrow();
    }
    expect(sniffImage(readFileSync(fixture('photos', 'not-an-image.jpg'))).format).toBe('unknown');
  });
});

/** Every PNG chunk's CRC is right (checked with zlib's CRC, not ours). */
function pngCrcsValid(png: Uint8Array): boolean {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let at = 8; at + 12 <= png.length; ) {
    const length = view.getUint32(at);
    if (zlibCrc32(png.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) return false;
    at += 12 + length;
  }
  return true;
}

describe('EXIF orientation', () => {
  const formats = {
    jpeg: (s: Sharp) => s.jpeg(),
    png: (s: Sharp) => s.png(),
    webp: (s: Sharp) => s.webp({ lossless: true }),
  };
  for (const [format, encode] of Object.entries(formats)) {
    it(`${format}: reads orientations 1..8 and rewrites them to 1, leaving the pixels alone`, async () => {
      const base = sharp(fixture('photos', 'chelsea-cat.jpg')).resize(40, 27);
      for (let o = 1; o <= 8; o++) {
        const file = new Uint8Array(await encode(base.clone()).withMetadata({ orientation: o }).toBuffer());
        const header = sniffImage(file);
        expect(exifOrientation(file, header), `orientation ${o}`).toBe(o);
        const patched = withoutOrientation(file, header);
        expect(patched === file).toBe(o === 1); // copied only when something changes
        expect(file.length).toBe(patched.length);
        if (format === 'png') expect(pngCrcsValid(patched), `orientation ${o}`).toBe(true);
        const meta = await sharp(patched, { failOn: 'warning' }).metadata();
        expect(meta.orientation ?? 1, `orientation ${o}`).toBe(1);
        const stored = await sharp(file, { autoOrient: false }).raw().toBuffer();
        const after = await sharp(patched, { autoOrient: true, failOn: 'warning' }).raw().toBuffer();
        expect(after.equals(stored), `orientation ${o}`).toBe(true);
      }
    });
  }

  it('crc32 is the PNG/zlib CRC', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('pixelsFromRgba', () => {
  const rgba = (pixels: number[][]) => ({
    width: pixels.length,
    height: 1,
    data: new Uint8ClampedArray(pixels.flat()),
  });

  it('keeps RGBA as is, without copying', () => {
    const input = rgba([[1, 2, 3, 255]]);
    const image = pixelsFromRgba(input);
    expect(image.channels).toBe(4);
    expect(image.data).toBe(input.data);
  });

  it('takes the grey channel of greyscale images, with alpha only when some pixel is not opaque', () => {
    expect(
      pixelsFromRgba(
        rgba([
          [7, 7, 7, 255],
          [9, 9, 9, 255],
        ]),
        { greyscale: true },
      ),
    ).toEqual({
      width: 2,
      height: 1,
      channels: 1,
      data: new Uint8Array([7, 9]),
    });
    expect(
      pixelsFromRgba(
        rgba([
          [7, 7, 7, 255],
          [9, 9, 9, 0],
        ]),
        { greyscale: true },
      ),
    ).toEqual({
      width: 2,
      height: 1,
      channels: 2,
      data: new Uint8Array([7, 255, 9, 0]),
    });
  });

  it('refuses data of the wrong length', () => {
    expect(() => pixelsFromRgba({ width: 2, height: 2, data: new Uint8ClampedArray(15) })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});

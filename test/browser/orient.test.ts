import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { applyOrientation } from '../../src/browser/orient.js';
import type { PixelImage } from '../../src/core/pixels.js';
import { fixture } from '../helpers.js';

/** The EXIF definition, pixel by pixel: where output (x, y) of orientation o comes from in the stored w x h image. */
function storedPixel(o: number, x: number, y: number, w: number, h: number): [number, number] {
  switch (o) {
    case 1:
      return [x, y];
    case 2:
      return [w - 1 - x, y];
    case 3:
      return [w - 1 - x, h - 1 - y];
    case 4:
      return [x, h - 1 - y];
    case 5:
      return [y, x];
    case 6:
      return [y, h - 1 - x];
    case 7:
      return [w - 1 - y, h - 1 - x];
    default:
      return [w - 1 - y, x];
  }
}

function naiveOrientation(image: PixelImage, o: number): PixelImage {
  const { width: w, height: h, channels, data } = image;
  const ow = o >= 5 ? h : w;
  const oh = o >= 5 ? w : h;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const [sx, sy] = storedPixel(o, x, y, w, h);
      for (let c = 0; c < channels; c++)
        out[(y * ow + x) * channels + c] = data[(sy * w + sx) * channels + c]!;
    }
  }
  return { width: ow, height: oh, channels, data: out };
}

const image = fc
  .record({
    width: fc.integer({ min: 1, max: 9 }),
    height: fc.integer({ min: 1, max: 9 }),
    channels: fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const),
  })
  .chain(({ width, height, channels }) =>
    fc
      .uint8Array({ minLength: width * height * channels, maxLength: width * height * channels })
      .map((data): PixelImage => ({ width, height, channels, data })),
  );

describe('applyOrientation', () => {
  it('matches the per-pixel EXIF definition for every orientation (property)', () => {
    fc.assert(
      fc.property(image, fc.integer({ min: 1, max: 8 }), (img, o) => {
        expect(applyOrientation(img, o)).toEqual(naiveOrientation(img, o));
      }),
    );
  });

  it('gives the pixels sharp autoOrient gives, for orientations 1..8', async () => {
    const base = await sharp(fixture('photos', 'chelsea-cat.jpg')).resize(41, 27).png().toBuffer();
    for (let o = 1; o <= 8; o++) {
      const file = await sharp(base).png().withMetadata({ orientation: o }).toBuffer();
      const stored = await sharp(file, { autoOrient: false }).raw().toBuffer({ resolveWithObject: true });
      const upright = await sharp(file, { autoOrient: true }).raw().toBuffer({ resolveWithObject: true });
      const ours = applyOrientation(
        {
          width: stored.info.width,
          height: stored.info.height,
          channels: 3,
          data: new Uint8Array(stored.data),
        },
        o,
      );
      expect([ours.width, ours.height], `orientation ${o}`).toEqual([
        upright.info.width,
        upright.info.height,
      ]);
      expect(Buffer.from(ours.data).equals(upright.data), `orientation ${o}`).toBe(true);
    }
  });

  it('refuses orientations outside 1..8', () => {
    const img: PixelImage = { width: 1, height: 1, channels: 1, data: new Uint8Array(1) };
    for (const bad of [0, 9, 1.5, Number.NaN]) {
      expect(() => applyOrientation(img, bad)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      );
    }
  });
});

import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PixelImage } from '../../src/core/pixels.js';
import { cropTo, rotateWindow, shrinkBy } from '../../src/core/raster.js';
import { canvasRotation } from '../../src/matching/methods/canvas-rotation.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { fixture } from '../helpers.js';

/** Pixels of an encoded image, as ImageVariants' working copy sees them (at most 512 px). */
async function working(input: Buffer): Promise<PixelImage> {
  const image = await decodeImage(input);
  return shrinkBy(image, Math.ceil(Math.max(image.width, image.height) / 512));
}

/** The picture turned by sharp (its own resampler), canvas grown, re-encoded as JPEG. */
async function turnedBySharp(path: string, degrees: number, background: string): Promise<Buffer> {
  return sharp(path).rotate(degrees, { background }).jpeg({ quality: 85 }).toBuffer();
}

const PHOTOS = ['rocket.jpg', 'chelsea-cat.jpg', 'china-temple.jpg', 'astronaut.jpg'];

let rocket: PixelImage;
beforeAll(async () => {
  rocket = await decodeImage(fixture('photos', 'rocket.jpg'));
});

describe('canvasRotation', () => {
  it('measures the angle of pictures sharp turned on a grown canvas, either way, any fill', async () => {
    const angles = [0.9, -2.3, 4.7, -7.1, 9.6];
    const fills = ['#000000', '#ffffff', 'hsl(200,50%,50%)'];
    const missed: string[] = [];
    for (const [i, name] of PHOTOS.entries()) {
      for (const [j, degrees] of angles.entries()) {
        const background = fills[(i + j) % fills.length]!;
        const image = await working(await turnedBySharp(fixture('photos', name), degrees, background));
        const found = canvasRotation(image);
        if (found === undefined) missed.push(`${name} ${degrees} ${background}`);
        // A third of a degree costs PDQ about 10 of the 20 bits a derotated hash may differ by.
        else expect(Math.abs(found - degrees), `${name} ${degrees}`).toBeLessThan(0.35);
      }
    }
    // A dark picture on a black canvas can hide its corners' triangles (rocket.jpg's ground does at
    // -7.1 degrees): then nothing is reported, never a wrong angle.
    expect(missed.length, missed.join(', ')).toBeLessThanOrEqual(2);
  });

  it('measures a dark picture turned on a black canvas (its edges are within 40 of the fill)', async () => {
    for (const name of ['dark-hubble-deep-field.jpg', 'screenshot-terminal.png']) {
      const image = await working(await turnedBySharp(fixture('photos', name), 4, '#000000'));
      const found = canvasRotation(image);
      expect(found, name).toBeDefined();
      expect(Math.abs(found! - 4), name).toBeLessThan(0.35);
    }
  });

  it('measures the angle when the turned picture was cropped back to its own size', async () => {
    for (const degrees of [3.2, -5.5, 8.1]) {
      const path = fixture('photos', 'china-temple.jpg');
      const { width, height } = await sharp(path).metadata();
      const turned = await sharp(path).rotate(degrees, { background: '#ffffff' }).png().toBuffer();
      const grown = await sharp(turned).metadata();
      const same = await sharp(turned)
        .extract({
          left: Math.round((grown.width! - width!) / 2),
          top: Math.round((grown.height! - height!) / 2),
          width: width!,
          height: height!,
        })
        .jpeg()
        .toBuffer();
      const found = canvasRotation(await working(same));
      expect(found, `${degrees}`).toBeDefined();
      expect(Math.abs(found! - degrees)).toBeLessThan(0.5);
    }
  });

  it('finds nothing in photos, frames, letterboxes and flat images', async () => {
    for (const name of PHOTOS)
      expect(canvasRotation(await working(await sharp(fixture('photos', name)).toBuffer()))).toBeUndefined();
    for (const background of ['#000000', '#ffffff', '#3366aa']) {
      const framed = await sharp(fixture('photos', 'rocket.jpg'))
        .extend({ top: 40, bottom: 40, left: 25, right: 60, background })
        .jpeg()
        .toBuffer();
      expect(canvasRotation(await working(framed)), background).toBeUndefined();
      const letterbox = await sharp(fixture('photos', 'chelsea-cat.jpg'))
        .extend({ top: 80, bottom: 80, background })
        .jpeg()
        .toBuffer();
      expect(canvasRotation(await working(letterbox)), background).toBeUndefined();
    }
    const flat: PixelImage = {
      width: 300,
      height: 200,
      channels: 3,
      data: new Uint8Array(300 * 200 * 3).fill(90),
    };
    expect(canvasRotation(flat)).toBeUndefined();
  });

  it('is exact on its own turns: the angle of rotateWindow within a tenth of a degree', () => {
    const picture = cropTo(rocket, { left: 40, top: 40, width: 400, height: 300 });
    for (const degrees of [-6, -1.5, 2.5, 10]) {
      const rad = (Math.abs(degrees) * Math.PI) / 180;
      const width = Math.round(400 * Math.cos(rad) + 300 * Math.sin(rad));
      const height = Math.round(400 * Math.sin(rad) + 300 * Math.cos(rad));
      const found = canvasRotation(rotateWindow(picture, degrees, width, height, 0));
      expect(Math.abs(found! - degrees), `${degrees}`).toBeLessThan(0.1);
    }
  });

  it('leaves out angles below half a degree (plain PDQ finds those copies)', () => {
    const picture = cropTo(rocket, { left: 40, top: 40, width: 400, height: 300 });
    expect(canvasRotation(rotateWindow(picture, 0.2, 401, 302, 0))).toBeUndefined();
  });
});

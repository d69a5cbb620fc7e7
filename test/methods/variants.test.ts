import { beforeAll, describe, expect, it } from 'vitest';
import { hammingDistance } from '../../src/core/hash.js';
import type { PixelImage } from '../../src/core/pixels.js';
import { cropTo, rotateWindow } from '../../src/core/raster.js';
import {
  BAND_LABELS,
  bandBoxes,
  CROP_ANCHORS,
  CROP_SCALES,
  cropBoxes,
  ImageVariants,
} from '../../src/matching/methods/variants.js';
import { decodeImage } from '../../src/sharp/decode.js';
import { fixture } from '../helpers.js';

/** The picture turned clockwise with its canvas enlarged to fit, corners filled with `fill`. */
function turned(image: PixelImage, degrees: number, fill: number): PixelImage {
  const rad = (degrees * Math.PI) / 180;
  const c = Math.abs(Math.cos(rad));
  const s = Math.abs(Math.sin(rad));
  const width = Math.round(image.width * c + image.height * s);
  const height = Math.round(image.width * s + image.height * c);
  return rotateWindow(image, degrees, width, height, fill);
}

/** The picture on a canvas with a border of one colour. */
function bordered(image: PixelImage, border: number, colour: readonly number[]): PixelImage {
  const width = image.width + 2 * border;
  const height = image.height + 2 * border;
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) data.set(colour, p * 3);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const s = (y * image.width + x) * image.channels;
      data.set(image.data.subarray(s, s + 3), ((y + border) * width + x + border) * 3);
    }
  }
  return { width, height, channels: 3, data };
}

let rocket: PixelImage;
beforeAll(async () => {
  rocket = await decodeImage(fixture('photos', 'rocket.jpg'));
});

describe('ImageVariants', () => {
  it('turns back an upload turned on a filled canvas by the angle its corners show', () => {
    const original = new ImageVariants(rocket).exact.hash;
    for (const [degrees, fill] of [
      [5, 0],
      [-3.4, 255],
      [8.6, 0],
    ] as const) {
      const derotated = new ImageVariants(turned(rocket, degrees, fill)).get('derotate');
      // One turn into two windows: the grown canvas's and the upload's own.
      expect(derotated).toHaveLength(2);
      expect(Number.parseFloat(derotated[0]!.label)).toBeCloseTo(-degrees, 0);
      expect(hammingDistance(derotated[0]!.hash, original)).toBeLessThanOrEqual(20);
    }
  });

  it('spares the turns when the corners show no turned picture (a photo, a frame, bars)', () => {
    expect(new ImageVariants(rocket).get('derotate')).toEqual([]);
    // Four corners of one colour, but a frame's fill runs along whole edges, not in triangles.
    expect(new ImageVariants(bordered(rocket, 30, [0, 0, 0])).get('derotate')).toEqual([]);
  });

  it('hashes two candidate pictures inside a frame when the picture has a flat band of its own', () => {
    // A flat band across the top of the picture, then a black border: peeling every layer takes the
    // band too; the outermost layer alone is the border. Both are hashed; the border-only one is the
    // original picture.
    // Small enough that the working copy is the image itself (labels are in its pixels).
    const banded = cropTo(rocket, { left: 100, top: 100, width: 300, height: 200 });
    const band = 20;
    for (let y = 0; y < band; y++)
      for (let x = 0; x < banded.width; x++) banded.data.set([70, 130, 200], (y * banded.width + x) * 3);
    const original = new ImageVariants(banded).exact.hash;
    const trims = new ImageVariants(bordered(banded, 40, [0, 0, 0])).get('trim');
    expect(trims).toHaveLength(2);
    // Exactly the picture inside the border (the edge measured to a fraction of a pixel puts back
    // the line the finder gives up past each edge), and the picture below the band.
    const inside = `40,40 ${banded.width}x${banded.height}`;
    expect(trims.map((v) => v.label)).toContain(inside);
    expect(trims.find((v) => v.label !== inside)!.label).toMatch(new RegExp(`^40,${40 + band} `));
    const [near, far] = [inside, undefined].map((label) =>
      hammingDistance(trims.find((v) => (label ? v.label === label : v.label !== inside))!.hash, original),
    );
    expect(near).toBe(0);
    expect(near).toBeLessThan(far!);
  });

  it('stores both positions of a centred crop whose margin is odd, one otherwise', () => {
    // 288 x 192 at 90%: 259 x 173, margins 29 and 19 (both odd): 4 centred positions; at 80%:
    // 230 x 154, margins 58 and 38: 1. Each scale also has its 4 corner crops.
    const boxes = cropBoxes({ width: 288, height: 192 });
    expect(boxes).toHaveLength(4 + 4 + 1 + 4);
    const centred = boxes.filter((b) => b.box.width === 259 && b.box.left > 0 && b.box.left < 29);
    expect(centred.map((b) => [b.box.left, b.box.top])).toEqual([
      [14, 9],
      [14, 10],
      [15, 9],
      [15, 10],
    ]);
    expect(cropBoxes({ width: 300, height: 200 })).toHaveLength(CROP_SCALES.length * CROP_ANCHORS.length);
  });

  it('hashes uploads smaller than 256 px enlarged 2 and 4 times, larger ones not', () => {
    const small = cropTo(rocket, { left: 200, top: 100, width: 144, height: 96 });
    expect(new ImageVariants(small).get('enlarged').map((v) => v.label)).toEqual(['x2', 'x4']);
    expect(new ImageVariants(rocket).get('enlarged')).toEqual([]);
  });

  it('cuts the same bands off the top and the bottom of every image, labelled alike', () => {
    const boxes = bandBoxes({ width: 288, height: 192 });
    expect(boxes.map((b) => b.label)).toEqual(BAND_LABELS);
    expect(boxes.map((b) => [b.box.top, b.box.height])).toEqual([
      [19, 173],
      [38, 154],
      [58, 134],
      [0, 173],
      [0, 154],
      [0, 134],
    ]);
    for (const b of boxes) expect([b.box.left, b.box.width]).toEqual([0, 288]);
    // The band is the same rows of the picture whatever covers the rows cut off.
    const covered = { ...rocket, data: rocket.data.slice() };
    const rowBytes = rocket.width * rocket.channels;
    for (let y = 0; y < Math.round(rocket.height * 0.25); y++) {
      covered.data.fill(y % 16 < 8 ? 0 : 255, y * rowBytes, (y + 1) * rowBytes); // stripes
    }
    const mine = new ImageVariants(rocket).get('bands');
    const theirs = new ImageVariants(covered).get('bands');
    const top = (list: typeof mine, label: string) => list.find((v) => v.label === label)!.hash;
    expect(hammingDistance(top(mine, 'top 0.3'), top(theirs, 'top 0.3'))).toBe(0);
    expect(hammingDistance(top(mine, 'top 0.1'), top(theirs, 'top 0.1'))).toBeGreaterThan(0);
  });
});

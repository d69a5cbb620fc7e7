import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PixelImage } from '../src/core/pixels.js';

/** Absolute path of a file under fixtures/. */
export function fixture(...parts: string[]): string {
  return fileURLToPath(new URL(`../fixtures/${parts.join('/')}`, import.meta.url));
}

/** Lines of a text fixture, without the trailing empty line. */
export function fixtureLines(...parts: string[]): string[] {
  return readFileSync(fixture(...parts), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
}

/**
 * Stripes that vary from left to right, their contrast swelling by `modulation` from top to bottom
 * (a smooth wallpaper's kind of picture). PDQ's DCT leaves out the zero frequency, so with no
 * modulation every coefficient is 0 and the hash is rounding noise; with a little, the vertical
 * swell is all the hash can rest on.
 */
export function stripes(width: number, height: number, modulation: number): PixelImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const wave = 90 * Math.sin(x / 9) + 30 * Math.sin(x / 2.3);
      const v = Math.round(128 + wave * (1 + modulation * Math.sin(y / 20)));
      data.fill(v, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return { width, height, channels: 3, data };
}

/**
 * Smooth slanted stripes in colour, swelling down the picture (one of `npm run bench:smooth`'s
 * pictures): PDQ is sure of only some 70-95 of its bits after a JPEG re-encode, pHash of most.
 */
export function slantedStripes(width = 288, height = 192): PixelImage {
  const data = new Uint8Array(width * height * 3);
  const colour = [83, 80, 127];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = Math.sin((x - 0.125 * y) / 16.4 + 1.82) + 0.4 * Math.sin(x / 3.36);
      const swell = 1 + 0.28 * Math.sin(y / 28.3);
      for (let c = 0; c < 3; c++) {
        data[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(colour[c]! + 60 * t * swell)));
      }
    }
  }
  return { width, height, channels: 3, data };
}

/**
 * A picture whose left quarter is bands of two bright yellows, the rest smooth brown shading:
 * +30% brightness (sharp's `modulate`) turns both yellows to one, so plain PDQ loses the bands
 * while the darker three quarters keep their order.
 */
export function yellowBands(width = 288, height = 192): PixelImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let colour: number[];
      if (x < width / 4) colour = Math.floor(y / 32) % 2 ? [255, 235, 0] : [255, 190, 0];
      else {
        const t = Math.sin(x / 31 + 2) * Math.cos(y / 27) + 0.5 * Math.sin((x + y) / 53);
        colour = [110 + 45 * t, 85 + 40 * t, 60 + 20 * t];
      }
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = Math.round(colour[c]!);
    }
  }
  return { width, height, channels: 3, data };
}

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

/**
 * The few pixel operations the matching methods need, on plain {@link PixelImage}s (pure core: no
 * sharp, no Node). They feed PDQ, which looks at a 64x64 box-filtered version of the picture, so
 * they aim for "the same picture" rather than for photographic quality: area-average shrinking,
 * bilinear rotation, integer crops.
 */
import type { PixelImage } from './pixels.js';

/** An axis-aligned rectangle in pixels. */
export interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/**
 * `Math.round(v)` for a value in [0, 2^31 - 1): the same number (halves up, and 0.49999999999999994
 * down, which `(v + 0.5) | 0` alone would round up), several times cheaper than Math.round in the
 * per-pixel loops.
 *
 * @example
 * ```ts
 * roundLevel(127.5); // 128, as Math.round
 * ```
 */
export function roundLevel(v: number): number {
  const r = (v + 0.5) | 0;
  return r - 0.5 > v ? r - 1 : r;
}

/** Colour channels only (alpha dropped, as PDQ does): 1 for grey, 3 for RGB. */
export function colourChannels(image: PixelImage): 1 | 3 {
  return image.channels >= 3 ? 3 : 1;
}

/**
 * Shrinks an image by area averaging so its longer side is at most `maxSide` (never enlarges) and
 * drops alpha. The derived hashes of the methods are computed on this working copy: PDQ reduces
 * every image to 64x64 anyway, and the derived hashes only need to agree with each other.
 */
export function workingCopy(image: PixelImage, maxSide: number): PixelImage {
  const channels = colourChannels(image);
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  if (width === image.width && height === image.height) {
    const out = new Uint8Array(width * height * channels);
    for (let p = 0, s = 0, o = 0; p < width * height; p++, s += image.channels, o += channels) {
      for (let c = 0; c < channels; c++) out[o + c] = image.data[s + c]!;
    }
    return { width, height, channels, data: out };
  }
  return resampleWindow(image, { left: 0, top: 0, width: image.width, height: image.height }, width, height);
}

/**
 * The image shrunk by a whole `factor` on both sides, each output pixel the average of a
 * `factor` x `factor` block (the last row and column of blocks may be partial), alpha dropped. The
 * image itself when `factor` is 1. Cheaper than an arbitrary resize, and every output pixel maps
 * back to whole input pixels.
 *
 * @example
 * ```ts
 * const small = shrinkBy(upload, 4); // a 2000x1500 upload becomes 500x375
 * ```
 */
export function shrinkBy(image: PixelImage, factor: number): PixelImage {
  if (factor <= 1) return image;
  const channels = colourChannels(image);
  const { width: w, height: h, channels: stride, data } = image;
  const width = Math.ceil(w / factor);
  const height = Math.ceil(h / factor);
  const out = new Uint8Array(width * height * channels);
  // Each block summed in locals and written once (read-modify-writes per pixel cost twice as much).
  for (let oy = 0, o = 0; oy < height; oy++) {
    const y0 = oy * factor;
    const y1 = Math.min(h, y0 + factor);
    for (let ox = 0; ox < width; ox++, o += channels) {
      const x0 = ox * factor;
      const x1 = Math.min(w, x0 + factor);
      let a = 0;
      let b = 0;
      let c = 0;
      for (let y = y0; y < y1; y++) {
        let s = (y * w + x0) * stride;
        const end = s + (x1 - x0) * stride;
        if (channels === 3) {
          for (; s < end; s += stride) {
            a += data[s]!;
            b += data[s + 1]!;
            c += data[s + 2]!;
          }
        } else {
          for (; s < end; s += stride) a += data[s]!;
        }
      }
      const area = (y1 - y0) * (x1 - x0);
      out[o] = roundLevel(a / area);
      if (channels === 3) {
        out[o + 1] = roundLevel(b / area);
        out[o + 2] = roundLevel(c / area);
      }
    }
  }
  return { width, height, channels, data: out };
}

/**
 * Area-averages the window `box` of the image, whose edges may fall between pixels (fractional
 * edges weighted), into a `width` x `height` image, alpha dropped. A picture found inside a frame
 * to a fraction of a pixel is cut out this way: smooth pictures move some 20 PDQ bits for a
 * 1-pixel shift, so rounding its edges costs matches.
 *
 * @example
 * ```ts
 * const picture = resampleWindow(upload, { left: 30.4, top: 61.7, width: 230.1, height: 153.2 }, 230, 153);
 * ```
 */
export function resampleWindow(image: PixelImage, box: Box, width: number, height: number): PixelImage {
  const channels = colourChannels(image);
  const out = new Uint8Array(width * height * channels);
  // Each output pixel averages the source rectangle it covers (fractional edges weighted). The
  // column weights are the same for every row, so they are worked out once.
  // Only the part of the window inside the image is read (callers' windows lie inside it).
  const left = Math.max(0, box.left);
  const top = Math.max(0, box.top);
  const xs = columnWeights(left, Math.min(image.width, box.left + box.width) - left, width);
  const ys = spans(top, Math.min(image.height, box.top + box.height) - top, height);
  const acc = new Float64Array(width * channels);
  const stride = image.channels;
  const data = image.data;
  for (let oy = 0; oy < height; oy++) {
    acc.fill(0);
    const { from: y0, to: y1 } = ys[oy]!;
    let area = 0;
    for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
      const wy = Math.min(y + 1, y1) - Math.max(y, y0);
      const row = y * image.width;
      for (let ox = 0; ox < width; ox++) {
        const a = ox * channels;
        const end = xs.end[ox]!;
        for (let x = xs.start[ox]!, k = xs.offset[ox]!; x < end; x++, k++) {
          const w = wy * xs.weight[k]!;
          const s = (row + x) * stride;
          if (channels === 3) {
            acc[a]! += w * data[s]!;
            acc[a + 1]! += w * data[s + 1]!;
            acc[a + 2]! += w * data[s + 2]!;
          } else acc[a]! += w * data[s]!;
        }
      }
      area += wy;
    }
    for (let ox = 0; ox < width; ox++) {
      const norm = area * xs.span[ox]!;
      for (let c = 0; c < channels; c++) {
        out[(oy * width + ox) * channels + c] = roundLevel(acc[ox * channels + c]! / norm);
      }
    }
  }
  return { width, height, channels, data: out };
}

/** For each output column: the source columns it covers and each one's covered width. */
function columnWeights(start: number, length: number, target: number) {
  const columns = spans(start, length, target);
  const first = new Int32Array(target);
  const end = new Int32Array(target);
  const offset = new Int32Array(target);
  const span = new Float64Array(target);
  const weights: number[] = [];
  columns.forEach(({ from, to }, ox) => {
    first[ox] = Math.floor(from);
    end[ox] = Math.ceil(to);
    offset[ox] = weights.length;
    span[ox] = to - from;
    for (let x = first[ox]!; x < end[ox]!; x++) weights.push(Math.min(x + 1, to) - Math.max(x, from));
  });
  return { start: first, end, offset, span, weight: Float64Array.from(weights) };
}

/** The source interval each of `target` output pixels covers, for a window `length` long at `start`. */
function spans(start: number, length: number, target: number): { from: number; to: number }[] {
  const step = length / target;
  return Array.from({ length: target }, (_, i) => ({
    from: start + i * step,
    to: Math.min(start + length, start + (i + 1) * step),
  }));
}

/** The pixels inside `box` (clamped to the image). */
export function cropTo(image: PixelImage, box: Box): PixelImage {
  const left = Math.max(0, Math.min(image.width - 1, Math.round(box.left)));
  const top = Math.max(0, Math.min(image.height - 1, Math.round(box.top)));
  const width = Math.max(1, Math.min(image.width - left, Math.round(box.width)));
  const height = Math.max(1, Math.min(image.height - top, Math.round(box.height)));
  const ch = image.channels;
  const out = new Uint8Array(width * height * ch);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * ch;
    out.set(image.data.subarray(from, from + width * ch), y * width * ch);
  }
  return { width, height, channels: image.channels, data: out };
}

/**
 * Rotates by `degrees` (clockwise, like sharp) about the centre and returns the centred
 * `width` x `height` window of the result, bilinear; pixels from outside the source get `fill`
 * (one value per colour channel).
 */
export function rotateWindow(
  image: PixelImage,
  degrees: number,
  width: number,
  height: number,
  fill: number,
): PixelImage {
  const ch = image.channels;
  if (ch === 1) return rotateGrey(image, degrees, width, height, fill);
  const out = new Uint8Array(width * height * ch);
  const rad = (degrees * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const cxIn = image.width / 2;
  const cyIn = image.height / 2;
  const cxOut = width / 2;
  const cyOut = height / 2;
  const w = image.width;
  const h = image.height;
  const data = image.data;
  for (let y = 0; y < height; y++) {
    const dy = y + 0.5 - cyOut;
    for (let x = 0; x < width; x++) {
      const dx = x + 0.5 - cxOut;
      // Inverse mapping: rotate the output offset back by -degrees.
      const sx = cos * dx + sin * dy + cxIn - 0.5;
      const sy = -sin * dx + cos * dy + cyIn - 0.5;
      const o = (y * width + x) * ch;
      if (sx < -0.5 || sy < -0.5 || sx > w - 0.5 || sy > h - 0.5) {
        out.fill(fill, o, o + ch);
        continue;
      }
      const x0 = Math.max(0, Math.min(w - 1, Math.floor(sx)));
      const y0 = Math.max(0, Math.min(h - 1, Math.floor(sy)));
      const x1 = Math.min(w - 1, x0 + 1);
      const y1 = Math.min(h - 1, y0 + 1);
      const fx = Math.max(0, Math.min(1, sx - x0));
      const fy = Math.max(0, Math.min(1, sy - y0));
      for (let c = 0; c < ch; c++) {
        const a = data[(y0 * w + x0) * ch + c]!;
        const b = data[(y0 * w + x1) * ch + c]!;
        const d = data[(y1 * w + x0) * ch + c]!;
        const e = data[(y1 * w + x1) * ch + c]!;
        const top = a + (b - a) * fx;
        const bottom = d + (e - d) * fx;
        out[o + c] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return { width, height, channels: image.channels, data: out };
}

/**
 * {@link rotateWindow} for a grey image: the same samples, with the source position stepped along
 * each row instead of recomputed, and no clamping inside the image (what `derotate` turns 12 times).
 */
function rotateGrey(
  image: PixelImage,
  degrees: number,
  width: number,
  height: number,
  fill: number,
): PixelImage {
  const out = new Uint8Array(width * height);
  const rad = (degrees * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const w = image.width;
  const h = image.height;
  const data = image.data;
  const right = w - 1;
  const bottom = h - 1;
  for (let y = 0, o = 0; y < height; y++) {
    const dy = y + 0.5 - height / 2;
    const dx0 = 0.5 - width / 2;
    let sx = cos * dx0 + sin * dy + w / 2 - 0.5;
    let sy = -sin * dx0 + cos * dy + h / 2 - 0.5;
    for (let x = 0; x < width; x++, o++, sx += cos, sy -= sin) {
      if (sx < -0.5 || sy < -0.5 || sx > w - 0.5 || sy > h - 0.5) {
        out[o] = fill;
        continue;
      }
      // Whole-number indices (`| 0` of a non-negative position is its floor): an index held as a
      // double makes every read several times dearer. Negative positions are the edge pixel.
      let x0 = 0;
      let fx = 0;
      if (sx >= 0) {
        x0 = sx | 0;
        fx = x0 < right ? sx - x0 : 0;
      }
      let y0 = 0;
      let fy = 0;
      if (sy >= 0) {
        y0 = sy | 0;
        fy = y0 < bottom ? sy - y0 : 0;
      }
      const x1 = x0 < right ? x0 + 1 : x0;
      const row0 = y0 * w;
      const row1 = y0 < bottom ? row0 + w : row0;
      const a = data[row0 + x0]!;
      const b = data[row0 + x1]!;
      const d = data[row1 + x0]!;
      const e = data[row1 + x1]!;
      const top = a + (b - a) * fx;
      const lower = d + (e - d) * fx;
      out[o] = roundLevel(top + (lower - top) * fy);
    }
  }
  return { width, height, channels: 1, data: out };
}

/**
 * The size of the picture that, rotated by `degrees` with the canvas enlarged to fit (what sharp,
 * libvips and most editors do), gives a `width` x `height` image. Undefined when no positive size
 * does (the image cannot be such a rotation).
 */
export function sizeBeforeRotation(
  width: number,
  height: number,
  degrees: number,
): { width: number; height: number } | undefined {
  const rad = (Math.abs(degrees) * Math.PI) / 180;
  const c = Math.cos(rad);
  const s = Math.sin(rad);
  const det = c * c - s * s;
  if (det <= 1e-6) return undefined;
  const w = (width * c - height * s) / det;
  const h = (height * c - width * s) / det;
  if (w < 1 || h < 1) return undefined;
  return { width: Math.round(w), height: Math.round(h) };
}

/**
 * The image with everything outside `box` replaced by the nearest pixel of the box (its edge rows
 * and columns stretched outwards): the canvas of a picture a bar was laid over, with the bar gone.
 */
export function fillOutside(image: PixelImage, box: Box): PixelImage {
  const ch = image.channels;
  const out = new Uint8Array(image.width * image.height * ch);
  const right = box.left + box.width - 1;
  const bottom = box.top + box.height - 1;
  for (let y = 0; y < image.height; y++) {
    const sy = Math.max(box.top, Math.min(bottom, y));
    for (let x = 0; x < image.width; x++) {
      const sx = Math.max(box.left, Math.min(right, x));
      const s = (sy * image.width + sx) * ch;
      const o = (y * image.width + x) * ch;
      for (let c = 0; c < ch; c++) out[o + c] = image.data[s + c]!;
    }
  }
  return { width: image.width, height: image.height, channels: image.channels, data: out };
}

/** The 7 non-trivial rotations and mirror images, in the order {@link dihedralCopy} takes them. */
export const DIHEDRAL_COPIES = [
  'rot90',
  'rot180',
  'rot270',
  'mirror',
  'flip',
  'transpose',
  'transverse',
] as const;
export type DihedralCopy = (typeof DIHEDRAL_COPIES)[number];

/**
 * The image rotated (clockwise) or mirrored, pixel for pixel: `mirror` is left-right, `flip`
 * top-bottom, `transpose` about the main diagonal, `transverse` about the other one.
 */
export function dihedralCopy(image: PixelImage, kind: DihedralCopy): PixelImage {
  const { width: w, height: h, channels: ch } = image;
  const swap = kind === 'rot90' || kind === 'rot270' || kind === 'transpose' || kind === 'transverse';
  const width = swap ? h : w;
  const height = swap ? w : h;
  const out = new Uint8Array(image.data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let tx: number;
      let ty: number;
      switch (kind) {
        case 'rot90':
          tx = h - 1 - y;
          ty = x;
          break;
        case 'rot180':
          tx = w - 1 - x;
          ty = h - 1 - y;
          break;
        case 'rot270':
          tx = y;
          ty = w - 1 - x;
          break;
        case 'mirror':
          tx = w - 1 - x;
          ty = y;
          break;
        case 'flip':
          tx = x;
          ty = h - 1 - y;
          break;
        case 'transpose':
          tx = y;
          ty = x;
          break;
        default:
          tx = h - 1 - y;
          ty = w - 1 - x;
      }
      const s = (y * w + x) * ch;
      const o = (ty * width + tx) * ch;
      for (let c = 0; c < ch; c++) out[o + c] = image.data[s + c]!;
    }
  }
  return { width, height, channels: image.channels, data: out };
}

/**
 * The image enlarged `factor` times by bilinear interpolation (sample centres aligned), alpha
 * dropped. PDQ's box filter is a whole number of pixels wide, rounded up from the image size, so a
 * small copy of a picture is filtered more coarsely than the picture was; enlarging it back
 * brings the filter close to the original's.
 */
export function enlarge(image: PixelImage, factor: number): PixelImage {
  const ch = colourChannels(image);
  const stride = image.channels;
  const w = image.width;
  const h = image.height;
  const width = Math.round(w * factor);
  const height = Math.round(h * factor);
  const out = new Uint8Array(width * height * ch);
  const x0s = new Int32Array(width);
  const x1s = new Int32Array(width);
  const fxs = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    const sx = Math.max(0, Math.min(w - 1, (x + 0.5) / factor - 0.5));
    x0s[x] = Math.floor(sx);
    x1s[x] = Math.min(w - 1, x0s[x]! + 1);
    fxs[x] = sx - x0s[x]!;
  }
  const data = image.data;
  for (let y = 0; y < height; y++) {
    const sy = Math.max(0, Math.min(h - 1, (y + 0.5) / factor - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(h - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const a0 = (y0 * w + x0s[x]!) * stride;
      const b0 = (y0 * w + x1s[x]!) * stride;
      const a1 = (y1 * w + x0s[x]!) * stride;
      const b1 = (y1 * w + x1s[x]!) * stride;
      const fx = fxs[x]!;
      const o = (y * width + x) * ch;
      for (let c = 0; c < ch; c++) {
        const top = data[a0 + c]! + (data[b0 + c]! - data[a0 + c]!) * fx;
        const bottom = data[a1 + c]! + (data[b1 + c]! - data[a1 + c]!) * fx;
        out[o + c] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return { width, height, channels: ch, data: out };
}

/**
 * The image's luma (PDQ's weights, to the nearest whole level) with its brightest `fraction` of
 * pixels lowered to the brightest level of the rest, as a grey image. Brightening, exposure and curves edits
 * keep the order of a picture's tones but squeeze or clip the brightest ones (+30% brightness
 * turns light yellow to white); flattened the same way on both sides, a picture and such a copy
 * keep the same darker pixels in the same order, which PDQ sees alike.
 *
 * @example
 * ```ts
 * const flat = flattenHighlights(upload, 0.25); // the brightest quarter at one level
 * ```
 */
export function flattenHighlights(image: PixelImage, fraction: number): PixelImage {
  const { width, height, channels, data } = image;
  const pixels = width * height;
  const luma = new Uint8Array(pixels);
  const histogram = new Uint32Array(256);
  if (channels >= 3) {
    // PDQ's weights in 16-bit fixed point (they sum to 65536), rounded half up.
    for (let p = 0, s = 0; p < pixels; p++, s += channels) {
      const v = (19595 * data[s]! + 38470 * data[s + 1]! + 7471 * data[s + 2]! + 32768) >>> 16;
      luma[p] = v;
      histogram[v]!++;
    }
  } else {
    for (let p = 0, s = 0; p < pixels; p++, s += channels) {
      const v = data[s]!;
      luma[p] = v;
      histogram[v]!++;
    }
  }
  const level = flattenLevel(histogram, pixels, fraction);
  for (let p = 0; p < pixels; p++) if (luma[p]! > level) luma[p] = level;
  return { width, height, channels: 1, data: luma };
}

/**
 * The level {@link flattenHighlights} lowers the brightest `fraction` of pixels to, from the
 * histogram of the luma levels: the lowest level with no more than `fraction` of the pixels above
 * it. At least one pixel is kept, so the level is always one the picture has (fraction 1 flattens
 * to the darkest pixel).
 */
export function flattenLevel(histogram: Uint32Array, pixels: number, fraction: number): number {
  const keep = Math.max(1, pixels - Math.floor(fraction * pixels));
  let level = 0;
  for (let below = histogram[0]!; below < keep && level < 255; ) below += histogram[++level]!;
  return level;
}

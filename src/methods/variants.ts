/**
 * The hashes a matching method can derive from one image, in named families. Methods are
 * combinations of families (see methods.ts); an image's families are computed lazily and shared,
 * so evaluating several methods hashes each image once per family.
 *
 * `plain` is the reference-exact PDQ hash of the whole image, the one every shared list holds.
 * `dihedral` are the hashes of the image's 7 rotations by 90 degrees and mirror images. `trim` is
 * the picture found inside a frame (frame.ts: inside every layer of it, before its last round,
 * inside the layers of its main colour, and inside its outermost layer only), cut out to a
 * fraction of a pixel; `fill` keeps the canvas but
 * paints the frame over with the picture's edge pixels, for bars laid OVER a picture (a caption
 * bar hides its top, so the picture is the whole canvas). `crops` are sub-pictures, `bands` the
 * picture with its top or bottom cut off, `derotate` the image turned back by small angles,
 * `enlarged` a small upload enlarged 2 and 4 times, `tones` the picture's luma with its brightest
 * quarter flattened (for brightened copies). `witness` is the plain hash again, with the
 * image's pHash (imagehash's, 64 bits) beside it: a second opinion for pictures PDQ sees little
 * of. All but `plain`, `dihedral` and `witness` are derived on a working copy (at
 * most {@link WORKING_SIDE} px, alpha dropped): PDQ sees a 64x64 box-filtered picture anyway, and
 * derived hashes only need to agree with each other and with `plain` within a few bits.
 */
import { perceptualHash } from '../algorithms/imagehash/phash.js';
import { type PdqResult, pdqHash } from '../algorithms/pdq.js';
import { pdqStableBits, type StableBits } from '../algorithms/pdq-stable.js';
import { ImprintError } from '../core/errors.js';
import type { Hash } from '../core/hash.js';
import type { PixelImage } from '../core/pixels.js';
import { findPictureBoxes, refineBox } from './frame.js';
import {
  type Box,
  cropTo,
  DIHEDRAL_COPIES,
  dihedralCopy,
  enlarge,
  fillOutside,
  flattenHighlights,
  resampleWindow,
  rotateWindow,
  sizeBeforeRotation,
  workingCopy,
} from './raster.js';

/** The names of the variant families. */
export const VARIANT_FAMILIES = [
  'plain',
  'dihedral',
  'trim',
  'fill',
  'crops',
  'derotate',
  'enlarged',
  'bands',
  'witness',
  'tones',
] as const;
export type VariantFamily = (typeof VARIANT_FAMILIES)[number];

/** Bumped whenever a family's hashes change, so cached evaluation hashes are not reused across versions. */
export const VARIANTS_VERSION = 15;

/**
 * Longest side of the working copy derived hashes are computed on. PDQ's box filter is
 * ceil(side / 128) px wide, so a copy of another size is filtered differently from the image the
 * known hash was made from: fixture photos mirrored or turned 90 degrees came out 0-32 bits from
 * their original's hash through a 512 px copy, 0 through 1024 px (they are at most 720 px), and
 * 4-20 bits when enlarged to 3000 px (0 at full size), at a quarter of the full-size cost
 * (`npx tsx bench/working-side.ts`).
 */
export const WORKING_SIDE = 1024;

/**
 * Sub-pictures hashed for `crops`, as fractions of each side: every scale at every anchor. PDQ
 * tolerates little: a crop 2.5% away from a stored one (in scale or offset) is already about 28
 * bits from it, so only crops near these grid points are found (measured by `imprint eval`).
 */
export const CROP_SCALES: readonly number[] = [0.9, 0.8];
/** Anchors: where the kept rectangle sits (0 = left/top edge, 0.5 = centred, 1 = right/bottom edge). */
export const CROP_ANCHORS: readonly (readonly [number, number])[] = [
  [0.5, 0.5],
  [0, 0],
  [1, 0],
  [0, 1],
  [1, 1],
];

/**
 * Uploads whose longer side is below this are also hashed enlarged ({@link ENLARGE_FACTORS}): PDQ's
 * box filter is ceil(side / 128) pixels wide, so below 256 px it is 1 or 2 pixels, and a smaller
 * copy of a picture is filtered much more coarsely (relatively) than the picture was.
 */
export const ENLARGE_BELOW = 256;
/** How many times a small upload is enlarged (bilinear) for `enlarged`. */
export const ENLARGE_FACTORS: readonly number[] = [2, 4];

/**
 * Angles (degrees, clockwise) the query is rotated back by for `derotate`: every whole degree up to
 * 6 either way. PDQ moves about 30 bits for 1 degree of rotation, so the grid must be this fine.
 */
export const DEROTATE_ANGLES: readonly number[] = [-6, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6];

/**
 * Fractions of the height cut off the top, and separately off the bottom, for `bands`. Both sides
 * cut the same bands, and a band is compared only with the same band of the other side, so a bar
 * or mark over the picture's top or bottom edge (a caption bar, a reposter's corner mark) is cut
 * away whole by the first band at least as deep, leaving the same rows of both pictures.
 */
export const BAND_CUTS: readonly number[] = [0.1, 0.2, 0.3];

/** The labels of the `bands` family, in order (`top 0.1` = the top tenth cut off). */
export const BAND_LABELS: readonly string[] = (['top', 'bottom'] as const).flatMap((edge) =>
  BAND_CUTS.map((cut) => `${edge} ${cut}`),
);

/**
 * Fraction of the brightest pixels `tones` flattens, on both sides (raster.ts, flattenHighlights):
 * a brightened copy whose edit clipped or squeezed no more than this much of the picture keeps the
 * rest in the same order. Of the quarter and the half tried on the development corpus, the half
 * also flattened the light and dark editions of one wallpaper into the same picture.
 */
export const TONES_FLATTENED = 0.25;

/** The label of the `tones` hash. */
export const TONES_LABEL = `top ${TONES_FLATTENED} flat`;

/** Families whose members have fixed labels, the same for every image (so they can be compared label by label). */
export const FAMILY_LABELS: Partial<Record<VariantFamily, readonly string[]>> = {
  bands: BAND_LABELS,
  tones: [TONES_LABEL],
};

/** One derived hash and what it is. */
export interface VariantHash {
  readonly family: VariantFamily;
  /** Which member of the family (e.g. `rot90`, `crop 0.9 @0,0`, `-3deg`). */
  readonly label: string;
  readonly hash: Hash;
  /** The bits of `hash` the image is sure of (see pdq-stable.ts), for comparisons on stable bits. */
  readonly stable: StableBits;
  /** `witness` family only: the image's pHash, which must agree too (see methods.ts, WITNESS_RULE). */
  readonly witness?: Hash;
}

/**
 * Lazily computes, and remembers, the variant hashes of one image.
 *
 * @example
 * ```ts
 * const variants = new ImageVariants(pixels);
 * const [exact] = variants.get('plain');
 * const framed = variants.get('trim'); // [] when no frame was found
 * ```
 */
export class ImageVariants {
  readonly image: PixelImage;
  #exact: PdqResult | undefined;
  #working: PixelImage | undefined;
  readonly #families = new Map<VariantFamily, VariantHash[]>();

  constructor(image: PixelImage) {
    this.image = image;
  }

  /** The reference-exact PDQ of the whole image (with its DCT, for the dihedral variants). */
  get exact(): PdqResult {
    this.#exact ??= pdqHash(this.image);
    return this.#exact;
  }

  /** The working copy derived families are computed on. */
  get working(): PixelImage {
    this.#working ??= workingCopy(this.image, WORKING_SIDE);
    return this.#working;
  }

  /** Every hash of one family (possibly none: `trim` without a frame). */
  get(family: VariantFamily): readonly VariantHash[] {
    let found = this.#families.get(family);
    if (!found) {
      found = this.#compute(family);
      this.#families.set(family, found);
    }
    return found;
  }

  #boxes: Box[] | undefined;

  /**
   * Where the picture may be: the box found by peeling every frame layer, the box before the last
   * round of peeling, the box inside the layers of the frame's main colour, and the box inside the
   * outermost layer only (duplicates dropped). The first finds a picture inside a screenshot's
   * nested chrome; the others survive a picture whose own flat edge (a clear sky, a dark strip
   * along its bottom) would be peeled as more frame.
   */
  #pictureBoxes(): Box[] {
    if (!this.#boxes) {
      const { all, outer, previous, canvas } = findPictureBoxes(this.working);
      this.#boxes = [all, previous, canvas, outer].filter(
        (b, i, list): b is Box => !!b && !list.slice(0, i).some((earlier) => sameBox(b, earlier)),
      );
    }
    return this.#boxes;
  }

  #pictureBox(): Box | undefined {
    return this.#pictureBoxes()[0];
  }

  /** The hashes of labelled whole-pixel rectangles of the working copy. */
  #cutOut(family: VariantFamily, boxes: readonly { label: string; box: Box }[]): VariantHash[] {
    return boxes.map(({ label, box }) => ({ family, label, ...hashOf(cropTo(this.working, box)) }));
  }

  #compute(family: VariantFamily): VariantHash[] {
    switch (family) {
      case 'plain':
        return [{ family, label: 'plain', ...hashed(this.exact) }];
      case 'witness':
        // pHash sees what PDQ leaves out (the lowest frequencies, a picture that varies in one
        // direction only), from the same pixels as the plain hash.
        return withWitness(this.image, this.get('plain')[0]!);
      case 'dihedral':
        // The copies themselves, not PDQ's DCT shortcut (pdqDihedral): the shortcut is exact only
        // when the box filter is symmetric, and with an even window (a side of 129-256 px, ...)
        // it is off by half a pixel, which costs rot90/rot180 copies about 10 bits.
        return DIHEDRAL_COPIES.map((kind) => ({
          family,
          label: kind,
          ...hashOf(dihedralCopy(this.working, kind)),
        }));
      case 'trim':
        // Cut out to a fraction of a pixel (refineBox): rounding the edges of a resized screenshot's
        // picture keeps or loses a line, which smooth pictures feel.
        return this.#pictureBoxes().map((box) => {
          const exact = refineBox(this.working, box);
          const size = (v: number) => Math.max(1, Math.round(v));
          return {
            family,
            label: boxLabel(exact),
            ...hashOf(resampleWindow(this.working, exact, size(exact.width), size(exact.height))),
          };
        });
      case 'fill': {
        const box = this.#pictureBox();
        return box ? [{ family, label: boxLabel(box), ...hashOf(fillOutside(this.working, box)) }] : [];
      }
      case 'crops':
        return this.#cutOut(family, cropBoxes(this.working));
      case 'derotate':
        return derotated(this.working);
      case 'bands':
        return this.#cutOut(family, bandBoxes(this.working));
      case 'tones':
        return [{ family, label: TONES_LABEL, ...hashOf(flattenHighlights(this.working, TONES_FLATTENED)) }];
      case 'enlarged':
        if (Math.max(this.working.width, this.working.height) >= ENLARGE_BELOW) return [];
        return ENLARGE_FACTORS.map((factor) => ({
          family,
          label: `x${factor}`,
          ...hashOf(enlarge(this.working, factor)),
        }));
    }
  }
}

/** The `witness` family: none for an image too flat for pHash (it refuses one). */
function withWitness(image: PixelImage, plain: VariantHash): VariantHash[] {
  try {
    const { hash, stable } = plain;
    return [{ family: 'witness', label: 'phash', hash, stable, witness: perceptualHash(image) }];
  } catch (err) {
    if (err instanceof ImprintError && err.code === 'ERR_IMAGE_UNIFORM') return [];
    throw err;
  }
}

function hashOf(image: PixelImage): { hash: Hash; stable: StableBits } {
  return hashed(pdqHash(image));
}

function hashed(result: PdqResult): { hash: Hash; stable: StableBits } {
  return { hash: result.hash, stable: pdqStableBits(result.dct) };
}

function sameBox(a: Box, b: Box | undefined): boolean {
  return !!b && a.left === b.left && a.top === b.top && a.width === b.width && a.height === b.height;
}

/** `left,top widthxheight`, to a tenth of a pixel. */
function boxLabel(box: Box): string {
  const n = (v: number) => String(Math.round(v * 10) / 10);
  return `${n(box.left)},${n(box.top)} ${n(box.width)}x${n(box.height)}`;
}

/**
 * The `crops` rectangles of an image. A centred crop whose margin is an odd number of pixels has
 * two equally centred positions (rounded down or up), and PDQ tells them apart on smooth pictures
 * (a 1-pixel shift alone moves some 20 bits), so both are stored.
 */
export function cropBoxes(image: { width: number; height: number }): { label: string; box: Box }[] {
  const out: { label: string; box: Box }[] = [];
  const positions = (margin: number, anchor: number): number[] =>
    anchor === 0.5 && margin % 2 === 1
      ? [Math.floor(margin / 2), Math.ceil(margin / 2)]
      : [Math.round(margin * anchor)];
  for (const scale of CROP_SCALES) {
    const width = Math.round(image.width * scale);
    const height = Math.round(image.height * scale);
    for (const [ax, ay] of CROP_ANCHORS) {
      for (const left of positions(image.width - width, ax)) {
        for (const top of positions(image.height - height, ay)) {
          out.push({ label: `crop ${scale} @${left},${top}`, box: { left, top, width, height } });
        }
      }
    }
  }
  return out;
}

/** The `bands` rectangles of an image, labelled as {@link BAND_LABELS}. */
export function bandBoxes(image: { width: number; height: number }): { label: string; box: Box }[] {
  const { width, height } = image;
  return BAND_LABELS.map((label, n) => {
    const cut = Math.round(height * BAND_CUTS[n % BAND_CUTS.length]!);
    const top = n < BAND_CUTS.length ? cut : 0;
    return { label, box: { left: 0, top, width, height: height - cut } };
  });
}

/**
 * The query rotated back by each of {@link DEROTATE_ANGLES}, keeping the window the original
 * picture would occupy if the query were that picture rotated with its canvas enlarged (so the
 * filled corners fall outside). Mid-grey fills what is left of them.
 */
function derotated(image: PixelImage): VariantHash[] {
  const out: VariantHash[] = [];
  // Turning a picture with its canvas enlarged fills all four corners with one background colour.
  // Uploads without such corners cannot be that, and are spared the 12 hashes.
  if (!cornersAlike(image)) return out;
  for (const angle of DEROTATE_ANGLES) {
    const size = sizeBeforeRotation(image.width, image.height, angle);
    if (!size || size.width < 16 || size.height < 16) continue;
    const hash = hashOf(rotateWindow(image, -angle, size.width, size.height, 128));
    out.push({ family: 'derotate', label: `${-angle}deg`, ...hash });
  }
  return out;
}

/** Largest per-channel difference between corner pixels that still counts as one fill colour. */
export const CORNER_TOLERANCE = 40;

/** True when the four corner pixels have one colour (within {@link CORNER_TOLERANCE}). */
export function cornersAlike(image: PixelImage): boolean {
  const { width, height, channels } = image;
  const at = (x: number, y: number) => (y * width + x) * channels;
  const corners = [at(0, 0), at(width - 1, 0), at(0, height - 1), at(width - 1, height - 1)];
  const colours = Math.min(channels, 3);
  for (let c = 0; c < colours; c++) {
    const values = corners.map((o) => image.data[o + c]!);
    if (Math.max(...values) - Math.min(...values) > CORNER_TOLERANCE) return false;
  }
  return true;
}

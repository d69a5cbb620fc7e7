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
 * of. Turned, mirrored, cut-out, padded, banded and flattened hashes are PDQ of views of one
 * luma plane at full size (pdq-views.ts), without making their pixels; frames are looked for on
 * a copy of at most {@link DETECTION_SIDE} px, and only `derotate` (turning is not a per-axis view)
 * and `enlarged` hash pixels of their own.
 */
import { perceptualHash } from '../../algorithms/imagehash/phash.js';
import { type PdqResult, pdqHash } from '../../algorithms/pdq/pdq.js';
import { pdqStableBits, type StableBits } from '../../algorithms/pdq/pdq-stable.js';
import { ImprintError } from '../../core/errors.js';
import type { Hash } from '../../core/hash.js';
import type { PixelImage } from '../../core/pixels.js';
import {
  type Box,
  DIHEDRAL_COPIES,
  type DihedralCopy,
  enlarge,
  flattenLevel,
  rotateWindow,
  shrinkBy,
  sizeBeforeRotation,
} from '../../core/raster.js';
import { canvasRotation } from './canvas-rotation.js';
import { findPictureBoxes, refineBox } from './frame.js';
import {
  type AxisMap,
  axisTaps,
  blockOf,
  greyImage,
  hashesOfBlock,
  hashOfBlock,
  type LumaPlane,
  lumaPlane,
  lumaPlaneAndCopy,
  pooledBuffer,
  reduceRowsInto,
  type ViewHash,
  viewHash,
} from './pdq-views.js';
import { turnGreyWasm } from './wasm/plane-wasm.js';

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
export const VARIANTS_VERSION = 17;

/**
 * Longest side of the copy frames and corner colours are looked for on (the image shrunk by a
 * whole factor, so each of its pixels is a block of the image's; the image itself up to this size).
 * Only where the picture lies is found there: the hashes are taken at full size (pdq-views.ts).
 */
export const DETECTION_SIDE = 512;

/**
 * Longest side of the grey copy `derotate` turns back by small angles (the luma plane shrunk by a
 * whole factor): turning is not a view PDQ's filters can follow axis by axis, so it is done on
 * pixels, and 12 turns of a full-size photo would cost more than everything else.
 */
export const DEROTATE_SIDE = 512;

/**
 * Largest luma plane the views are hashed from; a larger image's plane is shrunk by a whole factor
 * to fit (16 MP: a byte per pixel; PDQ's box filter of such an image is 32 px wide anyway).
 */
export const MAX_PLANE_PIXELS: number = 4096 * 4096;

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
 * Fraction of the brightest pixels `tones` flattens, on both sides (core/raster.ts, flattenHighlights):
 * a brightened copy whose edit clipped or squeezed no more than this much of the picture keeps the
 * rest in the same order. Of the quarter and the half tried on the development corpus, the half
 * also flattened the light and dark editions of one wallpaper into the same picture.
 */
export const TONES_FLATTENED = 0.25;

/** The label of the `tones` hash. */
export const TONES_LABEL: string = `top ${TONES_FLATTENED} flat`;

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
  #histogram: Uint32Array | undefined;
  readonly #families = new Map<VariantFamily, VariantHash[]>();
  readonly #expected = new Set<VariantFamily>();

  constructor(image: PixelImage) {
    this.image = image;
  }

  /**
   * Says which families will be asked for, so that one pass over the plane serves several (the
   * flattened rows of `tones` are made with the rows the turned views and bands share). Any
   * family can still be asked for; the hashes are the same either way.
   */
  expect(families: Iterable<VariantFamily>): this {
    for (const f of families) this.#expected.add(f);
    return this;
  }

  /** The reference-exact PDQ of the whole image. */
  get exact(): PdqResult {
    this.#exact ??= pdqHash(this.image);
    return this.#exact;
  }

  /**
   * The copy frames and fill colours are looked for on: the image shrunk by a whole factor to at
   * most {@link DETECTION_SIDE} px (the image itself when it is that small).
   */
  get working(): PixelImage {
    // Every family that looks for frames also hashes views of the plane: one pass makes both.
    if (!this.#working && this.#detectionFactor() > 1 && planeFactor(this.image) === 1) this.#lumaPlane();
    this.#working ??= shrinkBy(this.image, this.#detectionFactor());
    return this.#working;
  }

  /**
   * The luma plane every view is hashed from (shrunk by a whole factor only past
   * {@link MAX_PLANE_PIXELS}), in a pooled buffer (pdq-views.ts, pooledBuffer): read it within one
   * synchronous computation, never keep it.
   */
  #lumaPlane(): LumaPlane {
    const factor = planeFactor(this.image);
    const width = Math.ceil(this.image.width / factor);
    const height = Math.ceil(this.image.height / factor);
    const { buffer, kept } = pooledBuffer('plane', this, width * height * 2);
    const data = new Uint16Array(buffer, 0, width * height);
    if (!kept || !this.#histogram) {
      const copyFactor = this.#detectionFactor();
      if (factor === 1 && copyFactor > 1 && !this.#working) {
        const both = lumaPlaneAndCopy(this.image, data, copyFactor);
        this.#working = both.copy;
        this.#histogram = both.plane.histogram;
      } else this.#histogram = lumaPlane(this.image, factor, data).histogram;
    }
    return { width, height, data, histogram: this.#histogram };
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

  #detectionFactor(): number {
    return Math.max(1, Math.ceil(Math.max(this.image.width, this.image.height) / DETECTION_SIDE));
  }

  /** Plane pixels per working-copy pixel. */
  #toPlane(): number {
    return this.#detectionFactor() / planeFactor(this.image);
  }

  #boxes: Box[] | undefined;

  /**
   * Where the picture may be (working-copy pixels): the box found by peeling every frame layer,
   * the box before the last round of peeling, the box inside the layers of the frame's main
   * colour, and the box inside the outermost layer only (duplicates dropped). The first finds a
   * picture inside a screenshot's nested chrome; the others survive a picture whose own flat edge
   * (a clear sky, a dark strip along its bottom) would be peeled as more frame.
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

  /**
   * Plane rows filtered by the whole width's columns, forwards, mirrored, or forwards with the
   * highlights flattened: what the turned views, the bands and the tones share (pooled, as the
   * plane). Rows not already made are made in one pass over the plane, with those the families
   * still expected will read.
   */
  #rowsOf(kind: RowKind): Float64Array {
    const plane = this.#lumaPlane();
    const { width, height } = plane;
    const coming = (f: VariantFamily) => this.#expected.has(f) && !this.#families.has(f);
    const kinds: RowKind[] =
      kind === 'flattened'
        ? ['flattened', ...(coming('dihedral') || coming('bands') ? (['forwards', 'mirrored'] as const) : [])]
        : ['forwards', 'mirrored', ...(coming('tones') ? (['flattened'] as const) : [])];
    const pools = kinds.map((k) => pooledBuffer(`${k} rows`, this, height * 64 * 8));
    const rows = pools.map((p) => new Float64Array(p.buffer, 0, height * 64));
    const missing = kinds.flatMap((k, i) => (pools[i]!.kept ? [] : [{ k, out: rows[i]! }]));
    if (missing.length > 0) {
      reduceRowsInto(
        plane,
        missing.map(({ k }) => axisTaps(whole(width, k === 'mirrored'), width)),
        0,
        height,
        missing.map(({ k }) => (k === 'flattened' ? this.#tonesLevel() : 255)),
        missing.map(({ out }) => out),
      );
    }
    return rows[kinds.indexOf(kind)]!;
  }

  /** The level `tones` flattens the plane's highlights to. */
  #tonesLevel(): number {
    const plane = this.#lumaPlane();
    return flattenLevel(plane.histogram, plane.width * plane.height, TONES_FLATTENED);
  }

  /** The hashes of labelled whole-pixel rectangles of the plane. */
  #cutOut(family: VariantFamily, boxes: readonly { label: string; box: Box }[]): VariantHash[] {
    return boxes.map(({ label, box }) => {
      const x = { kind: 'crop', from: box.left, length: box.width } as const;
      const y = { kind: 'crop', from: box.top, length: box.height } as const;
      // Rectangles as wide as the plane share its filtered rows.
      const hash =
        box.left === 0 && box.width === this.#lumaPlane().width
          ? hashOfBlock(blockOf(this.#rowsOf('forwards'), 0, axisTaps(y, this.#lumaPlane().height)))
          : viewHash(this.#lumaPlane(), x, y);
      return { family, label, ...hashed(hash) };
    });
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
        return this.#dihedral();
      case 'trim':
        // Cut out at full size to a fraction of a pixel (refineBox): rounding the edges of a
        // resized screenshot's picture keeps or loses a line, which smooth pictures feel.
        return this.#pictureBoxes().map((box) => {
          const exact = scaleBox(refineBox(this.working, box), this.#toPlane());
          const size = (v: number) => Math.max(1, Math.round(v));
          const x = {
            kind: 'window',
            from: exact.left,
            span: exact.width,
            length: size(exact.width),
          } as const;
          const y = {
            kind: 'window',
            from: exact.top,
            span: exact.height,
            length: size(exact.height),
          } as const;
          return {
            family,
            label: boxLabel(scaleBox(exact, planeFactor(this.image))),
            ...hashed(viewHash(this.#lumaPlane(), x, y)),
          };
        });
      case 'fill': {
        const box = this.#pictureBox();
        if (!box) return [];
        const { width, height } = this.#lumaPlane();
        const r = this.#toPlane();
        const edges = (from: number, length: number, size: number) => ({
          kind: 'clamp' as const,
          from: Math.min(size - 1, Math.round(from * r)),
          to: Math.max(0, Math.min(size, Math.round((from + length) * r)) - 1),
          length: size,
        });
        const hash = viewHash(
          this.#lumaPlane(),
          edges(box.left, box.width, width),
          edges(box.top, box.height, height),
        );
        return [{ family, label: boxLabel(scaleBox(box, this.#detectionFactor())), ...hashed(hash) }];
      }
      case 'crops':
        return this.#cutOut(family, cropBoxes(this.#lumaPlane()));
      case 'derotate':
        return derotated(this.working, this.#lumaPlane());
      case 'bands':
        return this.#cutOut(family, bandBoxes(this.#lumaPlane()));
      case 'tones': {
        // The same block as viewHash(plane, whole width, whole height, level) makes.
        const rows = this.#rowsOf('flattened');
        const { height } = this.#lumaPlane();
        const hash = hashOfBlock(blockOf(rows, 0, axisTaps(whole(height), height)));
        return [{ family, label: TONES_LABEL, ...hashed(hash) }];
      }
      case 'enlarged':
        if (Math.max(this.image.width, this.image.height) >= ENLARGE_BELOW) return [];
        return ENLARGE_FACTORS.map((factor) => ({
          family,
          label: `x${factor}`,
          ...hashOf(enlarge(this.image, factor)),
        }));
    }
  }

  /**
   * The 7 turned and mirrored views, from 4 blocks: the plane's rows and columns each read
   * forwards or backwards; a turn by 90 degrees is one of them transposed.
   */
  #dihedral(): VariantHash[] {
    const { height } = this.#lumaPlane();
    const rows = [axisTaps(whole(height), height), axisTaps(whole(height, true), height)];
    // Each block's DCT serves the view and its transpose.
    const blocks = new Map<string, [ViewHash, ViewHash]>();
    const views = (mirrorX: boolean, mirrorY: boolean): [ViewHash, ViewHash] => {
      const key = `${mirrorX}${mirrorY}`;
      let found = blocks.get(key);
      if (!found) {
        found = hashesOfBlock(
          blockOf(this.#rowsOf(mirrorX ? 'mirrored' : 'forwards'), 0, rows[mirrorY ? 1 : 0]!),
        );
        blocks.set(key, found);
      }
      return found;
    };
    return DIHEDRAL_COPIES.map((kind) => {
      const { mirrorX, mirrorY, transposed } = DIHEDRAL_VIEWS[kind];
      return { family: 'dihedral', label: kind, ...hashed(views(mirrorX, mirrorY)[transposed ? 1 : 0]) };
    });
  }
}

/**
 * Each turned or mirrored copy (core/raster.ts, dihedralCopy) as a view of the picture: which axes
 * are read backwards, and whether the axes are swapped (a turn by 90 degrees, a transpose).
 */
export const DIHEDRAL_VIEWS: Record<
  DihedralCopy,
  { mirrorX: boolean; mirrorY: boolean; transposed: boolean }
> = {
  rot90: { mirrorX: false, mirrorY: true, transposed: true },
  rot180: { mirrorX: true, mirrorY: true, transposed: false },
  rot270: { mirrorX: true, mirrorY: false, transposed: true },
  mirror: { mirrorX: true, mirrorY: false, transposed: false },
  flip: { mirrorX: false, mirrorY: true, transposed: false },
  transpose: { mirrorX: false, mirrorY: false, transposed: true },
  transverse: { mirrorX: true, mirrorY: true, transposed: true },
};

/** Whole-width plane rows ImageVariants keeps: read forwards, mirrored, or with flattened highlights. */
type RowKind = 'forwards' | 'mirrored' | 'flattened';

/** A whole axis of `length` pixels, forwards or backwards. */
function whole(length: number, reversed = false): AxisMap {
  return { kind: 'crop', from: 0, length, reversed };
}

/** Whole-factor shrink of the plane: 1 unless the image has more than {@link MAX_PLANE_PIXELS}. */
function planeFactor(image: PixelImage): number {
  return Math.max(1, Math.ceil(Math.sqrt((image.width * image.height) / MAX_PLANE_PIXELS)));
}

function scaleBox(box: Box, factor: number): Box {
  if (factor === 1) return box;
  return {
    left: box.left * factor,
    top: box.top * factor,
    width: box.width * factor,
    height: box.height * factor,
  };
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

function hashed(result: { hash: Hash; dct: Float32Array; stable?: StableBits }): {
  hash: Hash;
  stable: StableBits;
} {
  return { hash: result.hash, stable: result.stable ?? pdqStableBits(result.dct) };
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
 * The query turned back by the angle its filled corners show (canvas-rotation.ts), into two
 * windows: the one the original picture would occupy if the query were that picture turned with
 * its canvas grown (the filled corners fall outside), and the query's own canvas (a turned picture
 * cropped back to its size). Mid-grey fills what is left of the corners. Turned on a grey copy of
 * at most {@link DEROTATE_SIDE} px (PDQ sees only luma). Uploads whose corners show no turn (most
 * of them) get no hashes here.
 */
function derotated(working: PixelImage, plane: LumaPlane): VariantHash[] {
  const out: VariantHash[] = [];
  const degrees = canvasRotation(working);
  if (degrees === undefined) return out;
  const factor = Math.max(1, Math.ceil(Math.max(plane.width, plane.height) / DEROTATE_SIDE));
  const image = greyImage(plane, factor);
  const turnedBack = `${-Math.round(degrees * 10) / 10}deg`;
  const windows = [
    { size: sizeBeforeRotation(image.width, image.height, degrees), label: turnedBack },
    { size: { width: image.width, height: image.height }, label: `${turnedBack} same canvas` },
  ];
  for (const { size, label } of windows) {
    if (!size || size.width < 16 || size.height < 16) continue;
    const turned =
      turnGreyWasm(image, -degrees, size.width, size.height, 128) ??
      rotateWindow(image, -degrees, size.width, size.height, 128);
    out.push({ family: 'derotate', label, ...hashOf(turned) });
  }
  return out;
}

/**
 * Local features of a picture: FAST corners on every level of a scale pyramid of its working grey
 * plane, ranked by Harris response and spread over the picture, each with an orientation
 * (intensity centroid) and a 256-bit descriptor steered by it. This is ORB's recipe (Rublee et
 * al. 2011, from its public description), written for imprint with its own sampling pattern.
 *
 * Coordinates are in the working plane (the picture shrunk to at most `maxSide`), continuous,
 * pixel centres at +0.5; positions are rounded to 1/16 px so that stored features (encode.ts)
 * round-trip exactly.
 */
import type { PixelImage } from '../core/pixels.js';
import { ANGLE_BINS, angleBin, DESCRIPTOR_BORDER, LevelDescriber } from './descriptor.js';
import { fastScores, localMaxima } from './fast.js';
import { type GreyPlane, workingGrey } from './grey.js';
import { harrisAt } from './harris.js';
import { centroidAngle } from './orientation.js';
import { DESCRIPTOR_WORDS } from './pattern.js';
import { boxSmooth, buildPyramid } from './pyramid.js';
import { spreadStrongest } from './spread.js';

/** Longest side of the working grey plane. */
export const FEATURE_SIDE = 512;
/** Size ratio between pyramid levels (three levels per octave). */
export const PYRAMID_FACTOR: number = 2 ** (1 / 3);
/** Most pyramid levels (a span of 4x in size). */
export const PYRAMID_LEVELS = 7;
/** Grey levels a FAST circle pixel must differ by (the usual 20)... */
export const FAST_THRESHOLD = 20;
/** ...or, on a level where that finds fewer corners than its share, this many. */
export const FAST_LOW_THRESHOLD = 7;
/** Side of the cells corners are spread over (spread.ts), in pixels of each level. */
export const SPREAD_CELL = 32;
/** The descriptor tests read 5x5 box means (pyramid.ts, boxSmooth), as ORB's do. */
export const DESCRIPTOR_SMOOTHING = 2;
/** Features kept for a known image by default (what storage is sized on). */
export const KNOWN_FEATURES = 256;
/** Features extracted from an upload by default (more than stored: a framed picture shares them). */
export const QUERY_FEATURES = 512;

/** The local features of one picture (or of its mirror image). */
export interface LocalFeatures {
  /** Size of the working plane the coordinates are in. */
  readonly width: number;
  readonly height: number;
  readonly count: number;
  /** Keypoint positions in the working plane. */
  readonly x: Float32Array;
  readonly y: Float32Array;
  /** Pyramid level: the keypoint's size is PYRAMID_FACTOR ** level. */
  readonly level: Uint8Array;
  /** Orientation step (descriptor.ts, ANGLE_BINS per turn). */
  readonly angle: Uint8Array;
  /** `count` descriptors of DESCRIPTOR_WORDS words each (bit i in word i >> 5, bit i & 31). */
  readonly descriptors: Uint32Array;
  /** True for the mirror image's features (extractFeatureViews). */
  readonly mirrored?: boolean;
}

/** Options of {@link extractFeatureViews}. */
export interface FeatureOptions {
  /** Most features kept (default {@link KNOWN_FEATURES}). */
  readonly maxFeatures?: number;
  /** Longest side of the working plane (default {@link FEATURE_SIDE}). */
  readonly maxSide?: number;
  /** Also return the mirror image's features (same keypoints, mirrored tests): for uploads. */
  readonly mirror?: boolean;
}

interface Keypoint {
  readonly x: number;
  readonly y: number;
  readonly response: number;
  readonly level: number;
}

const QUANTUM = 16;
const quantise = (v: number) => Math.round(v * QUANTUM) / QUANTUM;

/**
 * The picture's local features, and with `mirror` its mirror image's as a second view.
 *
 * @example
 * ```ts
 * const [features, mirrored] = extractFeatureViews(pixels, { maxFeatures: 512, mirror: true });
 * ```
 */
export function extractFeatureViews(image: PixelImage, options: FeatureOptions = {}): LocalFeatures[] {
  const grey = workingGrey(image, options.maxSide ?? FEATURE_SIDE);
  return featuresOfPlane(grey, options.maxFeatures ?? KNOWN_FEATURES, options.mirror ?? false);
}

/**
 * The picture's local features (one view).
 *
 * @example
 * ```ts
 * const known = extractLocalFeatures(pixels); // up to 256 features
 * ```
 */
export function extractLocalFeatures(image: PixelImage, options: FeatureOptions = {}): LocalFeatures {
  return extractFeatureViews(image, { ...options, mirror: false })[0]!;
}

/** A keypoint found on a pyramid level, with its orientation step. */
export interface DetectedKeypoint {
  /** Pixel on its level. */
  readonly x: number;
  readonly y: number;
  readonly level: number;
  readonly bin: number;
}

/** What detection leaves for describing: each level's smoothed plane and scale, and the keypoints. */
export interface Detection {
  readonly levels: readonly {
    readonly smoothed: GreyPlane;
    readonly scaleX: number;
    readonly scaleY: number;
  }[];
  readonly keypoints: readonly DetectedKeypoint[];
}

/** FAST corners of one level above `threshold`, as candidates with their Harris response. */
function cornersOf(plane: GreyPlane, threshold: number, level: number): Keypoint[] {
  const scores = fastScores(plane, threshold, DESCRIPTOR_BORDER);
  return localMaxima(scores, plane.width, plane.height)
    .map((p) => {
      const x = p % plane.width;
      const y = (p - x) / plane.width;
      return { x, y, response: harrisAt(plane, x, y), level };
    })
    .filter((c) => c.response > 0);
}

/**
 * The keypoints of a working grey plane: up to `maxFeatures` FAST corners over the pyramid, each
 * level's share following its area (what a level cannot fill goes to the next), kept by Harris
 * response spread over cells (spread.ts), each oriented by its intensity centroid.
 */
export function detectKeypoints(grey: GreyPlane, maxFeatures: number): Detection {
  const border = DESCRIPTOR_BORDER;
  const pyramid = buildPyramid(grey, PYRAMID_FACTOR, PYRAMID_LEVELS, 2 * border + 16);
  const inner = (p: GreyPlane) => Math.max(0, p.width - 2 * border) * Math.max(0, p.height - 2 * border);
  const totalArea = pyramid.reduce((s, l) => s + inner(l.plane), 0);
  const keypoints: DetectedKeypoint[] = [];
  const levels: Detection['levels'][number][] = [];
  let carried = 0;
  pyramid.forEach((level, l) => {
    const plane = level.plane;
    const smoothed = boxSmooth(plane, DESCRIPTOR_SMOOTHING);
    levels.push({ smoothed, scaleX: level.scaleX, scaleY: level.scaleY });
    if (inner(plane) === 0 || keypoints.length >= maxFeatures) return;
    const quota = Math.min(
      maxFeatures - keypoints.length,
      Math.round((maxFeatures * inner(plane)) / totalArea) + carried,
    );
    // A low-contrast level (a smooth picture, a darkened copy) is searched again at a lower threshold.
    let corners = cornersOf(plane, FAST_THRESHOLD, l);
    if (corners.length < quota) corners = cornersOf(plane, FAST_LOW_THRESHOLD, l);
    const chosen = spreadStrongest(corners, quota, SPREAD_CELL);
    for (const k of chosen)
      keypoints.push({ x: k.x, y: k.y, level: l, bin: angleBin(centroidAngle(smoothed, k.x, k.y)) });
    carried = quota - chosen.length;
  });
  return { levels, keypoints };
}

/** As {@link extractFeatureViews}, from a working grey plane. */
export function featuresOfPlane(grey: GreyPlane, maxFeatures: number, mirror: boolean): LocalFeatures[] {
  const { levels, keypoints } = detectKeypoints(grey, maxFeatures);
  const count = keypoints.length;
  const views: LocalFeatures[] = [];
  for (const flip of mirror ? [false, true] : [false]) {
    const x = new Float32Array(count);
    const y = new Float32Array(count);
    const level = new Uint8Array(count);
    const angle = new Uint8Array(count);
    const descriptors = new Uint32Array(count * DESCRIPTOR_WORDS);
    keypoints.forEach((k, i) => {
      const { scaleX, scaleY } = levels[k.level]!;
      const px = quantise((k.x + 0.5) * scaleX);
      x[i] = flip ? grey.width - px : px;
      y[i] = quantise((k.y + 0.5) * scaleY);
      level[i] = k.level;
      // The mirror image's centroid points the mirrored way: pi - angle.
      angle[i] = flip ? (ANGLE_BINS / 2 - k.bin + ANGLE_BINS) % ANGLE_BINS : k.bin;
    });
    const describers = levels.map((l) => new LevelDescriber(l.smoothed));
    keypoints.forEach((k, i) => {
      describers[k.level]!.describe(k.x, k.y, k.bin, flip, descriptors, i * DESCRIPTOR_WORDS);
    });
    views.push({
      width: grey.width,
      height: grey.height,
      count,
      x,
      y,
      level,
      angle,
      descriptors,
      ...(flip ? { mirrored: true } : {}),
    });
  }
  return views;
}

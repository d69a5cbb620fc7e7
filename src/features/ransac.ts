/**
 * Geometric verification: is there one similarity (scale, rotation, shift) that carries many of
 * the putative correspondences from the upload onto the known image? A copy of a picture that
 * was cropped, resized, turned or framed is such a map of it; two different pictures give
 * correspondences that agree with no single map beyond a handful of chance pairs. The count of
 * correspondences that agree (inliers) is the evidence the method decides on.
 *
 * Hypotheses are made from pairs of the closest correspondences (RANSAC's minimal samples, taken
 * in order rather than at random so results are reproducible), screened by what each pair's
 * keypoints already say (their orientations must turn by the map's angle, their pyramid levels
 * differ by its scale), counted, and the best refined by least squares on its inliers.
 */

import type { Correspondences } from './correspond.js';
import { ANGLE_BINS } from './descriptor.js';
import { type LocalFeatures, PYRAMID_FACTOR } from './extract.js';

/** A similarity k = [a -b; b a] q + [tx; ty] (scale sqrt(a^2 + b^2), angle atan2(b, a)). */
export interface Similarity {
  readonly a: number;
  readonly b: number;
  readonly tx: number;
  readonly ty: number;
}

/** Applies a similarity to a point. */
export function applySimilarity(m: Similarity, x: number, y: number): [number, number] {
  return [m.a * x - m.b * y + m.tx, m.b * x + m.a * y + m.ty];
}

/**
 * The similarity carrying q1 to k1 and q2 to k2 exactly (undefined when q1 = q2).
 *
 * @example
 * ```ts
 * const m = similarityFromPair(0, 0, 1, 0, 5, 5, 5, 7); // scale 2, a quarter turn, shift (5, 5)
 * ```
 */
export function similarityFromPair(
  q1x: number,
  q1y: number,
  q2x: number,
  q2y: number,
  k1x: number,
  k1y: number,
  k2x: number,
  k2y: number,
): Similarity | undefined {
  const dqx = q2x - q1x;
  const dqy = q2y - q1y;
  const n = dqx * dqx + dqy * dqy;
  if (n === 0) return undefined;
  const dkx = k2x - k1x;
  const dky = k2y - k1y;
  const a = (dkx * dqx + dky * dqy) / n;
  const b = (dky * dqx - dkx * dqy) / n;
  return { a, b, tx: k1x - (a * q1x - b * q1y), ty: k1y - (b * q1x + a * q1y) };
}

/**
 * The least-squares similarity from points q to points k (undefined for fewer than 2 distinct
 * points): centred, a + ib = sum conj(q) k / sum |q|^2.
 */
export function fitSimilarity(
  qx: ArrayLike<number>,
  qy: ArrayLike<number>,
  kx: ArrayLike<number>,
  ky: ArrayLike<number>,
): Similarity | undefined {
  const n = qx.length;
  if (n < 2) return undefined;
  let mqx = 0;
  let mqy = 0;
  let mkx = 0;
  let mky = 0;
  for (let i = 0; i < n; i++) {
    mqx += qx[i]!;
    mqy += qy[i]!;
    mkx += kx[i]!;
    mky += ky[i]!;
  }
  mqx /= n;
  mqy /= n;
  mkx /= n;
  mky /= n;
  let norm = 0;
  let re = 0;
  let im = 0;
  for (let i = 0; i < n; i++) {
    const ux = qx[i]! - mqx;
    const uy = qy[i]! - mqy;
    const vx = kx[i]! - mkx;
    const vy = ky[i]! - mky;
    norm += ux * ux + uy * uy;
    re += ux * vx + uy * vy;
    im += ux * vy - uy * vx;
  }
  if (norm === 0) return undefined;
  const a = re / norm;
  const b = im / norm;
  return { a, b, tx: mkx - (a * mqx - b * mqy), ty: mky - (b * mqx + a * mqy) };
}

/** What counts as agreeing with a map. */
export interface VerifyOptions {
  /** Largest distance, in known working pixels, between a mapped upload keypoint and its partner. */
  readonly tolerance: number;
  /** Largest difference between a pair's orientation change and the map's angle, in orientation steps. */
  readonly angleTolerance: number;
  /** Largest difference between a pair's level change and the map's scale, in pyramid levels. */
  readonly levelTolerance: number;
  /** Scales (known size / upload size) a map may have. */
  readonly minScale: number;
  readonly maxScale: number;
  /** Correspondences (closest first) whose pairs make hypotheses. */
  readonly sampled: number;
  /** Least separation of a hypothesis' two upload keypoints, in upload working pixels. */
  readonly minSeparation: number;
}

/** Defaults of {@link VerifyOptions}, for pictures on working planes of a few hundred pixels. */
export const VERIFY_DEFAULTS: VerifyOptions = {
  tolerance: 4,
  angleTolerance: 4,
  levelTolerance: 1.5,
  minScale: 1 / 8,
  maxScale: 8,
  sampled: 48,
  minSeparation: 8,
};

/** The outcome of {@link verifySimilarity}. */
export interface Verification {
  /** Distinct known keypoints met by correspondences that agree with the map (0 without one). */
  readonly inliers: number;
  readonly model?: Similarity;
  /** Mean descriptor distance of the agreeing correspondences. */
  readonly meanDistance?: number;
  /** `inlier[c]` 1 when correspondence c agrees with the map. */
  readonly inlier: Uint8Array;
}

const LOG_FACTOR = Math.log(PYRAMID_FACTOR);

/** Signed difference of two orientation steps, in (-ANGLE_BINS/2, ANGLE_BINS/2]. */
function binDelta(a: number, b: number): number {
  let d = (a - b) % ANGLE_BINS;
  if (d > ANGLE_BINS / 2) d -= ANGLE_BINS;
  if (d <= -ANGLE_BINS / 2) d += ANGLE_BINS;
  return d;
}

/**
 * The similarity most correspondences agree with, and how many distinct known keypoints agree.
 *
 * @example
 * ```ts
 * const { inliers } = verifySimilarity(correspond(upload, known, opts), upload, known);
 * ```
 */
export function verifySimilarity(
  pairs: Correspondences,
  query: LocalFeatures,
  known: LocalFeatures,
  options: VerifyOptions = VERIFY_DEFAULTS,
): Verification {
  const n = pairs.count;
  const none: Verification = { inliers: 0, inlier: new Uint8Array(n) };
  if (n < 2) return none;
  const qx = new Float64Array(n);
  const qy = new Float64Array(n);
  const kx = new Float64Array(n);
  const ky = new Float64Array(n);
  const turn = new Float64Array(n); // orientation change, steps
  const grow = new Float64Array(n); // level change
  for (let c = 0; c < n; c++) {
    const q = pairs.query[c]!;
    const k = pairs.known[c]!;
    qx[c] = query.x[q]!;
    qy[c] = query.y[q]!;
    kx[c] = known.x[k]!;
    ky[c] = known.y[k]!;
    turn[c] = known.angle[k]! - query.angle[q]!;
    grow[c] = known.level[k]! - query.level[q]!;
  }
  const tol2 = options.tolerance * options.tolerance;
  const agrees = (m: Similarity, c: number, mapTurn: number, mapGrow: number): boolean => {
    const dx = m.a * qx[c]! - m.b * qy[c]! + m.tx - kx[c]!;
    const dy = m.b * qx[c]! + m.a * qy[c]! + m.ty - ky[c]!;
    return (
      dx * dx + dy * dy <= tol2 &&
      Math.abs(binDelta(turn[c]!, mapTurn)) <= options.angleTolerance &&
      Math.abs(grow[c]! - mapGrow) <= options.levelTolerance
    );
  };
  const seen = new Uint8Array(known.count);
  const count = (m: Similarity, mark?: Uint8Array): number => {
    const mapTurn = (Math.atan2(m.b, m.a) * ANGLE_BINS) / (2 * Math.PI);
    // A corner shown s times larger is found log_f(s) levels further down the pyramid.
    const mapGrow = Math.log(Math.hypot(m.a, m.b)) / LOG_FACTOR;
    seen.fill(0);
    let distinct = 0;
    for (let c = 0; c < n; c++) {
      if (!agrees(m, c, mapTurn, mapGrow)) continue;
      if (mark) mark[c] = 1;
      const k = pairs.known[c]!;
      if (!seen[k]) {
        seen[k] = 1;
        distinct++;
      }
    }
    return distinct;
  };
  const sampled = Math.min(n, options.sampled);
  const sep2 = options.minSeparation * options.minSeparation;
  let best: Similarity | undefined;
  let bestCount = 0;
  for (let i = 0; i < sampled; i++) {
    for (let j = i + 1; j < sampled; j++) {
      const ddx = qx[j]! - qx[i]!;
      const ddy = qy[j]! - qy[i]!;
      if (ddx * ddx + ddy * ddy < sep2) continue;
      const m = similarityFromPair(qx[i]!, qy[i]!, qx[j]!, qy[j]!, kx[i]!, ky[i]!, kx[j]!, ky[j]!);
      if (!m) continue;
      const scale = Math.hypot(m.a, m.b);
      if (scale < options.minScale || scale > options.maxScale) continue;
      const mapTurn = (Math.atan2(m.b, m.a) * ANGLE_BINS) / (2 * Math.PI);
      const mapGrow = Math.log(scale) / LOG_FACTOR;
      // Both keypoint pairs must already agree in orientation and level, not just in position.
      if (!agrees(m, i, mapTurn, mapGrow) || !agrees(m, j, mapTurn, mapGrow)) continue;
      const c = count(m);
      if (c > bestCount) {
        bestCount = c;
        best = m;
      }
    }
  }
  if (!best) return none;
  // Refined on its inliers while that finds more of them.
  for (let round = 0; round < 3; round++) {
    const mark = new Uint8Array(n);
    count(best, mark);
    const idx: number[] = [];
    for (let c = 0; c < n; c++) if (mark[c]) idx.push(c);
    const refined = fitSimilarity(
      idx.map((c) => qx[c]!),
      idx.map((c) => qy[c]!),
      idx.map((c) => kx[c]!),
      idx.map((c) => ky[c]!),
    );
    if (!refined) break;
    const scale = Math.hypot(refined.a, refined.b);
    if (scale < options.minScale || scale > options.maxScale) break;
    const c = count(refined);
    if (c <= bestCount) break;
    bestCount = c;
    best = refined;
  }
  const inlier = new Uint8Array(n);
  const inliers = count(best, inlier);
  let sum = 0;
  let agreeing = 0;
  for (let c = 0; c < n; c++) {
    if (!inlier[c]) continue;
    sum += pairs.distance[c]!;
    agreeing++;
  }
  return { inliers, model: best, meanDistance: sum / agreeing, inlier };
}

/**
 * How much finer than a picture's finest pyramid level a corner of the other picture may be and
 * still count as one it should show: one level (a factor of 1.26). Verification accepts pairs 1.5
 * levels apart; with a cut at half a level, every corner of the known image's finest level (about
 * a third of them) stopped counting as soon as the upload was 1.122 times smaller, so the count
 * jumped with a small change of size.
 */
export const VISIBLE_LEVEL_SLACK = 1;

/**
 * Known keypoints the upload should show if the map is right: those the inverse map puts inside
 * the upload's working plane (away from its edge by the descriptor's patch at that size) at a
 * pyramid level the upload has (down to `slack` levels finer than its finest). A true copy shows
 * most of them again (as inliers), a different photograph of the same scene or a picture that
 * only shares a repeated motif with the known one few: the ratio tells them apart where the count
 * of inliers alone does not (LocalFeatureRule.minShare).
 */
export function visibleKnown(
  model: Similarity,
  query: LocalFeatures,
  known: LocalFeatures,
  levels: number,
  slack: number = VISIBLE_LEVEL_SLACK,
): number {
  return visibleKnownMask(model, query, known, levels, slack).reduce((s, v) => s + v, 0);
}

/** As {@link visibleKnown}, the known keypoints themselves: `mask[k]` 1 when keypoint k is visible. */
export function visibleKnownMask(
  model: Similarity,
  query: LocalFeatures,
  known: LocalFeatures,
  levels: number,
  slack: number = VISIBLE_LEVEL_SLACK,
): Uint8Array {
  const mask = new Uint8Array(known.count);
  const s2 = model.a * model.a + model.b * model.b;
  if (s2 === 0) return mask;
  // Inverse of k = A q + t: q = A^-1 (k - t), A^-1 = [a b; -b a] / s^2.
  const ia = model.a / s2;
  const ib = -model.b / s2;
  const grow = Math.log(Math.sqrt(s2)) / LOG_FACTOR;
  for (let k = 0; k < known.count; k++) {
    const ql = known.level[k]! - grow;
    if (ql < -slack || ql > levels - 0.5) continue;
    const dx = known.x[k]! - model.tx;
    const dy = known.y[k]! - model.ty;
    const qx = ia * dx - ib * dy;
    const qy = ib * dx + ia * dy;
    const margin = 16 * PYRAMID_FACTOR ** Math.max(0, ql);
    if (qx >= margin && qy >= margin && qx <= query.width - margin && qy <= query.height - margin)
      mask[k] = 1;
  }
  return mask;
}

/**
 * The other side of {@link visibleKnown}: upload keypoints the map puts inside the known image's
 * working plane (away from its edge by the descriptor's patch) at a pyramid level the known image
 * has (down to `slack` levels finer than its finest, as {@link visibleKnown}).
 */
export function visibleQuery(
  model: Similarity,
  query: LocalFeatures,
  known: LocalFeatures,
  levels: number,
  slack: number = VISIBLE_LEVEL_SLACK,
): number {
  const grow = Math.log(Math.hypot(model.a, model.b)) / LOG_FACTOR;
  let visible = 0;
  for (let q = 0; q < query.count; q++) {
    const kl = query.level[q]! + grow;
    if (kl < -slack || kl > levels - 0.5) continue;
    const [x, y] = applySimilarity(model, query.x[q]!, query.y[q]!);
    const margin = 16 * PYRAMID_FACTOR ** Math.max(0, kl);
    if (x >= margin && y >= margin && x <= known.width - margin && y <= known.height - margin) visible++;
  }
  return visible;
}

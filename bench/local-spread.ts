/**
 * How widely a verified match's inliers spread over the part of the known picture the upload
 * shows. A copy of a picture, however cropped, framed or recoloured, repeats corners all over the
 * part it shows; two different pictures that share one textured patch (a rock face, a motif, a
 * line of text) agree with one map only inside that patch.
 */
import type { Correspondences } from '../src/features/correspond.js';
import type { LocalFeatures } from '../src/features/extract.js';
import { PYRAMID_LEVELS } from '../src/features/extract.js';
import { applySimilarity, type Similarity, visibleKnownMask } from '../src/features/ransac.js';

/** Area of the convex hull of points (x[k], y[k]) (0 for fewer than 3). */
export function hullArea(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n < 3) return 0;
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => x[a]! - x[b]! || y[a]! - y[b]!);
  const cross = (o: number, a: number, b: number) =>
    (x[a]! - x[o]!) * (y[b]! - y[o]!) - (y[a]! - y[o]!) * (x[b]! - x[o]!);
  const hull: number[] = [];
  // Andrew's monotone chain: lower hull, then upper hull.
  for (const pass of [order, [...order].reverse()]) {
    const start = hull.length;
    for (const p of pass) {
      while (hull.length >= start + 2 && cross(hull[hull.length - 2]!, hull[hull.length - 1]!, p) <= 0)
        hull.pop();
      hull.push(p);
    }
    hull.pop();
  }
  let area = 0;
  for (let k = 0; k < hull.length; k++) {
    const a = hull[k]!;
    const b = hull[(k + 1) % hull.length]!;
    area += x[a]! * y[b]! - x[b]! * y[a]!;
  }
  return Math.abs(area) / 2;
}

/** Area of a polygon clipped to the rectangle [0, w] x [0, h] (Sutherland-Hodgman). */
export function clippedArea(polygon: readonly [number, number][], w: number, h: number): number {
  let poly = polygon;
  const edges: ((p: [number, number]) => number)[] = [
    (p) => p[0],
    (p) => w - p[0],
    (p) => p[1],
    (p) => h - p[1],
  ];
  for (const inside of edges) {
    const next: [number, number][] = [];
    for (let k = 0; k < poly.length; k++) {
      const a = poly[k]!;
      const b = poly[(k + 1) % poly.length]!;
      const da = inside(a);
      const db = inside(b);
      if (da >= 0) next.push(a);
      if (da >= 0 !== db >= 0) {
        const s = da / (da - db);
        next.push([a[0] + s * (b[0] - a[0]), a[1] + s * (b[1] - a[1])]);
      }
    }
    poly = next;
    if (poly.length === 0) return 0;
  }
  let area = 0;
  for (let k = 0; k < poly.length; k++) {
    const a = poly[k]!;
    const b = poly[(k + 1) % poly.length]!;
    area += a[0] * b[1] - b[0] * a[1];
  }
  return Math.abs(area) / 2;
}

/** What {@link inlierSpread} measures. */
export interface InlierSpread {
  /** Share of the known picture the upload shows under the map (its plane mapped, clipped). */
  readonly overlap: number;
  /** Convex hull of the inliers' known corners, as a share of that overlap. */
  readonly hullShare: number;
  /** Convex hull of the inliers' upload corners, as a share of the upload's plane. */
  readonly queryHullShare: number;
  /** Convex hull of the inliers' known corners, as a share of the hull of the known corners the upload should show. */
  readonly visibleHullShare: number;
  /** Of the cells of a 4x4 grid over the visible known corners' box holding some of them, the share holding an inlier. */
  readonly cellShare: number;
}

/**
 * The spread of a verification's inliers (`inlier[c]` set for the agreeing correspondences) under
 * its map from the upload's plane to the known one.
 */
export function inlierSpread(
  pairs: Correspondences,
  inlier: Uint8Array,
  query: LocalFeatures,
  known: LocalFeatures,
  model: Similarity,
): InlierSpread {
  const kx: number[] = [];
  const ky: number[] = [];
  const qx: number[] = [];
  const qy: number[] = [];
  for (let c = 0; c < pairs.count; c++) {
    if (!inlier[c]) continue;
    kx.push(known.x[pairs.known[c]!]!);
    ky.push(known.y[pairs.known[c]!]!);
    qx.push(query.x[pairs.query[c]!]!);
    qy.push(query.y[pairs.query[c]!]!);
  }
  const corners: [number, number][] = [
    applySimilarity(model, 0, 0),
    applySimilarity(model, query.width, 0),
    applySimilarity(model, query.width, query.height),
    applySimilarity(model, 0, query.height),
  ];
  const overlapArea = clippedArea(corners, known.width, known.height);
  const visible = visibleKnownMask(model, query, known, PYRAMID_LEVELS);
  const vx: number[] = [];
  const vy: number[] = [];
  for (let k = 0; k < known.count; k++) {
    if (!visible[k]) continue;
    vx.push(known.x[k]!);
    vy.push(known.y[k]!);
  }
  const visibleHull = hullArea(vx, vy);
  const G = 4;
  const x0 = Math.min(...vx);
  const y0 = Math.min(...vy);
  const cw = (Math.max(...vx) - x0) / G || 1;
  const ch = (Math.max(...vy) - y0) / G || 1;
  const cell = (x: number, y: number) =>
    Math.min(G - 1, Math.max(0, Math.floor((x - x0) / cw))) * G +
    Math.min(G - 1, Math.max(0, Math.floor((y - y0) / ch)));
  const held = new Set<number>();
  for (let k = 0; k < vx.length; k++) held.add(cell(vx[k]!, vy[k]!));
  const hit = new Set<number>();
  for (let k = 0; k < kx.length; k++) if (held.has(cell(kx[k]!, ky[k]!))) hit.add(cell(kx[k]!, ky[k]!));
  return {
    visibleHullShare: visibleHull > 0 ? hullArea(kx, ky) / visibleHull : 0,
    cellShare: held.size > 0 ? hit.size / held.size : 0,
    overlap: overlapArea / (known.width * known.height),
    hullShare: overlapArea > 0 ? hullArea(kx, ky) / overlapArea : 0,
    queryHullShare: hullArea(qx, qy) / (query.width * query.height),
  };
}

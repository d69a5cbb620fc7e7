/**
 * Recognises a picture turned by a small angle on a canvas of one fill colour, and measures the
 * angle, so that `derotate` (variants.ts) turns back only uploads that look turned, and only by
 * their own angle.
 *
 * A picture turned by θ with its canvas grown leaves a right triangle of fill in every corner,
 * one leg along each edge; cropping it back to the picture's size ("same canvas") keeps a smaller
 * triangle of the same shape. The triangle's slanted side is one of the picture's edges, so
 * walking along the triangle's long leg, the fill run across it shrinks by tan θ per pixel: a
 * straight line. A frame, a letterbox bar or a dark photo corner makes runs that span the whole
 * edge, jump, or wander, and is refused. Each of the four corners gives its own estimate; all four
 * must agree.
 */
import type { PixelImage } from '../../core/pixels.js';
import { colourChannels } from '../../core/raster.js';

/**
 * Largest per-channel differences from the fill colour a pixel may have and still count as fill,
 * tried in order until one shows a turn. The corners must agree within the first. The tighter ones
 * are for a dark picture on a black canvas (a night sky, a terminal), within 40 of the fill along
 * its edges but rarely within 12 or 6; the fill itself, flat before encoding, stays within them
 * apart from JPEG's ringing next to the picture, which the line fit leaves out.
 */
export const FILL_TOLERANCES: readonly number[] = [40, 12, 6];

/** Smallest and largest angle (degrees, either way) reported; below the smallest, plain PDQ copes. */
export const ROTATION_RANGE: readonly [number, number] = [0.5, 12];

/** How far apart (degrees) the four corners' estimates may be. */
const CORNER_AGREEMENT = 0.3;

/**
 * Fewest corners that must show the same triangle. Where the picture's edge has the fill's colour
 * (a dark photo on black) a corner's runs reach into the picture; two straight, agreeing corners
 * are still far more than a frame or a photo's own corners give.
 */
const MIN_CORNERS = 2;

/** Largest root-mean-square distance (pixels) of the runs from their fitted straight line. */
const MAX_RESIDUAL = 0.5;

/** Runs further than this (pixels) from the first fitted line are left out of the second fit. */
const OUTLIER = 2.5;

/** Share of a corner's runs that must lie near its line. */
const MIN_KEPT = 0.75;

/** Fewest runs a corner's line is fitted to (the triangle's long leg, in pixels). */
const MIN_RUNS = 8;

/**
 * The angle (degrees, clockwise as sharp's `rotate` turns) by which the image's picture was
 * turned on a canvas of one colour, or undefined when its corners do not show it.
 */
export function canvasRotation(image: PixelImage): number | undefined {
  const { width, height } = image;
  if (width < 16 || height < 16) return undefined;
  const fill = fillColour(image);
  if (!fill) return undefined;
  const difference = differenceFrom(image, fill);
  for (const tolerance of FILL_TOLERANCES) {
    const degrees = rotationWithin(width, height, difference, tolerance);
    if (degrees !== undefined) return degrees;
  }
  return undefined;
}

/** {@link canvasRotation} with pixels within `tolerance` of the fill colour counted as fill. */
function rotationWithin(
  width: number,
  height: number,
  difference: (x: number, y: number) => number,
  tolerance: number,
): number | undefined {
  const estimates: number[] = [];
  for (const [x0, y0, dx, dy] of [
    [0, 0, 1, 1],
    [width - 1, 0, -1, 1],
    [0, height - 1, 1, -1],
    [width - 1, height - 1, -1, -1],
  ] as const) {
    const degrees = cornerAngle(width, height, difference, tolerance, x0, y0, dx, dy);
    if (degrees !== undefined) estimates.push(degrees);
  }
  if (estimates.length < MIN_CORNERS) return undefined;
  // The estimates closest together: a corner whose picture runs into the fill colour goes astray.
  estimates.sort((a, b) => a - b);
  let best: number[] = [];
  for (let i = 0; i < estimates.length; i++) {
    const group = estimates.filter((d) => d >= estimates[i]! && d <= estimates[i]! + CORNER_AGREEMENT);
    if (group.length > best.length) best = group;
  }
  if (best.length < MIN_CORNERS) return undefined;
  const mean = best.reduce((sum, d) => sum + d, 0) / best.length;
  const size = Math.abs(mean);
  if (size < ROTATION_RANGE[0] || size > ROTATION_RANGE[1]) return undefined;
  return mean;
}

/** The mean colour of the four corner pixels, or undefined when they differ by more than the tolerance. */
function fillColour(image: PixelImage): number[] | undefined {
  const { width, height, channels, data } = image;
  const colours = colourChannels(image);
  const corners = [0, width - 1, (height - 1) * width, height * width - 1].map((p) => p * channels);
  const fill: number[] = [];
  for (let c = 0; c < colours; c++) {
    const values = corners.map((o) => data[o + c]!);
    if (Math.max(...values) - Math.min(...values) > FILL_TOLERANCES[0]!) return undefined;
    fill.push(values.reduce((sum, v) => sum + v, 0) / values.length);
  }
  return fill;
}

/** The largest per-channel difference of a pixel from the fill colour. */
function differenceFrom(image: PixelImage, fill: readonly number[]): (x: number, y: number) => number {
  const { width, channels, data } = image;
  return (x, y) => {
    const o = (y * width + x) * channels;
    let most = 0;
    for (let c = 0; c < fill.length; c++) most = Math.max(most, Math.abs(data[o + c]! - fill[c]!));
    return most;
  };
}

/**
 * One corner's angle: the fill runs across the corner's triangle, one per pixel along its long
 * leg, fitted by a straight line whose slope is tan θ. `(x0, y0)` is the corner pixel, `(dx, dy)`
 * the directions into the image. Undefined when the corner holds no such triangle.
 */
function cornerAngle(
  width: number,
  height: number,
  difference: (x: number, y: number) => number,
  tolerance: number,
  x0: number,
  y0: number,
  dx: number,
  dy: number,
): number | undefined {
  // Fill runs from the edge inwards, along row `i` (from the corner's side edge) or column `i`,
  // to a fraction of a pixel: the first pixel past the run is read as a blend of the fill and the
  // pixel after it (a turn's resampling blends the picture's edge into the fill).
  const run = (x: number, y: number, stepX: number, stepY: number, limit: number) => {
    let n = 0;
    while (n < limit && difference(x + stepX * n, y + stepY * n) <= tolerance) n++;
    if (n + 1 >= limit) return n;
    const edge = difference(x + stepX * n, y + stepY * n);
    const beyond = difference(x + stepX * (n + 1), y + stepY * (n + 1));
    return beyond > edge ? n + 1 - edge / beyond : n;
  };
  const rowRun = (i: number) => run(x0, y0 + dy * i, dx, 0, width);
  const columnRun = (i: number) => run(x0 + dx * i, y0, 0, dy, height);
  // One pixel in from the edge: on the edge itself, where the turned picture's corner touches it,
  // the run can pass through into the next corner's triangle.
  const across = rowRun(1);
  const down = columnRun(1);
  if (across < 1 || down < 1 || across >= width - 1 || down >= height - 1) return undefined;
  const horizontal = across <= down; // the short leg lies along the row: runs are taken across rows
  const longLeg = horizontal ? down : across;
  const count = Math.floor(longLeg * 0.7);
  if (count < MIN_RUNS) return undefined;
  const runs = new Float64Array(count);
  for (let i = 0; i < count; i++) runs[i] = horizontal ? rowRun(i + 1) : columnRun(i + 1);
  // Fitted twice: the second time without the runs far off the first line (where the picture's
  // own pixels near the edge have the fill's colour and lengthen a run).
  const first = fitLine(runs, undefined);
  const kept = runs.map((run, i) => (Math.abs(run - first.at(i)) <= OUTLIER ? 1 : 0));
  let keptCount = 0;
  for (const k of kept) keptCount += k;
  if (keptCount < count * MIN_KEPT) return undefined;
  const line = fitLine(runs, kept);
  const slope = line.slope;
  if (!(slope < 0) || line.residual > MAX_RESIDUAL) return undefined; // runs must shrink, straight
  const degrees = (Math.atan(-slope) * 180) / Math.PI;
  // Turned clockwise, the top-left and bottom-right corners' short legs lie along the rows.
  const mainDiagonal = dx === dy;
  return horizontal === mainDiagonal ? degrees : -degrees;
}

/** Least-squares line run = intercept + slope * i through the kept runs, and their RMS distance from it. */
function fitLine(
  runs: Float64Array,
  kept: Float64Array | undefined,
): { slope: number; residual: number; at: (i: number) => number } {
  let n = 0;
  let sumI = 0;
  let sumR = 0;
  let sumII = 0;
  let sumIR = 0;
  for (let i = 0; i < runs.length; i++) {
    if (kept && !kept[i]) continue;
    const run = runs[i]!;
    n++;
    sumI += i;
    sumR += run;
    sumII += i * i;
    sumIR += i * run;
  }
  const slope = (n * sumIR - sumI * sumR) / (n * sumII - sumI * sumI);
  const intercept = (sumR - slope * sumI) / n;
  const at = (i: number) => intercept + slope * i;
  let squares = 0;
  for (let i = 0; i < runs.length; i++) {
    if (kept && !kept[i]) continue;
    const off = runs[i]! - at(i);
    squares += off * off;
  }
  return { slope, residual: Math.sqrt(squares / n), at };
}

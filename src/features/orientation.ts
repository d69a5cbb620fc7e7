/**
 * A keypoint's orientation by the intensity centroid (Rosin; used by ORB): the direction from the
 * keypoint to the centre of mass of the grey values in a disc around it. Turning the picture turns
 * that direction with it, so descriptors steered by it compare across rotations.
 */
import type { GreyPlane } from './grey.js';
import { PATTERN_RADIUS } from './pattern.js';

/** Radius of the disc the centroid is taken over: the descriptor's own patch. */
export const ORIENTATION_RADIUS: number = PATTERN_RADIUS;

/** Half-width of the disc at each row offset 0..radius. */
const halfWidths: Int32Array = (() => {
  const out = new Int32Array(ORIENTATION_RADIUS + 1);
  for (let dy = 0; dy <= ORIENTATION_RADIUS; dy++) {
    out[dy] = Math.floor(Math.sqrt((ORIENTATION_RADIUS + 0.5) ** 2 - dy * dy));
  }
  return out;
})();

/**
 * The intensity-centroid angle at (x, y), radians in (-pi, pi], y pointing down (0 when the disc
 * is flat). (x, y) must be at least ORIENTATION_RADIUS from every edge.
 */
export function centroidAngle(plane: GreyPlane, x: number, y: number): number {
  const { width, data } = plane;
  let m10 = 0;
  let m01 = 0;
  for (let dy = -ORIENTATION_RADIUS; dy <= ORIENTATION_RADIUS; dy++) {
    const half = halfWidths[Math.abs(dy)]!;
    const row = (y + dy) * width + x;
    let sum = 0;
    for (let dx = -half; dx <= half; dx++) {
      const v = data[row + dx]!;
      m10 += dx * v;
      sum += v;
    }
    m01 += dy * sum;
  }
  return Math.atan2(m01, m10);
}

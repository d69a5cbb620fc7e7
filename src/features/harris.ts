/**
 * Harris and Stephens' corner measure, used to rank FAST corners: FAST also fires along edges and
 * its own score is not comparable between pictures of different contrast, while the Harris
 * response is high only where the gradient varies in two directions.
 */
import type { GreyPlane } from './grey.js';

/** Harris' sensitivity constant (the usual 0.04). */
export const HARRIS_K = 0.04;
/** Half-size of the window the gradients are summed over (7x7 pixels). */
export const HARRIS_RADIUS = 3;

/**
 * The Harris response det(M) - k trace(M)^2 at (x, y), M summing the outer products of the Sobel
 * gradients over a (2 * HARRIS_RADIUS + 1)^2 window. (x, y) must be at least HARRIS_RADIUS + 1
 * from every edge. Scaled to be independent of the window size.
 */
export function harrisAt(plane: GreyPlane, x: number, y: number): number {
  const { width, data } = plane;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let dy = -HARRIS_RADIUS; dy <= HARRIS_RADIUS; dy++) {
    let p = (y + dy) * width + x - HARRIS_RADIUS;
    for (let dx = -HARRIS_RADIUS; dx <= HARRIS_RADIUS; dx++, p++) {
      const gx =
        data[p - width + 1]! +
        2 * data[p + 1]! +
        data[p + width + 1]! -
        data[p - width - 1]! -
        2 * data[p - 1]! -
        data[p + width - 1]!;
      const gy =
        data[p + width - 1]! +
        2 * data[p + width]! +
        data[p + width + 1]! -
        data[p - width - 1]! -
        2 * data[p - width]! -
        data[p - width + 1]!;
      xx += gx * gx;
      yy += gy * gy;
      xy += gx * gy;
    }
  }
  const n = (2 * HARRIS_RADIUS + 1) ** 2 * 16; // window pixels x Sobel gain squared
  xx /= n;
  yy /= n;
  xy /= n;
  return xx * yy - xy * xy - HARRIS_K * (xx + yy) ** 2;
}

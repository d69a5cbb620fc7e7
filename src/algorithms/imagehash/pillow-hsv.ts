/**
 * Pillow's `Image.convert('HSV')` hue and saturation (`libImaging/Convert.c`, `rgb2hsv_row`),
 * bit for bit. Pillow mixes float32 and double arithmetic here, and the 8-bit results are
 * truncated, so each step is rounded the way the C source rounds it:
 * - `s = (float)(max - min) / (float)max`, `rc = (float)(max - r) / cr`, ... in float32;
 * - `h = bc - gc` in float32, but `2.0 + rc - bc` and `4.0 + gc - rc` in double, stored as float32;
 * - `h = fmod(h / 6.0 + 1.0, 1.0)` in double, stored as float32;
 * - `H = (int)(h * 255.0)`, `S = (int)(s * 255.0)`, both in double and truncated.
 * Grey pixels (max == min) get H = S = 0; grey and grey+alpha images are all grey.
 */

const f32 = Math.fround;

/** Pillow's S (0..255) for one RGB pixel: `(int)((float)(max - min) / max * 255.0)`. */
export function pillowSaturation(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max === min) return 0;
  return Math.min(255, Math.trunc(f32((max - min) / max) * 255.0));
}

/** Pillow's H (0..255) for one RGB pixel (0 for greys). */
export function pillowHue(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max === min) return 0;
  const cr = max - min; // exact in float32
  const rc = f32((max - r) / cr);
  const gc = f32((max - g) / cr);
  const bc = f32((max - b) / cr);
  let h: number;
  if (r === max) h = f32(bc - gc);
  else if (g === max) h = f32(2.0 + rc - bc);
  else h = f32(4.0 + gc - rc);
  h = f32((h / 6.0 + 1.0) % 1.0);
  return Math.min(255, Math.max(0, Math.trunc(h * 255.0)));
}

/** Pillow's H and S for one RGB pixel, packed as `h << 8 | s`. */
export function pillowHueSaturation(r: number, g: number, b: number): number {
  return (pillowHue(r, g, b) << 8) | pillowSaturation(r, g, b);
}

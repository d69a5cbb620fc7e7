/**
 * Reading an ImageBitmap's pixels back without changing them. A 2D canvas is exact for opaque
 * pixels, but it stores colours premultiplied by alpha, so translucent pixels come back rounded
 * (and fully transparent ones black). Those images are read again through a WebGL2 texture
 * uploaded without premultiplication, which returns the decoded bytes as they are.
 */
import { ImprintError } from '../core/errors.js';

/** RGBA pixels of a bitmap, and whether they are exactly the decoded values. */
export interface BitmapPixels {
  readonly width: number;
  readonly height: number;
  /** RGBA, row-major, 4 bytes per pixel, straight (not premultiplied) alpha. */
  readonly data: Uint8Array | Uint8ClampedArray;
  /**
   * False only when the image has translucent pixels and WebGL2 was unavailable: their colours
   * then went through the canvas' premultiplied storage and may be off by a few levels.
   */
  readonly exact: boolean;
}

/** A canvas the size of the image: an OffscreenCanvas (workers too), else a DOM canvas. */
function makeCanvas(width: number, height: number): OffscreenCanvas | HTMLCanvasElement {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  if (typeof document !== 'undefined') {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    return canvas;
  }
  throw new ImprintError(
    'ERR_UNSUPPORTED_ENVIRONMENT',
    'Reading pixels needs OffscreenCanvas or a DOM canvas',
  );
}

/**
 * The pixels of `bitmap` as RGBA, at its own size (the canvas never resizes). Decode the bitmap
 * with `{ colorSpaceConversion: 'none', premultiplyAlpha: 'none' }` for reference-exact pixels.
 *
 * @example
 * ```ts
 * const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
 * const { width, height, data } = readBitmapPixels(bitmap);
 * ```
 */
export function readBitmapPixels(bitmap: ImageBitmap): BitmapPixels {
  const { width, height } = bitmap;
  const canvas = makeCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true, alpha: true }) as
    | OffscreenCanvasRenderingContext2D
    | CanvasRenderingContext2D
    | null;
  if (!context) throw new ImprintError('ERR_UNSUPPORTED_ENVIRONMENT', 'No 2D canvas context is available');
  context.drawImage(bitmap, 0, 0);
  const { data } = context.getImageData(0, 0, width, height);
  if (isOpaque(data)) return { width, height, data, exact: true };
  const straight = readThroughWebGl(bitmap);
  return straight ? { width, height, data: straight, exact: true } : { width, height, data, exact: false };
}

function isOpaque(rgba: Uint8ClampedArray): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false;
  return true;
}

/** One WebGL2 context per page or worker, made on first need (browsers cap how many may live). */
let gl: WebGL2RenderingContext | null | undefined;

function webGl(): WebGL2RenderingContext | null {
  if (gl === undefined || gl?.isContextLost()) {
    try {
      const canvas = typeof OffscreenCanvas === 'undefined' ? undefined : new OffscreenCanvas(1, 1);
      gl =
        (canvas?.getContext('webgl2', {
          premultipliedAlpha: false,
          antialias: false,
          depth: false,
          stencil: false,
        }) as WebGL2RenderingContext | null) ?? null;
    } catch {
      gl = null;
    }
  }
  return gl;
}

/** The bitmap's straight-alpha RGBA through a WebGL2 texture, or undefined when that is not possible. */
function readThroughWebGl(bitmap: ImageBitmap): Uint8Array | undefined {
  const g = webGl();
  if (!g) return undefined;
  const { width, height } = bitmap;
  const maxSide = g.getParameter(g.MAX_TEXTURE_SIZE) as number;
  if (width > maxSide || height > maxSide) return undefined;
  const texture = g.createTexture();
  const framebuffer = g.createFramebuffer();
  try {
    g.getError(); // clear an error left by earlier work, so the check below is about this read
    g.bindTexture(g.TEXTURE_2D, texture);
    g.pixelStorei(g.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    g.pixelStorei(g.UNPACK_FLIP_Y_WEBGL, false);
    g.pixelStorei(g.UNPACK_COLORSPACE_CONVERSION_WEBGL, g.NONE);
    g.texImage2D(g.TEXTURE_2D, 0, g.RGBA8, g.RGBA, g.UNSIGNED_BYTE, bitmap);
    g.bindFramebuffer(g.FRAMEBUFFER, framebuffer);
    g.framebufferTexture2D(g.FRAMEBUFFER, g.COLOR_ATTACHMENT0, g.TEXTURE_2D, texture, 0);
    if (g.checkFramebufferStatus(g.FRAMEBUFFER) !== g.FRAMEBUFFER_COMPLETE) return undefined;
    const out = new Uint8Array(width * height * 4);
    g.pixelStorei(g.PACK_ALIGNMENT, 1);
    // Texture row 0 is the image's top row and readPixels returns row 0 first: no flip needed.
    g.readPixels(0, 0, width, height, g.RGBA, g.UNSIGNED_BYTE, out);
    return g.getError() === g.NO_ERROR ? out : undefined;
  } catch {
    return undefined;
  } finally {
    g.bindFramebuffer(g.FRAMEBUFFER, null);
    g.bindTexture(g.TEXTURE_2D, null);
    g.deleteFramebuffer(framebuffer);
    g.deleteTexture(texture);
  }
}
